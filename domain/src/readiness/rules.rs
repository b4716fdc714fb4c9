//! The readiness rules as data (`data/rules/readiness.json`): answer points, the score bands,
//! the half-life, each source's share and the confidence weights, with their own version.

use serde::{Deserialize, Serialize};

use crate::inspection::Response;
use crate::rating::Rating;

/// Points of a finding's answer on the CQC's 1-4 scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerPoints {
    pub met: u8,
    pub partially_met: u8,
    pub not_met: u8,
}

/// Lowest percentage of each rating (below `requires_improvement`: Inadequate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bands {
    pub outstanding: u8,
    pub good: u8,
    pub requires_improvement: u8,
}

/// How much each source counts in a score that has more than one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceShares {
    pub mini_inspection: u32,
    pub peer_review: u32,
    pub self_assessment: u32,
}

/// What confidence is made of, in points out of their sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfidenceWeights {
    pub sources: u32,
    pub findings: u32,
    pub freshness: u32,
    pub agreement: u32,
    /// Findings that earn the whole of the findings part.
    pub findings_for_full_marks: u32,
}

/// The rules, with their version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessRules {
    pub id: String,
    pub version: String,
    pub note: String,
    pub answer_points: AnswerPoints,
    pub bands: Bands,
    pub bands_source: String,
    pub half_life_days: u32,
    pub source_shares: SourceShares,
    pub thin_evidence_findings: usize,
    /// How many times evidence the buddy trust verified counts, against once unreviewed.
    pub verified_weight: u32,
    /// How much evidence from an assessor whose calibration agreed poorly counts, in percent
    /// of what it would otherwise (and of the findings that earn confidence).
    pub poorly_calibrated_percent: u32,
    pub confidence: ConfidenceWeights,
}

impl ReadinessRules {
    /// The rules shipped with ReadyWard.
    pub fn built_in() -> Result<ReadinessRules, String> {
        ReadinessRules::from_json(include_str!("../../data/rules/readiness.json"))
    }

    /// Reads and checks rules: points on the 1-4 scale in order, bands falling, a half-life.
    pub fn from_json(json: &str) -> Result<ReadinessRules, String> {
        let r: ReadinessRules = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let p = &r.answer_points;
        let b = &r.bands;
        let c = &r.confidence;
        let checks = [
            (
                (1..=4).contains(&p.not_met)
                    && p.not_met < p.partially_met
                    && p.partially_met < p.met
                    && p.met <= 4,
                "answer points must rise from not met to met within 1-4",
            ),
            (
                b.requires_improvement < b.good && b.good < b.outstanding && b.outstanding <= 100,
                "bands must rise from requires improvement to outstanding within 100",
            ),
            (r.half_life_days > 0, "the half-life must be at least a day"),
            (
                (1..=10).contains(&r.verified_weight),
                "verified evidence must count from 1 to 10 times",
            ),
            (
                (1..=100).contains(&r.poorly_calibrated_percent),
                "poorly calibrated evidence must count for 1 to 100 percent",
            ),
            (
                c.sources + c.findings + c.freshness + c.agreement > 0
                    && c.findings_for_full_marks > 0,
                "confidence needs some weight",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, why)) => Err((*why).to_owned()),
            None => Ok(r),
        }
    }

    /// A finding's points; `None` for not applicable.
    pub fn points_of(&self, response: Response) -> Option<u8> {
        match response {
            Response::Met => Some(self.answer_points.met),
            Response::PartiallyMet => Some(self.answer_points.partially_met),
            Response::NotMet => Some(self.answer_points.not_met),
            Response::NotApplicable => None,
        }
    }

    /// The indicative rating of a score (percentage of the maximum).
    pub fn rating_of(&self, score: f64) -> Rating {
        let b = &self.bands;
        if score >= f64::from(b.outstanding) {
            Rating::Outstanding
        } else if score >= f64::from(b.good) {
            Rating::Good
        } else if score >= f64::from(b.requires_improvement) {
            Rating::RequiresImprovement
        } else {
            Rating::Inadequate
        }
    }
}
