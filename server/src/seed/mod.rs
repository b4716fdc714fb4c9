//! `readyward seed-demo` and `readyward create-trust`: a demo trust to explore, and the first
//! admin of a real one; `readyward seed-load`, a large trust to measure ([`load`]).

pub mod load;
mod pictures;
pub mod story;

use chrono::{DateTime, Utc};
use domain::Role;
use domain::org::WardType;
use uuid::Uuid;

use crate::auth::password;
use crate::auth::service::normalise_email;
use crate::store::prelude::*;
use crate::store::{
    CoreServiceRecord, GrantRecord, NewUnit, NewUser, SiteRecord, Store, StoreError, TrustRecord,
};

/// The demo trust's name: its presence means the demo has been seeded.
pub const DEMO_TRUST: &str = "Northfield Hospitals NHS Foundation Trust";
/// The buddy trust that reviews the demo trust.
pub const BUDDY_TRUST: &str = "Riverside Teaching Hospitals NHS Trust";
/// The demo users' password when `READYWARD_DEMO_PASSWORD` is not set.
pub const DEFAULT_DEMO_PASSWORD: &str = "readyward-demo-2026";

/// (site, [(core service, [(ward, type)])]) of the demo trust.
type SitePlan = (
    &'static str,
    Vec<(&'static str, Vec<(&'static str, WardType)>)>,
);

fn demo_plan() -> Vec<SitePlan> {
    use WardType::*;
    vec![
        (
            "Northfield General Hospital",
            vec![
                (
                    "Urgent and emergency care",
                    vec![
                        ("Emergency Department", EmergencyDepartment),
                        ("Acute Medical Unit", AdultInpatient),
                    ],
                ),
                (
                    "Medical care (including older people's care)",
                    vec![
                        ("Ward 7 - Respiratory", AdultInpatient),
                        ("Ward 8 - Cardiology", AdultInpatient),
                        ("Ward 10 - Stroke", AdultInpatient),
                        ("Elm Ward - Care of older people", OlderPeople),
                        ("Oak Ward - Care of older people", OlderPeople),
                    ],
                ),
                (
                    "Surgery",
                    vec![
                        ("Ward 14 - General surgery", Surgical),
                        ("Ward 15 - Orthopaedics", Surgical),
                        ("Day Surgery Unit", DayCase),
                    ],
                ),
                (
                    "Critical care",
                    vec![
                        ("Intensive Care Unit", CriticalCare),
                        ("High Dependency Unit", CriticalCare),
                    ],
                ),
                (
                    "Maternity",
                    vec![
                        ("Delivery Suite", Maternity),
                        ("Willow Ward - Postnatal", Maternity),
                    ],
                ),
                (
                    "Services for children and young people",
                    vec![("Rainbow Ward", Paediatric), ("Neonatal Unit", Paediatric)],
                ),
                (
                    "End of life care",
                    vec![("Specialist Palliative Care Unit", Hospice)],
                ),
                (
                    "Outpatients and diagnostic imaging",
                    vec![("Main Outpatients", Outpatients), ("Radiology", Imaging)],
                ),
            ],
        ),
        (
            "St Aidan's Hospital",
            vec![
                (
                    "Urgent and emergency care",
                    vec![("Minor Injuries Unit", EmergencyDepartment)],
                ),
                (
                    "Medical care (including older people's care)",
                    vec![
                        ("Beech Ward - Rehabilitation", OlderPeople),
                        ("Cedar Ward", AdultInpatient),
                    ],
                ),
                ("Surgery", vec![("Elective Orthopaedic Centre", Surgical)]),
                (
                    "Outpatients and diagnostic imaging",
                    vec![("Outpatients", Outpatients)],
                ),
            ],
        ),
    ]
}

fn buddy_plan() -> Vec<SitePlan> {
    use WardType::*;
    vec![(
        "Riverside General Hospital",
        vec![
            (
                "Medical care (including older people's care)",
                vec![
                    ("Riverside Ward 3", AdultInpatient),
                    ("Heron Ward", OlderPeople),
                ],
            ),
            ("Surgery", vec![("Kingfisher Ward", Surgical)]),
        ],
    )]
}

