//! Sync through a bad network: a TCP proxy between a scripted client and the real server cuts,
//! stalls and resets connections at random points (seeded, so a failure can be replayed) while
//! the client pushes 1,000 findings in 100 inspections and 50 photos, retrying until each is
//! acknowledged. Afterwards the server holds exactly those records, none twice.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::images;
use common::wire::{WireReply, WireRequest, send};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use server::photos::blobs::sha256_hex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

const INSPECTIONS: usize = 100;
const FINDINGS_PER_INSPECTION: usize = 10;
const PHOTOS: usize = 50;
const SEED: u64 = 20_261_126;

/// A finding as sent: its id, answer and the photo it names.
type Expected = (Uuid, String, Option<Uuid>);

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    /// Drop both sides after this many request bytes reached the server.
    CutRequest(usize),
    /// Drop both sides after this many response bytes reached the client.
    CutResponse(usize),
    /// Hold the connection this long before relaying anything.
    Stall(Duration),
    /// Reset (RST) the client's side after this many response bytes.
    Reset(usize),
}

#[derive(Default)]
struct Counts {
    connections: AtomicUsize,
    faults: AtomicUsize,
}

fn pick(rng: &mut StdRng) -> Fault {
    match rng.gen_range(0..100) {
        0..45 => Fault::None,
        45..60 => Fault::CutRequest(rng.gen_range(0..3000)),
        60..75 => Fault::CutResponse(rng.gen_range(0..300)),
        75..88 => Fault::Stall(Duration::from_millis(rng.gen_range(50..2500))),
        _ => Fault::Reset(rng.gen_range(0..300)),
    }
}

/// Copies one direction, stopping after `limit` bytes (true) or at end of stream (false).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    limit: Option<usize>,
) -> bool {
    let mut sent = 0;
    let mut buf = vec![0u8; 8192];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => n,
        };
        let take = limit.map_or(n, |l| n.min(l.saturating_sub(sent)));
        if to.write_all(&buf[..take]).await.is_err() {
            return false;
        }
        sent += take;
        if limit.is_some_and(|l| sent >= l) {
            return true;
        }
    }
}

async fn relay(client: TcpStream, target: SocketAddr, fault: Fault) {
    if let Fault::Stall(pause) = fault {
        tokio::time::sleep(pause).await;
    }
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let (request_limit, response_limit) = match fault {
        Fault::CutRequest(n) => (Some(n), None),
        Fault::CutResponse(n) | Fault::Reset(n) => (None, Some(n)),
        _ => (None, None),
    };
    let reset = matches!(fault, Fault::Reset(_));
    if reset {
        let _ = client.set_zero_linger();
    }
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    // Either direction ending (or hitting its limit) ends the connection.
    tokio::select! {
        _ = pump(client_read, server_write, request_limit) => {}
        _ = pump(server_read, client_write, response_limit) => {}
    }
}

/// Accepts connections and relays each with a fault picked from the seeded sequence.
async fn proxy(listener: TcpListener, target: SocketAddr, counts: Arc<Counts>) {
    let mut rng = StdRng::seed_from_u64(SEED);
    loop {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        let fault = pick(&mut rng);
        counts.connections.fetch_add(1, Ordering::Relaxed);
        if !matches!(fault, Fault::None) {
            counts.faults.fetch_add(1, Ordering::Relaxed);
        }
        tokio::spawn(relay(client, target, fault));
    }
}

