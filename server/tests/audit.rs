//! The audit trail kept in a real database: concurrent writers never fork a chain, and rows
//! edited, deleted or reordered in the database behind ReadyWard's back, a cut end and a
//! chain rewritten whole are each named by `audit verify`; redacting content is not tampering.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Utc;
use serde_json::json;
use server::audit::chain::Break;
use server::audit::checkpoint::Checkpoints;
use server::clock::Clock;
use server::store::OrgStore;
use server::store::audit::AuditStore;
use server::store::{Store, TrustRecord};
use uuid::Uuid;

/// A new trust with a chain of `n` entries, each written on its own transaction at once.
async fn trust_with_chain(store: &Store, n: usize) -> Uuid {
    let trust = Uuid::now_v7();
    store
        .create_trust(
            &TrustRecord {
                id: trust,
                name: format!("Trust {trust}"),
            },
            Utc::now(),
        )
        .await
        .unwrap();
    let writers = (0..n).map(|i| {
        let store = store.clone();
        tokio::spawn(async move {
            let tx = store.begin().await.unwrap();
            server::audit::record(
                &tx,
                trust,
                Utc::now(),
                Some(Uuid::now_v7()),
                "notice.record",
                Some(Uuid::now_v7()),
                json!(null),
                json!({"note": format!("change {i}")}),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.unwrap();
    }
    trust
}

/// Runs `sql` on the test's database directly, binding the trust as `$1`.
async fn tamper(url: &str, sql: &str, trust: Uuid) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).bind(trust).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).bind(trust).execute(&mut c).await.unwrap();
    }
}

async fn verdict(store: &Store, checkpoints: &Checkpoints, trust: Uuid) -> Result<i64, Break> {
    let found = server::audit::verify(store, checkpoints, Some(trust))
        .await
        .unwrap();
    found.into_iter().next().unwrap().outcome
}

#[tokio::test]
async fn concurrent_writers_make_one_unbroken_chain() {
    let t = common::test_store().await;
    let checkpoints = Checkpoints::in_data_dir(t.dir.path());
    let trust = trust_with_chain(&t.store, 24).await;
    assert_eq!(verdict(&t.store, &checkpoints, trust).await, Ok(24));
    let entries = t.store.audit_entries(trust, 1, 100).await.unwrap();
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=24).collect::<Vec<_>>());
}

#[tokio::test]
async fn each_kind_of_tampering_is_named_and_redaction_is_not_tampering() {
    let t = common::test_store().await;
    let checkpoints = Checkpoints::in_data_dir(t.dir.path());
    let store = &t.store;

    let edited = trust_with_chain(store, 5).await;
    tamper(
        &t.url,
        "UPDATE audit_log SET action = 'grant.add' WHERE trust_id = $1 AND seq = 3",
        edited,
    )
    .await;
    assert_eq!(
        verdict(store, &checkpoints, edited).await,
        Err(Break::Edited { seq: 3 })
    );

    let rewritten = trust_with_chain(store, 5).await;
    tamper(
        &t.url,
        "UPDATE audit_log SET content = '{\"before\":null,\"after\":{\"note\":\"nothing\"}}' \
         WHERE trust_id = $1 AND seq = 2",
        rewritten,
    )
    .await;
    assert_eq!(
        verdict(store, &checkpoints, rewritten).await,
        Err(Break::ContentChanged { seq: 2 })
    );

    let deleted = trust_with_chain(store, 5).await;
    tamper(
        &t.url,
        "DELETE FROM audit_log WHERE trust_id = $1 AND seq = 4",
        deleted,
    )
    .await;
    assert_eq!(
        verdict(store, &checkpoints, deleted).await,
        Err(Break::Missing {
            expected: 4,
            found: 5
        })
    );

    let reordered = trust_with_chain(store, 5).await;
    for sql in [
        "UPDATE audit_log SET seq = -2 WHERE trust_id = $1 AND seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE trust_id = $1 AND seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE trust_id = $1 AND seq = -2",
    ] {
        tamper(&t.url, sql, reordered).await;
    }
    assert_eq!(
        verdict(store, &checkpoints, reordered).await,
        Err(Break::Edited { seq: 2 })
    );

    let redacted = trust_with_chain(store, 5).await;
    store.redact_audit(redacted, 2, Utc::now()).await.unwrap();
    assert_eq!(verdict(store, &checkpoints, redacted).await, Ok(5));
}

