//! Sync conflicts: a change id that arrived again with other content, kept for a trust admin.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::sync::Mutation;
use domain::sync::judge::Pusher;
use uuid::Uuid;

use super::db::{Db, run};
use super::{StoreError, found};

/// A kept conflict with what its mutation id applied first, for review.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ConflictRecord {
    pub seq: i64,
    pub mutation_id: Uuid,
    pub trust_id: Uuid,
    pub kind: String,
    /// JSON text of the version sent again.
    pub data: String,
    pub user_id: Uuid,
    pub user_name: String,
    pub device_id: Uuid,
    pub received_at: DateTime<Utc>,
    /// JSON text of what the mutation id applied first.
    pub applied_data: Option<String>,
    pub applied_by: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// Kept conflicts and how they were resolved.
#[async_trait]
pub trait ConflictStore {
    /// Keeps a mutation that reused an applied id with other content.
    async fn keep_conflict(
        &self,
        pusher: &Pusher,
        mutation: &Mutation,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Conflicts of a trust nobody has resolved yet, oldest first.
    async fn open_conflicts(&self, trust_id: Uuid) -> Result<Vec<ConflictRecord>, StoreError>;
    /// One conflict, resolved or not, whatever its trust: callers check scope.
    async fn conflict(&self, seq: i64) -> Result<Option<ConflictRecord>, StoreError>;
    /// Records how a conflict was resolved; `NotFound` when it was resolved already (inside a
    /// transaction, a second resolver waits for the first and then finds it resolved).
    async fn resolve_conflict(
        &self,
        seq: i64,
        by: Uuid,
        resolution: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

/// A kept conflict beside what its mutation id applied first; callers add `WHERE` on `c`.
const CONFLICT_SELECT: &str = "SELECT c.seq, c.mutation_id, c.trust_id, c.kind, \
     c.data, c.user_id, u.name AS user_name, c.device_id, c.received_at, \
     m.data AS applied_data, mu.name AS applied_by, m.received_at AS applied_at, c.resolved_at \
     FROM sync_conflicts c JOIN users u ON u.id = c.user_id \
     LEFT JOIN sync_mutations m ON m.id = c.mutation_id \
     LEFT JOIN users mu ON mu.id = m.user_id";

#[async_trait]
impl<T: Db + ?Sized> ConflictStore for T {
    async fn keep_conflict(
        &self,
        pusher: &Pusher,
        mutation: &Mutation,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let data = mutation.data.to_string();
        run!(self, |c| sqlx::query(
            "INSERT INTO sync_conflicts (mutation_id, trust_id, kind, data, user_id, device_id, \
             received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(mutation.id)
        .bind(pusher.trust_id)
        .bind(&mutation.kind)
        .bind(&data)
        .bind(pusher.user_id)
        .bind(pusher.device_id)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn open_conflicts(&self, trust_id: Uuid) -> Result<Vec<ConflictRecord>, StoreError> {
        let sql = format!(
            "{CONFLICT_SELECT} WHERE c.trust_id = $1 AND c.resolved_at IS NULL ORDER BY c.seq"
        );
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(trust_id)
            .fetch_all(&mut *c)
            .await?))
    }

    async fn conflict(&self, seq: i64) -> Result<Option<ConflictRecord>, StoreError> {
        let sql = format!("{CONFLICT_SELECT} WHERE c.seq = $1");
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(seq)
            .fetch_optional(&mut *c)
            .await?))
    }

    async fn resolve_conflict(
        &self,
        seq: i64,
        by: Uuid,
        resolution: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done = run!(self, |c| sqlx::query(
            "UPDATE sync_conflicts SET resolved_at = $1, resolved_by = $2, resolution = $3 \
             WHERE seq = $4 AND resolved_at IS NULL"
        )
        .bind(at)
        .bind(by)
        .bind(resolution)
        .bind(seq)
        .execute(&mut *c)
        .await?
        .rows_affected());
        found(done)
    }
}
