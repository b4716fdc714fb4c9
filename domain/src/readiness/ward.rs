//! One ward's readiness read in a framework: a cell per KLOE (or quality statement), a cell per
//! key question, and the ward overall, whose rating is the CQC aggregation of its five key
//! question ratings (as for a core service) while its score and confidence rest on all of the
//! ward's evidence. Also what `GET /api/v1/readiness` answers, shared with the board's pages.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::ReadinessRules;
use super::{Evidence, Readiness, assess};
use crate::api::NamedRef;
use crate::framework::Framework;
use crate::principles::{Principles, Rule, Underlying};
use crate::rating::Rating;

/// A cell: a KLOE, quality statement or key question by its code, and its readiness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub code: String,
    #[serde(flatten)]
    pub readiness: Readiness,
}

/// A ward overall: its rating aggregated from the key questions', by the principle `rule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overall {
    #[serde(flatten)]
    pub readiness: Readiness,
    pub rule: Rule,
}

/// A ward's readiness in one framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WardReadiness {
    /// The five key questions, in the framework's order.
    pub key_questions: Vec<Cell>,
    /// Each KLOE or quality statement, in the framework's order; left out of a trust's answer
    /// unless asked for ([`ReadinessQuery::wants_items`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Cell>,
    pub overall: Overall,
}

/// Assesses a ward's evidence as at the end of `as_at`. `items_of` says which items of
/// `framework` each subject counts for (through a crosswalk when it was recorded under another
/// framework); a subject it does not name counts for itself if it is an item of `framework`.
/// In an item's cell evidence speaks for that item; in a key question's or the overall, each
/// piece counts once however many of its items it maps to.
pub fn ward_readiness(
    rules: &ReadinessRules,
    principles: &Principles,
    framework: &Framework,
    evidence: &[Evidence],
    items_of: &HashMap<String, Vec<String>>,
    as_at: NaiveDate,
) -> WardReadiness {
    // One pass over the evidence: each piece goes to every item it maps to, and once to each
    // key question one of those items belongs to, keeping the evidence's order (the newest
    // rating wins a tie by coming later).
    let mut index: HashMap<&str, (usize, usize)> = HashMap::new();
    for (k, kq) in framework.key_questions.iter().enumerate() {
        for item in &kq.items {
            let next = index.len();
            index.entry(item.code.as_str()).or_insert((k, next));
        }
    }
    let mut of_item: Vec<Vec<Evidence>> = vec![Vec::new(); index.len()];
    let mut of_kq: Vec<Vec<Evidence>> = vec![Vec::new(); framework.key_questions.len()];
    let mut placed: Vec<usize> = Vec::new();
    let mut in_kq: Vec<bool> = vec![false; framework.key_questions.len()];
    for e in evidence {
        let to: &[String] = match items_of.get(&e.subject) {
            Some(items) => items,
            None => std::slice::from_ref(&e.subject),
        };
        placed.clear();
        in_kq.iter_mut().for_each(|b| *b = false);
        for code in to {
            let Some(&(k, i)) = index.get(code.as_str()) else {
                continue;
            };
            if placed.contains(&i) {
                continue;
            }
            placed.push(i);
            in_kq[k] = true;
            of_item[i].push(Evidence {
                subject: code.clone(),
                ..e.clone()
            });
        }
        for (k, _) in in_kq.iter().enumerate().filter(|(_, b)| **b) {
            of_kq[k].push(e.clone());
        }
    }
    let mut items = Vec::new();
    let mut key_questions = Vec::new();
    let mut everything = Vec::new();
    for (k, kq) in framework.key_questions.iter().enumerate() {
        for item in &kq.items {
            let evidence = index
                .get(item.code.as_str())
                .map_or(&[][..], |&(_, i)| &of_item[i][..]);
            items.push(Cell {
                code: item.code.to_string(),
                readiness: assess(rules, evidence, as_at),
            });
        }
        key_questions.push(Cell {
            code: kq.code.clone(),
            readiness: assess(rules, &of_kq[k], as_at),
        });
        everything.append(&mut of_kq[k]);
    }
    let ratings: Vec<Underlying> = key_questions
        .iter()
        .map(|c| c.readiness.rating.into())
        .collect();
    let (rating, rule) = principles
        .aggregate(&ratings)
        .map_or((Rating::NotRated, Rule::NothingRated), |a| {
            (a.rating, a.rule)
        });
    let mut overall = assess(rules, &everything, as_at);
    overall.rating = rating;
    WardReadiness {
        key_questions,
        items,
        overall: Overall {
            readiness: overall,
            rule,
        },
    }
}

/// One ward in `GET /api/v1/readiness`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitReadiness {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub site: NamedRef,
    pub core_service: NamedRef,
    pub trust: NamedRef,
    #[serde(flatten)]
    pub readiness: WardReadiness,
}

/// The framework readiness is read in unless the caller names another.
pub const DEFAULT_FRAMEWORK: &str = "cqc-kloe-2017";

/// What a caller asks of readiness (`GET /api/v1/readiness`'s query).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessQuery {
    /// The day readiness stood at the end of; today (England) when absent.
    pub as_of: Option<NaiveDate>,
    /// One ward only.
    pub unit_id: Option<Uuid>,
    /// One trust only: a buddy reviewer's granted trust, or their own.
    pub trust_id: Option<Uuid>,
    /// [`DEFAULT_FRAMEWORK`] when absent.
    pub framework: Option<String>,
    /// Each ward's KLOE (or quality statement) cells too; they come with `unit_id` anyway.
    /// Without them a trust's answer is a fraction of the size.
    pub items: Option<bool>,
}

impl ReadinessQuery {
    /// Whether the answer carries each ward's item cells.
    pub fn wants_items(&self) -> bool {
        self.unit_id.is_some() || self.items == Some(true)
    }
}

/// `GET /api/v1/readiness`: every ward the caller may see, as at a day, in one framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadinessReport {
    /// The day readiness stood at the end of (England).
    pub as_of: NaiveDate,
    pub framework_id: String,
    /// The rules file's id and version the scores were computed with.
    pub rules: String,
    /// The framework's key questions in order: (code, title).
    pub key_questions: Vec<(String, String)>,
    /// Every rating is indicative: ReadyWard's reading of the evidence, not the CQC's.
    pub indicative: bool,
    pub units: Vec<UnitReadiness>,
    /// The core services, sites and trusts of those wards, rolled up the CQC way.
    #[serde(flatten)]
    pub roll_up: super::rollup::RollUp,
}
