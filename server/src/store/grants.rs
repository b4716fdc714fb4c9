//! Grants: time-limited access for a reviewer of a buddy trust.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::grant::ReviewerAccess;
use uuid::Uuid;

use super::db::{Db, run};
use super::{StoreError, conflict_as, found};

/// Time-limited access for a reviewer of another trust.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GrantRecord {
    pub id: Uuid,
    /// The trust whose data the reviewer may see.
    pub trust_id: Uuid,
    pub reviewer_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Review grants given by trusts.
#[async_trait]
pub trait GrantStore {
    async fn create_grant(&self, grant: &GrantRecord, now: DateTime<Utc>)
    -> Result<(), StoreError>;
    /// Trusts the reviewer holds a grant for on `today`.
    async fn granted_trusts(
        &self,
        reviewer_id: Uuid,
        today: NaiveDate,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Ends a grant on `ends_on` (kept, not deleted, so the record of access stays).
    async fn end_grant(&self, grant_id: Uuid, ends_on: NaiveDate) -> Result<(), StoreError>;
    /// Grants given by a trust.
    async fn grants_of_trust(&self, trust_id: Uuid) -> Result<Vec<GrantRecord>, StoreError>;
    /// A reviewer's grants with the granting trust's name, latest ending first.
    async fn grants_of_reviewer(
        &self,
        reviewer_id: Uuid,
    ) -> Result<Vec<ReviewerAccess>, StoreError>;
}

#[async_trait]
impl<T: Db + ?Sized> GrantStore for T {
    async fn create_grant(&self, g: &GrantRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO buddy_grants (id, trust_id, reviewer_id, starts_on, ends_on, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(g.id)
        .bind(g.trust_id)
        .bind(g.reviewer_id)
        .bind(g.starts_on)
        .bind(g.ends_on)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(conflict_as("this grant already exists"))?
        .rows_affected());
        Ok(())
    }

    async fn granted_trusts(
        &self,
        reviewer_id: Uuid,
        today: NaiveDate,
    ) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT DISTINCT trust_id FROM buddy_grants \
             WHERE reviewer_id = $1 AND starts_on <= $2 AND ends_on >= $2"
        )
        .bind(reviewer_id)
        .bind(today)
        .fetch_all(&mut *c)
        .await?);
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn end_grant(&self, grant_id: Uuid, ends_on: NaiveDate) -> Result<(), StoreError> {
        let done = run!(self, |c| sqlx::query(
            "UPDATE buddy_grants SET ends_on = $1 WHERE id = $2"
        )
        .bind(ends_on)
        .bind(grant_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        found(done)
    }

    async fn grants_of_trust(&self, trust_id: Uuid) -> Result<Vec<GrantRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, reviewer_id, starts_on, ends_on FROM buddy_grants \
             WHERE trust_id = $1 ORDER BY starts_on"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn grants_of_reviewer(
        &self,
        reviewer_id: Uuid,
    ) -> Result<Vec<ReviewerAccess>, StoreError> {
        let rows: Vec<(Uuid, String, NaiveDate, NaiveDate)> = run!(self, |c| sqlx::query_as(
            "SELECT g.trust_id, t.name, g.starts_on, g.ends_on FROM buddy_grants g \
             JOIN trusts t ON t.id = g.trust_id WHERE g.reviewer_id = $1 \
             ORDER BY g.ends_on DESC, g.starts_on DESC"
        )
        .bind(reviewer_id)
        .fetch_all(&mut *c)
        .await?);
        Ok(rows
            .into_iter()
            .map(
                |(trust_id, trust_name, starts_on, ends_on)| ReviewerAccess {
                    trust_id,
                    trust_name,
                    starts_on,
                    ends_on,
                },
            )
            .collect())
    }
}
