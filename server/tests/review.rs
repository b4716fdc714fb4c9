//! Evidence review by the buddy trust: who may see the queue and give verdicts, that a
//! challenge needs a comment, and that verdicts move readiness (challenged left out, verified
//! weighing more, the `unverified_evidence` flag) and show in the drill-down and the audit log.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, spawn_app};
use domain::review::Verdict;
use serde_json::{Value, json};
use server::clock::Clock;
use uuid::Uuid;

async fn push(app: &TestApp, token: &str, mutations: Vec<Value>) {
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    let reply = app.post("/api/v1/sync/push", Some(token), batch).await;
    assert_eq!(reply.status, StatusCode::OK);
    for result in reply.json()["results"].as_array().unwrap() {
        assert_eq!(result["status"], "applied", "{result}");
    }
}

/// Pushes an inspection of `ward` answering S1.1, S1.2 and S1.3 as given; returns its id and
/// its findings' ids.
async fn inspect(
    app: &TestApp,
    token: &str,
    ward: Uuid,
    answers: [&str; 3],
    status: &str,
) -> (Uuid, Vec<Uuid>) {
    let id = Uuid::now_v7();
    let at = (app.clock.now() - chrono::Duration::hours(1)).to_rfc3339();
    let mut mutations = vec![
        json!({"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {
        "id": id, "unit_id": ward, "framework_id": "cqc-kloe-2017", "template_id": null,
        "template_version": null, "started_at": at, "status": "in_progress"}}),
    ];
    let mut findings = Vec::new();
    for (n, response) in answers.iter().enumerate() {
        let finding = Uuid::now_v7();
        findings.push(finding);
        mutations.push(
            json!({"id": Uuid::now_v7(), "kind": "finding.record", "data": {
            "id": finding, "inspection_id": id, "item_code": format!("S1.{}", n + 1),
            "response": response, "note": format!("Finding {n}"), "photo_ids": [],
            "observed_at": at}}),
        );
    }
    mutations.push(
        json!({"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {
        "id": id, "unit_id": ward, "framework_id": "cqc-kloe-2017", "template_id": null,
        "template_version": null, "started_at": at, "status": status}}),
    );
    push(app, token, mutations).await;
    (id, findings)
}

async fn verdict(app: &TestApp, token: &str, record: Uuid, status: &str, comment: &str) -> u16 {
    app.post(
        &format!("/api/v1/evidence/{record}/verdicts"),
        Some(token),
        json!({"status": status, "comment": comment}),
    )
    .await
    .status
    .as_u16()
}

