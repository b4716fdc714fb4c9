//! The authorisation matrix: every API route and every server function, called about the demo
//! trust's own records by each kind of caller: signed out, the trust's admin, inspector and
//! board member, the buddy trust's reviewer (with a current grant, then after it ended) and the
//! buddy trust's admin (another trust). Expected: 401 signed out, 403 for a role that may not,
//! 404 for another trust's record or an ended grant's; any other answer is the route doing its
//! job on a deliberately harmless request (a 422 for a missing reason, say). The routes come
//! from the OpenAPI document and the registered server functions, so a route added without a
//! row here fails this test. Runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, header};
use common::changes::{finding, upsert};
use common::{PASSWORD, TestApp, images, spawn_app};
use serde_json::{Value, json};
use uuid::Uuid;

/// Who calls, in the order of each row's expectations.
const WHO: [&str; 6] = [
    "signed out",
    "admin",
    "inspector",
    "board",
    "reviewer",
    "other trust's admin",
];

/// A server function's "not found": 200 with nothing in it (`null`), as the pages expect.
const NOTHING: u16 = 1200;

/// What a call sends.
#[derive(Clone)]
enum Send {
    Nothing,
    Json(Value),
    Form(String),
    Jpeg(Vec<u8>),
}

/// One call of the matrix and what each caller should get.
struct Row {
    method: &'static str,
    /// The route as the OpenAPI document (or the server function registry) names it.
    route: &'static str,
    /// The route with the demo trust's records filled in.
    url: String,
    send: Send,
    /// One status per [`WHO`].
    expected: [u16; 6],
    /// What the reviewer gets once their grant has ended; `None` where the route reads no
    /// record of the reviewed trust.
    ended: Option<u16>,
    /// The call ends the session it is made with: each caller makes it with a fresh one.
    ends_session: bool,
}

fn row(
    method: &'static str,
    route: &'static str,
    url: String,
    send: Send,
    expected: [u16; 6],
) -> Row {
    Row {
        method,
        route,
        url,
        send,
        expected,
        ended: None,
        ends_session: false,
    }
}

impl Row {
    fn ended(mut self, status: u16) -> Row {
        self.ended = Some(status);
        self
    }

    fn ends_session(mut self) -> Row {
        self.ends_session = true;
        self
    }
}

/// A server function: POSTed as a form (or JSON where it takes JSON) to `/fn/{name}`.
fn server_fn(route: &'static str, form: &str, expected: [u16; 6]) -> Row {
    row(
        "POST",
        route,
        route.to_owned(),
        Send::Form(form.to_owned()),
        expected,
    )
}

/// The demo trust's records the matrix asks about.
struct Records {
    ward: Uuid,
    open_inspection: Uuid,
    finished_inspection: Uuid,
    finding: Uuid,
    photo: Uuid,
    template: Uuid,
    template_version: i64,
    site: Uuid,
    core_service: Uuid,
    grant: Uuid,
    today: chrono::NaiveDate,
    inspector: Uuid,
    /// A colleague whose password the matrix may reset (not one of its callers).
    colleague: Uuid,
}

