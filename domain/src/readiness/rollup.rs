//! The roll-up, the CQC way: ward -> core service at a site -> site -> trust. Each level's key
//! question rating aggregates the level below's ratings of that key question, each level's
//! overall aggregates its own five key question ratings, both by the ratings principles; an
//! enforcement notice on a core service's key question limits it as the principles say.
//! A core service's last published CQC rating stands beside its indicative one and carries
//! forward where nothing new was observed. The trust's Well-led is not aggregated: it comes from the trust-level self-assessment and
//! peer review, and for a trust with one site it is that site's Well-led.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Readiness;
use super::ward::UnitReadiness;
use crate::principles::what_it_takes::{self, Named, WhatItTakes};
use crate::principles::{Enforcement, Principles, Rule, Underlying};
use crate::rating::Rating;
use crate::readiness::rules::Bands;

/// Which level an aggregate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    CoreService,
    Site,
    Trust,
}

/// How a level's rating was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "basis", content = "rule")]
pub enum Basis {
    /// The ratings below, by this principle.
    Aggregated(Rule),
    /// The trust-level self-assessment and peer review (a trust's Well-led).
    TrustEvidence,
    /// The trust's only site's Well-led.
    OnlySite,
    /// Nothing new observed: the last published CQC rating carries forward (its report date).
    Published(chrono::NaiveDate),
}

/// The CQC's last published rating of a core service's key question (or `overall`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRating {
    pub core_service_id: Uuid,
    pub key_question: String,
    pub rating: Rating,
    pub report_date: chrono::NaiveDate,
}

/// A notice recorded against a core service's key question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub core_service_id: Uuid,
    pub key_question: String,
    pub enforcement: Enforcement,
}

/// One key question (or the overall) of a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelCell {
    pub code: String,
    pub rating: Rating,
    #[serde(flatten)]
    pub basis: Basis,
    /// The notice limiting it, on a core service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement: Option<Enforcement>,
    /// The mean of the scores below that have one (what the rating rests on, roughly).
    pub score: Option<f64>,
    /// The last published CQC rating, beside the indicative one (core services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<(Rating, chrono::NaiveDate)>,
    /// The ratings below that were rated.
    pub rated_below: usize,
    /// The fewest ratings below that would each have to rise a step (or the notice to lift)
    /// for this one to rise; `None` where it is not aggregated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what_it_takes: Option<WhatItTakes>,
}

/// A core service, site or trust with its key questions and overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelReadiness {
    pub level: Level,
    pub id: Uuid,
    pub name: String,
    /// The site of a core service, the trust of a site.
    pub parent: Option<Uuid>,
    /// The five key questions, in order.
    pub key_questions: Vec<LevelCell>,
    pub overall: LevelCell,
}

/// Every level above the wards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RollUp {
    pub core_services: Vec<LevelReadiness>,
    pub sites: Vec<LevelReadiness>,
    pub trusts: Vec<LevelReadiness>,
}

/// A trust's own Well-led readiness, from its trust-level ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustWellLed {
    pub trust_id: Uuid,
    pub readiness: Readiness,
}

const WELL_LED: &str = "well_led";

