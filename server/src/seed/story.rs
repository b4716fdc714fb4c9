//! The demo trust's six months of history, so that a first run shows every readiness rule at
//! work: rounds of mini-inspections on most wards (some improving, some slipping), a
//! self-assessment that is optimistic on some wards, a buddy trust's peer review that
//! disagrees on a few, one site whose evidence has gone stale, a ward only ever rated and never
//! observed, the trust's own Well-led ratings, the CQC's last published ratings and a warning
//! notice on the failing ward's service.
//!
//! Everything goes through the push path devices use, dated in the past, so the history and
//! readiness evidence are exactly what real syncs would have left; the latest round's photos
//! go through the tablet's upload. Answers are drawn from a
//! fixed pseudo-random sequence: every run tells the same story.

use chrono::{DateTime, Duration, Utc};
use domain::Role;
use domain::api::UnitInfo;
use domain::sync::Mutation;
use domain::sync::judge::{PushItem, Pusher};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::store::Store;
use crate::store::prelude::*;

/// The site whose evidence is old (its last round was over the half-life ago).
const STALE_SITE: &str = "St Aidan's Hospital";
/// A ward the trust rated but nobody has inspected.
const NEVER_OBSERVED: &str = "Day Surgery Unit";
/// A ward in real trouble: at every round most of what was looked for was not in place.
const FAILING: &str = "Elm Ward - Care of older people";
/// Days before "now" of each inspection round; the stale site had only the first two, earlier.
const ROUNDS: [i64; 3] = [170, 95, 21];
const STALE_ROUNDS: [i64; 2] = [300, 230];

/// A small deterministic generator (xorshift), so the story is the same on every run.
pub(super) struct Draw(pub(super) u64);

impl Draw {
    pub(super) fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// How a ward does in a round: the chance an observed prompt is met.
pub(super) fn chance_met(ward: usize, round: usize) -> f64 {
    let base = [0.93, 0.82, 0.7, 0.58, 0.88, 0.76][ward % 6];
    // Every third ward improves round on round; every fifth slips.
    let trend = if ward % 3 == 1 {
        0.06
    } else if ward % 5 == 2 {
        -0.07
    } else {
        0.0
    };
    (base + trend * round as f64).clamp(0.35, 0.97)
}

/// The chance for a named ward: the failing ward fails every round.
fn ward_chance(ward: &UnitInfo, index: usize, round: usize) -> f64 {
    if ward.name == FAILING {
        0.12
    } else {
        chance_met(index, round)
    }
}

pub(super) fn rating_for(chance: f64) -> &'static str {
    if chance >= 0.75 {
        "good"
    } else if chance >= 0.6 {
        "requires_improvement"
    } else {
        "inadequate"
    }
}

fn better(rating: &str) -> &'static str {
    match rating {
        "inadequate" => "requires_improvement",
        "requires_improvement" => "good",
        _ => "outstanding",
    }
}

fn mutation(kind: &str, data: Value) -> Mutation {
    Mutation {
        id: Uuid::now_v7(),
        kind: kind.to_owned(),
        data,
    }
}

/// Pushes `mutations` as `pusher` at `at`, failing on anything not applied.
pub(super) async fn push(
    store: &Store,
    catalogue: &domain::Catalogue,
    pusher: &Pusher,
    mutations: Vec<Mutation>,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let pusher = Pusher {
        today: at.date_naive(),
        ..*pusher
    };
    for chunk in mutations.chunks(domain::sync::MAX_PUSH_MUTATIONS) {
        let items: Vec<PushItem> = chunk
            .iter()
            .cloned()
            .map(|m| PushItem::checked(catalogue, m))
            .collect();
        for result in store.push(&pusher, &items, at).await? {
            anyhow::ensure!(
                result.status == domain::sync::PushStatus::Applied,
                "the demo story's change {} was not applied: {:?}",
                result.id,
                result.error
            );
        }
    }
    Ok(())
}