#[tokio::test]
async fn checkpoints_catch_a_deleted_last_entry_and_a_forged_checkpoint() {
    let t = common::test_store().await;
    let checkpoints = Checkpoints::in_data_dir(t.dir.path());
    let store = &t.store;
    let trust = trust_with_chain(store, 4).await;
    assert_eq!(
        server::audit::checkpoint(store, &checkpoints, Utc::now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(verdict(store, &checkpoints, trust).await, Ok(4));
    // Without the checkpoint a cut end would pass unseen.
    tamper(
        &t.url,
        "DELETE FROM audit_log WHERE trust_id = $1 AND seq = 4",
        trust,
    )
    .await;
    assert_eq!(
        verdict(store, &checkpoints, trust).await,
        Err(Break::Truncated { seq: 4, last: 3 })
    );

    let file = t.dir.path().join("audit").join("checkpoints.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("\"seq\":4", "\"seq\":3")).unwrap();
    let refused = server::audit::verify(store, &checkpoints, Some(trust)).await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("not signed by this installation's key"),
    );
}

#[tokio::test]
async fn sign_ins_admin_changes_and_pushes_are_written_to_their_trusts_chain() {
    let app = common::spawn_app().await;
    let admin = app.login("admin@demo.nhs.test").await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let caller = app.caller(&admin).await;
    let trust = caller.user.trust_id;
    let site = server::admin::add_site(&app.store, &caller, "Eastgate", app.clock.now())
        .await
        .unwrap();
    // A wrong password for a known account is written; one for an unknown email is not.
    app.sign_in("inspector@demo.nhs.test", "not-the-password")
        .await;
    app.sign_in("nobody@demo.nhs.test", "not-the-password")
        .await;
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    let ward = units[0]["id"].as_str().unwrap();
    let inspection = Uuid::now_v7();
    let reply = app
        .post(
            "/api/v1/sync/push",
            Some(&inspector),
            json!({"device_id": Uuid::now_v7(), "mutations": [
                {"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {
                    "id": inspection, "unit_id": ward, "framework_id": "cqc-kloe-2017",
                    "template_id": null, "template_version": null,
                    "started_at": "2026-06-01T09:00:00Z", "status": "in_progress"}}]}),
        )
        .await;
    assert_eq!(reply.status, axum::http::StatusCode::OK);

    let entries = app.store.audit_entries(trust, 1, 1000).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for wanted in ["sign_in", "site.add", "sign_in.failed", "sync.push"] {
        assert!(
            actions.contains(&wanted),
            "{wanted} missing from {actions:?}"
        );
    }
    let added = entries.iter().find(|e| e.action == "site.add").unwrap();
    assert_eq!(added.subject_id, Some(site));
    assert_eq!(added.actor_id, Some(caller.user.id));
    assert!(added.content.as_deref().unwrap().contains("Eastgate"));
    let failed = entries
        .iter()
        .filter(|e| e.action == "sign_in.failed")
        .count();
    assert_eq!(failed, 1, "only the known account's failure is written");
    let pushed = entries.iter().find(|e| e.action == "sync.push").unwrap();
    assert!(
        pushed
            .content
            .as_deref()
            .unwrap()
            .contains(&inspection.to_string())
    );
    assert!(
        entries
            .iter()
            .all(|e| !e.content.as_deref().unwrap().contains("argon2")),
        "no password hash is ever written"
    );
    let none_yet = tempfile::tempdir().unwrap();
    let checkpoints = Checkpoints::in_data_dir(none_yet.path());
    assert_eq!(
        verdict(&app.store, &checkpoints, trust).await,
        Ok(entries.len() as i64)
    );
}