/// Rolls the wards up: groups in the order the wards come (tree order).
pub fn roll_up(
    principles: &Principles,
    bands: &Bands,
    titles: &[(String, String)],
    units: &[UnitReadiness],
    notices: &[Notice],
    published: &[PublishedRating],
    trust_well_led: &[TrustWellLed],
) -> RollUp {
    let codes: Vec<String> = units
        .first()
        .map(|u| {
            u.readiness
                .key_questions
                .iter()
                .map(|c| c.code.clone())
                .collect()
        })
        .unwrap_or_default();
    // Core services: their wards' key question cells.
    let mut core_services = Vec::new();
    for (service, wards) in groups(units, |u| u.core_service.id) {
        let first = wards[0];
        let key_questions = codes
            .iter()
            .map(|code| {
                let below: Vec<(Rating, Option<f64>)> = wards
                    .iter()
                    .filter_map(|w| w.readiness.key_questions.iter().find(|c| &c.code == code))
                    .map(|c| (c.readiness.rating, c.readiness.score))
                    .collect();
                let notice = notices
                    .iter()
                    .filter(|n| n.core_service_id == service && &n.key_question == code)
                    .map(|n| n.enforcement)
                    .max_by_key(|e| matches!(e, Enforcement::WarningNotice));
                let mut cell = aggregated(principles, code, &below, notice);
                carry_forward(&mut cell, published_of(published, service, code));
                cell
            })
            .collect();
        let mut service_level = level(
            principles,
            Level::CoreService,
            (service, &first.core_service.name, Some(first.site.id)),
            key_questions,
        );
        carry_forward(
            &mut service_level.overall,
            published_of(published, service, "overall"),
        );
        core_services.push(service_level);
    }
    let mut sites = Vec::new();
    for (site, services) in groups(&core_services, |s| s.parent.unwrap_or_default()) {
        let first = units.iter().find(|u| u.site.id == site);
        let (name, trust) = first.map_or((String::new(), None), |u| {
            (u.site.name.clone(), Some(u.trust.id))
        });
        let key_questions = roll_cells(principles, &codes, &services);
        sites.push(level(
            principles,
            Level::Site,
            (site, &name, trust),
            key_questions,
        ));
    }
    let mut trusts = Vec::new();
    for (trust, its_sites) in groups(&sites, |s| s.parent.unwrap_or_default()) {
        let name = units
            .iter()
            .find(|u| u.trust.id == trust)
            .map(|u| u.trust.name.clone())
            .unwrap_or_default();
        let mut key_questions = roll_cells(principles, &codes, &its_sites);
        if let Some(cell) = key_questions.iter_mut().find(|c| c.code == WELL_LED) {
            let own = trust_well_led
                .iter()
                .find(|t| t.trust_id == trust)
                .filter(|t| t.readiness.score.is_some());
            if let Some(own) = own {
                *cell = LevelCell {
                    code: WELL_LED.to_owned(),
                    rating: own.readiness.rating,
                    basis: Basis::TrustEvidence,
                    enforcement: None,
                    score: own.readiness.score,
                    published: None,
                    rated_below: 0,
                    what_it_takes: None,
                };
            } else if let [only] = its_sites.as_slice()
                && let Some(site_cell) = only.key_questions.iter().find(|c| c.code == WELL_LED)
            {
                *cell = LevelCell {
                    basis: Basis::OnlySite,
                    ..site_cell.clone()
                };
            } else {
                // Several sites and no trust-level evidence: not rated, not aggregated.
                *cell = LevelCell {
                    code: WELL_LED.to_owned(),
                    rating: Rating::NotRated,
                    basis: Basis::TrustEvidence,
                    enforcement: None,
                    score: None,
                    published: None,
                    rated_below: 0,
                    what_it_takes: None,
                };
            }
        }
        trusts.push(level(
            principles,
            Level::Trust,
            (trust, &name, None),
            key_questions,
        ));
    }
    let mut up = RollUp {
        core_services,
        sites,
        trusts,
    };
    plan(principles, bands, titles, units, &mut up);
    up
}

/// Names each aggregate's "what would it take": for a core service its wards, for a site its
/// core services, for the trust its sites, and for any overall its own key questions. A
/// notice that holds a core service's key question below what its wards give says it must be
/// lifted; a rating carried forward or taken from the trust's own evidence has none.
fn plan(
    principles: &Principles,
    bands: &Bands,
    titles: &[(String, String)],
    units: &[UnitReadiness],
    up: &mut RollUp,
) {
    let title = |code: &str| {
        titles
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code.to_owned(), |(_, t)| t.clone())
    };
    let decide = |cell: &LevelCell, below: Vec<(String, Rating, Option<f64>)>, own: &str| {
        if !matches!(cell.basis, Basis::Aggregated(_)) {
            return None;
        }
        let named: Vec<Named<'_>> = below
            .iter()
            .map(|(name, rating, score)| Named {
                name,
                underlying: (*rating).into(),
                score: *score,
            })
            .collect();
        let free = what_it_takes::what_it_takes(principles, bands, &named);
        // A notice holding the rating below what the ratings beneath give must be lifted.
        let unlimited: Vec<Underlying> = below.iter().map(|(_, r, _)| (*r).into()).collect();
        let freed = principles
            .aggregate(&unlimited)
            .ok()
            .map(|a| a.rating)
            .filter(|r| r.points() > cell.rating.points());
        match (cell.enforcement, freed) {
            (Some(enforcement), Some(target)) => Some(WhatItTakes::LiftNotice {
                target,
                notices: vec![what_it_takes::Notice {
                    name: own.to_owned(),
                    enforcement,
                }],
                steps: Vec::new(),
            }),
            _ => Some(free),
        }
    };
    let overall_of = |level: &LevelReadiness| {
        let below = level
            .key_questions
            .iter()
            .map(|c| (title(&c.code), c.rating, c.score))
            .collect();
        decide(&level.overall, below, &level.name)
    };
    for service in &mut up.core_services {
        let wards: Vec<&UnitReadiness> = units
            .iter()
            .filter(|u| u.core_service.id == service.id)
            .collect();
        for cell in &mut service.key_questions {
            let below = wards
                .iter()
                .filter_map(|w| {
                    let c = w
                        .readiness
                        .key_questions
                        .iter()
                        .find(|c| c.code == cell.code)?;
                    Some((w.unit_name.clone(), c.readiness.rating, c.readiness.score))
                })
                .collect();
            cell.what_it_takes = decide(cell, below, &service.name);
        }
        service.overall.what_it_takes = overall_of(service);
    }
    let levels_below = |list: &[LevelReadiness], parent: Uuid, code: &str| {
        list.iter()
            .filter(|l| l.parent == Some(parent))
            .filter_map(|l| {
                let c = l.key_questions.iter().find(|c| c.code == code)?;
                Some((l.name.clone(), c.rating, c.score))
            })
            .collect::<Vec<_>>()
    };
    let services = up.core_services.clone();
    for site in &mut up.sites {
        for cell in &mut site.key_questions {
            cell.what_it_takes = decide(
                cell,
                levels_below(&services, site.id, &cell.code),
                &site.name,
            );
        }
        site.overall.what_it_takes = overall_of(site);
    }
    let sites = up.sites.clone();
    for trust in &mut up.trusts {
        for cell in &mut trust.key_questions {
            cell.what_it_takes = decide(
                cell,
                levels_below(&sites, trust.id, &cell.code),
                &trust.name,
            );
        }
        trust.overall.what_it_takes = overall_of(trust);
    }
}

