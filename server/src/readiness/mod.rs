//! Readiness as a caller may read it: the wards they may see, each trust's evidence as it stood
//! at the end of a day (from the store), turned into cells by the engine in `domain::readiness`
//! with the rules file's points, bands and weights. Each ward is recomputed only when its
//! evidence changed or the day did ([`memo`]).

pub mod cell;
pub mod memo;

use std::collections::HashMap;
use std::sync::Arc;

use domain::caller::Caller;
use domain::inspection::Response;
use domain::principles::Enforcement;
use domain::rating::Rating;
use domain::readiness::rollup::{Notice, PublishedRating, TrustWellLed, roll_up};
use domain::readiness::ward::{
    DEFAULT_FRAMEWORK, ReadinessQuery, ReadinessReport, UnitReadiness, WardReadiness,
    ward_readiness,
};
use domain::readiness::{Evidence, Kind, Source, assess};
use domain::review::Verdict;
use uuid::Uuid;

use crate::access;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::EvidenceGroup;
use crate::store::prelude::*;
use domain::api::UnitInfo;
use memo::{Answer, AnswerKey, ScopeKey};

/// Wards to compute above which a trust's evidence is read in one query, not ward by ward.
const BULK_READ_FROM: usize = 8;

/// Readiness of every ward the caller may see (own trust, and a reviewer's granted trusts):
/// 404 for a ward they may not see, 422 for a day after today or an unknown framework.
pub async fn readiness(
    state: &AppState,
    caller: &Caller,
    query: &ReadinessQuery,
) -> Result<ReadinessReport, ApiError> {
    Ok(answer(state, caller, query).await?.report.clone())
}