/// Creates a trust and its sites, core services and wards.
async fn create_org(
    store: &Store,
    name: &str,
    plan: &[SitePlan],
    now: DateTime<Utc>,
) -> Result<Uuid, StoreError> {
    let trust_id = Uuid::now_v7();
    store
        .create_trust(
            &TrustRecord {
                id: trust_id,
                name: name.to_owned(),
            },
            now,
        )
        .await?;
    for (site_name, services) in plan {
        let site = SiteRecord {
            id: Uuid::now_v7(),
            trust_id,
            name: (*site_name).to_owned(),
        };
        store.create_site(&site).await?;
        for (service_name, wards) in services {
            let service = CoreServiceRecord {
                id: Uuid::now_v7(),
                trust_id,
                site_id: site.id,
                name: (*service_name).to_owned(),
            };
            store.create_core_service(&service).await?;
            for (ward, ward_type) in wards {
                store
                    .create_unit(&NewUnit {
                        id: Uuid::now_v7(),
                        trust_id,
                        core_service_id: service.id,
                        name: (*ward).to_owned(),
                        ward_type: ward_type.as_str().to_owned(),
                    })
                    .await?;
            }
        }
    }
    Ok(trust_id)
}

/// Who to add: email, name and role.
type Person<'a> = (&'a str, &'a str, Role);

async fn create_user(
    store: &Store,
    trust_id: Uuid,
    (email, name, role): Person<'_>,
    password_text: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<Uuid> {
    let id = Uuid::now_v7();
    store
        .create_user(
            &NewUser {
                id,
                trust_id,
                email: normalise_email(email),
                name: name.to_owned(),
                role: role.as_str().to_owned(),
                password_hash: password::hash_blocking(password_text.to_owned()).await?,
                must_change_password: must_change,
            },
            now,
        )
        .await?;
    Ok(id)
}

/// What `seed-demo` did.
#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Created,
    AlreadySeeded,
}

/// Creates the demo trust, its buddy trust, the six demo users and a current grant. Running it
/// again changes nothing.
pub async fn seed_demo(
    store: &Store,
    demo_password: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<SeedOutcome> {
    if store.trust_by_name(DEMO_TRUST).await?.is_some() {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let demo = create_org(store, DEMO_TRUST, &demo_plan(), now).await?;
    let buddy = create_org(store, BUDDY_TRUST, &buddy_plan(), now).await?;
    let users = [
        (demo, "admin@demo.nhs.test", "Priya Shah", Role::TrustAdmin),
        (
            demo,
            "inspector@demo.nhs.test",
            "Sam Okafor",
            Role::WardInspector,
        ),
        (
            demo,
            "inspector2@demo.nhs.test",
            "Ravi Patel",
            Role::WardInspector,
        ),
        (
            demo,
            "board@demo.nhs.test",
            "Helen Marsh",
            Role::BoardViewer,
        ),
        (
            buddy,
            "admin@buddy.nhs.test",
            "Tom Reilly",
            Role::TrustAdmin,
        ),
        (
            buddy,
            "reviewer@buddy.nhs.test",
            "Grace Adeyemi",
            Role::BuddyReviewer,
        ),
    ];
    let mut reviewer = None;
    for (trust, email, name, role) in users {
        let id = create_user(store, trust, (email, name, role), demo_password, false, now).await?;
        if role == Role::BuddyReviewer {
            reviewer = Some(id);
        }
    }
    if let Some(reviewer_id) = reviewer {
        let today = now.date_naive();
        store
            .create_grant(
                &GrantRecord {
                    id: Uuid::now_v7(),
                    trust_id: demo,
                    reviewer_id,
                    starts_on: today - chrono::Days::new(30),
                    ends_on: today + chrono::Days::new(180),
                },
                now,
            )
            .await?;
    }
    Ok(SeedOutcome::Created)
}

/// Adds the demo trust's six months of readiness history (see [`story`]), its photos kept in
/// `photos`; run once, right after [`seed_demo`] created the trust.
pub async fn tell_demo_story(
    store: &Store,
    photos: &crate::photos::Photos,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let trust = store
        .trust_by_name(DEMO_TRUST)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo trust is not there"))?;
    let (inspector, admin, reviewer) = story::pushers(store).await?;
    story::tell(store, photos, trust.id, inspector, admin, reviewer, now).await
}

/// Creates a real trust and its first admin; returns the admin's one-time password.
pub async fn create_trust(
    store: &Store,
    name: &str,
    admin_email: &str,
    admin_name: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "give the trust a name");
    anyhow::ensure!(
        admin_email.contains('@'),
        "give the admin a valid email address"
    );
    let trust_id = create_org(store, name, &[], now).await?;
    let one_time = password::one_time_password();
    create_user(
        store,
        trust_id,
        (admin_email, admin_name, Role::TrustAdmin),
        &one_time,
        true,
        now,
    )
    .await?;
    Ok(one_time)
}
