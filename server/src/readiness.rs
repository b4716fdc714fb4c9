//! Readiness as a caller may read it: the wards they may see, each trust's evidence as it stood
//! at the end of a day (from the store), turned into cells by the engine in `domain::readiness`
//! with the rules file's points, bands and weights.

use std::collections::HashMap;

use domain::caller::Caller;
use domain::inspection::Response;
use domain::principles::Enforcement;
use domain::rating::Rating;
use domain::readiness::london::london_date;
use domain::readiness::rollup::{Notice, PublishedRating, TrustWellLed, roll_up};
use domain::readiness::ward::{
    DEFAULT_FRAMEWORK, ReadinessQuery, ReadinessReport, UnitReadiness, ward_readiness,
};
use domain::readiness::{Evidence, Kind, Source, assess};
use uuid::Uuid;

use crate::access;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::EvidenceGroup;
use crate::store::prelude::*;

/// Readiness of every ward the caller may see (own trust, and a reviewer's granted trusts):
/// 404 for a ward they may not see, 422 for a day after today or an unknown framework.
pub async fn readiness(
    state: &AppState,
    caller: &Caller,
    query: &ReadinessQuery,
) -> Result<ReadinessReport, ApiError> {
    let today = london_date(state.clock.now());
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
    let mut units = access::units(&state.store, caller, state.clock.today()).await?;
    if let Some(id) = query.unit_id {
        units.retain(|u| u.id == id);
        if units.is_empty() {
            return Err(ApiError::NotFound);
        }
    }
    let rules = &state.readiness_rules;
    let mut by_unit: HashMap<Uuid, Vec<Evidence>> = HashMap::new();
    let mut trust_well_led = Vec::new();
    let mut trusts: Vec<Uuid> = units.iter().map(|u| u.trust.id).collect();
    trusts.dedup();
    let well_led: Vec<&str> = framework
        .key_questions
        .iter()
        .filter(|kq| kq.code == "well_led")
        .flat_map(|kq| kq.items.iter().map(|i| i.code.as_str()))
        .collect();
    // Evidence counts for the items of the framework read, through the crosswalk where it
    // was recorded under another: each subject looked up once per request.
    let mut items_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut notices = Vec::new();
    let mut published = Vec::new();
    for trust in trusts {
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
        let mut of_trust = Vec::new();
        for group in state.store.evidence_of_trust(trust, as_of).await? {
            let Some(evidence) = evidence(state, &group) else {
                continue;
            };
            let items = items_of.entry(group.subject.clone()).or_insert_with(|| {
                state
                    .crosswalks
                    .items_for(&state.catalogue, &framework.id, &group.subject)
                    .into_iter()
                    .map(|i| i.into_string())
                    .collect()
            });
            match group.unit_id {
                Some(unit) => by_unit.entry(unit).or_default().push(evidence),
                None if items.iter().any(|i| well_led.contains(&i.as_str())) => {
                    of_trust.push(evidence)
                }
                None => {}
            }
        }
        trust_well_led.push(TrustWellLed {
            trust_id: trust,
            readiness: assess(rules, &of_trust, as_of),
        });
    }
    let units = units
        .into_iter()
        .map(|u| {
            let evidence = by_unit.remove(&u.id).unwrap_or_default();
            UnitReadiness {
                readiness: ward_readiness(
                    rules,
                    &state.principles,
                    framework,
                    &evidence,
                    &items_of,
                    as_of,
                ),
                unit_id: u.id,
                unit_name: u.name,
                site: u.site,
                core_service: u.core_service,
                trust: u.trust,
            }
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
    Ok(ReadinessReport {
        as_of,
        framework_id: framework.id.clone(),
        rules: format!("{} v{}", rules.id, rules.version),
        key_questions: framework
            .key_questions
            .iter()
            .map(|kq| (kq.code.clone(), kq.title.clone()))
            .collect(),
        indicative: true,
        units,
        roll_up,
    })
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
    })
}