/// The ward's Safe cell as the board reads it.
async fn safe(app: &TestApp, board: &str, ward: Uuid) -> Value {
    let report = app
        .get(&format!("/api/v1/readiness?unit_id={ward}"), Some(board))
        .await
        .json();
    report["units"][0]["key_questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "safe")
        .unwrap()
        .clone()
}

fn flagged_unverified(cell: &Value) -> bool {
    cell["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "unverified_evidence")
}

#[tokio::test]
async fn a_reviewer_challenges_and_verifies_and_readiness_moves_with_each_verdict() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let board = app.login("board@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    let ward: Uuid = units[0]["id"].as_str().unwrap().parse().unwrap();
    let (_, findings) = inspect(
        &app,
        &inspector,
        ward,
        ["met", "met", "not_met"],
        "submitted",
    )
    .await;
    let (_, open) = inspect(&app, &inspector, ward, ["met", "met", "met"], "in_progress").await;

    // Only a buddy reviewer reads the queue; signed out is 401.
    let path = format!("/api/v1/review/queue?unit_id={ward}");
    assert_eq!(app.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
    for token in [&inspector, &board] {
        assert_eq!(
            app.get(&path, Some(token)).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let queue = app.get(&path, Some(&reviewer)).await.json();
    let items = queue["items"].as_array().unwrap();
    // The finished inspection's three findings; the open one's are not evidence to check yet.
    assert_eq!(items.len(), 3, "{queue}");
    assert!(items.iter().all(|i| i["status"] == "unreviewed"));
    assert_eq!(items[0]["body"]["kind"], "finding");
    assert_eq!(
        verdict(&app, &reviewer, open[0], "verified", "").await,
        404,
        "an open inspection's finding is not reviewable"
    );

    // A self-assessment is the trust's own judgement, not evidence to verify: not reviewable.
    let rating = Uuid::now_v7();
    push(
        &app,
        &inspector,
        vec![
            json!({"id": Uuid::now_v7(), "kind": "self_assessment.record", "data": {
            "id": rating, "unit_id": ward, "item_code": "S1", "rating": "good",
            "justification": "Audits", "evidence_date": app.clock.today()}}),
        ],
    )
    .await;
    assert_eq!(verdict(&app, &reviewer, rating, "verified", "").await, 404);

    let before = safe(&app, &board, ward).await;
    assert!(flagged_unverified(&before));
    let score = |cell: &Value| cell["score"].as_f64().unwrap();
    // (3 + 3 + 1 + 3 + 3 + 3) / 6 on the 1-4 scale: open inspections' findings count too.
    assert!(
        (before["sources"]["mini_inspection"]["score"]
            .as_f64()
            .unwrap()
            - 16.0 / 6.0 * 25.0)
            .abs()
            < 1e-9
    );

    // A challenge needs a comment, and changes nothing without one.
    assert_eq!(
        verdict(&app, &reviewer, findings[2], "challenged", " ").await,
        422
    );
    assert_eq!(
        verdict(&app, &inspector, findings[2], "verified", "").await,
        403
    );
    assert_eq!(
        verdict(&app, &reviewer, findings[2], "unreviewed", "").await,
        422
    );
    assert_eq!(
        app.count_behind_its_back("SELECT COUNT(*) FROM evidence_verdicts")
            .await,
        0
    );
    assert_eq!(
        verdict(
            &app,
            &reviewer,
            findings[2],
            "challenged",
            "No date on the audit"
        )
        .await,
        201
    );
    let after_challenge = safe(&app, &board, ward).await;
    // The challenged "not met" is left out until resolved.
    let observed = |cell: &Value| {
        cell["sources"]["mini_inspection"]["score"]
            .as_f64()
            .unwrap()
    };
    assert!((observed(&after_challenge) - 75.0).abs() < 1e-9);
    assert!(score(&after_challenge) > score(&before));
    assert_eq!(after_challenge["sources"]["mini_inspection"]["count"], 5);

    assert_eq!(
        verdict(&app, &reviewer, findings[0], "verified", "").await,
        201
    );
    let after_verify = safe(&app, &board, ward).await;
    assert!(!flagged_unverified(&after_verify));

    let queue = app.get(&path, Some(&reviewer)).await.json();
    let status_of = |id: Uuid| {
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == json!(id))
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of(findings[2]), "challenged");
    assert_eq!(status_of(findings[0]), "verified");
    let waiting = app
        .get(&format!("{path}&status=unreviewed"), Some(&reviewer))
        .await
        .json();
    assert_eq!(waiting["items"].as_array().unwrap().len(), 1);
    let challenged = app
        .get(&format!("{path}&status=challenged"), Some(&reviewer))
        .await
        .json();
    assert_eq!(
        challenged["items"][0]["verdicts"][0]["comment"],
        "No date on the audit"
    );
    assert_eq!(challenged["items"][0]["verdicts"][0]["by"], "Grace Adeyemi");

    // The drill-down shows each finding's verdict, the challenged one too (marked, not counted).
    let caller = app.caller(&board).await;
    let cell =
        server::readiness::cell::cell_evidence(&app.state, &caller, ward, "safe", None, None)
            .await
            .unwrap();
    let verified = cell
        .findings
        .iter()
        .filter(|f| f.verdict == Verdict::Verified);
    assert_eq!(verified.count(), 1);
    let doubted = cell
        .findings
        .iter()
        .filter(|f| f.verdict == Verdict::Challenged);
    assert_eq!(doubted.count(), 1);

    // Resolved, the doubt drops out of the pull.
    assert_eq!(
        verdict(&app, &reviewer, findings[2], "verified", "Dated copy seen").await,
        201
    );
    let pull = app.get("/api/v1/sync/pull", Some(&inspector)).await.json();
    assert!(pull["comments"].as_array().unwrap().is_empty());

    // Audited in the reviewed trust's chain.
    let audited = app
        .count_behind_its_back("SELECT COUNT(*) FROM audit_log WHERE action = 'evidence.verdict'")
        .await;
    assert_eq!(audited, 3);

    // Once the grant has ended the queue and verdicts are not found.
    app.execute_behind_its_back("UPDATE buddy_grants SET ends_on = starts_on")
        .await;
    assert_eq!(
        app.get(&path, Some(&reviewer)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        verdict(&app, &reviewer, findings[1], "verified", "").await,
        404
    );
}

/// Pushes one mutation and returns its result's status and error.
async fn push_one(app: &TestApp, token: &str, kind: &str, data: Value) -> (String, String) {
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": [
        {"id": Uuid::now_v7(), "kind": kind, "data": data}]});
    let reply = app.post("/api/v1/sync/push", Some(token), batch).await;
    assert_eq!(reply.status, StatusCode::OK);
    let result = reply.json()["results"][0].clone();
    (
        result["status"].as_str().unwrap().to_owned(),
        result["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn the_inspector_replies_to_a_challenge_and_the_item_goes_back_in_the_queue() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let colleague = app.login("inspector2@demo.nhs.test").await;
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    let ward: Uuid = units[0]["id"].as_str().unwrap().parse().unwrap();
    let (inspection, findings) =
        inspect(&app, &inspector, ward, ["met", "met", "met"], "submitted").await;
    assert_eq!(
        verdict(
            &app,
            &reviewer,
            findings[0],
            "challenged",
            "No date on the audit"
        )
        .await,
        201
    );
    let path = format!("/api/v1/review/queue?unit_id={ward}&status=unreviewed");
    let waiting_ids = |queue: &Value| -> Vec<Value> {
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].clone())
            .collect()
    };
    let before = app.get(&path, Some(&reviewer)).await.json();
    assert!(!waiting_ids(&before).contains(&json!(findings[0])));

    app.clock.advance(chrono::TimeDelta::seconds(1));
    let photo = Uuid::now_v7();
    let reply_id = Uuid::now_v7();
    let reply = json!({"id": reply_id, "record_id": findings[0], "inspection_id": inspection,
        "note": "  The dated audit is in the new photo  ", "photo_ids": [photo],
        "written_at": app.clock.now()});

    // Nobody but the finding's owner replies, and a reply needs words or a photo.
    let (status, error) = push_one(&app, &colleague, "evidence.reply", reply.clone()).await;
    assert_eq!(
        (status.as_str(), error.contains("belongs to someone else")),
        ("rejected", true)
    );
    let (status, error) = push_one(&app, &reviewer, "evidence.reply", reply.clone()).await;
    assert_eq!(status, "rejected", "{error}");
    let mut empty = reply.clone();
    empty["id"] = json!(Uuid::now_v7());
    empty["note"] = json!(" ");
    empty["photo_ids"] = json!([]);
    let (status, error) = push_one(&app, &inspector, "evidence.reply", empty).await;
    assert_eq!(
        (status.as_str(), error.as_str()),
        ("rejected", "Write a reply or add a photo")
    );
    let mut stray = reply.clone();
    stray["id"] = json!(Uuid::now_v7());
    stray["record_id"] = json!(Uuid::now_v7());
    let (status, _) = push_one(&app, &inspector, "evidence.reply", stray).await;
    assert_eq!(status, "rejected");
    // A finding of the same inspection that no reviewer doubted has nothing to answer.
    let mut undoubted = reply.clone();
    undoubted["id"] = json!(Uuid::now_v7());
    undoubted["record_id"] = json!(findings[1]);
    let (status, error) = push_one(&app, &inspector, "evidence.reply", undoubted).await;
    assert_eq!(
        (status.as_str(), error.contains("nothing to reply to")),
        ("rejected", true)
    );

    // The owner's reply is kept once: the same reply again under a new change id is refused.
    assert_eq!(
        push_one(&app, &inspector, "evidence.reply", reply.clone())
            .await
            .0,
        "applied"
    );
    let (status, error) = push_one(&app, &inspector, "evidence.reply", reply).await;
    assert_eq!(
        (status.as_str(), error.contains("sent already")),
        ("rejected", true)
    );
    let kept = app
        .count_behind_its_back("SELECT COUNT(*) FROM evidence_replies")
        .await;
    assert_eq!(kept, 1);

    // Back in the queue, with the reply beside the verdict; still left out of readiness.
    let after = app.get(&path, Some(&reviewer)).await.json();
    let item = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == json!(findings[0]))
        .unwrap()
        .clone();
    assert_eq!(item["status"], "challenged");
    assert_eq!(
        item["replies"][0]["note"],
        "The dated audit is in the new photo"
    );
    assert_eq!(item["replies"][0]["photo_ids"], json!([photo]));
    assert_eq!(item["replies"][0]["by"], "Sam Okafor");

    // The inspector's devices see their reply with the comment.
    let pull = app.get("/api/v1/sync/pull", Some(&inspector)).await.json();
    assert_eq!(
        pull["comments"][0]["replies"][0]["id"],
        json!(reply_id),
        "{pull}"
    );

    // A verdict after the reply takes it out of the waiting list again.
    app.clock.advance(chrono::TimeDelta::seconds(1));
    assert_eq!(
        verdict(&app, &reviewer, findings[0], "verified", "").await,
        201
    );
    let resolved = app.get(&path, Some(&reviewer)).await.json();
    assert!(!waiting_ids(&resolved).contains(&json!(findings[0])));
    let pull = app.get("/api/v1/sync/pull", Some(&inspector)).await.json();
    assert!(pull["comments"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn evidence_of_flagged_readiness_cells_comes_first_with_the_reasons() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    let ward = |n: usize| -> Uuid { units[n]["id"].as_str().unwrap().parse().unwrap() };
    let (well_evidenced, thin) = (ward(0), ward(1));
    // Six findings for S1 on one ward, pushed first; three on another, whose S1 cell readiness
    // flags as resting on thin evidence.
    let mut plain = Vec::new();
    for _ in 0..2 {
        let (_, found) = inspect(&app, &inspector, well_evidenced, ["met"; 3], "submitted").await;
        plain.extend(found);
    }
    let (_, flagged) = inspect(&app, &inspector, thin, ["met"; 3], "submitted").await;

    let queue = app
        .get("/api/v1/review/queue?status=unreviewed", Some(&reviewer))
        .await
        .json();
    let items = queue["items"].as_array().unwrap();
    let ids: Vec<Uuid> = items
        .iter()
        .map(|i| i["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 9, "{queue}");
    assert_eq!(
        &ids[..3],
        flagged.as_slice(),
        "flagged first, oldest first among them"
    );
    assert_eq!(&ids[3..], plain.as_slice());
    for item in &items[..3] {
        let reasons = item["flags"].as_array().unwrap();
        assert!(!reasons.is_empty(), "{item}");
    }
    assert!(items[3..].iter().all(|i| i["flags"] == json!([])));
    // A sample is drawn at random instead.
    let sample = app
        .get("/api/v1/review/queue?sample=9", Some(&reviewer))
        .await
        .json();
    assert_eq!(sample["items"].as_array().unwrap().len(), 9);
}
