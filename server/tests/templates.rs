//! Checklist templates: the built-in walk-round, admin-built templates, versions and scope.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::spawn_app;
use domain::template::{DEFAULT_TEMPLATE_ID, TemplateDraft};
use server::clock::Clock;
use server::error::ApiError;
use server::store::prelude::*;
use server::templates;

fn draft(name: &str, codes: &[&str]) -> TemplateDraft {
    TemplateDraft {
        id: None,
        name: name.into(),
        framework_id: "cqc-kloe-2017".into(),
        ward_types: vec!["surgical".into()],
        prompt_codes: codes.iter().map(|c| (*c).into()).collect(),
    }
}

#[tokio::test]
async fn devices_get_the_built_in_walk_round() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    assert_eq!(
        app.get("/api/v1/templates", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let list = app.get("/api/v1/templates", Some(&token)).await.json();
    let first = &list[0];
    assert_eq!(first["id"], DEFAULT_TEMPLATE_ID.to_string());
    assert_eq!(first["version"], 1);
    assert_eq!(first["framework_id"], "cqc-kloe-2017");
    assert_eq!(first["ward_types"], serde_json::json!([]));
    let codes = first["prompt_codes"].as_array().unwrap();
    assert!(codes.len() >= 20 && codes.iter().any(|c| c == "S1.8"));
}

#[tokio::test]
async fn admins_build_versioned_templates_for_their_own_trust() {
    let app = spawn_app().await;
    let (store, catalogue) = (&app.store, &app.state.catalogue);
    let admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let saved = templates::save(
        store,
        catalogue,
        &admin,
        draft(" Medicines round ", &["S4.2", "S4.1"]),
        app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!((saved.version, saved.name.as_str()), (1, "Medicines round"));
    assert_eq!(
        saved.prompt_codes,
        ["S4.2", "S4.1"],
        "the admin's order is kept"
    );

    let inspector = app.login("inspector@demo.nhs.test").await;
    let list = app.get("/api/v1/templates", Some(&inspector)).await.json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "Medicines round" && t["version"] == 1)
    );

    let mut edit = draft("Medicines round", &["S4.1"]);
    edit.id = Some(saved.id);
    let v2 = templates::save(store, catalogue, &admin, edit, app.clock.now())
        .await
        .unwrap();
    assert_eq!((v2.id, v2.version), (saved.id, 2));
    let list = app.get("/api/v1/templates", Some(&inspector)).await.json();
    let ours: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["id"] == saved.id.to_string())
        .collect();
    assert_eq!(ours.len(), 1, "only the newest version is listed");
    assert_eq!(ours[0]["version"], 2);

    // The buddy trust does not see it.
    let buddy = app.login("admin@buddy.nhs.test").await;
    let list = app.get("/api/v1/templates", Some(&buddy)).await.json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != saved.id.to_string())
    );

    templates::archive(store, &admin, saved.id, app.clock.now())
        .await
        .unwrap();
    let list = app.get("/api/v1/templates", Some(&inspector)).await.json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != saved.id.to_string())
    );
}

#[tokio::test]
async fn templates_are_checked_and_scoped() {
    let app = spawn_app().await;
    let (store, catalogue) = (&app.store, &app.state.catalogue);
    let admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let inspector = app
        .caller(&app.login("inspector@demo.nhs.test").await)
        .await;
    assert!(matches!(
        templates::save(
            store,
            catalogue,
            &inspector,
            draft("X", &["S1.8"]),
            app.clock.now()
        )
        .await,
        Err(ApiError::Forbidden(_))
    ));
    assert!(matches!(
        templates::save(
            store,
            catalogue,
            &admin,
            draft("", &["S1.8"]),
            app.clock.now()
        )
        .await,
        Err(ApiError::Unprocessable(_))
    ));
    assert!(matches!(
        templates::save(
            store,
            catalogue,
            &admin,
            draft("X", &["Q1.1"]),
            app.clock.now()
        )
        .await,
        Err(ApiError::Unprocessable(_))
    ));
    let mut other_framework = draft("X", &["S1.8"]);
    other_framework.framework_id = "cqc-1999".into();
    assert!(matches!(
        templates::save(store, catalogue, &admin, other_framework, app.clock.now()).await,
        Err(ApiError::Unprocessable(_))
    ));
    // The built-in walk-round belongs to nobody's trust: it cannot be edited or archived.
    let mut edit_built_in = draft("Mine now", &["S1.8"]);
    edit_built_in.id = Some(DEFAULT_TEMPLATE_ID);
    assert!(matches!(
        templates::save(store, catalogue, &admin, edit_built_in, app.clock.now()).await,
        Err(ApiError::NotFound)
    ));
    assert!(matches!(
        templates::archive(store, &admin, DEFAULT_TEMPLATE_ID, app.clock.now()).await,
        Err(ApiError::NotFound)
    ));
    // Nor can another trust's template.
    let buddy = app.caller(&app.login("admin@buddy.nhs.test").await).await;
    let theirs = templates::save(
        store,
        catalogue,
        &buddy,
        draft("Theirs", &["S1.8"]),
        app.clock.now(),
    )
    .await
    .unwrap();
    assert!(matches!(
        templates::archive(store, &admin, theirs.id, app.clock.now()).await,
        Err(ApiError::NotFound)
    ));
}

#[tokio::test]
async fn the_built_in_walk_round_follows_the_framework_data() {
    let app = spawn_app().await;
    let (store, catalogue) = (&app.store, &app.state.catalogue);
    // Starting again with unchanged data adds no version.
    templates::ensure_built_in(store, catalogue, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        store
            .latest_template(DEFAULT_TEMPLATE_ID)
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
    // A stored version that no longer matches the data is followed by a new one.
    let mut stale = store
        .latest_template(DEFAULT_TEMPLATE_ID)
        .await
        .unwrap()
        .unwrap();
    stale.version = 2;
    stale.prompt_codes = "[\"S1.8\"]".into();
    store
        .insert_template_version(&stale, chrono::Utc::now())
        .await
        .unwrap();
    templates::ensure_built_in(store, catalogue, chrono::Utc::now())
        .await
        .unwrap();
    let latest = store
        .latest_template(DEFAULT_TEMPLATE_ID)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.version, 3);
    assert_ne!(latest.prompt_codes, stale.prompt_codes);
}