/// One finished mini-inspection of `ward` at `at`, answering every ward-observable prompt; up
/// to `photos` of what was not in place are photographed (their ids returned, to upload).
pub(super) fn inspection(
    catalogue: &domain::Catalogue,
    ward: &UnitInfo,
    chance: f64,
    draw: &mut Draw,
    at: DateTime<Utc>,
    photos: usize,
) -> (Vec<Mutation>, Vec<Uuid>) {
    let id = Uuid::now_v7();
    let upsert = |status: &str| {
        mutation(
            domain::sync::kind::INSPECTION_UPSERT,
            json!({"id": id, "unit_id": ward.id, "framework_id": "cqc-kloe-2017",
                "template_id": null, "template_version": null, "started_at": at,
                "status": status}),
        )
    };
    let mut out = vec![upsert("in_progress")];
    let mut taken = Vec::new();
    let Some(framework) = catalogue.get("cqc-kloe-2017") else {
        return (Vec::new(), taken);
    };
    for (n, (_, prompt)) in framework
        .prompts()
        .filter(|(_, p)| p.ward_observable)
        .enumerate()
    {
        let roll = draw.next();
        let response = if draw.next() < 0.03 {
            "not_applicable"
        } else if roll < chance {
            "met"
        } else if roll < chance + (1.0 - chance) * 0.4 {
            "partially_met"
        } else {
            "not_met"
        };
        let note = match response {
            "not_met" => "Seen on the walk-round: raised with the nurse in charge.",
            "partially_met" => "Partly in place; follow up at the next visit.",
            _ => "",
        };
        let photo_ids: Vec<Uuid> = if response == "not_met" && taken.len() < photos {
            taken.push(Uuid::now_v7());
            taken[taken.len() - 1..].to_vec()
        } else {
            Vec::new()
        };
        out.push(mutation(
            domain::sync::kind::FINDING_RECORD,
            json!({"id": Uuid::now_v7(), "inspection_id": id, "item_code": prompt.code,
                "response": response, "note": note, "photo_ids": photo_ids,
                "observed_at": at + Duration::minutes(n as i64)}),
        ));
    }
    out.push(upsert("submitted"));
    (out, taken)
}

/// Sends the photos an inspection named, as `user_id`'s tablet would after its push.
async fn upload_photos(
    store: &Store,
    photos: &crate::photos::Photos,
    user_id: Uuid,
    ids: &[Uuid],
) -> anyhow::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let user = store
        .user_by_id(user_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo inspector is missing"))?;
    let caller = domain::caller::Caller {
        user: crate::auth::service::user_info(&user)?,
        session_id: String::new(),
    };
    for id in ids {
        let bytes = super::pictures::picture(id.as_u128() as u64)?;
        photos
            .upload(store, &caller, *id, Some("image/jpeg"), None, bytes)
            .await?;
    }
    Ok(())
}

pub(super) fn rating(
    kind: &str,
    unit: Option<Uuid>,
    trust: Uuid,
    item: &str,
    rating: &str,
    why: &str,
    at: DateTime<Utc>,
) -> Mutation {
    mutation(
        kind,
        json!({"id": Uuid::now_v7(), "unit_id": unit, "trust_id": trust, "item_code": item,
            "rating": rating, "justification": why, "evidence_date": (at - Duration::days(3)).date_naive()}),
    )
}