async fn records(app: &TestApp, inspector: &str, admin: &str) -> Records {
    let units = app.get("/api/v1/units", Some(inspector)).await.json();
    let ward: Uuid = units[0]["id"].as_str().unwrap().parse().unwrap();
    let photo = Uuid::now_v7();
    let reply = app
        .put_bytes(
            &format!("/api/v1/photos/{photo}"),
            Some(inspector),
            "image/jpeg",
            &[],
            images::jpeg(&images::two_halves(200, 100)),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 201);
    let (open_inspection, finished_inspection) = (Uuid::now_v7(), Uuid::now_v7());
    let found = Uuid::now_v7();
    let mut with_photo = finding(found, finished_inspection, "met", "Hand gel at every bed");
    with_photo["data"]["photo_ids"] = json!([photo]);
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": [
        upsert(open_inspection, ward, "in_progress"),
        upsert(finished_inspection, ward, "in_progress"),
        with_photo,
        upsert(finished_inspection, ward, "submitted"),
    ]});
    let pushed = app
        .post("/api/v1/sync/push", Some(inspector), batch)
        .await
        .json();
    for result in pushed["results"].as_array().unwrap() {
        assert_eq!(result["status"], "applied", "{result}");
    }
    // The trust's own checklist (the built-in walk-round is every trust's).
    let draft = json!({"draft": {"id": null, "name": "Matrix checklist",
        "framework_id": "cqc-kloe-2017", "ward_types": [], "prompt_codes": ["S1.1", "S1.2"]}});
    let saved = app
        .send(
            Request::post("/fn/save_template")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                .body(Body::from(draft.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(
        saved.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&saved.body)
    );
    let template = saved.json();
    let caller = app.caller(admin).await;
    let overview = server::admin::overview(&app.store, &caller, chrono::Utc::now().date_naive())
        .await
        .unwrap();
    Records {
        ward,
        open_inspection,
        finished_inspection,
        finding: found,
        photo,
        template: template["id"].as_str().unwrap().parse().unwrap(),
        template_version: template["version"].as_i64().unwrap(),
        site: overview.sites[0].id,
        core_service: overview.core_services[0].id,
        grant: overview.grants[0].id,
        today: chrono::Utc::now().date_naive(),
        inspector: app.caller(inspector).await.user.id,
        colleague: overview
            .users
            .iter()
            .find(|u| u.email == "inspector2@demo.nhs.test")
            .unwrap()
            .id,
    }
}

/// The rows of the REST interface.
fn api_rows(r: &Records) -> Vec<Row> {
    let v1 = |path: String| format!("/api/v1{path}");
    let json = Send::Json;
    vec![
        row(
            "POST",
            "/api/v1/auth/login",
            v1("/auth/login".into()),
            json(json!({"email": "board@demo.nhs.test", "password": PASSWORD})),
            [200, 200, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/api/v1/auth/logout",
            v1("/auth/logout".into()),
            Send::Nothing,
            [401, 204, 204, 204, 204, 204],
        )
        .ends_session(),
        row(
            "GET",
            "/api/v1/auth/me",
            v1("/auth/me".into()),
            Send::Nothing,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/api/v1/auth/password",
            v1("/auth/password".into()),
            json(
                json!({"current_password": "wrong", "new_password": "a much longer new password"}),
            ),
            [401, 401, 401, 401, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/frameworks",
            v1("/frameworks".into()),
            Send::Nothing,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/api/v1/frameworks/{id}",
            v1("/frameworks/cqc-kloe-2017".into()),
            Send::Nothing,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/api/v1/templates",
            v1("/templates".into()),
            Send::Nothing,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/api/v1/templates/{id}/versions/{version}",
            v1(format!(
                "/templates/{}/versions/{}",
                r.template, r.template_version
            )),
            Send::Nothing,
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        row(
            "POST",
            "/api/v1/sync/push",
            v1("/sync/push".into()),
            json(json!({"device_id": Uuid::now_v7(), "mutations": []})),
            [401, 200, 200, 403, 200, 200],
        ),
        row(
            "GET",
            "/api/v1/sync/pull",
            v1("/sync/pull".into()),
            Send::Nothing,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/api/v1/inspections/{id}",
            v1(format!("/inspections/{}", r.finished_inspection)),
            Send::Nothing,
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        row(
            "GET",
            "/api/v1/inspections/{id}/hand-over",
            v1(format!("/inspections/{}/hand-over", r.open_inspection)),
            Send::Nothing,
            [401, 200, 200, 403, 404, 404],
        )
        .ended(404),
        row(
            "POST",
            "/api/v1/inspections/{id}/hand-over",
            v1(format!("/inspections/{}/hand-over", r.open_inspection)),
            json(json!({"to_user_id": Uuid::nil()})),
            [401, 422, 422, 403, 404, 404],
        )
        .ended(404),
        row(
            "POST",
            "/api/v1/inspections/{id}/reopen",
            v1(format!("/inspections/{}/reopen", r.finished_inspection)),
            json(json!({"reason": " "})),
            [401, 422, 403, 403, 403, 404],
        )
        .ended(403),
        row(
            "PUT",
            "/api/v1/photos/{id}",
            v1(format!("/photos/{}", Uuid::now_v7())),
            Send::Jpeg(b"not a picture".to_vec()),
            [401, 415, 415, 403, 415, 415],
        ),
        row(
            "GET",
            "/api/v1/photos/{id}",
            v1(format!("/photos/{}", r.photo)),
            Send::Nothing,
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        row(
            "GET",
            "/api/v1/photos/{id}/thumbnail",
            v1(format!("/photos/{}/thumbnail", r.photo)),
            Send::Nothing,
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        row(
            "POST",
            "/api/v1/photos/{id}/removal",
            v1(format!("/photos/{}/removal", r.photo)),
            json(json!({"reason": ""})),
            [401, 422, 403, 403, 403, 404],
        )
        .ended(403),
        row(
            "POST",
            "/api/v1/notes/{id}/redaction",
            v1(format!("/notes/{}/redaction", r.finding)),
            json(json!({"reason": ""})),
            [401, 422, 403, 403, 403, 404],
        )
        .ended(403),
        row(
            "POST",
            "/api/v1/ratings/aggregate",
            v1("/ratings/aggregate".into()),
            json(json!({"ratings": ["good", "good"]})),
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/api/v1/readiness",
            v1(format!("/readiness?unit_id={}", r.ward)),
            Send::Nothing,
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        row(
            "GET",
            "/api/v1/review/queue",
            v1("/review/queue".into()),
            Send::Nothing,
            [401, 403, 403, 403, 200, 403],
        )
        .ended(404),
        row(
            "POST",
            "/api/v1/evidence/{id}/verdicts",
            v1(format!("/evidence/{}/verdicts", r.finding)),
            json(json!({"status": "challenged", "comment": ""})),
            [401, 403, 403, 403, 422, 403],
        )
        .ended(404),
        row(
            "GET",
            "/api/v1/units",
            v1("/units".into()),
            Send::Nothing,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/api/v1/units/{id}",
            v1(format!("/units/{}", r.ward)),
            Send::Nothing,
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        row(
            "GET",
            "/api/v1/openapi.json",
            v1("/openapi.json".into()),
            Send::Nothing,
            [200, 200, 200, 200, 200, 200],
        ),
    ]
}

/// The rows of the server functions behind the pages.
fn server_fn_rows(r: &Records) -> Vec<Row> {
    // The other trust's admin reads their own trust's: nothing of the demo trust's.
    let admin_only = [401, 200, 403, 403, 403, 200];
    vec![
        server_fn("/fn/trust_overview", "", admin_only),
        server_fn(
            "/fn/admin_add_site",
            "name=",
            [401, 422, 403, 403, 403, 422],
        ),
        server_fn(
            "/fn/admin_add_core_service",
            &format!("site_id={}&name=Matrix+service", r.site),
            [401, 200, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_add_unit",
            &format!(
                "core_service_id={}&name=Matrix+ward&ward_type=adult_inpatient",
                r.core_service
            ),
            [401, 200, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_add_user",
            "name=&email=&role=ward_inspector",
            [401, 422, 403, 403, 403, 422],
        ),
        server_fn(
            "/fn/admin_reset_password",
            &format!("user_id={}", r.colleague),
            [401, 200, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_update_user",
            &format!("user_id={}&role=ward_inspector&active=on", r.colleague),
            [401, 200, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_add_grant",
            "reviewer_email=nobody@buddy.nhs.test&starts_on=&ends_on=",
            [401, 422, 403, 403, 403, 422],
        ),
        server_fn(
            "/fn/admin_extend_grant",
            &format!("grant_id={}&ends_on=2000-01-01", r.grant),
            [401, 422, 403, 403, 403, 404],
        ),
        server_fn("/fn/my_access", "", [401, 200, 200, 200, 200, 200]),
        server_fn(
            "/fn/admin_end_session",
            &format!("session_id={}", Uuid::nil()),
            [401, 404, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_hand_over",
            &format!(
                "inspection_id={}&to_user_id={}",
                r.open_inspection,
                Uuid::nil()
            ),
            [401, 422, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_reopen",
            &format!("inspection_id={}&reason=", r.finished_inspection),
            [401, 422, 403, 403, 403, 404],
        ),
        // The caller's own trust's setting: another trust's admin sets only theirs.
        server_fn(
            "/fn/admin_set_retention",
            "evidence_years=0&photo_years=0&log_years=0",
            [401, 422, 403, 403, 403, 422],
        )
        .ended(403),
        server_fn(
            "/fn/admin_end_grant",
            &format!("grant_id={}", Uuid::nil()),
            [401, 404, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_record_notice",
            &format!(
                "core_service_id={}&key_question=safe&enforcement=requirement_notice",
                r.core_service
            ),
            [401, 200, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_lift_notice",
            &format!("notice_id={}", Uuid::nil()),
            [401, 404, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/admin_record_published",
            &format!(
                "core_service_id={}&key_question=safe&rating=good&report_date=2026-01-05",
                r.core_service
            ),
            [401, 200, 403, 403, 403, 404],
        ),
        server_fn("/fn/audit_log", "from=&to=", admin_only),
        server_fn("/fn/current_user", "", [200, 200, 200, 200, 200, 200]),
        // The sign-in form answers with where to go next, signed in or not.
        server_fn(
            "/fn/sign_in",
            "email=nobody%40demo.nhs.test&password=wrong",
            [200, 200, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/fn/offline_sign_in",
            "/fn/offline_sign_in".to_owned(),
            Send::Json(json!({"held": []})),
            [401, 200, 200, 200, 200, 200],
        ),
        server_fn("/fn/sign_out", "", [200, 200, 200, 200, 200, 200]).ends_session(),
        // The form answers with where to go next (here: the mismatch, nothing changed).
        server_fn(
            "/fn/change_password",
            "current_password=wrong&new_password=x&confirm_password=x",
            [401, 200, 200, 200, 200, 200],
        ),
        server_fn("/fn/calibration", "", admin_only),
        server_fn(
            "/fn/calibration_pair",
            &format!(
                "unit_id={}&template_id={}&first_user_id={}&second_user_id={}&opens_on={}&closes_on={}",
                r.ward,
                r.template,
                r.inspector,
                r.colleague,
                r.today,
                r.today + chrono::Days::new(7)
            ),
            [401, 200, 403, 403, 403, 404],
        ),
        server_fn("/fn/list_conflicts", "", admin_only),
        server_fn(
            "/fn/resolve_conflict",
            "seq=0&resolution=keep_applied",
            [401, 404, 403, 403, 403, 404],
        ),
        server_fn("/fn/list_frameworks", "", [401, 200, 200, 200, 200, 200]),
        server_fn(
            "/fn/get_framework",
            "id=cqc-kloe-2017",
            [401, 200, 200, 200, 200, 200],
        ),
        server_fn("/fn/list_units", "", [401, 200, 200, 200, 200, 200]),
        server_fn(
            "/fn/get_unit",
            &format!("id={}", r.ward),
            [401, 200, 200, 200, 200, NOTHING],
        )
        .ended(NOTHING),
        server_fn(
            "/fn/remove_photo",
            &format!("photo_id={}&reason=", r.photo),
            [401, 422, 403, 403, 403, 404],
        )
        .ended(403),
        server_fn(
            "/fn/redact_note",
            &format!("record_id={}&reason=", r.finding),
            [401, 422, 403, 403, 403, 404],
        )
        .ended(403),
        server_fn(
            "/fn/readiness_report",
            &format!("unit_id={}", r.ward),
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        server_fn(
            "/fn/readiness_cell",
            &format!("unit_id={}&kq=safe", r.ward),
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        server_fn(
            "/fn/readiness_trend",
            &format!("unit_id={}", r.ward),
            [401, 200, 200, 200, 200, 404],
        )
        .ended(404),
        server_fn(
            "/fn/review_queue",
            "unit_id=&status=&item_code=&sample=",
            [401, 403, 403, 403, 200, 403],
        )
        .ended(404),
        server_fn(
            "/fn/give_verdict",
            &format!("record_id={}&status=challenged&comment=", r.finding),
            [401, 403, 403, 403, 422, 403],
        )
        .ended(404),
        server_fn("/fn/list_templates", "", [401, 200, 200, 200, 200, 200]),
        row(
            "POST",
            "/fn/save_template",
            "/fn/save_template".to_owned(),
            Send::Json(
                json!({"draft": {"id": r.template, "name": "Matrix checklist",
                "framework_id": "cqc-kloe-2017", "ward_types": [], "prompt_codes": ["S1.1"]}}),
            ),
            [401, 200, 403, 403, 403, 404],
        ),
        server_fn(
            "/fn/archive_template",
            &format!("id={}", Uuid::nil()),
            [401, 404, 403, 403, 403, 404],
        ),
    ]
}

/// Sends one call as `token` (signed out without one).
async fn call(app: &TestApp, row: &Row, token: Option<&str>, nothing_expected: bool) -> u16 {
    let mut request = Request::builder().method(row.method).uri(&row.url);
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match &row.send {
        Send::Nothing => Body::empty(),
        Send::Json(v) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        Send::Form(f) => {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f.clone())
        }
        Send::Jpeg(bytes) => {
            request = request.header(header::CONTENT_TYPE, "image/jpeg");
            Body::from(bytes.clone())
        }
    };
    let reply = app.send(request.body(body).unwrap()).await;
    match reply.status.as_u16() {
        200 if reply.body == b"null" && nothing_expected => NOTHING,
        status => status,
    }
}

const EMAILS: [&str; 5] = [
    "admin@demo.nhs.test",
    "inspector@demo.nhs.test",
    "board@demo.nhs.test",
    "reviewer@buddy.nhs.test",
    "admin@buddy.nhs.test",
];

/// Every route the server has: the OpenAPI document's and the registered server functions.
async fn every_route(app: &TestApp) -> BTreeSet<(String, String)> {
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    // The document does not describe itself.
    let mut routes = BTreeSet::from([("GET".to_owned(), "/api/v1/openapi.json".to_owned())]);
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            routes.insert((method.to_uppercase(), path.clone()));
        }
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        routes.insert((method.to_string(), path.to_owned()));
    }
    routes
}

#[tokio::test]
async fn every_route_answers_each_caller_as_its_role_and_trust_allow() {
    let app = spawn_app().await;
    let mut tokens = Vec::new();
    for email in EMAILS {
        tokens.push(app.login(email).await);
    }
    let r = records(&app, &tokens[1], &tokens[0]).await;
    let rows: Vec<Row> = api_rows(&r).into_iter().chain(server_fn_rows(&r)).collect();

    // Every route has its row, and no row names a route that is not there.
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|row| (row.method.to_owned(), row.route.to_owned()))
        .collect();
    assert_eq!(covered, every_route(&app).await, "rows and routes differ");

    let mut wrong = Vec::new();
    for row in &rows {
        for (n, who) in WHO.iter().enumerate() {
            let fresh;
            let token = match n {
                0 => None,
                _ if row.ends_session => {
                    fresh = app.login(EMAILS[n - 1]).await;
                    Some(fresh.as_str())
                }
                _ => Some(tokens[n - 1].as_str()),
            };
            let got = call(&app, row, token, row.expected[n] == NOTHING).await;
            if got != row.expected[n] {
                wrong.push(format!(
                    "{} {} as {who}: expected {}, got {got}",
                    row.method, row.route, row.expected[n]
                ));
            }
        }
    }

    // The reviewer's grant ends: the reviewed trust's records are not found again.
    app.execute_behind_its_back("UPDATE buddy_grants SET ends_on = starts_on")
        .await;
    for row in rows.iter().filter(|row| row.ended.is_some()) {
        let got = call(&app, row, Some(&tokens[3]), row.ended == Some(NOTHING)).await;
        if Some(got) != row.ended {
            wrong.push(format!(
                "{} {} as a reviewer whose grant ended: expected {:?}, got {got}",
                row.method, row.route, row.ended
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
