//! Redacted notes: which records' notes a trust admin blanked, and the blanking itself in
//! every place the server kept the words (the record, the pushed changes behind its history,
//! kept conflicts and the audit trail's content).

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use super::db::{Db, run};

/// The tables whose rows carry a note, each a record of an inspection.
const NOTED: [&str; 3] = ["findings", "interviews", "evidence_replies"];

/// A record with a note, as redaction needs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotedRecord {
    pub trust_id: Uuid,
    /// Whether its inspection is finished (`submitted`): only then is a finding's or an
    /// interview's note settled.
    pub finished: bool,
    /// Whether it is a reply (written once, never changed).
    pub reply: bool,
    /// When its note was redacted, if it was.
    pub redacted_at: Option<DateTime<Utc>>,
}

/// Note redaction.
#[async_trait]
pub trait RedactionStore {
    /// The finding, interview or reply with this id, whatever its trust: callers check scope.
    async fn noted_record(&self, id: Uuid) -> Result<Option<NotedRecord>, StoreError>;
    /// Records the redaction and blanks the note everywhere it was kept: `false` (and nothing
    /// changed) when it was redacted already. Call it on a transaction.
    async fn redact_note(
        &self,
        trust_id: Uuid,
        id: Uuid,
        by: Uuid,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// The notes redacted that devices of `user_id` (of `trust_id`) may hold: the trust's, and
    /// those of the user's inspections in another trust, newest first.
    async fn redacted_notes_for(
        &self,
        trust_id: Uuid,
        user_id: Uuid,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Which of `ids` have a redacted note.
    async fn redacted_among(&self, ids: &[Uuid]) -> Result<HashSet<Uuid>, StoreError>;
}

#[async_trait]
impl<T: Db + ?Sized> RedactionStore for T {
    async fn noted_record(&self, id: Uuid) -> Result<Option<NotedRecord>, StoreError> {
        let sql = NOTED
            .iter()
            .map(|table| {
                format!(
                    "SELECT i.trust_id, i.status = 'submitted' AS finished, \
                     {reply} AS reply, n.redacted_at FROM {table} r \
                     JOIN inspections i ON i.id = r.inspection_id \
                     LEFT JOIN note_redactions n ON n.record_id = r.id WHERE r.id = $1",
                    reply = table == &"evidence_replies"
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?))
    }

    async fn redact_note(
        &self,
        trust_id: Uuid,
        id: Uuid,
        by: Uuid,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let claimed = run!(self, |c| sqlx::query(
            "INSERT INTO note_redactions (record_id, trust_id, redacted_by, reason, \
             redacted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (record_id) DO NOTHING"
        )
        .bind(id)
        .bind(trust_id)
        .bind(by)
        .bind(reason)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        if claimed != 1 {
            return Ok(false);
        }
        for table in NOTED {
            let sql = format!("UPDATE {table} SET note = '' WHERE id = $1");
            run!(self, |c| sqlx::query(&sql)
                .bind(id)
                .execute(&mut *c)
                .await?
                .rows_affected());
        }
        // Every value the record had, as pushed: its history names the changes.
        let pushed: Vec<(Uuid, String)> = run!(self, |c| sqlx::query_as(
            "SELECT m.id, m.data FROM sync_mutations m \
             JOIN record_history h ON h.mutation_id = m.id WHERE h.record_id = $1"
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?);
        for (mutation_id, data) in pushed {
            if let Some(blank) = without_note(&data, id) {
                run!(self, |c| sqlx::query(
                    "UPDATE sync_mutations SET data = $1 WHERE id = $2"
                )
                .bind(&blank)
                .bind(mutation_id)
                .execute(&mut *c)
                .await?
                .rows_affected());
            }
        }
        // Ids as a device sent them: matched whatever their case. A buddy reviewer's conflict is
        // kept under their own trust, so every trust's are looked at (ids are unique).
        let pattern = format!("%{id}%");
        let kept: Vec<(i64, String)> = run!(self, |c| sqlx::query_as(
            "SELECT seq, data FROM sync_conflicts WHERE LOWER(data) LIKE $1"
        )
        .bind(&pattern)
        .fetch_all(&mut *c)
        .await?);
        for (seq, data) in kept {
            if let Some(blank) = without_note(&data, id) {
                run!(self, |c| sqlx::query(
                    "UPDATE sync_conflicts SET data = $1 WHERE seq = $2"
                )
                .bind(&blank)
                .bind(seq)
                .execute(&mut *c)
                .await?
                .rows_affected());
            }
        }
        // The log's content goes whole (its digest and hash stay, so the chain verifies).
        run!(self, |c| sqlx::query(
            "UPDATE audit_log SET content = NULL, redacted_at = $1 \
             WHERE trust_id = $2 AND LOWER(content) LIKE $3"
        )
        .bind(at)
        .bind(trust_id)
        .bind(&pattern)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(true)
    }

    async fn redacted_notes_for(
        &self,
        trust_id: Uuid,
        user_id: Uuid,
    ) -> Result<Vec<Uuid>, StoreError> {
        let limit = i64::try_from(domain::redaction::MAX_REDACTED_IN_PULL).unwrap_or(i64::MAX);
        let rows: Vec<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT n.record_id FROM note_redactions n WHERE n.trust_id = $1 OR EXISTS \
             (SELECT 1 FROM findings f JOIN inspections i ON i.id = f.inspection_id \
             WHERE f.id = n.record_id AND i.user_id = $2) \
             ORDER BY n.redacted_at DESC, n.record_id LIMIT $3"
        )
        .bind(trust_id)
        .bind(user_id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?);
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn redacted_among(&self, ids: &[Uuid]) -> Result<HashSet<Uuid>, StoreError> {
        super::sync::ids_among(
            self,
            "SELECT record_id FROM note_redactions WHERE record_id IN ({})",
            ids,
        )
        .await
    }
}

/// A pushed change's content with the record's note blanked, if it is that record's and has
/// words in its note.
fn without_note(data: &str, id: Uuid) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(data).ok()?;
    let named = value.get("id").and_then(|v| v.as_str());
    let is_it = named.and_then(|v| Uuid::parse_str(v).ok()) == Some(id);
    let has_words = value
        .get("note")
        .and_then(|v| v.as_str())
        .is_some_and(|n| !n.is_empty());
    if !is_it || !has_words {
        return None;
    }
    value["note"] = serde_json::Value::String(String::new());
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_records_own_note_is_blanked() {
        let id = Uuid::from_u128(7);
        let data = serde_json::json!({"id": id, "note": "Mrs J Smith, bed 4", "response": "met"});
        let blank = without_note(&data.to_string(), id).unwrap_or_default();
        let blank: serde_json::Value = serde_json::from_str(&blank).unwrap_or_default();
        assert_eq!(blank["note"], "");
        assert_eq!(blank["response"], "met");
        assert_eq!(without_note(&data.to_string(), Uuid::from_u128(8)), None);
        assert_eq!(without_note(&blank.to_string(), id), None);
        // An id a device sent in capitals is the same record.
        let shouted = serde_json::json!({"id": id.to_string().to_uppercase(), "note": "Bed 4"});
        assert!(without_note(&shouted.to_string(), id).is_some());
    }
}
