//! Calibration pairs: who may pair whom, that a partner's answers stay unseen until both have
//! finished, and that the page compares their answers prompt by prompt.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::{Days, Duration};
use common::{TestApp, spawn_app};
use domain::calibration::view::{PairRequest, PairStatus};
use domain::readiness::london::london_date;
use domain::sync::kind;
use serde_json::{Value, json};
use server::clock::Clock;
use server::error::ApiError;
use server::store::prelude::*;
use uuid::Uuid;

struct Setup {
    admin: String,
    inspector: String,
    /// The second of the pair, another ward inspector.
    partner: String,
    request: PairRequest,
    template: Value,
}

async fn setup(app: &TestApp) -> Setup {
    let admin = app.login("admin@demo.nhs.test").await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let partner = app.login("inspector2@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    let templates = app.get("/api/v1/templates", Some(&inspector)).await.json();
    let template = templates[0].clone();
    let today = london_date(app.clock.now());
    let user = |email: &'static str| async move {
        app.store.user_by_email(email).await.unwrap().unwrap().id
    };
    Setup {
        request: PairRequest {
            unit_id: units[0]["id"].as_str().unwrap().parse().unwrap(),
            template_id: template["id"].as_str().unwrap().parse().unwrap(),
            first_user_id: user("inspector@demo.nhs.test").await,
            second_user_id: user("inspector2@demo.nhs.test").await,
            // From yesterday: an inspection started minutes ago may have begun before midnight.
            opens_on: today - Days::new(1),
            closes_on: today + Days::new(7),
        },
        admin,
        inspector,
        partner,
        template,
    }
}

/// Pushes an inspection of the pair's ward with the pair's checklist answering the first
/// prompts as given, finished or not; returns its id.
async fn inspect(app: &TestApp, token: &str, s: &Setup, answers: &[&str], done: bool) -> Uuid {
    let id = Uuid::now_v7();
    let started = app.clock.now() - Duration::minutes(5);
    let prompts = s.template["prompt_codes"].as_array().unwrap();
    let upsert = |status: &str| {
        json!({"id": Uuid::now_v7(), "kind": kind::INSPECTION_UPSERT, "data": {
            "id": id, "unit_id": s.request.unit_id, "framework_id": s.template["framework_id"],
            "template_id": s.template["id"], "template_version": s.template["version"],
            "started_at": started, "status": status}})
    };
    let mut mutations = vec![upsert("in_progress")];
    for (prompt, response) in prompts.iter().zip(answers) {
        mutations.push(
            json!({"id": Uuid::now_v7(), "kind": kind::FINDING_RECORD, "data": {
            "id": Uuid::now_v7(), "inspection_id": id, "item_code": prompt,
            "response": response, "note": "", "photo_ids": [], "observed_at": started}}),
        );
    }
    if done {
        mutations.push(upsert("submitted"));
    }
    push(app, token, mutations).await;
    id
}

async fn push(app: &TestApp, token: &str, mutations: Vec<Value>) {
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    let reply = app.post("/api/v1/sync/push", Some(token), batch).await;
    assert_eq!(reply.status, StatusCode::OK);
    for result in reply.json()["results"].as_array().unwrap() {
        assert_eq!(result["status"], "applied", "{result}");
    }
}

fn finish(app: &TestApp, s: &Setup, id: Uuid) -> Value {
    json!({"id": Uuid::now_v7(), "kind": kind::INSPECTION_UPSERT, "data": {
        "id": id, "unit_id": s.request.unit_id, "framework_id": s.template["framework_id"],
        "template_id": s.template["id"], "template_version": s.template["version"],
        "started_at": app.clock.now() - Duration::minutes(5), "status": "submitted"}})
}

/// How many findings the readiness drill-down of a ward's overall shows the caller.
async fn findings_behind(app: &TestApp, token: &str, unit: Uuid) -> usize {
    let caller = app.caller(token).await;
    let cell =
        server::readiness::cell::cell_evidence(&app.state, &caller, unit, "overall", None, None)
            .await
            .unwrap();
    cell.findings.len() + cell.more_findings
}

async fn pair(app: &TestApp, token: &str, request: &PairRequest) -> Result<Uuid, ApiError> {
    let caller = app.caller(token).await;
    server::calibration::add_pair(&app.store, &caller, request, app.clock.now()).await
}

