//! Storage: one small interface per area, two databases behind them.
//!
//! SQLite (WAL) is the embedded default; PostgreSQL serves a shared deployment. Each area
//! (`org`, `identity`, `grants`, `templates`, `sync`, `readiness`, `photos`,
//! `conflicts`, `audit`, `calibration`, `review`, `redaction`, `retention`) declares its trait
//! and writes its SQL once in its own file; the [`db::run!`] macro compiles each statement for
//! both databases, since both accept `$n` placeholders and the same DML. Only the migrations
//! differ per database.
//!
//! Every area works on the [`Store`] (each call on its own pooled connection) and on a [`Tx`]
//! from [`Store::begin`], so a change and what it causes commit together or not at all.
//! Nothing here reads the clock: callers pass "now". Every method that reads trust data takes
//! the trust it is scoped to, or leaves scope to its caller and says so: scoping is decided by
//! the caller's memberships and grants in `crate::access`, never by what a client sends.

pub mod audit;
pub mod calibration;
pub mod conflicts;
pub(crate) mod db;
pub mod grants;
pub mod identity;
pub mod org;
pub mod photos;
pub mod readiness;
pub mod redaction;
pub mod retention;
pub mod review;
pub mod sync;
pub mod templates;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use audit::AuditStore;
pub use calibration::{CalibrationStore, PairRecord};
pub use conflicts::{ConflictRecord, ConflictStore};
pub use db::{Db, Tx};
pub use grants::{GrantRecord, GrantStore};
pub use identity::{IdentityStore, NewUser, SessionRecord, UserRecord};
pub use org::{CoreServiceRecord, NewUnit, OrgStore, SiteRecord, TrustRecord};
pub use photos::{PhotoRecord, PhotoRecords};
pub use readiness::{EvidenceDetail, EvidenceGroup, NoticeRecord, PublishedRecord, ReadinessStore};
pub use redaction::{NotedRecord, RedactionStore};
pub use retention::{RetentionRecord, RetentionStore};
pub use review::{DoubtRecord, ReplyRecord, ReviewRow, ReviewStore, VerdictRecord};
pub use sync::{HistoryEntry, SyncStore};
pub use templates::{TemplateRecord, TemplateStore};

/// Every area's interface, for `use crate::store::prelude::*`.
pub mod prelude {
    pub use super::{
        AuditStore, CalibrationStore, ConflictStore, GrantStore, IdentityStore, OrgStore,
        PhotoRecords, ReadinessStore, RedactionStore, RetentionStore, ReviewStore, SyncStore,
        TemplateStore,
    };
}

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken: the text names what already exists.
    #[error("{0}")]
    Conflict(String),
    /// A transaction was used after it ended.
    #[error("the transaction has ended")]
    Closed,
    /// A concurrent transaction changed what this one read; running it again will see that.
    #[error("a concurrent change got there first")]
    Raced,
    /// The database failed or could not be reached (for logs; never shown to users).
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        // PostgreSQL's serialization failure and deadlock: the transaction may simply be rerun.
        match &e {
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("40001" | "40P01")) =>
            {
                StoreError::Raced
            }
            _ => StoreError::Database(Box::new(e)),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Database(Box::new(e))
    }
}

/// Maps a unique-constraint violation to `Conflict(what)`, anything else to `Database`.
pub(crate) fn conflict_as(what: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(what.to_owned())
        }
        _ => e.into(),
    }
}

/// An update that touched no row was aimed at something that does not exist.
pub(crate) fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// The database: a pool of connections, cheap to clone.
#[derive(Clone)]
pub struct Store {
    pools: Pools,
}

#[derive(Clone)]
enum Pools {
    Sqlite {
        pool: SqlitePool,
        /// Connections with `synchronous = FULL`: a commit on them is on disk when it returns.
        durable: SqlitePool,
    },
    Postgres(PgPool),
}

const SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
const POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Opens the store a database URL names (`postgres://...` or `sqlite://...`) and brings
    /// its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .connect(url)
                .await?;
            Store {
                pools: Pools::Postgres(pool),
            }
        } else {
            // WAL so readers never block the writer; a busy timeout so writers queue.
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options.clone())
                .await?;
            let durable = SqlitePoolOptions::new()
                .max_connections(2)
                .connect_with(options.synchronous(SqliteSynchronous::Full))
                .await?;
            Store {
                pools: Pools::Sqlite { pool, durable },
            }
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Brings the schema up to date (harmless when it is).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { pool, .. } => SQLITE_MIGRATOR.run(pool).await?,
            Pools::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    /// Checks the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        db::run!(self, |c| sqlx::query("SELECT 1")
            .execute(&mut *c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Starts a transaction. On SQLite it takes the write lock at once, so a transaction that
    /// reads before it writes cannot be overtaken by another writer in between.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx::new(match &self.pools {
            Pools::Sqlite { pool, .. } => {
                db::Open::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Pools::Postgres(pool) => db::Open::Postgres(pool.begin().await?),
        }))
    }

    /// Starts a transaction whose commit is on disk when it returns (sync pushes are
    /// acknowledged only then). PostgreSQL commits are durable already.
    pub async fn begin_durable(&self) -> Result<Tx, StoreError> {
        Ok(Tx::new(match &self.pools {
            Pools::Sqlite { durable, .. } => {
                db::Open::Sqlite(durable.begin_with("BEGIN IMMEDIATE").await?)
            }
            Pools::Postgres(pool) => db::Open::Postgres(pool.begin().await?),
        }))
    }

    /// Closes every connection (tests drop their database afterwards).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { pool, durable } => {
                pool.close().await;
                durable.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

#[async_trait]
impl Db for Store {
    async fn lend(&self) -> Result<db::Lent<'_>, StoreError> {
        Ok(match &self.pools {
            Pools::Sqlite { pool, .. } => db::Lent::Sqlite(pool.acquire().await?),
            Pools::Postgres(pool) => db::Lent::Postgres(pool.acquire().await?),
        })
    }
}
