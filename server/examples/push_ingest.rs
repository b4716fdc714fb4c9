//! Push ingest benchmark (not a test): findings per second through `Store::push` with
//! durable acknowledgement (one transaction per batch of 100, SQLite `synchronous = FULL`),
//! beside a plain batched insert of the same rows into a bare SQLite table, in the same run.
//!
//! Run: `cargo run --release -p server --example push_ingest`

use std::str::FromStr;
use std::time::{Duration, Instant};

use domain::inspection::{FindingData, InspectionData, InspectionStatus, Response};
use domain::sync::judge::{PushItem, Pusher};
use domain::sync::{Mutation, kind};
use server::store::Store;
use server::store::prelude::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use uuid::Uuid;

const BATCHES: usize = 100;
const BATCH: usize = 100;
const INSPECTIONS: usize = 10;

fn finding(inspection_id: Uuid, n: usize) -> FindingData {
    FindingData {
        id: Uuid::now_v7(),
        inspection_id,
        item_code: "S1.8".into(),
        response: Some(Response::Met),
        note: format!("Observation {n}: sharps bin closed, hand gel at the bay entrance"),
        photo_ids: Vec::new(),
        observed_at: chrono::Utc::now(),
    }
}

fn item(catalogue: &domain::Catalogue, kind: &str, data: serde_json::Value) -> PushItem {
    PushItem::checked(
        catalogue,
        Mutation {
            id: Uuid::now_v7(),
            kind: kind.to_owned(),
            data,
        },
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("readyward.db").display());
    let store = Store::open(&url).await?;
    let catalogue = domain::Catalogue::built_in()?;
    server::seed::seed_demo(&store, "bench-password-2026", chrono::Utc::now()).await?;
    let inspector = store
        .user_by_email("inspector@demo.nhs.test")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo inspector"))?;
    let unit = store.units_of_trust(inspector.trust_id).await?[0].id;
    let pusher = Pusher {
        user_id: inspector.id,
        trust_id: inspector.trust_id,
        device_id: Uuid::now_v7(),
        role: domain::Role::WardInspector,
        today: chrono::Utc::now().date_naive(),
    };
    let mut inspections = Vec::new();
    let mut starts = Vec::new();
    for _ in 0..INSPECTIONS {
        let data = InspectionData {
            id: Uuid::now_v7(),
            unit_id: unit,
            framework_id: "cqc-kloe-2017".to_owned(),
            template_id: None,
            template_version: None,
            started_at: chrono::Utc::now(),
            status: InspectionStatus::InProgress,
        };
        inspections.push(data.id);
        starts.push(item(
            &catalogue,
            kind::INSPECTION_UPSERT,
            serde_json::to_value(&data)?,
        ));
    }
    store.push(&pusher, &starts, chrono::Utc::now()).await?;

    // The same findings for both runs, made up front so only the writes are timed.
    let batches: Vec<Vec<FindingData>> = (0..BATCHES)
        .map(|b| {
            (0..BATCH)
                .map(|i| finding(inspections[(b * BATCH + i) % INSPECTIONS], b * BATCH + i))
                .collect()
        })
        .collect();

    let mut push_times = Vec::new();
    let started = Instant::now();
    for batch in &batches {
        let items: Vec<PushItem> = batch
            .iter()
            .map(|f| {
                item(
                    &catalogue,
                    kind::FINDING_RECORD,
                    serde_json::to_value(f).unwrap_or_default(),
                )
            })
            .collect();
        let t = Instant::now();
        store.push(&pusher, &items, chrono::Utc::now()).await?;
        push_times.push(t.elapsed());
    }
    let push_total = started.elapsed();

    // A plain batched insert of the same rows: one bare table, one transaction per batch, the
    // same WAL journal and `synchronous = FULL`.
    let plain_options = SqliteConnectOptions::from_str(&format!(
        "sqlite://{}",
        dir.path().join("plain.db").display()
    ))?
    .create_if_missing(true)
    .journal_mode(SqliteJournalMode::Wal)
    .synchronous(SqliteSynchronous::Full);
    let plain = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(plain_options)
        .await?;
    sqlx::query(
        "CREATE TABLE findings (id BLOB PRIMARY KEY, inspection_id BLOB NOT NULL, \
         item_code TEXT NOT NULL, response TEXT, note TEXT NOT NULL, photo_ids TEXT NOT NULL, \
         observed_at TEXT NOT NULL)",
    )
    .execute(&plain)
    .await?;
    let mut plain_times = Vec::new();
    let started = Instant::now();
    for batch in &batches {
        let t = Instant::now();
        let mut tx = plain.begin().await?;
        for f in batch {
            sqlx::query(
                "INSERT INTO findings (id, inspection_id, item_code, response, note, photo_ids, \
                 observed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(f.id)
            .bind(f.inspection_id)
            .bind(f.item_code.as_str())
            .bind(f.response.map(|r| r.as_str()))
            .bind(&f.note)
            .bind("[]")
            .bind(f.observed_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        plain_times.push(t.elapsed());
    }
    let plain_total = started.elapsed();

    let findings = (BATCHES * BATCH) as f64;
    println!(
        "## Push ingest: {BATCHES} batches of {BATCH} findings\n\n\
         | path | findings/s | batch p50 | batch p95 |\n|---|---|---|---|"
    );
    for (name, total, mut times) in [
        ("Store::push (durable push)", push_total, push_times),
        ("plain batched INSERT", plain_total, plain_times),
    ] {
        times.sort();
        println!(
            "| {name} | {:.0} | {:.1} ms | {:.1} ms |",
            findings / total.as_secs_f64(),
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.95).as_secs_f64() * 1000.0
        );
    }
    println!(
        "\nratio: {:.2} of the plain insert",
        plain_total.as_secs_f64() / push_total.as_secs_f64()
    );
    Ok(())
}