/// Sends until a reply satisfies `done`, counting the attempts.
async fn until(
    addr: SocketAddr,
    request: WireRequest<'_>,
    done: impl Fn(&WireReply) -> bool,
    retries: &AtomicUsize,
) -> WireReply {
    for attempt in 0..500 {
        if let Ok(reply) = send(addr, &request, Duration::from_millis(1500)).await
            && done(&reply)
        {
            return reply;
        }
        retries.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(5 + 5 * attempt.min(10))).await;
    }
    panic!("{} {} was never acknowledged", request.method, request.path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_faulty_network_never_loses_or_duplicates_a_change() {
    let app = common::spawn_app().await;
    let server_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server_addr = server_listener.local_addr().unwrap();
    let service =
        server::router(app.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(server_listener, service).await });
    let proxy_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = proxy_listener.local_addr().unwrap();
    let counts = Arc::new(Counts::default());
    tokio::spawn(proxy(proxy_listener, server_addr, counts.clone()));
    let retries = Arc::new(AtomicUsize::new(0));

    let login = serde_json::to_vec(
        &json!({"email": "inspector@demo.nhs.test", "password": common::PASSWORD}),
    )
    .unwrap();
    let reply = until(
        addr,
        WireRequest::json("POST", "/api/v1/auth/login", None, &login),
        |r| r.status == 200,
        &retries,
    )
    .await;
    let token: Arc<str> = reply.json()["token"].as_str().unwrap().into();
    let unit = app.get("/api/v1/units", Some(&token)).await.json()[0]["id"].clone();

    // 100 inspections of 10 findings; the first 50 findings each name one photo.
    let photos: Vec<(Uuid, Vec<u8>)> = (0..PHOTOS)
        .map(|i| {
            (
                Uuid::now_v7(),
                images::jpeg(&images::two_halves(40 + i as u32, 30)),
            )
        })
        .collect();
    let mut batches = Vec::new();
    let mut expected: Vec<(Uuid, Vec<Expected>)> = Vec::new();
    let responses = ["met", "partially_met", "not_met", "not_applicable"];
    for i in 0..INSPECTIONS {
        let inspection = Uuid::now_v7();
        let mut mutations = vec![
            json!({"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {
            "id": inspection, "unit_id": unit, "framework_id": "cqc-kloe-2017",
            "started_at": "2026-11-26T09:00:00Z", "status": "in_progress"}}),
        ];
        let mut findings = Vec::new();
        for j in 0..FINDINGS_PER_INSPECTION {
            let (id, n) = (Uuid::now_v7(), i * FINDINGS_PER_INSPECTION + j);
            let photo = photos.get(n).map(|p| p.0);
            let response = responses[n % responses.len()].to_owned();
            mutations.push(
                json!({"id": Uuid::now_v7(), "kind": "finding.record", "data": {
                "id": id, "inspection_id": inspection, "item_code": format!("S1.{}", 1 + j % 8),
                "response": response, "note": format!("finding {n}"),
                "photo_ids": photo.map_or_else(Vec::new, |p| vec![p]),
                "observed_at": "2026-11-26T09:05:00Z"}}),
            );
            findings.push((id, response, photo));
        }
        batches.push(
            serde_json::to_vec(&json!({"device_id": Uuid::now_v7(), "mutations": mutations}))
                .unwrap(),
        );
        expected.push((inspection, findings));
    }

    let mut tasks = tokio::task::JoinSet::new();
    for chunk in batches.chunks(25).map(<[Vec<u8>]>::to_vec) {
        let (token, retries) = (token.clone(), retries.clone());
        tasks.spawn(async move {
            for body in chunk {
                let acknowledged = |r: &WireReply| {
                    r.status == 200
                        && r.json()["results"].as_array().is_some_and(|results| {
                            results
                                .iter()
                                .all(|x| x["status"] == "applied" || x["status"] == "duplicate")
                        })
                };
                until(
                    addr,
                    WireRequest::json("POST", "/api/v1/sync/push", Some(&token), &body),
                    acknowledged,
                    &retries,
                )
                .await;
            }
        });
    }
    for chunk in photos.chunks(25).map(<[(Uuid, Vec<u8>)]>::to_vec) {
        let (token, retries) = (token.clone(), retries.clone());
        tasks.spawn(async move {
            for (id, bytes) in chunk {
                let sha = sha256_hex(&bytes);
                let path = format!("/api/v1/photos/{id}");
                let confirmed = |r: &WireReply| {
                    assert_ne!(r.status, 409, "a retried photo is never a conflict");
                    matches!(r.status, 200 | 201) && r.json()["sha256"] == json!(sha)
                };
                until(
                    addr,
                    WireRequest {
                        method: "PUT",
                        path: &path,
                        token: Some(&token),
                        content_type: "image/jpeg",
                        headers: vec![("X-Content-SHA256", sha.clone())],
                        body: &bytes,
                    },
                    confirmed,
                    &retries,
                )
                .await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    eprintln!(
        "{} connections, {} with a fault, {} retries",
        counts.connections.load(Ordering::Relaxed),
        counts.faults.load(Ordering::Relaxed),
        retries.load(Ordering::Relaxed)
    );
    assert!(
        counts.faults.load(Ordering::Relaxed) >= 100,
        "the network was bad enough"
    );

    // Exactly what was sent: every record once, every photo held.
    for (inspection, findings) in &expected {
        let view = app
            .get(&format!("/api/v1/inspections/{inspection}"), Some(&token))
            .await
            .json();
        let held = view["findings"].as_array().unwrap();
        assert_eq!(held.len(), FINDINGS_PER_INSPECTION);
        for (id, response, photo) in findings {
            let f = held.iter().find(|f| f["id"] == json!(id)).unwrap();
            assert_eq!(f["response"], json!(response));
            assert_eq!(
                f["photo_ids"],
                json!(photo.map_or_else(Vec::new, |p| vec![p]))
            );
        }
        assert!(
            view["photos"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["held"] == json!(true))
        );
    }
    let pool = sqlx::SqlitePool::connect(&app.state.config.database_url())
        .await
        .unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let records = (INSPECTIONS * (FINDINGS_PER_INSPECTION + 1)) as i64;
    assert_eq!(
        count("SELECT COUNT(*) FROM findings").await,
        (INSPECTIONS * FINDINGS_PER_INSPECTION) as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM inspections").await,
        INSPECTIONS as i64
    );
    assert_eq!(count("SELECT COUNT(*) FROM sync_mutations").await, records);
    assert_eq!(
        count("SELECT COUNT(*) FROM record_history").await,
        records,
        "no change applied twice"
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT record_id) FROM record_history").await,
        records
    );
    assert_eq!(count("SELECT COUNT(*) FROM sync_conflicts").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM photos").await, PHOTOS as i64);
    let leftovers = walk(&app.state.config.photo_dir())
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".partial"))
        })
        .count();
    assert_eq!(leftovers, 0, "no half-written photo files");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
