//! A crash mid-push: the real `readyward` process is killed with SIGKILL while a device pushes
//! batch after batch. After a restart every batch it acknowledged is there in full, and sending
//! everything again completes the rest without applying anything twice.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::wire::{WireReply, WireRequest, send};
use serde_json::json;
use tokio::process::{Child, Command};
use uuid::Uuid;

const BATCHES: usize = 60;
const FINDINGS_PER_BATCH: usize = 99;
const PASSWORD: &str = "crash-test-password-1";

fn readyward() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_readyward"));
    command
        .env("READYWARD_DEMO_PASSWORD", PASSWORD)
        .env("READYWARD_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    command
}

async fn start(data: &std::path::Path, addr: SocketAddr) -> Child {
    let child = readyward()
        .args(["serve", "--addr", &addr.to_string(), "--data-dir"])
        .arg(data)
        .arg("--site-root")
        .arg(data)
        .spawn()
        .unwrap();
    let health = WireRequest::get("/healthz", None);
    for _ in 0..200 {
        if send(addr, &health, Duration::from_secs(1))
            .await
            .is_ok_and(|r| r.status == 200)
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

fn push<'a>(token: &'a str, body: &'a [u8]) -> WireRequest<'a> {
    WireRequest::json("POST", "/api/v1/sync/push", Some(token), body)
}

fn statuses(reply: &WireReply) -> Vec<String> {
    reply.json()["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|x| x["status"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_pushes_survive_sigkill_and_a_retry_completes_the_rest() {
    let data = tempfile::tempdir().unwrap();
    let status = readyward()
        .arg("seed-demo")
        .arg("--data-dir")
        .arg(data.path())
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut server = start(data.path(), addr).await;

    let login =
        serde_json::to_vec(&json!({"email": "inspector@demo.nhs.test", "password": PASSWORD}))
            .unwrap();
    let reply = send(
        addr,
        &WireRequest::json("POST", "/api/v1/auth/login", None, &login),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    let token = reply.json()["token"].as_str().unwrap().to_owned();
    let units = send(
        addr,
        &WireRequest::get("/api/v1/units", Some(&token)),
        Duration::from_secs(10),
    )
    .await
    .unwrap()
    .json();

    // Each batch: one inspection and 99 findings.
    let device = Uuid::now_v7();
    let batches: Vec<(Uuid, Vec<u8>)> = (0..BATCHES)
        .map(|b| {
            let inspection = Uuid::now_v7();
            let mut mutations = vec![
                json!({"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {
                "id": inspection, "unit_id": units[0]["id"], "framework_id": "cqc-kloe-2017",
                "started_at": "2026-11-26T09:00:00Z", "status": "in_progress"}}),
            ];
            mutations.extend((0..FINDINGS_PER_BATCH).map(|n| {
                json!({"id": Uuid::now_v7(), "kind": "finding.record",
                "data": {"id": Uuid::now_v7(), "inspection_id": inspection, "item_code": "S1.8",
                    "response": "met", "note": format!("batch {b} finding {n}"), "photo_ids": [],
                    "observed_at": "2026-11-26T09:05:00Z"}})
            }));
            (
                inspection,
                serde_json::to_vec(&json!({"device_id": device, "mutations": mutations})).unwrap(),
            )
        })
        .collect();

    // Push back to back; SIGKILL the server while a push is in flight after ten acknowledgements.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let pusher = {
        let (batches, acknowledged, token) = (batches.clone(), acknowledged.clone(), token.clone());
        tokio::spawn(async move {
            for (i, (_, body)) in batches.iter().enumerate() {
                match send(addr, &push(&token, body), Duration::from_secs(10)).await {
                    Ok(reply) if reply.status == 200 => {
                        assert!(statuses(&reply).iter().all(|s| s == "applied"));
                        acknowledged.lock().unwrap().push(i);
                    }
                    _ => return,
                }
            }
        })
    };
    while acknowledged.lock().unwrap().len() < 10 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    tokio::time::sleep(Duration::from_millis(7)).await;
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    pusher.await.unwrap();
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() < BATCHES,
        "the server died before the device finished"
    );

    // After a restart every acknowledged batch is there, whole.
    let mut server = start(data.path(), addr).await;
    let findings_of = |inspection: Uuid| {
        let token = token.clone();
        async move {
            let path = format!("/api/v1/inspections/{inspection}");
            let reply = send(
                addr,
                &WireRequest::get(&path, Some(&token)),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
            (
                reply.status,
                reply.json()["findings"].as_array().map_or(0, Vec::len),
            )
        }
    };
    for &i in &acknowledged {
        assert_eq!(
            findings_of(batches[i].0).await,
            (200, FINDINGS_PER_BATCH),
            "batch {i}"
        );
    }
    // The device sends everything again: what was acknowledged is a duplicate, the rest applies
    // (a batch in flight at the kill either committed whole or not at all).
    for (i, (inspection, body)) in batches.iter().enumerate() {
        let reply = send(addr, &push(&token, body), Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(reply.status, 200);
        let statuses = statuses(&reply);
        assert_eq!(statuses.len(), FINDINGS_PER_BATCH + 1);
        let first = statuses[0].clone();
        assert!(
            statuses.iter().all(|s| *s == first),
            "batch {i} was applied in part: {statuses:?}"
        );
        if acknowledged.contains(&i) {
            assert_eq!(first, "duplicate", "batch {i}");
        }
        assert_eq!(findings_of(*inspection).await, (200, FINDINGS_PER_BATCH));
    }
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        data.path().join("readyward.db").display()
    ))
    .await
    .unwrap();
    // Counted for this device only: the demo trust's own history came through the push path.
    let history: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM record_history h JOIN sync_mutations m ON m.id = h.mutation_id \
         WHERE m.device_id = $1",
    )
    .bind(device)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        history,
        (BATCHES * (FINDINGS_PER_BATCH + 1)) as i64,
        "nothing applied twice"
    );
}