fn refused(result: Result<Uuid, ApiError>) -> String {
    match result {
        Err(ApiError::Unprocessable(why)) => why,
        other => panic!("expected a 422, got {other:?}"),
    }
}

#[tokio::test]
async fn only_admins_pair_two_active_inspectors_of_their_trust_within_a_short_open_window() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    assert!(matches!(
        pair(&app, &s.inspector, &s.request).await,
        Err(ApiError::Forbidden(_))
    ));
    let same = PairRequest {
        second_user_id: s.request.first_user_id,
        ..s.request.clone()
    };
    assert!(refused(pair(&app, &s.admin, &same).await).contains("two different"));
    let board = app
        .store
        .user_by_email("board@demo.nhs.test")
        .await
        .unwrap();
    let not_inspector = PairRequest {
        second_user_id: board.unwrap().id,
        ..s.request.clone()
    };
    assert!(refused(pair(&app, &s.admin, &not_inspector).await).contains("ward inspectors"));
    let admin_id = app.caller(&s.admin).await.user.id;
    let an_admin = PairRequest {
        second_user_id: admin_id,
        ..s.request.clone()
    };
    assert!(refused(pair(&app, &s.admin, &an_admin).await).contains("ward inspectors"));
    let closed = PairRequest {
        opens_on: s.request.opens_on - Days::new(9),
        closes_on: s.request.opens_on - Days::new(2),
        ..s.request.clone()
    };
    assert!(refused(pair(&app, &s.admin, &closed).await).contains("closed"));
    let long = PairRequest {
        closes_on: s.request.opens_on + Days::new(60),
        ..s.request.clone()
    };
    assert!(refused(pair(&app, &s.admin, &long).await).contains("at most"));
    let buddy_admin = app.login("admin@buddy.nhs.test").await;
    // Another trust's ward is not found.
    assert!(matches!(
        pair(&app, &buddy_admin, &s.request).await,
        Err(ApiError::NotFound)
    ));
    pair(&app, &s.admin, &s.request).await.unwrap();
    let audited = app
        .count_behind_its_back("SELECT COUNT(*) FROM audit_log WHERE action = 'calibration.pair'")
        .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn partners_read_each_others_answers_only_when_both_have_finished() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    pair(&app, &s.admin, &s.request).await.unwrap();
    let first = inspect(
        &app,
        &s.inspector,
        &s,
        &["met", "met", "not_met", "met"],
        false,
    )
    .await;
    let second = inspect(
        &app,
        &s.partner,
        &s,
        &["met", "partially_met", "not_met"],
        false,
    )
    .await;
    let path = |id: Uuid| format!("/api/v1/inspections/{id}");
    let board = app.login("board@demo.nhs.test").await;
    // Someone outside the pair reads both as ever; the partners read only their own.
    assert_eq!(
        app.get(&path(first), Some(&board)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&path(first), Some(&s.inspector)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&path(first), Some(&s.partner)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&path(second), Some(&s.inspector)).await.status,
        StatusCode::NOT_FOUND
    );
    // Nor does the readiness drill-down show the partner's answers, nor can the partner be
    // handed the other's half.
    let seen_by_board = findings_behind(&app, &board, s.request.unit_id).await;
    let seen_by_partner = findings_behind(&app, &s.partner, s.request.unit_id).await;
    assert!(seen_by_board >= 4, "{seen_by_board}");
    assert_eq!(seen_by_partner + 4, seen_by_board);
    let to_partner = app
        .post(
            &format!("/api/v1/inspections/{first}/hand-over"),
            Some(&s.admin),
            json!({"to_user_id": s.request.second_user_id}),
        )
        .await;
    assert_eq!(to_partner.status, StatusCode::UNPROCESSABLE_ENTITY);
    let choices = app
        .get(
            &format!("/api/v1/inspections/{first}/hand-over"),
            Some(&s.admin),
        )
        .await
        .json();
    let offered = choices["colleagues"].as_array().unwrap();
    assert!(
        !offered
            .iter()
            .any(|c| c["id"] == json!(s.request.second_user_id))
    );
    assert!(offered.iter().any(|c| c["name"] == "Priya Shah"));

    push(&app, &s.inspector, vec![finish(&app, &s, first)]).await;
    assert_eq!(
        app.get(&path(second), Some(&s.inspector)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&path(first), Some(&s.partner)).await.status,
        StatusCode::NOT_FOUND
    );
    let caller = app.caller(&s.admin).await;
    let page =
        server::calibration::overview(&app.store, &app.state.catalogue, &caller, app.clock.now())
            .await
            .unwrap();
    assert_eq!(page.pairs[0].status, PairStatus::Waiting);
    assert!(page.pairs[0].first.finished && !page.pairs[0].second.finished);
    assert!(page.pairs[0].result.is_none());

    push(&app, &s.partner, vec![finish(&app, &s, second)]).await;
    assert_eq!(
        app.get(&path(second), Some(&s.inspector)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&path(first), Some(&s.partner)).await.status,
        StatusCode::OK
    );
    let page =
        server::calibration::overview(&app.store, &app.state.catalogue, &caller, app.clock.now())
            .await
            .unwrap();
    let p = &page.pairs[0];
    assert_eq!(p.status, PairStatus::Complete);
    assert_eq!(p.first.inspection_id, Some(first));
    assert_eq!(p.second.inspection_id, Some(second));
    // Three prompts answered by both (the fourth by one only), two the same.
    let result = p.result.as_ref().unwrap();
    let overall = result.overall.as_ref().unwrap();
    assert_eq!(overall.agreement.prompts, 3);
    assert!((overall.agreement.percent - 2.0 / 3.0).abs() < 1e-9);
    let second_prompt = s.template["prompt_codes"][1].as_str().unwrap();
    assert_eq!(result.differing.len(), 1);
    assert_eq!(result.differing[0].prompt, second_prompt);
    assert!(!result.differing[0].text.is_empty());
    assert_eq!(page.assessors.len(), 2);
    assert_eq!(page.prompts.len(), 1);
    assert_eq!((page.prompts[0].pairs, page.prompts[0].differing), (1, 1));
}

