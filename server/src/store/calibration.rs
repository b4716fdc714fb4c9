//! Calibration pairs as kept, and the inspections that are each one's half.

use async_trait::async_trait;
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::inspection::InspectionStatus;
use uuid::Uuid;

use super::StoreError;
use super::db::{Db, run};

/// Two inspectors asked to inspect one ward with one checklist within a window.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PairRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub unit_id: Uuid,
    pub template_id: Uuid,
    pub first_user_id: Uuid,
    pub second_user_id: Uuid,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub created_by: Uuid,
}

/// An inspection that may be one's half of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub started_at: DateTime<Utc>,
    pub status: InspectionStatus,
}

/// Calibration pairs.
#[async_trait]
pub trait CalibrationStore {
    async fn create_pair(&self, pair: &PairRecord, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// A trust's pairs, newest window first.
    async fn pairs_of_trust(&self, trust_id: Uuid) -> Result<Vec<PairRecord>, StoreError>;
    /// The pairs a user is one of whose window closed on or after `closed_since`.
    async fn pairs_of_user(
        &self,
        user_id: Uuid,
        closed_since: NaiveDate,
    ) -> Result<Vec<PairRecord>, StoreError>;
    /// The user's inspections of the ward with the checklist started around the window (a day
    /// either side; the caller keeps those started on its days in England), oldest first.
    async fn pair_candidates(
        &self,
        pair: &PairRecord,
        user_id: Uuid,
    ) -> Result<Vec<Candidate>, StoreError>;
}

#[async_trait]
impl<T: Db + ?Sized> CalibrationStore for T {
    async fn create_pair(&self, p: &PairRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO calibration_pairs (id, trust_id, unit_id, template_id, first_user_id, \
             second_user_id, opens_on, closes_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )
        .bind(p.id)
        .bind(p.trust_id)
        .bind(p.unit_id)
        .bind(p.template_id)
        .bind(p.first_user_id)
        .bind(p.second_user_id)
        .bind(p.opens_on)
        .bind(p.closes_on)
        .bind(p.created_by)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn pairs_of_trust(&self, trust_id: Uuid) -> Result<Vec<PairRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, unit_id, template_id, first_user_id, second_user_id, \
             opens_on, closes_on, created_by FROM calibration_pairs WHERE trust_id = $1 \
             ORDER BY opens_on DESC, id DESC"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn pairs_of_user(
        &self,
        user_id: Uuid,
        closed_since: NaiveDate,
    ) -> Result<Vec<PairRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, unit_id, template_id, first_user_id, second_user_id, \
             opens_on, closes_on, created_by FROM calibration_pairs \
             WHERE (first_user_id = $1 OR second_user_id = $1) AND closes_on >= $2"
        )
        .bind(user_id)
        .bind(closed_since)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn pair_candidates(
        &self,
        pair: &PairRecord,
        user_id: Uuid,
    ) -> Result<Vec<Candidate>, StoreError> {
        let midnight = |day: NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
        let from = midnight(pair.opens_on - Days::new(1));
        let until = midnight(pair.closes_on + Days::new(2));
        let rows: Vec<(Uuid, DateTime<Utc>, String)> = run!(self, |c| {
            sqlx::query_as(
            "SELECT id, started_at, status FROM inspections WHERE user_id = $1 AND unit_id = $2 \
             AND template_id = $3 AND started_at >= $4 AND started_at < $5 \
             ORDER BY started_at, id"
        )
        .bind(user_id)
        .bind(pair.unit_id)
        .bind(pair.template_id)
        .bind(from)
        .bind(until)
        .fetch_all(&mut *c)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, started_at, status)| Candidate {
                id,
                started_at,
                status: InspectionStatus::from_code(&status),
            })
            .collect())
    }
}
