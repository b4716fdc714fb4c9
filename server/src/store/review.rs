//! Evidence review as kept: the evidence a buddy reviewer may judge (findings of the trust's
//! own finished inspections, which never change, as readiness counts them now), the verdicts
//! given. A verdict moves the item's readiness row on in the same
//! transaction, so scores change with it and readiness as at an earlier day does not.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::StoreError;
use super::db::{Db, run};

/// An item of a trust's evidence, as it counts now.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewRow {
    pub record_id: Uuid,
    pub unit_id: Option<Uuid>,
    /// `mini_inspection` (the trust's own).
    pub source: String,
    /// The prompt answered.
    pub subject: String,
    /// The response code.
    pub value: String,
    pub on_date: NaiveDate,
    pub verdict: String,
    pub inspection_id: Uuid,
    pub note: String,
    /// A JSON array of ids.
    pub photo_ids: String,
}

/// A verdict as kept, with its reviewer's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VerdictRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub record_id: Uuid,
    pub status: String,
    pub comment: String,
    pub reviewer_id: Uuid,
    pub reviewer_name: String,
    pub created_at: DateTime<Utc>,
}

/// A doubt as the submitter reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DoubtRecord {
    pub id: Uuid,
    pub record_id: Uuid,
    pub inspection_id: Uuid,
    pub item_code: String,
    pub unit_name: String,
    /// What the submitter wrote with the finding.
    pub note: String,
    pub status: String,
    pub comment: String,
    pub reviewer_name: String,
    pub created_at: DateTime<Utc>,
}

/// A reply as kept, with its author's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReplyRecord {
    pub id: Uuid,
    pub record_id: Uuid,
    pub note: String,
    /// A JSON array of ids.
    pub photo_ids: String,
    pub author_name: String,
    pub received_at: DateTime<Utc>,
}

/// Evidence review.
#[async_trait]
pub trait ReviewStore {
    /// The trust's reviewable evidence as it counts now (optionally of one ward): findings of
    /// its own finished inspections, oldest first.
    async fn reviewable(
        &self,
        trust_id: Uuid,
        unit_id: Option<Uuid>,
    ) -> Result<Vec<ReviewRow>, StoreError>;
    /// One item of the trust's reviewable evidence.
    async fn reviewable_item(
        &self,
        trust_id: Uuid,
        record_id: Uuid,
    ) -> Result<Option<ReviewRow>, StoreError>;
    /// Every verdict given on the trust's evidence, oldest first.
    async fn verdicts_of_trust(&self, trust_id: Uuid) -> Result<Vec<VerdictRecord>, StoreError>;
    /// Records a verdict and gives the item's current readiness row the new status (the old
    /// row superseded today, a copy added): call it on a transaction.
    async fn record_verdict(&self, v: &VerdictRecord, today: NaiveDate) -> Result<(), StoreError>;
    /// Every reply about the trust's evidence, oldest first.
    async fn replies_of_trust(&self, trust_id: Uuid) -> Result<Vec<ReplyRecord>, StoreError>;
    /// The replies the user wrote about these records, oldest first.
    async fn replies_about(
        &self,
        user_id: Uuid,
        record_ids: &[Uuid],
    ) -> Result<Vec<ReplyRecord>, StoreError>;
    /// The newest verdict of each finding of the user's inspections, where it is challenged or
    /// insufficient, oldest first, at most `limit`.
    async fn open_doubts_of(
        &self,
        user_id: Uuid,
        limit: i64,
    ) -> Result<Vec<DoubtRecord>, StoreError>;
}

const REVIEWABLE: &str = "SELECT e.record_id, e.unit_id, e.source, e.subject, e.value, \
     e.on_date, e.verdict, f.inspection_id, f.note, f.photo_ids FROM readiness_evidence e \
     JOIN findings f ON f.id = e.record_id \
     JOIN inspections i ON i.id = f.inspection_id \
     WHERE e.trust_id = $1 AND e.superseded_on IS NULL \
     AND e.kind = 'finding' AND e.source = 'mini_inspection' AND i.status = 'submitted'";

