//! One story of the storage interface, told against SQLite and against PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, Utc};
use server::store::prelude::*;
use server::store::{
    CoreServiceRecord, GrantRecord, NewUnit, NewUser, SessionRecord, SiteRecord, Store, StoreError,
    TemplateRecord, TrustRecord,
};
use uuid::Uuid;

async fn story(store: Store) {
    store.ping().await.unwrap();
    // Migrating twice is harmless.
    store.migrate().await.unwrap();

    let trust = TrustRecord {
        id: Uuid::now_v7(),
        name: "Story Trust".into(),
    };
    store.create_trust(&trust, Utc::now()).await.unwrap();
    assert!(matches!(
        store
            .create_trust(
                &TrustRecord {
                    id: Uuid::now_v7(),
                    name: "Story Trust".into()
                },
                Utc::now()
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.trust_by_name("Story Trust").await.unwrap(),
        Some(trust.clone())
    );
    assert_eq!(store.trust_by_name("Nobody").await.unwrap(), None);

    let site = SiteRecord {
        id: Uuid::now_v7(),
        trust_id: trust.id,
        name: "Main".into(),
    };
    store.create_site(&site).await.unwrap();
    let service = CoreServiceRecord {
        id: Uuid::now_v7(),
        trust_id: trust.id,
        site_id: site.id,
        name: "Surgery".into(),
    };
    store.create_core_service(&service).await.unwrap();
    assert_eq!(
        store.sites_of_trust(trust.id).await.unwrap(),
        vec![site.clone()]
    );
    assert_eq!(
        store.core_services_of_trust(trust.id).await.unwrap(),
        vec![service.clone()]
    );
    for name in ["Ward B", "Ward A"] {
        store
            .create_unit(&NewUnit {
                id: Uuid::now_v7(),
                trust_id: trust.id,
                core_service_id: service.id,
                name: name.into(),
                ward_type: "surgical".into(),
            })
            .await
            .unwrap();
    }
    let dup = NewUnit {
        id: Uuid::now_v7(),
        trust_id: trust.id,
        core_service_id: service.id,
        name: "Ward A".into(),
        ward_type: "surgical".into(),
    };
    assert!(matches!(
        store.create_unit(&dup).await,
        Err(StoreError::Conflict(_))
    ));
    let units = store.units_of_trust(trust.id).await.unwrap();
    assert_eq!(
        units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["Ward A", "Ward B"]
    );
    assert_eq!(units[0].site.name, "Main");
    assert_eq!(units[0].core_service.name, "Surgery");
    assert_eq!(units[0].trust.name, "Story Trust");
    assert_eq!(
        store.unit(units[0].id).await.unwrap().as_ref(),
        Some(&units[0])
    );
    assert_eq!(store.unit(Uuid::now_v7()).await.unwrap(), None);

    let user = NewUser {
        id: Uuid::now_v7(),
        trust_id: trust.id,
        email: "a@story.test".into(),
        name: "A".into(),
        role: "ward_inspector".into(),
        password_hash: "h1".into(),
        must_change_password: true,
    };
    store.create_user(&user, Utc::now()).await.unwrap();
    assert!(matches!(
        store
            .create_user(
                &NewUser {
                    id: Uuid::now_v7(),
                    ..user.clone()
                },
                Utc::now()
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let found = store.user_by_email("a@story.test").await.unwrap().unwrap();
    assert_eq!(
        (
            found.id,
            found.trust_name.as_str(),
            found.must_change_password,
            found.active
        ),
        (user.id, "Story Trust", true, true)
    );
    let set_at = Utc::now();
    store
        .set_password(user.id, "h2", false, set_at)
        .await
        .unwrap();
    let found = store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(
        (found.password_hash.as_str(), found.must_change_password),
        ("h2", false)
    );
    assert_eq!(
        found.password_set_at.timestamp_micros(),
        set_at.timestamp_micros()
    );
    assert!(matches!(
        store.set_password(Uuid::now_v7(), "h", false, set_at).await,
        Err(StoreError::NotFound)
    ));

    let now = Utc::now();
    let session = SessionRecord {
        id: "s1".into(),
        user_id: user.id,
        kind: "browser".into(),
        created_at: now,
        last_seen_at: now,
    };
    store.create_session(&session).await.unwrap();
    store
        .create_session(&SessionRecord {
            id: "s2".into(),
            ..session.clone()
        })
        .await
        .unwrap();
    let later = now + Duration::minutes(5);
    store.touch_session("s1", later).await.unwrap();
    let s1 = store.session("s1").await.unwrap().unwrap();
    assert_eq!(s1.last_seen_at.timestamp_micros(), later.timestamp_micros());
    store
        .delete_sessions_of_user(user.id, Some("s1"))
        .await
        .unwrap();
    assert!(store.session("s2").await.unwrap().is_none());
    store.delete_session("s1").await.unwrap();
    assert!(store.session("s1").await.unwrap().is_none());

    let old = now - Duration::hours(1);
    let long_ago = old - Duration::days(1);
    let since = now - Duration::minutes(15);
    store
        .record_login_failure("a@story.test", "10.0.0.1", old, long_ago)
        .await
        .unwrap();
    assert_eq!(
        store
            .login_failures_since("a@story.test", "10.0.0.1", long_ago)
            .await
            .unwrap(),
        (1, 1)
    );
    store
        .record_login_failure("a@story.test", "10.0.0.1", now, since)
        .await
        .unwrap();
    store
        .record_login_failure("b@story.test", "10.0.0.1", now, since)
        .await
        .unwrap();
    // The failure from before the window is gone, not only left uncounted.
    assert_eq!(
        store
            .login_failures_since("a@story.test", "10.0.0.1", long_ago)
            .await
            .unwrap(),
        (1, 2)
    );
    assert_eq!(
        store
            .login_failures_since("a@story.test", "10.0.0.1", since)
            .await
            .unwrap(),
        (1, 2)
    );
    store.clear_login_failures("a@story.test").await.unwrap();
    assert_eq!(
        store
            .login_failures_since("a@story.test", "10.0.0.1", since)
            .await
            .unwrap(),
        (0, 1)
    );

    let other = TrustRecord {
        id: Uuid::now_v7(),
        name: "Granting Trust".into(),
    };
    store.create_trust(&other, Utc::now()).await.unwrap();
    let today = now.date_naive();
    let grant = GrantRecord {
        id: Uuid::now_v7(),
        trust_id: other.id,
        reviewer_id: user.id,
        starts_on: today - chrono::Days::new(1),
        ends_on: today + chrono::Days::new(1),
    };
    store.create_grant(&grant, Utc::now()).await.unwrap();
    let expired = GrantRecord {
        id: Uuid::now_v7(),
        trust_id: trust.id,
        reviewer_id: user.id,
        starts_on: today - chrono::Days::new(10),
        ends_on: today - chrono::Days::new(1),
    };
    store.create_grant(&expired, Utc::now()).await.unwrap();
    assert_eq!(
        store.granted_trusts(user.id, today).await.unwrap(),
        vec![other.id]
    );
    assert_eq!(
        store
            .granted_trusts(user.id, today + chrono::Days::new(2))
            .await
            .unwrap(),
        Vec::<Uuid>::new()
    );
    assert_eq!(store.grants_of_trust(other.id).await.unwrap(), vec![grant]);

    let template = TemplateRecord {
        id: Uuid::now_v7(),
        version: 1,
        trust_id: Some(trust.id),
        name: "Story checklist".into(),
        framework_id: "cqc-kloe-2017".into(),
        ward_types: "[]".into(),
        prompt_codes: "[\"S1.8\"]".into(),
        archived: false,
    };
    store
        .insert_template_version(&template, Utc::now())
        .await
        .unwrap();
    assert!(matches!(
        store.insert_template_version(&template, Utc::now()).await,
        Err(StoreError::Conflict(_))
    ));
    let v2 = TemplateRecord {
        version: 2,
        name: "Story checklist v2".into(),
        ..template.clone()
    };
    store
        .insert_template_version(&v2, Utc::now())
        .await
        .unwrap();
    let shared = TemplateRecord {
        id: Uuid::now_v7(),
        trust_id: None,
        name: "Shared".into(),
        ..template.clone()
    };
    store
        .insert_template_version(&shared, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        store.latest_templates(trust.id).await.unwrap(),
        vec![shared.clone(), v2.clone()]
    );
    assert_eq!(
        store.latest_templates(other.id).await.unwrap(),
        vec![shared]
    );
    assert_eq!(store.latest_template(template.id).await.unwrap(), Some(v2));

    // Seeding the demo twice creates it once.
    assert_eq!(
        server::seed::seed_demo(&store, "demo-password-1", Utc::now())
            .await
            .unwrap(),
        server::seed::SeedOutcome::Created
    );
    assert_eq!(
        server::seed::seed_demo(&store, "demo-password-1", Utc::now())
            .await
            .unwrap(),
        server::seed::SeedOutcome::AlreadySeeded
    );
    let demo = store
        .trust_by_name(server::seed::DEMO_TRUST)
        .await
        .unwrap()
        .unwrap();
    let demo_units = store.units_of_trust(demo.id).await.unwrap();
    assert!(demo_units.len() >= 20);
    let ward_types: std::collections::BTreeSet<_> =
        demo_units.iter().map(|u| u.ward_type.clone()).collect();
    assert!(ward_types.len() >= 5);
    assert_eq!(store.sites_of_trust(demo.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn storage_story_on_sqlite() {
    let storage = common::sqlite_store().await;
    story(storage.store.clone()).await;
}

#[tokio::test]
async fn sqlite_uses_wal() {
    let storage = common::sqlite_store().await;
    storage.store.close().await;
    let path = storage.dir.path().join("readyward.db-wal");
    // The WAL file exists while or after a connection wrote in WAL mode.
    let db = storage.dir.path().join("readyward.db");
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        db.display()
    ))
    .await
    .unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal", "{}", path.display());
}

#[tokio::test]
async fn storage_story_on_postgres() {
    let storage = common::postgres_store(&common::postgres_admin_url()).await;
    story(storage.store.clone()).await;
}
