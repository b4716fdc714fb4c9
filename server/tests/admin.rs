//! Trust administration: what admins can change, and that nobody else (and no other trust) can.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::Days;
use common::{PASSWORD, spawn_app};
use domain::Role;
use serde_json::json;
use server::admin;
use server::clock::Clock;
use server::error::ApiError;

#[tokio::test]
async fn an_admin_builds_the_tree_and_the_new_ward_reaches_inspectors() {
    let app = spawn_app().await;
    let admin_caller = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let store = &app.store;
    let site = admin::add_site(store, &admin_caller, "  Eastgate Clinic ", app.clock.now())
        .await
        .unwrap();
    let service =
        admin::add_core_service(store, &admin_caller, site, "Outpatients", app.clock.now())
            .await
            .unwrap();
    admin::add_unit(
        store,
        &admin_caller,
        service,
        "Clinic A",
        "outpatients",
        app.clock.now(),
    )
    .await
    .unwrap();

    let overview = admin::overview(store, &admin_caller, app.clock.today())
        .await
        .unwrap();
    assert!(overview.sites.iter().any(|s| s.name == "Eastgate Clinic"));
    assert!(
        overview
            .core_services
            .iter()
            .any(|c| c.name == "Outpatients" && c.site_name == "Eastgate Clinic")
    );
    assert_eq!(overview.users.len(), 4);
    assert_eq!(overview.grants.len(), 1);
    assert!(overview.grants[0].current);

    let inspector = app.login("inspector@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    assert!(
        units
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["name"] == "Clinic A" && u["site"]["name"] == "Eastgate Clinic")
    );

    // Bad input is refused with a sentence and changes nothing.
    assert!(matches!(
        admin::add_site(store, &admin_caller, "   ", app.clock.now()).await,
        Err(ApiError::Unprocessable(_))
    ));
    assert!(matches!(
        admin::add_site(store, &admin_caller, "Eastgate Clinic", app.clock.now()).await,
        Err(ApiError::Conflict(_))
    ));
    assert!(matches!(
        admin::add_unit(
            store,
            &admin_caller,
            service,
            "Clinic B",
            "spaceship",
            app.clock.now()
        )
        .await,
        Err(ApiError::Unprocessable(_))
    ));
}

#[tokio::test]
async fn only_admins_administer_and_only_their_own_trust() {
    let app = spawn_app().await;
    let store = &app.store;
    for email in [
        "inspector@demo.nhs.test",
        "board@demo.nhs.test",
        "reviewer@buddy.nhs.test",
    ] {
        let caller = app.caller(&app.login(email).await).await;
        assert!(
            matches!(
                admin::overview(store, &caller, app.clock.today()).await,
                Err(ApiError::Forbidden(_))
            ),
            "{email}"
        );
        assert!(
            matches!(
                admin::add_site(store, &caller, "X", app.clock.now()).await,
                Err(ApiError::Forbidden(_))
            ),
            "{email}"
        );
    }
    let demo_admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let buddy_admin = app.caller(&app.login("admin@buddy.nhs.test").await).await;
    let buddy_site = admin::overview(store, &buddy_admin, app.clock.today())
        .await
        .unwrap()
        .sites[0]
        .id;
    assert!(matches!(
        admin::add_core_service(store, &demo_admin, buddy_site, "Surgery 2", app.clock.now()).await,
        Err(ApiError::NotFound)
    ));
    let buddy_user = admin::overview(store, &buddy_admin, app.clock.today())
        .await
        .unwrap()
        .users[0]
        .id;
    assert!(matches!(
        admin::reset_password(store, &demo_admin, buddy_user, app.clock.now()).await,
        Err(ApiError::NotFound)
    ));
    assert!(matches!(
        admin::update_user(
            store,
            &demo_admin,
            buddy_user,
            Role::BoardViewer,
            false,
            app.clock.now()
        )
        .await,
        Err(ApiError::NotFound)
    ));
}