/// The flag codes and confidence of each key question of a ward, as the board reads them.
async fn ward_cells(app: &TestApp, unit: Uuid) -> Vec<(Vec<String>, f64)> {
    let board = app.login("board@demo.nhs.test").await;
    let report = app
        .get(&format!("/api/v1/readiness?unit_id={unit}"), Some(&board))
        .await
        .json();
    report["units"][0]["key_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| {
            let codes = cell["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_owned())
                .collect();
            (codes, cell["confidence"].as_f64().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn an_assessor_who_agrees_poorly_weighs_less_on_every_ward_of_the_trust() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let prompts = s.template["prompt_codes"].as_array().unwrap().len();
    assert!(
        prompts >= 12,
        "enough prompts to judge agreement: {prompts}"
    );
    // The first inspector's earlier inspection of another ward.
    let units = app.get("/api/v1/units", Some(&s.inspector)).await.json();
    let other: Uuid = units[1]["id"].as_str().unwrap().parse().unwrap();
    assert_ne!(other, s.request.unit_id);
    let elsewhere = Setup {
        request: PairRequest {
            unit_id: other,
            ..s.request.clone()
        },
        admin: s.admin.clone(),
        inspector: s.inspector.clone(),
        partner: s.partner.clone(),
        template: s.template.clone(),
    };
    inspect(&app, &s.inspector, &elsewhere, &["met"; 12], true).await;
    let before = ward_cells(&app, other).await;
    assert!(
        before
            .iter()
            .all(|(codes, _)| !codes.iter().any(|c| c == "poorly_calibrated"))
    );

    // Paired on the first ward, the two answer every prompt differently: poor agreement.
    pair(&app, &s.admin, &s.request).await.unwrap();
    let one: Vec<&str> = (0..12)
        .map(|n| if n % 2 == 0 { "met" } else { "not_met" })
        .collect();
    let other_way: Vec<&str> = (0..12)
        .map(|n| if n % 2 == 0 { "not_met" } else { "met" })
        .collect();
    inspect(&app, &s.inspector, &s, &one, true).await;
    inspect(&app, &s.partner, &s, &other_way, true).await;

    // The other ward got no new evidence, yet its cells now say so and trust them less.
    let after = ward_cells(&app, other).await;
    let mut flagged = 0;
    for ((was, confidence_was), (now, confidence_now)) in before.iter().zip(&after) {
        if now.iter().any(|c| c == "poorly_calibrated") {
            flagged += 1;
            assert!(confidence_now < confidence_was, "{was:?} {now:?}");
        }
    }
    assert!(flagged > 0, "{after:?}");
}