/// Writes the story for the demo trust: its inspector inspects, its admin self-assesses and
/// the buddy trust's reviewer peer-reviews.
pub async fn tell(
    store: &Store,
    photos: &crate::photos::Photos,
    trust_id: Uuid,
    inspector: Pusher,
    admin: Pusher,
    reviewer: Pusher,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let catalogue = domain::Catalogue::built_in()?;
    let wards = store.units_of_trust(trust_id).await?;
    let mut draw = Draw(0x5eed_cafe_f00d_1234);
    for (i, ward) in wards.iter().enumerate() {
        if ward.name == NEVER_OBSERVED {
            continue;
        }
        let rounds: &[i64] = if ward.site.name == STALE_SITE {
            &STALE_ROUNDS
        } else {
            &ROUNDS
        };
        for (round, days_ago) in rounds.iter().enumerate() {
            let at = now - Duration::days(*days_ago) + Duration::hours(10);
            let chance = ward_chance(ward, i, round);
            // The latest round of each ward has a photo or two of what was not in place.
            let wanted = if round + 1 == rounds.len() { 2 } else { 0 };
            let (changes, taken) = inspection(&catalogue, ward, chance, &mut draw, at, wanted);
            push(store, &catalogue, &inspector, changes, at).await?;
            upload_photos(store, photos, inspector.user_id, &taken).await?;
        }
    }

    // The trust's self-assessment a month ago: honest on most wards, a step optimistic on
    // every third.
    let at = now - Duration::days(30);
    let mut own = Vec::new();
    for (i, ward) in wards.iter().enumerate() {
        // The stale site's wards have not looked at themselves since their last round either.
        if ward.site.name == STALE_SITE {
            continue;
        }
        let observed = rating_for(ward_chance(ward, i, 2));
        let claimed = if i % 3 == 0 {
            better(observed)
        } else {
            observed
        };
        for item in ["S1", "E1", "C1", "R1", "W1"] {
            own.push(rating(
                domain::sync::kind::SELF_ASSESSMENT_RECORD,
                Some(ward.id),
                trust_id,
                item,
                claimed,
                "Ward manager's review of audits, incidents and staff feedback",
                at,
            ));
        }
    }
    for (item, value) in [
        ("W1", "good"),
        ("W2", "requires_improvement"),
        ("W3", "good"),
    ] {
        own.push(rating(
            domain::sync::kind::SELF_ASSESSMENT_RECORD,
            None,
            trust_id,
            item,
            value,
            "Board's self-assessment against the well-led framework",
            at,
        ));
    }
    push(store, &catalogue, &admin, own, at).await?;

    // The buddy trust's peer review two weeks ago: agrees mostly, sees worse on a few wards.
    let at = now - Duration::days(14);
    let mut peer = Vec::new();
    for (i, ward) in wards.iter().enumerate() {
        if ward.site.name == STALE_SITE || i % 4 != 0 {
            continue;
        }
        let value = if i % 8 == 0 {
            "inadequate"
        } else {
            rating_for(ward_chance(ward, i, 2))
        };
        for item in ["S1", "S2"] {
            peer.push(rating(
                domain::sync::kind::PEER_REVIEW_RECORD,
                Some(ward.id),
                trust_id,
                item,
                value,
                "Buddy trust's walk-round and review of the evidence pack",
                at,
            ));
        }
    }
    peer.push(rating(
        domain::sync::kind::PEER_REVIEW_RECORD,
        None,
        trust_id,
        "W2",
        "requires_improvement",
        "Governance papers reviewed with the buddy trust's risk team",
        at,
    ));
    push(store, &catalogue, &reviewer, peer, at).await?;

    // The CQC's last inspection, two years ago, and a warning notice on the failing ward's
    // service since last month.
    let report_date = (now - Duration::days(730)).date_naive();
    let mut services: Vec<(Uuid, &str)> = Vec::new();
    for ward in &wards {
        if !services.iter().any(|(id, _)| *id == ward.core_service.id) {
            services.push((ward.core_service.id, ward.name.as_str()));
        }
    }
    for (n, (service, _)) in services.iter().enumerate() {
        let ratings = [
            "good",
            "requires_improvement",
            "good",
            "good",
            "requires_improvement",
        ];
        for (kq, rating) in ["safe", "effective", "caring", "responsive", "well_led"]
            .iter()
            .zip(ratings.iter().cycle().skip(n % 3))
        {
            store
                .record_published(
                    &crate::store::PublishedRecord {
                        id: Uuid::now_v7(),
                        trust_id,
                        core_service_id: *service,
                        key_question: (*kq).to_owned(),
                        rating: (*rating).to_owned(),
                        report_date,
                    },
                    admin.user_id,
                )
                .await?;
        }
    }
    if let Some(failing) = wards.iter().find(|w| w.name == FAILING) {
        store
            .record_notice(
                &crate::store::NoticeRecord {
                    id: Uuid::now_v7(),
                    trust_id,
                    core_service_id: failing.core_service.id,
                    key_question: "safe".to_owned(),
                    enforcement: domain::principles::Enforcement::WarningNotice
                        .as_str()
                        .to_owned(),
                    recorded_on: (now - Duration::days(35)).date_naive(),
                    lifted_on: None,
                },
                admin.user_id,
            )
            .await?;
    }
    Ok(())
}

/// The three storytellers of the demo trust and its buddy, as pushers.
pub async fn pushers(store: &Store) -> anyhow::Result<(Pusher, Pusher, Pusher)> {
    let pusher = |user: Option<crate::store::UserRecord>, role: Role| -> anyhow::Result<Pusher> {
        let user = user.ok_or_else(|| anyhow::anyhow!("a demo user is missing"))?;
        Ok(Pusher {
            user_id: user.id,
            trust_id: user.trust_id,
            device_id: Uuid::now_v7(),
            role,
            today: Utc::now().date_naive(),
        })
    };
    Ok((
        pusher(
            store.user_by_email("inspector@demo.nhs.test").await?,
            Role::WardInspector,
        )?,
        pusher(
            store.user_by_email("admin@demo.nhs.test").await?,
            Role::TrustAdmin,
        )?,
        pusher(
            store.user_by_email("reviewer@buddy.nhs.test").await?,
            Role::BuddyReviewer,
        )?,
    ))
}
