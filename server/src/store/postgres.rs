//! PostgreSQL: for a deployment that many trusts or a whole region share.

use domain::api::UnitInfo;
use sqlx::postgres::{PgPool, PgPoolOptions};
use uuid::Uuid;

use super::sql::impl_store;
use super::{
    CoreServiceRecord, GrantRecord, NewUnit, NewUser, SessionRecord, SiteRecord, StoreError,
    TemplateRecord, TrustRecord, UserRecord, conflict_as,
};

/// The PostgreSQL implementation of [`super::Store`].
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    const MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

    /// Connects to a `postgres://` URL.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        Ok(PostgresStore { pool })
    }
}

impl PostgresStore {
    /// PostgreSQL commits are durable already (`synchronous_commit = on`, the default).
    async fn set_durable(
        _conn: &mut sqlx::pool::PoolConnection<sqlx::Postgres>,
        _durable: bool,
    ) -> Result<(), StoreError> {
        Ok(())
    }
}

impl_store!(PostgresStore);
