//! The SQLite and PostgreSQL migrations build the same schema: the same tables, columns (and
//! whether each may be empty) and indexes, so one set of SQL serves both.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use sqlx::Connection;

/// (table, column, nullable), (index, table, unique) of a schema.
type Schema = (
    BTreeSet<(String, String, bool)>,
    BTreeSet<(String, String, bool)>,
);

async fn sqlite_schema(url: &str) -> Schema {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let columns: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT m.name, p.name, p.\"notnull\" = 0 AND p.pk = 0 FROM sqlite_master m \
         JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
         AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    // Indexes written in the migrations (not those SQLite makes for keys by itself).
    let indexes: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT m.name, m.tbl_name, l.\"unique\" = 1 FROM sqlite_master m \
         JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name \
         WHERE m.type = 'index' AND m.sql IS NOT NULL",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    (columns.into_iter().collect(), indexes.into_iter().collect())
}

async fn postgres_schema(url: &str) -> Schema {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let columns: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, is_nullable = 'YES' \
         FROM information_schema.columns WHERE table_schema = 'public' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    // Indexes written in the migrations (not those behind primary keys and UNIQUE columns).
    let indexes: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT i.relname::text, t.relname::text, x.indisunique FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    (columns.into_iter().collect(), indexes.into_iter().collect())
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let sqlite = common::sqlite_store().await;
    let postgres = common::postgres_store(&common::postgres_admin_url()).await;
    let (sqlite_columns, sqlite_indexes) = sqlite_schema(&sqlite.url).await;
    let (pg_columns, pg_indexes) = postgres_schema(&postgres.url).await;
    assert!(sqlite_columns.len() > 40, "{sqlite_columns:?}");
    let only = |a: &BTreeSet<(String, String, bool)>, b: &BTreeSet<(String, String, bool)>| {
        a.difference(b).cloned().collect::<Vec<_>>()
    };
    assert_eq!(
        (
            only(&sqlite_columns, &pg_columns),
            only(&pg_columns, &sqlite_columns)
        ),
        (Vec::new(), Vec::new()),
        "columns only in SQLite, only in PostgreSQL"
    );
    assert!(!sqlite_indexes.is_empty());
    assert_eq!(
        (
            only(&sqlite_indexes, &pg_indexes),
            only(&pg_indexes, &sqlite_indexes)
        ),
        (Vec::new(), Vec::new()),
        "indexes only in SQLite, only in PostgreSQL"
    );
}
