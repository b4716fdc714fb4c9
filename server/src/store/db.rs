//! The two databases behind one handle: a pool ([`super::Store`]) or a transaction ([`Tx`]),
//! and the [`run!`] macro that writes a statement once and compiles it for both.
//!
//! Every area of the store is implemented once for anything that can lend a connection
//! ([`Db`]), so the same calls work on the pool (each call on its own connection) and inside a
//! transaction that several calls share and commit together.

use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};
use tokio::sync::{Mutex, MutexGuard};

use super::StoreError;

/// A connection of either database, borrowed for one statement or a few.
#[doc(hidden)]
pub enum Link<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// A connection lent for one call: from the pool, or the transaction's own.
#[doc(hidden)]
pub enum Lent<'a> {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    Tx(MutexGuard<'a, Option<Open>>),
}

/// An open transaction of either database.
#[doc(hidden)]
pub enum Open {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Lent<'_> {
    pub fn link(&mut self) -> Result<Link<'_>, StoreError> {
        Ok(match self {
            Lent::Sqlite(c) => Link::Sqlite(c),
            Lent::Postgres(c) => Link::Postgres(c),
            Lent::Tx(guard) => match guard.as_mut() {
                Some(Open::Sqlite(tx)) => Link::Sqlite(tx),
                Some(Open::Postgres(tx)) => Link::Postgres(tx),
                None => return Err(StoreError::Closed),
            },
        })
    }
}

/// Anything that can lend a connection: the store's pool or a transaction.
#[async_trait]
pub trait Db: Send + Sync {
    #[doc(hidden)]
    async fn lend(&self) -> Result<Lent<'_>, StoreError>;
}

/// Statements that commit together or not at all: every area's calls work on it as on the
/// store. Dropped without [`Tx::commit`], it rolls back. Calls on one `Tx` run one after the
/// other: a `run!` body must never call the same `Tx` again (it would wait on itself).
pub struct Tx {
    open: Mutex<Option<Open>>,
}

impl Tx {
    pub(crate) fn new(open: Open) -> Tx {
        Tx {
            open: Mutex::new(Some(open)),
        }
    }

    /// Makes every change of the transaction permanent.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.open.into_inner() {
            Some(Open::Sqlite(tx)) => tx.commit().await?,
            Some(Open::Postgres(tx)) => tx.commit().await?,
            None => return Err(StoreError::Closed),
        }
        Ok(())
    }
}

#[async_trait]
impl Db for Tx {
    async fn lend(&self) -> Result<Lent<'_>, StoreError> {
        Ok(Lent::Tx(self.open.lock().await))
    }
}

/// Runs `$body` with `$c` bound to a `&mut` connection of whichever database `$db` lends: the
/// body is written once and compiled for SQLite and for PostgreSQL, so it may only use SQL
/// that both understand (both take `$n` placeholders).
macro_rules! run {
    ($db:expr, |$c:ident| $body:expr) => {{
        let mut lent = $crate::store::db::Db::lend($db).await?;
        match lent.link()? {
            $crate::store::db::Link::Sqlite($c) => $body,
            $crate::store::db::Link::Postgres($c) => $body,
        }
    }};
}

pub(crate) use run;
