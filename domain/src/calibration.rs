//! Calibration: how far two assessors who inspected the same ward with the same checklist agree.
//!
//! Cohen's kappa corrects percent agreement for the agreement chance alone would give, but it
//! misleads when nearly every answer is "met" (high agreement, low kappa: Feinstein and
//! Cicchetti's paradox) and is undefined when both gave one answer throughout. So every result
//! carries the percent agreement and the prevalence-adjusted, bias-adjusted kappa (PABAK) beside
//! kappa, and the number of prompts behind it. How results are worded, and when agreement is
//! poor, is data (`data/rules/calibration.json`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::code::{ItemCode, PromptCode};
use crate::inspection::Response;

pub mod view;

/// Agreement between two assessors over the prompts both answered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Prompts both answered.
    pub prompts: u32,
    /// Share of those prompts given the same answer, 0-1.
    pub percent: f64,
    /// Cohen's kappa; `None` when chance alone would agree every time (both gave one and the
    /// same answer throughout), where kappa is undefined.
    pub kappa: Option<f64>,
    /// Prevalence-adjusted, bias-adjusted kappa: `(k * percent - 1) / (k - 1)` for `k` possible
    /// answers.
    pub pabak: f64,
}

/// Agreement over `pairs` of answers (first assessor's, second's), on a scale of `categories`
/// possible answers. `None` when there are no pairs.
pub fn agreement<T: Ord + Copy>(pairs: &[(T, T)], categories: usize) -> Option<Agreement> {
    if pairs.is_empty() || categories < 2 {
        return None;
    }
    let n = pairs.len() as f64;
    let mut first: BTreeMap<T, u32> = BTreeMap::new();
    let mut second: BTreeMap<T, u32> = BTreeMap::new();
    let mut same = 0_u32;
    for &(a, b) in pairs {
        *first.entry(a).or_default() += 1;
        *second.entry(b).or_default() += 1;
        same += u32::from(a == b);
    }
    let percent = f64::from(same) / n;
    // Sum over answers in a fixed order, so the result is the same bits everywhere.
    let chance: f64 = first
        .iter()
        .map(|(answer, &count)| {
            let other = second.get(answer).copied().unwrap_or(0);
            (f64::from(count) / n) * (f64::from(other) / n)
        })
        .sum();
    let kappa = (chance < 1.0).then(|| (percent - chance) / (1.0 - chance));
    let k = categories as f64;
    Some(Agreement {
        prompts: pairs.len() as u32,
        percent,
        kappa,
        pabak: (k * percent - 1.0) / (k - 1.0),
    })
}

/// One prompt as both assessors of a pair answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairedAnswer {
    pub prompt: PromptCode,
    pub first: Response,
    pub second: Response,
}

/// A pair's agreement over the whole checklist and per KLOE or quality statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairAgreement {
    pub overall: Option<Agreement>,
    pub by_item: Vec<(ItemCode, Agreement)>,
    /// The prompts they answered differently.
    pub differing: Vec<PairedAnswer>,
}

/// Compares a pair's answers: prompts only one of them answered are left out by the caller.
pub fn compare(answers: &[PairedAnswer]) -> PairAgreement {
    let scale = Response::ALL.len();
    let pair = |a: &PairedAnswer| (a.first as u8, a.second as u8);
    let mut by_item: BTreeMap<ItemCode, Vec<(u8, u8)>> = BTreeMap::new();
    for a in answers {
        let item = crate::code::SubjectCode::from(a.prompt.clone()).item();
        by_item.entry(item).or_default().push(pair(a));
    }
    let all: Vec<(u8, u8)> = answers.iter().map(pair).collect();
    PairAgreement {
        overall: agreement(&all, scale),
        by_item: by_item
            .into_iter()
            .filter_map(|(item, pairs)| agreement(&pairs, scale).map(|a| (item, a)))
            .collect(),
        differing: answers
            .iter()
            .filter(|a| a.first != a.second)
            .cloned()
            .collect(),
    }
}

/// One band of agreement: from this kappa up, these words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub from: f64,
    pub words: String,
}

/// How agreement is worded and judged, with its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRules {
    pub id: String,
    pub version: String,
    pub note: String,
    /// Highest first.
    pub bands: Vec<Band>,
    /// Agreement (kappa, or PABAK where kappa is undefined) below this is poor.
    pub poor_below: f64,
    /// Fewer prompts than this are too few to judge.
    pub min_prompts: u32,
}

/// What a result means, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub words: String,
    pub poor: bool,
    pub too_few: bool,
}

impl CalibrationRules {
    /// The rules shipped with ReadyWard.
    pub fn built_in() -> Result<CalibrationRules, String> {
        CalibrationRules::from_json(include_str!("../data/rules/calibration.json"))
    }

    /// Reads and checks rules: bands falling, the lowest covering -1.
    pub fn from_json(json: &str) -> Result<CalibrationRules, String> {
        let r: CalibrationRules = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let falling = r.bands.windows(2).all(|w| w[0].from > w[1].from);
        let covered = r.bands.last().is_some_and(|b| b.from <= -1.0);
        if !falling || !covered {
            return Err("calibration bands must fall and the last must start at -1".into());
        }
        Ok(r)
    }

    /// Reads an agreement: kappa where it is defined, else PABAK, against the bands.
    pub fn read(&self, a: &Agreement) -> Reading {
        let value = a.kappa.unwrap_or(a.pabak);
        let words = self
            .bands
            .iter()
            .find(|b| value >= b.from)
            .map_or("poor", |b| b.words.as_str());
        let too_few = a.prompts < self.min_prompts;
        Reading {
            words: if too_few {
                format!("{words}, but only {} prompts", a.prompts)
            } else {
                words.to_owned()
            },
            poor: value < self.poor_below,
            too_few,
        }
    }
}

#[cfg(test)]
mod tests;
