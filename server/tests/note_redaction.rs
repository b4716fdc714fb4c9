//! Information governance: a trust admin redacts a note that named a patient. The words leave
//! the record, the changes behind its history, kept conflicts and the audit trail's content;
//! the chain still verifies; pushes that still carry the words keep the note blank; pulls tell
//! every device to blank its copy.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::changes::{finding, upsert};
use common::{TestApp, spawn_app};
use serde_json::{Value, json};
use server::audit::checkpoint::Checkpoints;
use uuid::Uuid;

const WORDS: &str = "Mrs Jane Smith in bed 4";

async fn push(app: &TestApp, token: &str, mutations: Vec<Value>) -> Vec<String> {
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    let reply = app.post("/api/v1/sync/push", Some(token), batch).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    reply.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

/// Places that still hold the words, by table.
async fn holding_the_words(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut found = Vec::new();
    for (table, column) in [
        ("findings", "note"),
        ("sync_mutations", "data"),
        ("sync_conflicts", "data"),
        ("audit_log", "content"),
    ] {
        let n = app
            .count_behind_its_back(&format!(
                "SELECT COUNT(*) FROM {table} WHERE {column} LIKE '%Jane Smith%'"
            ))
            .await;
        found.push((table, n));
    }
    found
}

#[tokio::test]
async fn an_admin_redacts_a_note_and_the_words_are_gone_everywhere() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let admin = app.login("admin@demo.nhs.test").await;
    let other_admin = app.login("admin@buddy.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    let unit: Uuid = units[0]["id"].as_str().unwrap().parse().unwrap();
    let (inspection, record) = (Uuid::now_v7(), Uuid::now_v7());
    let answer = finding(
        record,
        inspection,
        "not_met",
        &format!("{WORDS} had no call bell"),
    );
    let statuses = push(
        &app,
        &inspector,
        vec![upsert(inspection, unit, "in_progress"), answer.clone()],
    )
    .await;
    assert_eq!(statuses, ["applied", "applied"]);
    // The same change id again with other words: kept as a conflict for review.
    let mut reused = answer.clone();
    reused["data"]["note"] = json!(format!("{WORDS}, call bell out of reach"));
    assert_eq!(push(&app, &inspector, vec![reused]).await, ["conflict"]);

    let path = format!("/api/v1/notes/{record}/redaction");
    let reason = json!({"reason": "Named a patient"});
    // Open still: its inspector can change it.
    let open = app.post(&path, Some(&admin), reason.clone()).await;
    assert_eq!(open.status, StatusCode::CONFLICT);
    push(
        &app,
        &inspector,
        vec![upsert(inspection, unit, "submitted")],
    )
    .await;

    // Signed out 401; not an admin 403; another trust's admin 404; no reason 422; unknown
    // record 404: none of them changes anything.
    assert_eq!(
        app.post(&path, None, reason.clone()).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post(&path, Some(&inspector), reason.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&path, Some(&other_admin), reason.clone())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post(&path, Some(&admin), json!({"reason": " "}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let unknown = format!("/api/v1/notes/{}/redaction", Uuid::now_v7());
    assert_eq!(
        app.post(&unknown, Some(&admin), reason.clone())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let before = holding_the_words(&app).await;
    assert!(before.iter().all(|(_, n)| *n > 0), "{before:?}");

    let done = app.post(&path, Some(&admin), reason.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json());
    let redacted_at = done.json()["redacted_at"].clone();
    assert_eq!(
        holding_the_words(&app).await,
        [
            ("findings", 0),
            ("sync_mutations", 0),
            ("sync_conflicts", 0),
            ("audit_log", 0)
        ]
    );
    // Asked again: the first redaction, audited once, with the reason and not the words.
    let twice = app.post(&path, Some(&admin), reason).await;
    assert_eq!(twice.json()["redacted_at"], redacted_at);
    let audited = app
        .count_behind_its_back(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'note.redact' \
             AND content LIKE '%Named a patient%'",
        )
        .await;
    assert_eq!(audited, 1);
    // The chain still verifies: only content left it, never a digest or a hash.
    let checkpoints = Checkpoints::in_data_dir(&app.state.config.data_dir);
    for verified in server::audit::verify(&app.store, &checkpoints, None)
        .await
        .unwrap()
    {
        assert!(verified.outcome.is_ok(), "{verified:?}");
    }

    // The record keeps its answer; the note reads blank.
    let view = app
        .get(&format!("/api/v1/inspections/{inspection}"), Some(&admin))
        .await
        .json();
    assert_eq!(view["findings"][0]["response"], "not_met");
    assert_eq!(view["findings"][0]["note"], "");
    // Every device of the trust is told to blank its copy.
    let pull = app.get("/api/v1/sync/pull", Some(&inspector)).await.json();
    assert_eq!(pull["redacted_note_ids"], json!([record]));
    let elsewhere = app
        .get("/api/v1/sync/pull", Some(&other_admin))
        .await
        .json();
    assert_eq!(elsewhere["redacted_note_ids"], json!([]));

    // A device that never heard sends the first change again: a duplicate, words kept out.
    assert_eq!(push(&app, &inspector, vec![answer]).await, ["duplicate"]);
    assert_eq!(
        holding_the_words(&app)
            .await
            .iter()
            .map(|(_, n)| n)
            .sum::<i64>(),
        0
    );
}