#[tokio::test]
async fn new_users_get_a_one_time_password_and_deactivation_ends_access() {
    let app = spawn_app().await;
    let store = &app.store;
    let admin_caller = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let otp = admin::add_user(
        store,
        &admin_caller,
        " Nurse.Lee@Demo.NHS.test ",
        "Jo Lee",
        Role::WardInspector,
        app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(otp.email, "nurse.lee@demo.nhs.test");
    let reply = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": otp.email, "password": otp.password}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["user"]["must_change_password"], true);
    let token = reply.json()["token"].as_str().unwrap().to_owned();
    assert!(matches!(
        admin::add_user(
            store,
            &admin_caller,
            "nurse.lee@demo.nhs.test",
            "Again",
            Role::BoardViewer,
            app.clock.now()
        )
        .await,
        Err(ApiError::Conflict(_))
    ));
    assert!(matches!(
        admin::add_user(
            store,
            &admin_caller,
            "not-an-email",
            "X",
            Role::BoardViewer,
            app.clock.now()
        )
        .await,
        Err(ApiError::Unprocessable(_))
    ));

    let user_id = reply.json()["user"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    admin::update_user(
        store,
        &admin_caller,
        user_id,
        Role::WardInspector,
        false,
        app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(
        app.get("/api/v1/units", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": otp.email, "password": otp.password}),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);

    // Reactivated with a new role, and a reset makes the old password useless.
    admin::update_user(
        store,
        &admin_caller,
        user_id,
        Role::BoardViewer,
        true,
        app.clock.now(),
    )
    .await
    .unwrap();
    let reset = admin::reset_password(store, &admin_caller, user_id, app.clock.now())
        .await
        .unwrap();
    let old = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": otp.email, "password": otp.password}),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": reset.email, "password": reset.password}),
        )
        .await;
    assert_eq!(new.json()["user"]["role"], "board_viewer");

    // An admin cannot lock themselves out.
    let me = admin_caller.user.id;
    assert!(matches!(
        admin::update_user(
            store,
            &admin_caller,
            me,
            Role::TrustAdmin,
            false,
            app.clock.now()
        )
        .await,
        Err(ApiError::Unprocessable(_))
    ));
    assert!(matches!(
        admin::update_user(
            store,
            &admin_caller,
            me,
            Role::BoardViewer,
            true,
            app.clock.now()
        )
        .await,
        Err(ApiError::Unprocessable(_))
    ));
}

#[tokio::test]
async fn buddy_grants_open_and_close_access() {
    let app = spawn_app().await;
    let store = &app.store;
    let demo_admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    let demo_units = |units: serde_json::Value| {
        units
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["trust"]["name"] == server::seed::DEMO_TRUST)
            .count()
    };
    assert!(demo_units(app.get("/api/v1/units", Some(&reviewer)).await.json()) >= 20);

    let grant = admin::overview(store, &demo_admin, app.clock.today())
        .await
        .unwrap()
        .grants[0]
        .id;
    admin::end_grant(store, &demo_admin, grant, app.clock.now())
        .await
        .unwrap();
    assert_eq!(
        demo_units(app.get("/api/v1/units", Some(&reviewer)).await.json()),
        0
    );
    let overview = admin::overview(store, &demo_admin, app.clock.today())
        .await
        .unwrap();
    assert!(
        !overview.grants[0].current,
        "the ended grant stays on record"
    );

    let today = app.clock.today();
    admin::add_grant(
        store,
        &demo_admin,
        "REVIEWER@buddy.nhs.test",
        today,
        today + Days::new(30),
        app.clock.now(),
    )
    .await
    .unwrap();
    assert!(demo_units(app.get("/api/v1/units", Some(&reviewer)).await.json()) >= 20);

    // Only a buddy reviewer of another trust can be granted access, for a sensible period.
    for email in [
        "inspector@demo.nhs.test",
        "admin@buddy.nhs.test",
        "nobody@x.test",
    ] {
        assert!(
            matches!(
                admin::add_grant(store, &demo_admin, email, today, today, app.clock.now()).await,
                Err(ApiError::Unprocessable(_))
            ),
            "{email}"
        );
    }
    assert!(matches!(
        admin::add_grant(
            store,
            &demo_admin,
            "reviewer@buddy.nhs.test",
            today,
            today - Days::new(1),
            app.clock.now()
        )
        .await,
        Err(ApiError::Unprocessable(_))
    ));
    let _ = PASSWORD;
}

#[tokio::test]
async fn an_admin_extends_a_grant_and_the_reviewer_reads_days_left_and_the_day_it_ended() {
    use app::backend::Backend;
    let app = spawn_app().await;
    let store = &app.store;
    let demo_admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let reviewer = app
        .caller(&app.login("reviewer@buddy.nhs.test").await)
        .await;
    let today = app.clock.today();
    let grant = admin::overview(store, &demo_admin, today)
        .await
        .unwrap()
        .grants[0]
        .clone();

    // Three days left: the reviewer is warned.
    let soon = today + Days::new(3);
    admin::extend_grant(store, &demo_admin, grant.id, soon, app.clock.now())
        .await
        .unwrap();
    let access = app.state.my_access(&reviewer).await.unwrap();
    assert_eq!(access.len(), 1);
    assert!(access[0].current && access[0].ending_soon);
    assert!(
        access[0].words.contains("3 days left"),
        "{}",
        access[0].words
    );

    // Extended by a month: no warning.
    admin::extend_grant(
        store,
        &demo_admin,
        grant.id,
        today + Days::new(30),
        app.clock.now(),
    )
    .await
    .unwrap();
    let access = app.state.my_access(&reviewer).await.unwrap();
    assert!(access[0].current && !access[0].ending_soon);

    // Not into the past, not for more than a year, not another trust's grant, admins only.
    for ends_on in [today - Days::new(1), today + Days::new(400)] {
        assert!(matches!(
            admin::extend_grant(store, &demo_admin, grant.id, ends_on, app.clock.now()).await,
            Err(ApiError::Unprocessable(_))
        ));
    }
    let buddy_admin = app.caller(&app.login("admin@buddy.nhs.test").await).await;
    assert!(matches!(
        admin::extend_grant(store, &buddy_admin, grant.id, soon, app.clock.now()).await,
        Err(ApiError::NotFound)
    ));
    let inspector = app
        .caller(&app.login("inspector@demo.nhs.test").await)
        .await;
    assert!(matches!(
        admin::extend_grant(store, &inspector, grant.id, soon, app.clock.now()).await,
        Err(ApiError::Forbidden(_))
    ));
    let moved = app
        .count_behind_its_back("SELECT COUNT(*) FROM audit_log WHERE action = 'grant.extend'")
        .await;
    assert_eq!(moved, 2);

    // Ended: the reviewer's page says on which day.
    admin::end_grant(store, &demo_admin, grant.id, app.clock.now())
        .await
        .unwrap();
    let access = app.state.my_access(&reviewer).await.unwrap();
    assert!(!access[0].current);
    let ended = (today - Days::new(1)).format("%-d %B %Y").to_string();
    assert!(
        access[0].words.contains(&format!("ended on {ended}")),
        "{}",
        access[0].words
    );
    // Nobody else has grants to read.
    assert!(app.state.my_access(&demo_admin).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_admin_sees_who_is_signed_in_where_and_ends_one_session_alone() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let app = spawn_app().await;
    let admin_token = app.login("admin@demo.nhs.test").await;
    let admin_caller = app.caller(&admin_token).await;
    // The inspector is signed in on two tablets; one is lost.
    let lost = app.login("inspector@demo.nhs.test").await;
    let kept = app.login("inspector@demo.nhs.test").await;
    let buddy_session = app.login("admin@buddy.nhs.test").await;

    let overview = admin::overview(&app.store, &admin_caller, app.clock.today())
        .await
        .unwrap();
    let inspectors: Vec<_> = overview
        .sessions
        .iter()
        .filter(|s| s.user_email == "inspector@demo.nhs.test")
        .collect();
    assert_eq!(inspectors.len(), 2);
    assert!(inspectors.iter().all(|s| s.user_name == "Sam Okafor"));
    // Another trust's sessions are not listed.
    assert!(
        !overview
            .sessions
            .iter()
            .any(|s| s.user_email.ends_with("@buddy.nhs.test"))
    );
    let lost_id = app.caller(&lost).await.session_id;
    assert!(overview.sessions.iter().any(|s| s.id == lost_id));

    // Ended through the page's server function: that token dies at once, the other lives.
    let end = |token: &str, session_id: &str| {
        Request::post("/fn/admin_end_session")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(format!("session_id={session_id}")))
            .unwrap()
    };
    assert_eq!(
        app.send(end(&admin_token, &lost_id)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&lost)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&kept)).await.status,
        StatusCode::OK
    );

    // Nobody else may: not an inspector, and not another trust's admin (not found to them).
    let kept_id = app.caller(&kept).await.session_id;
    assert_eq!(
        app.send(end(&kept, &kept_id)).await.status,
        StatusCode::FORBIDDEN
    );
    let buddy_admin = app.caller(&buddy_session).await;
    assert!(matches!(
        admin::end_session(&app.store, &buddy_admin, &kept_id, app.clock.now()).await,
        Err(ApiError::NotFound)
    ));
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&kept)).await.status,
        StatusCode::OK
    );
}
