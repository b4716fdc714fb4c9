//! `readyward seed-load`: a large trust for benchmarks and load tests, "Load Test Hospitals NHS
//! Trust", with as many wards as asked for (spread over sites and the acute core services) and
//! a mini-inspection of every ward every month for as many months as asked for, plus a
//! quarterly self-assessment, all through the push path like the demo story.
//!
//! Its users are `admin@load.nhs.test`, `inspector@load.nhs.test` and `board@load.nhs.test`,
//! with the demo password. Running it again changes nothing.

use chrono::{DateTime, Duration, Utc};
use domain::Role;
use domain::org::WardType;
use domain::sync::judge::Pusher;
use uuid::Uuid;

use super::story::{Draw, chance_met, inspection, push, rating, rating_for};
use super::{SeedOutcome, create_user};
use crate::store::prelude::*;
use crate::store::{CoreServiceRecord, NewUnit, SiteRecord, Store, TrustRecord};

/// The load trust's name: its presence means it has been seeded.
pub const LOAD_TRUST: &str = "Load Test Hospitals NHS Trust";

/// Wards per core service, and core services per site.
const WARDS_PER_SERVICE: usize = 5;
const SERVICES: [(&str, WardType); 5] = [
    ("Urgent and emergency care", WardType::EmergencyDepartment),
    (
        "Medical care (including older people's care)",
        WardType::AdultInpatient,
    ),
    ("Surgery", WardType::Surgical),
    ("Critical care", WardType::CriticalCare),
    ("Maternity", WardType::Maternity),
];

/// Creates the load trust with `wards` wards and `months` months of monthly inspections.
pub async fn seed_load(
    store: &Store,
    password: &str,
    wards: usize,
    months: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<SeedOutcome> {
    if store.trust_by_name(LOAD_TRUST).await?.is_some() {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let trust_id = Uuid::now_v7();
    store
        .create_trust(
            &TrustRecord {
                id: trust_id,
                name: LOAD_TRUST.to_owned(),
            },
            now,
        )
        .await?;
    let per_site = WARDS_PER_SERVICE * SERVICES.len();
    let mut made = 0;
    for site_no in 1..=wards.div_ceil(per_site) {
        let site = SiteRecord {
            id: Uuid::now_v7(),
            trust_id,
            name: format!("Site {site_no} General Hospital"),
        };
        store.create_site(&site).await?;
        for (service_name, ward_type) in SERVICES {
            let service = CoreServiceRecord {
                id: Uuid::now_v7(),
                trust_id,
                site_id: site.id,
                name: service_name.to_owned(),
            };
            store.create_core_service(&service).await?;
            for _ in 0..WARDS_PER_SERVICE {
                if made == wards {
                    break;
                }
                made += 1;
                store
                    .create_unit(&NewUnit {
                        id: Uuid::now_v7(),
                        trust_id,
                        core_service_id: service.id,
                        name: format!("Ward {made}"),
                        ward_type: ward_type.as_str().to_owned(),
                    })
                    .await?;
            }
        }
    }
    let mut pushers = Vec::new();
    for (email, name, role) in [
        ("admin@load.nhs.test", "Load admin", Role::TrustAdmin),
        (
            "inspector@load.nhs.test",
            "Load inspector",
            Role::WardInspector,
        ),
        (
            "board@load.nhs.test",
            "Load board member",
            Role::BoardViewer,
        ),
    ] {
        let user_id =
            create_user(store, trust_id, (email, name, role), password, false, now).await?;
        pushers.push(Pusher {
            user_id,
            trust_id,
            device_id: Uuid::now_v7(),
            role,
            today: now.date_naive(),
        });
    }
    let (admin, inspector) = (pushers[0], pushers[1]);
    let catalogue = domain::Catalogue::built_in()?;
    let units = store.units_of_trust(trust_id).await?;
    let mut draw = Draw(0x10ad_7e57_0000_0001);
    for month in (0..months).rev() {
        let at = now - Duration::days(i64::from(month) * 30 + 2) + Duration::hours(10);
        let round = (months - month) as usize;
        for (i, ward) in units.iter().enumerate() {
            let (changes, _) = inspection(&catalogue, ward, chance_met(i, round), &mut draw, at, 0);
            push(store, &catalogue, &inspector, changes, at).await?;
        }
        if month % 3 == 0 {
            let ratings = units
                .iter()
                .enumerate()
                .flat_map(|(i, ward)| {
                    ["S1", "E1", "C1", "R1", "W1"].map(|item| {
                        rating(
                            domain::sync::kind::SELF_ASSESSMENT_RECORD,
                            Some(ward.id),
                            trust_id,
                            item,
                            rating_for(chance_met(i, round)),
                            "Ward manager's quarterly review",
                            at,
                        )
                    })
                })
                .collect();
            push(store, &catalogue, &admin, ratings, at).await?;
        }
    }
    Ok(SeedOutcome::Created)
}