/// As [`readiness`], shared: an unchanged question over unchanged wards is answered from
/// what this server computed before (see [`memo`]).
pub async fn answer(
    state: &AppState,
    caller: &Caller,
    query: &ReadinessQuery,
) -> Result<Arc<Answer>, ApiError> {
    let today = state.clock.today();
    let as_of = query.as_of.unwrap_or(today);
    if as_of > today {
        return Err(ApiError::Unprocessable(format!(
            "as_of {as_of} is after today: readiness can only be read as it stood"
        )));
    }
    let framework_id = query.framework.as_deref().unwrap_or(DEFAULT_FRAMEWORK);
    let framework = state
        .catalogue
        .get(framework_id)
        .ok_or_else(|| ApiError::Unprocessable(format!("unknown framework {framework_id}")))?;
    // The trusts asked about, read once: every trust the caller sees, or the one named.
    let mut wanted = access::visible_trusts(&state.store, caller, state.clock.today()).await?;
    if let Some(trust) = query.trust_id {
        if !wanted.contains(&trust) {
            return Err(ApiError::NotFound);
        }
        wanted = vec![trust];
    }
    // Each trust's epoch, read before anything it covers: an answer kept at these epochs is
    // never older than they are, and a repeat question costs this one read.
    let mut epochs = Vec::with_capacity(wanted.len());
    for trust in &wanted {
        epochs.push((*trust, state.store.readiness_epoch(*trust).await?));
    }
    let key = AnswerKey {
        framework: framework.id.clone(),
        as_of,
        items: query.wants_items(),
        unit_id: query.unit_id,
        epochs,
    };
    if let Some(answer) = state.readiness_memo.answer(&key) {
        return Ok(answer);
    }

    let mut units = Vec::new();
    for trust in wanted {
        units.extend(state.store.units_of_trust(trust).await?);
    }
    if let Some(id) = query.unit_id {
        units.retain(|u| u.id == id);
        if units.is_empty() {
            return Err(ApiError::NotFound);
        }
    }
    let mut trusts: Vec<Uuid> = units.iter().map(|u| u.trust.id).collect();
    trusts.sort_unstable();
    trusts.dedup();
    let mut versions: HashMap<Uuid, i64> = HashMap::new();
    for trust in &trusts {
        versions.extend(state.store.readiness_versions(*trust).await?);
    }
    let version = |scope: Uuid| versions.get(&scope).copied().unwrap_or(0);

    // Today's readiness is what pages ask for again and again; a past day (a trend, "changed
    // since") is computed when asked, so it never pushes today's out of the memo.
    let keep = as_of == today;
    let rules = &state.readiness_rules;
    let well_led: Vec<&str> = framework
        .key_questions
        .iter()
        .filter(|kq| kq.code == "well_led")
        .flat_map(|kq| kq.items.iter().map(|i| i.code.as_str()))
        .collect();
    // Evidence counts for the items of the framework read, through the crosswalk where it
    // was recorded under another: each subject looked up once per request.
    let mut items_of: HashMap<String, Vec<String>> = HashMap::new();
    let map_subjects = |items_of: &mut HashMap<String, Vec<String>>, groups: &[EvidenceGroup]| {
        for group in groups {
            items_of.entry(group.subject.clone()).or_insert_with(|| {
                state
                    .crosswalks
                    .items_for(&state.catalogue, &framework.id, &group.subject)
                    .into_iter()
                    .map(|i| i.into_string())
                    .collect()
            });
        }
    };
    let scope_key = |scope: Uuid| ScopeKey {
        scope,
        framework: framework.id.clone(),
        as_of,
    };
    let mut notices = Vec::new();
    let mut published = Vec::new();
    let mut trust_well_led = Vec::new();
    let mut wards: HashMap<Uuid, Arc<WardReadiness>> = HashMap::new();
    for &trust in &trusts {
        notices.extend(
            state
                .store
                .notices_of_trust(trust)
                .await?
                .into_iter()
                .filter(|n| n.recorded_on <= as_of && n.lifted_on.is_none_or(|l| l > as_of))
                .filter_map(|n| {
                    Some(Notice {
                        core_service_id: n.core_service_id,
                        key_question: n.key_question,
                        enforcement: Enforcement::from_code(&n.enforcement)?,
                    })
                }),
        );
        published.extend(
            state
                .store
                .published_of_trust(trust)
                .await?
                .into_iter()
                .filter(|p| p.report_date <= as_of)
                .filter_map(|p| {
                    Some(PublishedRating {
                        core_service_id: p.core_service_id,
                        key_question: p.key_question,
                        rating: Rating::from_code(&p.rating)?,
                        report_date: p.report_date,
                    })
                }),
        );
        let own_kept = state
            .readiness_memo
            .trust(&scope_key(trust), version(trust));
        let of_trust: Vec<&UnitInfo> = units.iter().filter(|u| u.trust.id == trust).collect();
        let stale = of_trust
            .iter()
            .filter(|u| {
                state
                    .readiness_memo
                    .ward(&scope_key(u.id), version(u.id))
                    .is_none()
            })
            .count();
        // Evidence of assessors whose calibration agreed poorly weighs less: who they are is
        // read only when something of the trust is computed. (A paired inspection finished or
        // reopened moves every counter of its trust, so nothing kept outlives a change here.)
        let doubted = if own_kept.is_none() || stale > 0 {
            crate::calibration::poorly_agreeing(
                &state.store,
                &state.catalogue,
                trust,
                state.clock.now(),
            )
            .await?
        } else {
            Vec::new()
        };
        let own = match own_kept {
            Some(kept) => kept,
            None => {
                let groups = state
                    .store
                    .evidence_of_scope(trust, None, as_of, &doubted)
                    .await?;
                map_subjects(&mut items_of, &groups);
                let evidence: Vec<Evidence> = groups
                    .iter()
                    .filter(|g| {
                        items_of[&g.subject]
                            .iter()
                            .any(|i| well_led.contains(&i.as_str()))
                    })
                    .filter_map(|g| evidence(state, g))
                    .collect();
                let own = Arc::new(assess(rules, &evidence, as_of));
                if keep {
                    state
                        .readiness_memo
                        .keep_trust(scope_key(trust), version(trust), own.clone());
                }
                own
            }
        };
        trust_well_led.push(TrustWellLed {
            trust_id: trust,
            readiness: (*own).clone(),
        });
        // Many wards to compute (a new day, a past one): the trust's evidence in one read.
        let mut bulk: HashMap<Uuid, Vec<EvidenceGroup>> = HashMap::new();
        if stale > BULK_READ_FROM {
            for group in state
                .store
                .evidence_of_trust(trust, as_of, &doubted)
                .await?
            {
                if let Some(unit) = group.unit_id {
                    bulk.entry(unit).or_default().push(group);
                }
            }
        }
        for unit in of_trust {
            let ward = match state
                .readiness_memo
                .ward(&scope_key(unit.id), version(unit.id))
            {
                Some(kept) => kept,
                None => {
                    let groups = if stale > BULK_READ_FROM {
                        bulk.remove(&unit.id).unwrap_or_default()
                    } else {
                        state
                            .store
                            .evidence_of_scope(trust, Some(unit.id), as_of, &doubted)
                            .await?
                    };
                    map_subjects(&mut items_of, &groups);
                    let evidence: Vec<Evidence> =
                        groups.iter().filter_map(|g| evidence(state, g)).collect();
                    let ward = Arc::new(ward_readiness(
                        rules,
                        &state.principles,
                        framework,
                        &evidence,
                        &items_of,
                        as_of,
                    ));
                    if keep {
                        state.readiness_memo.keep_ward(
                            scope_key(unit.id),
                            version(unit.id),
                            ward.clone(),
                        );
                    }
                    ward
                }
            };
            wards.insert(unit.id, ward);
        }
    }
    let units = units
        .into_iter()
        .filter_map(|u| {
            let mut readiness = (**wards.get(&u.id)?).clone();
            if !query.wants_items() {
                readiness.items.clear();
            }
            Some(UnitReadiness {
                readiness,
                unit_id: u.id,
                unit_name: u.name,
                site: u.site,
                core_service: u.core_service,
                trust: u.trust,
            })
        })
        .collect::<Vec<_>>();
    let titles: Vec<(String, String)> = framework
        .key_questions
        .iter()
        .map(|kq| (kq.code.clone(), kq.title.clone()))
        .collect();
    let roll_up = roll_up(
        &state.principles,
        &rules.bands,
        &titles,
        &units,
        &notices,
        &published,
        &trust_well_led,
    );
    let answer = Arc::new(Answer::new(ReadinessReport {
        as_of,
        framework_id: framework.id.clone(),
        rules: format!("{} v{}", rules.id, rules.version),
        key_questions: titles,
        indicative: true,
        units,
        roll_up,
    }));
    if keep {
        state.readiness_memo.keep_answer(key, answer.clone());
    }
    Ok(answer)
}

/// A stored group as the engine's evidence, its code turned into points by the rules; `None`
/// for a code that does not count.
fn evidence(state: &AppState, group: &EvidenceGroup) -> Option<Evidence> {
    let (kind, points) = match group.kind.as_str() {
        "finding" => (
            Kind::Finding,
            state
                .readiness_rules
                .points_of(Response::from_code(&group.value)?)?,
        ),
        "rating" => (Kind::Rating, Rating::from_code(&group.value)?.points()?),
        _ => return None,
    };
    let source = match group.source.as_str() {
        "mini_inspection" => Source::MiniInspection,
        "self_assessment" => Source::SelfAssessment,
        "peer_review" => Source::PeerReview,
        _ => return None,
    };
    Some(Evidence {
        source,
        kind,
        subject: group.subject.clone(),
        points,
        on: group.on_date,
        recorded_on: group.recorded_on,
        count: u32::try_from(group.count).unwrap_or(u32::MAX),
        verdict: Verdict::parse(&group.verdict).unwrap_or_default(),
        doubtful: group.doubtful,
    })
}