/// The newest published rating of a core service's key question.
fn published_of<'a>(
    published: &'a [PublishedRating],
    service: Uuid,
    code: &str,
) -> Option<&'a PublishedRating> {
    published
        .iter()
        .filter(|p| p.core_service_id == service && p.key_question == code)
        .max_by_key(|p| p.report_date)
}

/// Puts the published rating beside the indicative one, and where nothing new was observed
/// (nothing below rated, no notice) lets it stand, dated, as the CQC does for a service it
/// did not re-inspect.
fn carry_forward(cell: &mut LevelCell, published: Option<&PublishedRating>) {
    let Some(p) = published else {
        return;
    };
    cell.published = Some((p.rating, p.report_date));
    if cell.rating == Rating::NotRated && cell.enforcement.is_none() {
        cell.rating = p.rating;
        cell.basis = Basis::Published(p.report_date);
    }
}

/// Groups items by a key, in the order keys are first seen.
fn groups<T, K: PartialEq + Copy>(items: &[T], key: impl Fn(&T) -> K) -> Vec<(K, Vec<&T>)> {
    let mut out: Vec<(K, Vec<&T>)> = Vec::new();
    for item in items {
        let k = key(item);
        match out.iter_mut().find(|(g, _)| *g == k) {
            Some((_, list)) => list.push(item),
            None => out.push((k, vec![item])),
        }
    }
    out
}

/// Each key question of a level from the same key question of the levels below.
fn roll_cells(
    principles: &Principles,
    codes: &[String],
    below: &[&LevelReadiness],
) -> Vec<LevelCell> {
    codes
        .iter()
        .map(|code| {
            let cells: Vec<(Rating, Option<f64>)> = below
                .iter()
                .filter_map(|l| l.key_questions.iter().find(|c| &c.code == code))
                .map(|c| (c.rating, c.score))
                .collect();
            aggregated(principles, code, &cells, None)
        })
        .collect()
}

/// A level with its overall: the aggregate of its own key question ratings.
fn level(
    principles: &Principles,
    level: Level,
    (id, name, parent): (Uuid, &str, Option<Uuid>),
    key_questions: Vec<LevelCell>,
) -> LevelReadiness {
    let below: Vec<(Rating, Option<f64>)> =
        key_questions.iter().map(|c| (c.rating, c.score)).collect();
    let overall = aggregated(principles, "overall", &below, None);
    LevelReadiness {
        level,
        id,
        name: name.to_owned(),
        parent,
        key_questions,
        overall,
    }
}

/// A cell aggregated from ratings below, limited by a notice where one is recorded.
fn aggregated(
    principles: &Principles,
    code: &str,
    below: &[(Rating, Option<f64>)],
    notice: Option<Enforcement>,
) -> LevelCell {
    let ratings: Vec<Underlying> = below.iter().map(|(r, _)| (*r).into()).collect();
    let (rating, rule) = principles
        .aggregate(&ratings)
        .map_or((Rating::NotRated, Rule::NothingRated), |a| {
            (a.rating, a.rule)
        });
    // A notice limits even a key question with no evidence: it says the service falls short.
    let rating = principles.limited(Underlying {
        rating,
        enforcement: notice,
    });
    let scores: Vec<f64> = below.iter().filter_map(|(_, s)| *s).collect();
    let score = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
    LevelCell {
        code: code.to_owned(),
        rating,
        basis: Basis::Aggregated(rule),
        enforcement: notice,
        score,
        published: None,
        what_it_takes: None,
        rated_below: below.iter().filter(|(r, _)| *r != Rating::NotRated).count(),
    }
}

#[cfg(test)]
mod tests;
