//! The audit trail as kept: appending an entry to its trust's chain (on the transaction of the
//! change it records), reading a chain back in order, and redacting an entry's content.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use super::db::{Db, Tx, run};
use crate::audit::chain::{self, Entry, GENESIS};

/// What a new entry says; the chain adds its place and hashes.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub trust_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub subject_id: Option<Uuid>,
    /// Before and after, as JSON.
    pub content: &'a serde_json::Value,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    trust_id: Uuid,
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    action: String,
    subject_id: Option<Uuid>,
    content: Option<String>,
    content_digest: String,
    prev_hash: String,
    hash: String,
}

impl From<EntryRow> for Entry {
    fn from(r: EntryRow) -> Entry {
        Entry {
            trust_id: r.trust_id,
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            action: r.action,
            subject_id: r.subject_id,
            content: r.content,
            content_digest: r.content_digest,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// The audit trail.
#[async_trait]
pub trait AuditStore {
    /// Up to `limit` entries of the trust's chain from `from_seq`, in order.
    async fn audit_entries(
        &self,
        trust_id: Uuid,
        from_seq: i64,
        limit: i64,
    ) -> Result<Vec<Entry>, StoreError>;
    /// The trust's entries written in `[from, until)`, in order.
    async fn audit_entries_between(
        &self,
        trust_id: Uuid,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Entry>, StoreError>;
    /// The trust's last entry (seq and hash), if it has any.
    async fn audit_head(&self, trust_id: Uuid) -> Result<Option<(i64, String)>, StoreError>;
    /// Every trust that has a chain.
    async fn audit_trusts(&self) -> Result<Vec<Uuid>, StoreError>;
    /// Removes an entry's content (its digest and hash stay, so the chain still verifies).
    async fn redact_audit(
        &self,
        trust_id: Uuid,
        seq: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

impl Tx {
    /// Appends an entry to its trust's chain and returns it, on the transaction of the change
    /// it records: the entry commits with the change or not at all. Only a transaction may
    /// append, because the head row's lock must be held from reading the head to moving it
    /// (statements committed one by one could fork the chain).
    pub async fn append_audit(&self, new: &NewEntry<'_>) -> Result<Entry, StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO audit_heads (trust_id, seq, hash) VALUES ($1, 0, $2) \
             ON CONFLICT (trust_id) DO NOTHING"
        )
        .bind(new.trust_id)
        .bind(GENESIS)
        .execute(&mut *c)
        .await?
        .rows_affected());
        // Moving the head locks its row until commit: a concurrent writer waits here and then
        // reads this entry as its predecessor.
        let (seq, prev): (i64, String) = run!(self, |c| sqlx::query_as(
            "UPDATE audit_heads SET seq = seq + 1 WHERE trust_id = $1 RETURNING seq, hash"
        )
        .bind(new.trust_id)
        .fetch_one(&mut *c)
        .await?);
        let content = new.content.to_string();
        let mut entry = Entry {
            trust_id: new.trust_id,
            seq,
            at: chain::moment(new.at),
            actor_id: new.actor_id,
            action: new.action.to_owned(),
            subject_id: new.subject_id,
            content_digest: chain::digest(&content),
            content: Some(content),
            prev_hash: prev,
            hash: String::new(),
        };
        entry.hash = chain::entry_hash(&entry.prev_hash, &entry);
        run!(self, |c| sqlx::query(
            "INSERT INTO audit_log (trust_id, seq, at, actor_id, action, subject_id, content, \
             content_digest, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )
        .bind(entry.trust_id)
        .bind(entry.seq)
        .bind(entry.at)
        .bind(entry.actor_id)
        .bind(&entry.action)
        .bind(entry.subject_id)
        .bind(&entry.content)
        .bind(&entry.content_digest)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *c)
        .await?
        .rows_affected());
        run!(self, |c| sqlx::query(
            "UPDATE audit_heads SET hash = $1 WHERE trust_id = $2"
        )
        .bind(&entry.hash)
        .bind(entry.trust_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(entry)
    }
}

#[async_trait]
impl<T: Db + ?Sized> AuditStore for T {
    async fn audit_entries(
        &self,
        trust_id: Uuid,
        from_seq: i64,
        limit: i64,
    ) -> Result<Vec<Entry>, StoreError> {
        let rows: Vec<EntryRow> = run!(self, |c| sqlx::query_as(
            "SELECT trust_id, seq, at, actor_id, action, subject_id, content, content_digest, \
             prev_hash, hash FROM audit_log WHERE trust_id = $1 AND seq >= $2 \
             ORDER BY seq LIMIT $3"
        )
        .bind(trust_id)
        .bind(from_seq)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?);
        Ok(rows.into_iter().map(Entry::from).collect())
    }

    async fn audit_entries_between(
        &self,
        trust_id: Uuid,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Entry>, StoreError> {
        let rows: Vec<EntryRow> = run!(self, |c| sqlx::query_as(
            "SELECT trust_id, seq, at, actor_id, action, subject_id, content, content_digest, \
             prev_hash, hash FROM audit_log WHERE trust_id = $1 AND at >= $2 AND at < $3 \
             ORDER BY seq"
        )
        .bind(trust_id)
        .bind(from)
        .bind(until)
        .fetch_all(&mut *c)
        .await?);
        Ok(rows.into_iter().map(Entry::from).collect())
    }

    async fn audit_head(&self, trust_id: Uuid) -> Result<Option<(i64, String)>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT seq, hash FROM audit_log WHERE trust_id = $1 ORDER BY seq DESC LIMIT 1"
        )
        .bind(trust_id)
        .fetch_optional(&mut *c)
        .await?))
    }

    async fn audit_trusts(&self) -> Result<Vec<Uuid>, StoreError> {
        Ok(run!(self, |c| sqlx::query_scalar(
            "SELECT DISTINCT trust_id FROM audit_log ORDER BY trust_id"
        )
        .fetch_all(&mut *c)
        .await?))
    }

    async fn redact_audit(
        &self,
        trust_id: Uuid,
        seq: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done = run!(self, |c| sqlx::query(
            "UPDATE audit_log SET content = NULL, redacted_at = $1 \
             WHERE trust_id = $2 AND seq = $3"
        )
        .bind(at)
        .bind(trust_id)
        .bind(seq)
        .execute(&mut *c)
        .await?
        .rows_affected());
        super::found(done)
    }
}
