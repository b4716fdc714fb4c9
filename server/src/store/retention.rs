//! Retention settings per trust, and what is past them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::retention::Retention;
use uuid::Uuid;

use super::StoreError;
use super::db::{Db, run};
use super::photos::PhotoRecord;

/// A trust's retention as kept, with who changed it last.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RetentionRecord {
    pub evidence_years: i32,
    pub photo_years: i32,
    pub log_years: i32,
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
}

impl RetentionRecord {
    /// The periods it keeps.
    pub fn retention(&self) -> Retention {
        let years = |n: i32| u32::try_from(n).unwrap_or(domain::retention::MIN_YEARS);
        Retention {
            evidence_years: years(self.evidence_years),
            photo_years: years(self.photo_years),
            log_years: years(self.log_years),
        }
    }
}

/// Retention.
#[async_trait]
pub trait RetentionStore {
    /// The trust's settings; `None` while it keeps the defaults.
    async fn retention_of(&self, trust_id: Uuid) -> Result<Option<RetentionRecord>, StoreError>;
    /// Sets the trust's periods (checked by the caller).
    async fn set_retention(
        &self,
        trust_id: Uuid,
        retention: &Retention,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Every trust that holds photos not yet removed.
    async fn trusts_keeping_photos(&self) -> Result<Vec<Uuid>, StoreError>;
    /// The trust's photos not yet removed that arrived before `before`, oldest first, at most
    /// `limit`.
    async fn photos_before(
        &self,
        trust_id: Uuid,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PhotoRecord>, StoreError>;
}

#[async_trait]
impl<T: Db + ?Sized> RetentionStore for T {
    async fn retention_of(&self, trust_id: Uuid) -> Result<Option<RetentionRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT r.evidence_years, r.photo_years, r.log_years, u.name AS changed_by_name, \
             r.changed_at FROM retention_settings r JOIN users u ON u.id = r.changed_by \
             WHERE r.trust_id = $1"
        )
        .bind(trust_id)
        .fetch_optional(&mut *c)
        .await?))
    }

    async fn set_retention(
        &self,
        trust_id: Uuid,
        retention: &Retention,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let years = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        run!(self, |c| sqlx::query(
            "INSERT INTO retention_settings (trust_id, evidence_years, photo_years, log_years, \
             changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (trust_id) DO UPDATE SET evidence_years = excluded.evidence_years, \
             photo_years = excluded.photo_years, log_years = excluded.log_years, \
             changed_by = excluded.changed_by, changed_at = excluded.changed_at"
        )
        .bind(trust_id)
        .bind(years(retention.evidence_years))
        .bind(years(retention.photo_years))
        .bind(years(retention.log_years))
        .bind(by)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn trusts_keeping_photos(&self) -> Result<Vec<Uuid>, StoreError> {
        Ok(run!(self, |c| sqlx::query_scalar(
            "SELECT DISTINCT trust_id FROM photos WHERE removed_at IS NULL ORDER BY trust_id"
        )
        .fetch_all(&mut *c)
        .await?))
    }

    async fn photos_before(
        &self,
        trust_id: Uuid,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PhotoRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, uploaded_by, sha256, image_key, thumbnail_key, width, \
             height, created_at, removed_at FROM photos \
             WHERE trust_id = $1 AND created_at < $2 AND removed_at IS NULL \
             ORDER BY created_at, id LIMIT $3"
        )
        .bind(trust_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?))
    }
}
