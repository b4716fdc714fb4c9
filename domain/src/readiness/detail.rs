//! What lies behind one cell of the heatmap, for its drill-down: the key question (or the ward
//! overall) and its items, and the findings and ratings counted there, the most telling
//! findings first.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Source;
use crate::inspection::Response;
use crate::rating::Rating;
use crate::review::Verdict;

/// Findings shown at most; the rest are counted.
pub const MAX_FINDINGS_SHOWN: usize = 40;

/// A finding counted in the cell, with its note and photos as they stand now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingEvidence {
    /// The finding's id.
    #[serde(default)]
    pub record_id: Uuid,
    /// The trust's mini-inspection or a buddy reviewer's.
    pub source: Source,
    pub prompt: String,
    /// The prompt's words, from the framework it was asked under.
    pub prompt_text: String,
    pub response: Response,
    pub note: String,
    /// Whether a trust admin redacted the note (it is blank then).
    #[serde(default)]
    pub note_redacted: bool,
    pub photo_ids: Vec<Uuid>,
    pub observed_on: NaiveDate,
    /// The buddy trust's newest verdict on it.
    #[serde(default)]
    pub verdict: Verdict,
}

/// A self-assessment or peer review rating counted in the cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingEvidence {
    pub source: Source,
    /// The KLOE or quality statement rated.
    pub item: String,
    pub rating: Rating,
    pub justification: String,
    pub evidence_date: NaiveDate,
    /// Who recorded it.
    pub by: String,
}

/// One cell's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellEvidence {
    /// `overall` or a key question's code.
    pub code: String,
    /// "Safe", "Well-led" or "Overall".
    pub title: String,
    /// The items beneath, (code, title): the key question's KLOEs or quality statements (for
    /// the overall, the key questions).
    pub items: Vec<(String, String)>,
    /// Not met first, then partly met, then met; newest first within each.
    pub findings: Vec<FindingEvidence>,
    /// Findings counted but not listed (beyond [`MAX_FINDINGS_SHOWN`]).
    pub more_findings: usize,
    /// Newest evidence first.
    pub ratings: Vec<RatingEvidence>,
}

/// Orders findings the way a reader wants them and keeps the first [`MAX_FINDINGS_SHOWN`],
/// returning how many were left out.
pub fn most_telling_first(findings: &mut Vec<FindingEvidence>) -> usize {
    let weight = |r: Response| match r {
        Response::NotMet => 0,
        Response::PartiallyMet => 1,
        _ => 2,
    };
    findings.sort_by(|a, b| {
        weight(a.response)
            .cmp(&weight(b.response))
            .then(b.observed_on.cmp(&a.observed_on))
            .then(a.prompt.cmp(&b.prompt))
    });
    let more = findings.len().saturating_sub(MAX_FINDINGS_SHOWN);
    findings.truncate(MAX_FINDINGS_SHOWN);
    more
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(prompt: &str, response: Response, day: u32) -> FindingEvidence {
        FindingEvidence {
            record_id: Uuid::nil(),
            source: Source::MiniInspection,
            prompt: prompt.to_owned(),
            prompt_text: String::new(),
            response,
            note: String::new(),
            note_redacted: false,
            photo_ids: Vec::new(),
            observed_on: NaiveDate::from_ymd_opt(2026, 11, day).unwrap_or_default(),
            verdict: Verdict::Unreviewed,
        }
    }

    #[test]
    fn what_was_not_in_place_comes_first_then_the_newest() {
        let mut list = vec![
            finding("S1.1", Response::Met, 20),
            finding("S1.2", Response::NotMet, 1),
            finding("S1.3", Response::PartiallyMet, 20),
            finding("S1.4", Response::NotMet, 10),
        ];
        assert_eq!(most_telling_first(&mut list), 0);
        let order: Vec<&str> = list.iter().map(|f| f.prompt.as_str()).collect();
        assert_eq!(order, ["S1.4", "S1.2", "S1.3", "S1.1"]);
        let mut many: Vec<FindingEvidence> = (1..=45)
            .map(|n| finding(&format!("S1.{n}"), Response::Met, 1))
            .collect();
        assert_eq!(most_telling_first(&mut many), 5);
        assert_eq!(many.len(), MAX_FINDINGS_SHOWN);
    }
}