const REPLIES: &str = "SELECT r.id, r.record_id, r.note, r.photo_ids, u.name AS author_name, \
     r.received_at FROM evidence_replies r JOIN users u ON u.id = r.user_id";

#[async_trait]
impl<T: Db + ?Sized> ReviewStore for T {
    async fn reviewable(
        &self,
        trust_id: Uuid,
        unit_id: Option<Uuid>,
    ) -> Result<Vec<ReviewRow>, StoreError> {
        let sql = if unit_id.is_some() {
            format!("{REVIEWABLE} AND e.unit_id = $2 ORDER BY e.on_date, e.seq")
        } else {
            format!("{REVIEWABLE} AND $2 IS NULL ORDER BY e.on_date, e.seq")
        };
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(trust_id)
            .bind(unit_id)
            .fetch_all(&mut *c)
            .await?))
    }

    async fn reviewable_item(
        &self,
        trust_id: Uuid,
        record_id: Uuid,
    ) -> Result<Option<ReviewRow>, StoreError> {
        let sql = format!("{REVIEWABLE} AND e.record_id = $2");
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(trust_id)
            .bind(record_id)
            .fetch_optional(&mut *c)
            .await?))
    }

    async fn verdicts_of_trust(&self, trust_id: Uuid) -> Result<Vec<VerdictRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT v.id, v.trust_id, v.record_id, v.status, v.comment, v.reviewer_id, \
             u.name AS reviewer_name, v.created_at FROM evidence_verdicts v \
             JOIN users u ON u.id = v.reviewer_id WHERE v.trust_id = $1 \
             ORDER BY v.created_at, v.id"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn record_verdict(&self, v: &VerdictRecord, today: NaiveDate) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO evidence_verdicts (id, trust_id, record_id, status, comment, \
             reviewer_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(v.id)
        .bind(v.trust_id)
        .bind(v.record_id)
        .bind(&v.status)
        .bind(&v.comment)
        .bind(v.reviewer_id)
        .bind(v.created_at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        super::readiness::reverdict(self, v.trust_id, v.record_id, &v.status, today).await
    }

    async fn replies_of_trust(&self, trust_id: Uuid) -> Result<Vec<ReplyRecord>, StoreError> {
        let sql = format!("{REPLIES} WHERE r.trust_id = $1 ORDER BY r.received_at, r.id");
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(trust_id)
            .fetch_all(&mut *c)
            .await?))
    }

    async fn replies_about(
        &self,
        user_id: Uuid,
        record_ids: &[Uuid],
    ) -> Result<Vec<ReplyRecord>, StoreError> {
        let mut replies = Vec::new();
        for chunk in record_ids.chunks(super::sync::ROWS_PER_STATEMENT) {
            let sql = format!(
                "{REPLIES} WHERE r.user_id = $1 AND r.record_id IN ({}) \
                 ORDER BY r.received_at, r.id",
                super::sync::placeholders(2, chunk.len())
            );
            let rows: Vec<ReplyRecord> = run!(self, |c| {
                let mut q = sqlx::query_as(&sql).bind(user_id);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(&mut *c).await?
            });
            replies.extend(rows);
        }
        Ok(replies)
    }

    async fn open_doubts_of(
        &self,
        user_id: Uuid,
        limit: i64,
    ) -> Result<Vec<DoubtRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT v.id, v.record_id, f.inspection_id, f.item_code, \
             n.name AS unit_name, f.note, v.status, v.comment, \
             u.name AS reviewer_name, v.created_at FROM evidence_verdicts v \
             JOIN users u ON u.id = v.reviewer_id \
             JOIN findings f ON f.id = v.record_id \
             JOIN inspections i ON i.id = f.inspection_id \
             JOIN units n ON n.id = i.unit_id \
             WHERE i.user_id = $1 \
             AND v.status IN ('challenged', 'insufficient') \
             AND NOT EXISTS (SELECT 1 FROM evidence_verdicts w WHERE w.record_id = v.record_id \
             AND (w.created_at > v.created_at OR (w.created_at = v.created_at AND w.id > v.id))) \
             ORDER BY v.created_at, v.id LIMIT $2"
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?))
    }
}
