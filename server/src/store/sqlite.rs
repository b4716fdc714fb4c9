//! SQLite: the embedded default. WAL journal so readers never block the writer, foreign keys on,
//! and a busy timeout so concurrent writers queue instead of failing.

use std::str::FromStr;
use std::time::Duration;

use domain::api::UnitInfo;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use super::sql::impl_store;
use super::{
    CoreServiceRecord, GrantRecord, NewUnit, NewUser, SessionRecord, SiteRecord, StoreError,
    TemplateRecord, TrustRecord, UserRecord, conflict_as,
};

/// The SQLite implementation of [`super::Store`].
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    const MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

    /// Opens (creating if needed) the database at a `sqlite://` URL.
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool })
    }
}

impl SqliteStore {
    /// Sync pushes are acknowledged only once on disk: `synchronous = FULL` for that
    /// transaction (the rest of the app keeps WAL's `NORMAL`).
    async fn set_durable(
        conn: &mut sqlx::pool::PoolConnection<sqlx::Sqlite>,
        durable: bool,
    ) -> Result<(), StoreError> {
        let pragma = if durable {
            "PRAGMA synchronous = FULL"
        } else {
            "PRAGMA synchronous = NORMAL"
        };
        sqlx::query(pragma).execute(&mut **conn).await?;
        Ok(())
    }
}

impl_store!(SqliteStore);
