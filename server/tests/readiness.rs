//! Readiness over HTTP: self-assessment and peer review pushed like findings (who may record
//! which, and a reviewer outside the grant told why), and `GET /api/v1/readiness` counting the
//! three sources, as at a past day, scoped to the wards the caller may see.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::TimeDelta;
use common::changes::upsert;
use common::{TestApp, spawn_app};
use serde_json::{Value, json};
use server::clock::Clock;
use uuid::Uuid;

async fn push(app: &TestApp, token: &str, mutations: Vec<Value>) -> Vec<Value> {
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    let reply = app.post("/api/v1/sync/push", Some(token), batch).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["results"].as_array().unwrap().clone()
}

fn statuses(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

/// An answer to `prompt` observed on `day`, as a new finding (or a new value of `id`).
fn answer(id: Uuid, inspection: Uuid, prompt: &str, response: &str, day: &str) -> Value {
    json!({"id": Uuid::now_v7(), "kind": "finding.record", "data": {
        "id": id, "inspection_id": inspection, "item_code": prompt, "response": response,
        "note": "", "photo_ids": [], "observed_at": format!("{day}T10:00:00Z")}})
}

/// A rating of `unit` against `item` from `kind`'s source.
fn rating(kind: &str, unit: Uuid, item: &str, rating: &str, day: &str) -> Value {
    json!({"id": Uuid::now_v7(), "kind": kind, "data": {
        "id": Uuid::now_v7(), "unit_id": unit, "item_code": item, "rating": rating,
        "justification": "Audit results and staff interviews", "evidence_date": day}})
}

async fn first_ward(app: &TestApp, token: &str) -> Uuid {
    let units = app.get("/api/v1/units", Some(token)).await.json();
    units[0]["id"].as_str().unwrap().parse().unwrap()
}

/// The key question cell `code` of the only ward in a readiness answer.
fn key_question<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["units"][0]["key_questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()
}

fn flag_codes(cell: &Value) -> Vec<&str> {
    cell["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

fn yesterday(app: &TestApp) -> String {
    (app.clock.now() - TimeDelta::days(1))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn the_three_sources_are_counted_side_by_side_and_disagreement_is_flagged() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let board = app.login("board@demo.nhs.test").await;
    let ward = first_ward(&app, &inspector).await;
    let day = yesterday(&app);
    let inspection = Uuid::now_v7();
    let mut batch = vec![upsert(inspection, ward, "in_progress")];
    for (prompt, response) in [
        ("S1.1", "met"),
        ("S1.2", "met"),
        ("S2.1", "not_met"),
        ("S2.2", "not_applicable"),
    ] {
        batch.push(answer(Uuid::now_v7(), inspection, prompt, response, &day));
    }
    batch.push(rating(
        "self_assessment.record",
        ward,
        "S1",
        "outstanding",
        &day,
    ));
    assert_eq!(
        statuses(&push(&app, &inspector, batch).await),
        ["applied"; 6]
    );
    let peer = rating("peer_review.record", ward, "S2", "inadequate", &day);
    assert_eq!(
        statuses(&push(&app, &reviewer, vec![peer]).await),
        ["applied"]
    );

    let reply = app
        .get(&format!("/api/v1/readiness?unit_id={ward}"), Some(&board))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let report = reply.json();
    assert_eq!(report["units"].as_array().unwrap().len(), 1);
    assert_eq!(report["indicative"], true);
    let safe = key_question(&report, "safe");
    let sources = &safe["sources"];
    // Met, met, not met (not applicable left out): (3 + 3 + 1) / 3 on the 1-4 scale.
    assert_eq!(sources["mini_inspection"]["count"], 3);
    let observed = sources["mini_inspection"]["score"].as_f64().unwrap();
    assert!((observed - 7.0 / 3.0 * 25.0).abs() < 1e-9, "{observed}");
    assert_eq!(sources["self_assessment"]["count"], 1);
    assert_eq!(sources["self_assessment"]["score"], 100.0);
    assert_eq!(sources["peer_review"]["score"], 25.0);
    assert_eq!(sources["peer_review"]["newest"], day.as_str());
    let flags = flag_codes(safe);
    assert!(flags.contains(&"sources_disagree"), "{flags:?}");
    assert!(flags.contains(&"self_assessment_optimistic"), "{flags:?}");
    assert!(flags.contains(&"thin_evidence"), "{flags:?}");
    // Nothing else was assessed: not rated, no score, and the overall says how it was decided.
    let caring = key_question(&report, "caring");
    assert_eq!(caring["rating"], "not_rated");
    assert_eq!(caring["score"], Value::Null);
    assert_eq!(report["units"][0]["overall"]["rating"], safe["rating"]);
    assert!(report["units"][0]["overall"]["rule"].is_string());
    // Read by quality statement, the same findings count through the crosswalk, once each in
    // the key question.
    let saf = app
        .get(
            &format!("/api/v1/readiness?unit_id={ward}&framework=cqc-saf-2024"),
            Some(&board),
        )
        .await
        .json();
    let safe_saf = key_question(&saf, "safe");
    assert_eq!(safe_saf["sources"]["mini_inspection"]["count"], 3);
    assert_eq!(
        safe_saf["sources"]["mini_inspection"]["score"],
        safe["sources"]["mini_inspection"]["score"]
    );
    assert!(
        saf["units"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["findings"].as_u64() > Some(0))
    );
    let items = report["units"][0]["items"].as_array().unwrap();
    assert_eq!(
        items.iter().find(|c| c["code"] == "S1").unwrap()["sources"]["mini_inspection"]["count"],
        2
    );
}

#[tokio::test]
async fn readiness_as_at_a_past_day_reads_the_values_that_stood_then() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let ward = first_ward(&app, &inspector).await;
    let first_day = yesterday(&app);
    let inspection = Uuid::now_v7();
    let finding = Uuid::now_v7();
    app.clock.advance(TimeDelta::days(-1));
    let batch = vec![
        upsert(inspection, ward, "in_progress"),
        answer(finding, inspection, "S1.1", "met", &first_day),
    ];
    assert_eq!(
        statuses(&push(&app, &inspector, batch).await),
        ["applied"; 2]
    );
    app.clock.advance(TimeDelta::days(1));
    let changed = answer(finding, inspection, "S1.1", "not_met", &first_day);
    assert_eq!(
        statuses(&push(&app, &inspector, vec![changed]).await),
        ["applied"]
    );

    let score_on = |report: Value| {
        key_question(&report, "safe")["sources"]["mini_inspection"]["score"].as_f64()
    };
    let then = app
        .get(
            &format!("/api/v1/readiness?unit_id={ward}&as_of={first_day}"),
            Some(&inspector),
        )
        .await;
    assert_eq!(then.status, StatusCode::OK);
    assert_eq!(score_on(then.json()), Some(75.0));
    let now = app
        .get(
            &format!("/api/v1/readiness?unit_id={ward}"),
            Some(&inspector),
        )
        .await;
    assert_eq!(score_on(now.json()), Some(25.0));
    let before = (app.clock.now() - TimeDelta::days(5))
        .format("%Y-%m-%d")
        .to_string();
    let earlier = app
        .get(
            &format!("/api/v1/readiness?unit_id={ward}&as_of={before}"),
            Some(&inspector),
        )
        .await;
    assert_eq!(score_on(earlier.json()), None);
}

#[tokio::test]
async fn who_may_record_which_rating_and_a_reviewer_past_the_grant_is_told_when_it_ended() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let board = app.login("board@demo.nhs.test").await;
    let ward = first_ward(&app, &inspector).await;
    let day = yesterday(&app);

    let own = rating("peer_review.record", ward, "S1", "good", &day);
    let results = push(&app, &inspector, vec![own]).await;
    assert_eq!(statuses(&results), ["rejected"]);
    assert!(
        results[0]["error"]
            .as_str()
            .unwrap()
            .contains("buddy reviewer")
    );
    let reply = app
        .post(
            "/api/v1/sync/push",
            Some(&board),
            json!({"device_id": Uuid::now_v7(),
            "mutations": [rating("self_assessment.record", ward, "S1", "good", &day)]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let theirs = rating("self_assessment.record", ward, "S1", "good", &day);
    assert_eq!(
        statuses(&push(&app, &reviewer, vec![theirs]).await),
        ["rejected"]
    );
    let not_a_kloe = rating("self_assessment.record", ward, "S1.1", "good", &day);
    let results = push(&app, &inspector, vec![not_a_kloe]).await;
    assert!(
        results[0]["error"]
            .as_str()
            .unwrap()
            .contains("unknown KLOE")
    );

    // The seeded grant ends 180 days from now.
    let ends = (app.clock.now() + TimeDelta::days(180)).date_naive();
    app.clock.advance(TimeDelta::days(200));
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let late = rating("peer_review.record", ward, "S1", "good", &day);
    let results = push(&app, &reviewer, vec![late]).await;
    assert_eq!(statuses(&results), ["rejected"]);
    let reason = results[0]["error"].as_str().unwrap();
    assert!(
        reason.contains(&ends.format("%-d %B %Y").to_string()),
        "{reason}"
    );
    let reply = app
        .get(
            &format!("/api/v1/readiness?unit_id={ward}"),
            Some(&reviewer),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_rating_dated_today_in_england_is_accepted_in_the_first_hour_of_a_summer_day() {
    let app = spawn_app().await;
    // 23:30 UTC on 14 July is 00:30 on 15 July in British Summer Time.
    let late_evening = chrono::DateTime::parse_from_rfc3339("2027-07-14T23:30:00Z")
        .unwrap()
        .to_utc();
    app.clock.set(late_evening);
    let inspector = app.login("inspector@demo.nhs.test").await;
    let ward = first_ward(&app, &inspector).await;
    let today = rating("self_assessment.record", ward, "S1", "good", "2027-07-15");
    let tomorrow = rating("self_assessment.record", ward, "S2", "good", "2027-07-16");
    let results = push(&app, &inspector, vec![today, tomorrow]).await;
    assert_eq!(statuses(&results), ["applied", "rejected"], "{results:?}");
}

#[tokio::test]
async fn readiness_is_scoped_and_its_questions_checked() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/api/v1/readiness", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let board = app.login("board@demo.nhs.test").await;
    let buddy_admin = app.login("admin@buddy.nhs.test").await;
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let ward = first_ward(&app, &board).await;

    let all = app.get("/api/v1/readiness", Some(&board)).await.json();
    let units = app.get("/api/v1/units", Some(&board)).await.json();
    assert_eq!(
        all["units"].as_array().unwrap().len(),
        units.as_array().unwrap().len()
    );
    assert_eq!(all["framework_id"], "cqc-kloe-2017");
    assert_eq!(
        all["units"][0]["key_questions"].as_array().unwrap().len(),
        5
    );

    let other = app
        .get(
            &format!("/api/v1/readiness?unit_id={ward}"),
            Some(&buddy_admin),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let granted = app
        .get(
            &format!("/api/v1/readiness?unit_id={ward}"),
            Some(&reviewer),
        )
        .await;
    assert_eq!(granted.status, StatusCode::OK);

    // `trust_id` narrows to one trust the caller sees (a reviewer switching between trusts);
    // any other is not found, like a ward of it.
    let demo_trust = units[0]["trust"]["id"].as_str().unwrap().to_owned();
    let one = app
        .get(
            &format!("/api/v1/readiness?trust_id={demo_trust}"),
            Some(&reviewer),
        )
        .await
        .json();
    assert!(!one["units"].as_array().unwrap().is_empty());
    assert!(
        one["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["trust"]["id"] == demo_trust.as_str())
    );
    assert_eq!(one["trusts"].as_array().unwrap().len(), 1);
    for (who, trust) in [
        (&buddy_admin, demo_trust.clone()),
        (&board, Uuid::now_v7().to_string()),
    ] {
        let reply = app
            .get(&format!("/api/v1/readiness?trust_id={trust}"), Some(who))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }

    let tomorrow = (app.clock.now() + TimeDelta::days(2))
        .format("%Y-%m-%d")
        .to_string();
    for bad in [
        format!("/api/v1/readiness?as_of={tomorrow}"),
        "/api/v1/readiness?as_of=yesterday".to_owned(),
        "/api/v1/readiness?framework=cqc-1999".to_owned(),
        "/api/v1/readiness?unit_id=ward-7".to_owned(),
    ] {
        let reply = app.get(&bad, Some(&board)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(!reply.error_code().is_empty());
    }
    let saf = app
        .get(
            "/api/v1/readiness?framework=cqc-saf-2024&items=true",
            Some(&board),
        )
        .await
        .json();
    assert_eq!(saf["units"][0]["items"][0]["code"], "QS-S1");
}

#[tokio::test]
async fn wards_roll_up_to_services_sites_and_the_trust_whose_well_led_is_its_own() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&admin)).await.json();
    let trust = units[0]["trust"]["id"].as_str().unwrap().to_owned();
    let report = app.get("/api/v1/readiness", Some(&admin)).await.json();
    let trusts = report["trusts"].as_array().unwrap();
    assert_eq!(trusts.len(), 1);
    assert!(report["sites"].as_array().unwrap().len() >= 2);
    assert!(!report["core_services"].as_array().unwrap().is_empty());
    let well_led = |report: &Value| {
        report["trusts"][0]["key_questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "well_led")
            .unwrap()
            .clone()
    };
    // Several sites and no trust-level rating yet: not rated, never aggregated.
    assert_eq!(well_led(&report)["rating"], "not_rated");

    let day = yesterday(&app);
    let own = json!({"id": Uuid::now_v7(), "kind": "self_assessment.record", "data": {
        "id": Uuid::now_v7(), "unit_id": null, "trust_id": trust, "item_code": "W1",
        "rating": "outstanding", "justification": "Board strategy refreshed with staff",
        "evidence_date": day}});
    assert_eq!(statuses(&push(&app, &admin, vec![own]).await), ["applied"]);
    let report = app.get("/api/v1/readiness", Some(&admin)).await.json();
    let cell = well_led(&report);
    assert_eq!(cell["rating"], "outstanding");
    assert_eq!(cell["basis"], "trust_evidence");
    // A ward's cells are untouched by a rating of the trust.
    assert_eq!(
        report["units"][0]["key_questions"][4]["rating"],
        "not_rated"
    );
}

#[tokio::test]
async fn the_demo_story_shows_every_flag_on_first_run() {
    let app = spawn_app().await;
    server::seed::tell_demo_story(&app.store, &app.state.photos, app.clock.now())
        .await
        .unwrap();
    // The latest round photographed what was not in place, on most wards.
    let photos = app
        .count_behind_its_back("SELECT COUNT(*) FROM photos")
        .await;
    assert!(photos >= 20, "{photos} photos");
    let board = app.login("board@demo.nhs.test").await;
    let report = app.get("/api/v1/readiness", Some(&board)).await.json();
    let mut seen: Vec<String> = Vec::new();
    let mut ratings: Vec<String> = Vec::new();
    for unit in report["units"].as_array().unwrap() {
        for cell in unit["key_questions"].as_array().unwrap() {
            ratings.push(cell["rating"].as_str().unwrap().to_owned());
            for code in flag_codes(cell) {
                let at = format!("{code} {}", unit["site"]["name"].as_str().unwrap());
                seen.push(at);
            }
        }
    }
    for code in [
        "sources_disagree",
        "self_assessment_optimistic",
        "stale",
        "never_observed",
    ] {
        assert!(
            seen.iter().any(|s| s.starts_with(code)),
            "no {code} in {seen:?}"
        );
    }
    assert!(seen.iter().any(|s| s == "stale St Aidan's Hospital"));
    for rating in ["good", "requires_improvement", "inadequate"] {
        assert!(ratings.iter().any(|r| r == rating), "no {rating} cell");
    }
    // Every aggregate says what it would take to rise, naming what lies beneath it.
    let plan = &report["trusts"][0]["key_questions"][0]["what_it_takes"];
    assert!(plan["kind"].is_string(), "{plan}");
    // The trust's Well-led comes from its own ratings, the self-assessment and the peer review.
    let trust = &report["trusts"][0]["key_questions"][4];
    assert_eq!(trust["basis"], "trust_evidence");
    assert_ne!(trust["rating"], "not_rated");
    // Six months ago the newest round had not happened: readiness then differs from now.
    let then = (app.clock.now() - TimeDelta::days(60))
        .format("%Y-%m-%d")
        .to_string();
    let past = app
        .get(&format!("/api/v1/readiness?as_of={then}"), Some(&board))
        .await
        .json();
    assert_ne!(past["units"], report["units"]);
}

#[tokio::test]
async fn a_notice_limits_its_service_until_lifted_and_published_ratings_carry_forward() {
    use app::backend::Backend;
    use domain::admin::AdminCommand;
    let app = spawn_app().await;
    let admin = app.login("admin@demo.nhs.test").await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&admin)).await.json();
    let service: Uuid = units[0]["core_service"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let admin_caller = app.caller(&admin).await;
    let today = app.clock.now().date_naive();
    let cell = |report: &Value, code: &str| {
        report["core_services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == service.to_string())
            .unwrap()["key_questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()
            .clone()
    };

    // Only an admin records them.
    let notice = AdminCommand::RecordNotice {
        core_service_id: service,
        key_question: "safe".to_owned(),
        enforcement: domain::principles::Enforcement::WarningNotice,
    };
    let refused = app
        .state
        .administer(&app.caller(&inspector).await, notice.clone())
        .await
        .unwrap_err();
    assert_eq!(refused.error, "forbidden");
    app.state.administer(&admin_caller, notice).await.unwrap();
    let published = AdminCommand::RecordPublished {
        core_service_id: service,
        key_question: "caring".to_owned(),
        rating: domain::rating::Rating::Outstanding,
        report_date: today - chrono::Days::new(400),
    };
    app.state
        .administer(&admin_caller, published)
        .await
        .unwrap();
    let future = AdminCommand::RecordPublished {
        core_service_id: service,
        key_question: "caring".to_owned(),
        rating: domain::rating::Rating::Good,
        report_date: today + chrono::Days::new(1),
    };
    assert_eq!(
        app.state
            .administer(&admin_caller, future)
            .await
            .unwrap_err()
            .error,
        "unprocessable"
    );

    let report = app.get("/api/v1/readiness", Some(&admin)).await.json();
    assert_eq!(cell(&report, "safe")["rating"], "inadequate");
    assert_eq!(cell(&report, "safe")["enforcement"], "warning_notice");
    // Nothing observed for Caring: the published rating stands, dated.
    assert_eq!(cell(&report, "caring")["rating"], "outstanding");
    assert_eq!(cell(&report, "caring")["basis"], "published");

    // A day later the CQC lifts it.
    app.clock.advance(TimeDelta::days(1));
    let admin = app.login("admin@demo.nhs.test").await;
    let admin_caller = app.caller(&admin).await;
    let overview = app.state.trust_overview(&admin_caller).await.unwrap();
    let id = overview.notices[0].id;
    app.state
        .administer(&admin_caller, AdminCommand::LiftNotice { notice_id: id })
        .await
        .unwrap();
    // Lifted today: today's readiness is free of it, yesterday's still shows it.
    let report = app.get("/api/v1/readiness", Some(&admin)).await.json();
    assert_eq!(cell(&report, "safe")["rating"], "not_rated");
    let yesterday = yesterday(&app);
    let then = app
        .get(
            &format!("/api/v1/readiness?as_of={yesterday}"),
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(cell(&then, "safe")["rating"], "inadequate");
}

#[tokio::test]
async fn the_heatmap_csv_holds_what_the_filters_show_and_no_formulas() {
    let app = spawn_app().await;
    let board = app.login("board@demo.nhs.test").await;
    let signed_out = app.get("/readiness.csv?kq=safe", None).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    let location = signed_out.headers["location"].to_str().unwrap();
    assert!(location.starts_with("/sign-in?next="), "{location}");

    let reply = app
        .get("/readiness.csv?kq=safe&depth=services", Some(&board))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        reply.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = String::from_utf8(reply.body.to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("Indicative readiness as at"));
    assert_eq!(lines[1], "\"Level\",\"Site\",\"Name\",\"Safe\",\"Overall\"");
    assert!(
        lines.iter().skip(2).all(|l| !l.starts_with("\"Ward\"")),
        "wards hidden at this depth"
    );
    assert!(lines.iter().any(|l| l.starts_with("\"Core service\"")));
    assert!(lines.iter().any(|l| l.starts_with("\"Trust\"")));

    let bad = app.get("/readiness.csv?as_of=soon", Some(&board)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_server_that_computed_readiness_before_sees_a_sync_another_server_took() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let board = app.login("board@demo.nhs.test").await;
    let ward = first_ward(&app, &inspector).await;
    // A second server over the same database, with nothing computed yet.
    let config = server::config::Config::for_data_dir(tempfile::tempdir().unwrap().keep());
    let other = server::state_with_store(config, app.store.clone(), app.clock.clone())
        .await
        .unwrap();
    let other = server::router(other);
    let read = |router: axum::Router| {
        let board = board.clone();
        async move {
            use tower::ServiceExt;
            let request = axum::http::Request::get("/api/v1/readiness")
                .header("authorization", format!("Bearer {board}"))
                .body(axum::body::Body::empty())
                .unwrap();
            let response = router.oneshot(request).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            serde_json::from_slice::<Value>(&body).unwrap()
        }
    };
    let safe_of = |report: &Value| {
        report["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_id"] == ward.to_string())
            .unwrap()["key_questions"][0]
            .clone()
    };
    let before = read(other.clone()).await;
    assert_eq!(safe_of(&before)["rating"], "not_rated");
    // A trust's answer leaves the item cells out unless asked for.
    assert!(before["units"][0].get("items").is_none());
    let with_items = app
        .get("/api/v1/readiness?items=true", Some(&board))
        .await
        .json();
    assert!(
        !with_items["units"][0]["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let inspection = Uuid::now_v7();
    let day = yesterday(&app);
    let mut batch = vec![upsert(inspection, ward, "in_progress")];
    batch.push(answer(Uuid::now_v7(), inspection, "S1.1", "not_met", &day));
    push(&app, &inspector, batch).await;
    let after = read(other.clone()).await;
    assert_eq!(safe_of(&after)["sources"]["mini_inspection"]["count"], 1);
    assert_eq!(safe_of(&after)["rating"], "inadequate");
    // The same answer again, unchanged, from what that server kept; gzipped for a client
    // that takes it.
    assert_eq!(read(other.clone()).await, after);
    use tower::ServiceExt;
    let request = axum::http::Request::get("/api/v1/readiness")
        .header("authorization", format!("Bearer {board}"))
        .header("accept-encoding", "gzip, br")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = other.oneshot(request).await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut json).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&json).unwrap(), after);
}

#[tokio::test]
async fn a_ward_added_after_an_answer_was_kept_is_in_the_next_answer() {
    let app = spawn_app().await;
    let board = app.login("board@demo.nhs.test").await;
    let admin = app.login("admin@demo.nhs.test").await;
    let ward_names = |report: &Value| -> Vec<String> {
        report["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = app.get("/api/v1/readiness", Some(&board)).await.json();
    assert_eq!(
        app.get("/api/v1/readiness", Some(&board)).await.json(),
        before
    );
    let service: Uuid = before["units"][0]["core_service"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let caller = app.caller(&admin).await;
    server::admin::add_unit(
        &app.store,
        &caller,
        service,
        "Ward 99",
        "adult_inpatient",
        app.clock.now(),
    )
    .await
    .unwrap();
    let after = app.get("/api/v1/readiness", Some(&board)).await.json();
    assert_eq!(ward_names(&after).len(), ward_names(&before).len() + 1);
    assert!(ward_names(&after).iter().any(|n| n == "Ward 99"));
}

#[tokio::test]
async fn a_buddy_reviewer_runs_a_mini_inspection_that_counts_as_the_independent_source() {
    let app = spawn_app().await;
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let board = app.login("board@demo.nhs.test").await;
    let ward = first_ward(&app, &board).await;
    let day = yesterday(&app);

    // The reviewer's devices hold the reviewed trust's checklists, each saying whose it is.
    let pulled = app.get("/api/v1/sync/pull", Some(&reviewer)).await.json();
    assert!(
        pulled["templates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["built_in"] == true && t["trust_id"].is_null())
    );

    let inspection = Uuid::now_v7();
    let photo = Uuid::now_v7();
    let mut seen = answer(Uuid::now_v7(), inspection, "S1.1", "not_met", &day);
    seen["data"]["photo_ids"] = json!([photo]);
    let batch = vec![
        upsert(inspection, ward, "in_progress"),
        seen,
        answer(Uuid::now_v7(), inspection, "S1.2", "partially_met", &day),
        upsert(inspection, ward, "submitted"),
    ];
    assert_eq!(
        statuses(&push(&app, &reviewer, batch).await),
        ["applied"; 4]
    );
    // Its photo, sent after the finding, is the reviewed trust's: its board sees it.
    let jpeg = common::images::jpeg(&common::images::two_halves(64, 48));
    let sent = app
        .put_bytes(
            &format!("/api/v1/photos/{photo}"),
            Some(&reviewer),
            "image/jpeg",
            &[],
            jpeg,
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED);
    let seen_by_board = app
        .get(&format!("/api/v1/photos/{photo}/thumbnail"), Some(&board))
        .await;
    assert_eq!(seen_by_board.status, StatusCode::OK);
    // One sent before its finding moves to the reviewed trust when the finding arrives.
    let early = Uuid::now_v7();
    let jpeg = common::images::jpeg(&common::images::two_halves(48, 64));
    let path = format!("/api/v1/photos/{early}");
    let sent = app
        .put_bytes(&path, Some(&reviewer), "image/jpeg", &[], jpeg.clone())
        .await;
    assert_eq!(sent.status, StatusCode::CREATED);
    assert_eq!(
        app.get(&path, Some(&board)).await.status,
        StatusCode::NOT_FOUND
    );
    let second = Uuid::now_v7();
    let mut noted = answer(Uuid::now_v7(), second, "C1.1", "met", &day);
    noted["data"]["photo_ids"] = json!([early]);
    let batch = vec![upsert(second, ward, "in_progress"), noted];
    assert_eq!(
        statuses(&push(&app, &reviewer, batch).await),
        ["applied"; 2]
    );
    assert_eq!(app.get(&path, Some(&board)).await.status, StatusCode::OK);
    // Sent again by the reviewer (a retry), the same bytes are still theirs to send.
    let again = app
        .put_bytes(&path, Some(&reviewer), "image/jpeg", &[], jpeg)
        .await;
    assert_eq!(again.status, StatusCode::OK);

    // Readiness: the independent source, observed, never the trust's own mini-inspection.
    let report = app
        .get(&format!("/api/v1/readiness?unit_id={ward}"), Some(&board))
        .await
        .json();
    let safe = key_question(&report, "safe");
    assert_eq!(safe["sources"]["peer_review"]["count"], 2);
    assert_eq!(safe["sources"]["mini_inspection"]["count"], 0);
    assert_eq!(safe["findings"], 2);
    assert!(!flag_codes(safe).contains(&"never_observed"));

    // The drill-down lists them, what was not in place first, with the note and the photo.
    let caller = app.caller(&board).await;
    let cell =
        server::readiness::cell::cell_evidence(&app.state, &caller, ward, "safe", None, None)
            .await
            .unwrap();
    assert_eq!(cell.title, "Safe");
    assert!(cell.items.iter().any(|(code, _)| code == "S1"));
    assert_eq!(cell.findings.len(), 2);
    let first = &cell.findings[0];
    assert_eq!(first.prompt, "S1.1");
    assert_eq!(first.source, domain::readiness::Source::PeerReview);
    assert_eq!(first.photo_ids, vec![photo]);
    assert!(!first.prompt_text.is_empty());
    let caring =
        server::readiness::cell::cell_evidence(&app.state, &caller, ward, "caring", None, None)
            .await
            .unwrap();
    assert_eq!(caring.findings.len(), 1, "the C1.1 finding, and only it");
    let buddy_admin = app.login("admin@buddy.nhs.test").await;
    let outsider = app.caller(&buddy_admin).await;
    let hidden =
        server::readiness::cell::cell_evidence(&app.state, &outsider, ward, "safe", None, None)
            .await;
    assert!(matches!(hidden, Err(server::error::ApiError::NotFound)));
    let unknown =
        server::readiness::cell::cell_evidence(&app.state, &caller, ward, "kind", None, None).await;
    assert!(matches!(
        unknown,
        Err(server::error::ApiError::Unprocessable(_))
    ));

    // The inspection is the reviewed trust's: its staff read it, and cannot write to it nor
    // hand it to one of their own.
    let read = app
        .get(&format!("/api/v1/inspections/{inspection}"), Some(&board))
        .await;
    assert_eq!(read.status, StatusCode::OK);
    let admin = app.login("admin@demo.nhs.test").await;
    let hand_over = format!("/api/v1/inspections/{second}/hand-over");
    assert_eq!(
        app.get(&hand_over, Some(&admin)).await.status,
        StatusCode::FORBIDDEN
    );
    // Named again in a later finding, a photo already given stays where it is.
    let again = Uuid::now_v7();
    let mut renamed = answer(Uuid::now_v7(), again, "S2.1", "met", &day);
    renamed["data"]["photo_ids"] = json!([photo]);
    let batch = vec![upsert(again, ward, "in_progress"), renamed];
    assert_eq!(
        statuses(&push(&app, &reviewer, batch).await),
        ["applied"; 2]
    );
    let path = format!("/api/v1/photos/{photo}/thumbnail");
    assert_eq!(app.get(&path, Some(&board)).await.status, StatusCode::OK);

    // Past the grant, the reviewer is told when it ended.
    let ends = (app.clock.now() + TimeDelta::days(180)).date_naive();
    app.clock.advance(TimeDelta::days(200));
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let late = Uuid::now_v7();
    let results = push(&app, &reviewer, vec![upsert(late, ward, "in_progress")]).await;
    assert_eq!(statuses(&results), ["rejected"]);
    let reason = results[0]["error"].as_str().unwrap();
    assert!(
        reason.contains(&ends.format("%-d %B %Y").to_string()),
        "{reason}"
    );
}
