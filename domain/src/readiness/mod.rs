//! Readiness: evidence from the three sources in, an indicative score, rating, confidence and
//! flags out, for one cell (a ward and a KLOE, or a ward and a key question).
//!
//! Pure: "as at" is an argument, and the arithmetic is integer, or IEEE operations that are
//! exactly rounded, in a fixed order, so the server and the wasm client agree to the bit. The
//! numbers come from the rules file (`rules`), the decay from `decay`.

pub mod decay;
pub mod detail;
pub mod london;
pub mod reference;
pub mod rollup;
pub mod rules;
pub mod ward;
mod words;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::rating::Rating;
use crate::review::Verdict;
use rules::ReadinessRules;

/// Where evidence comes from. A buddy reviewer's ratings and mini-inspections are the
/// independent source, never the trust's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    MiniInspection,
    SelfAssessment,
    PeerReview,
}

/// A finding counts with every other; of ratings, only the newest of each source and subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Finding,
    Rating,
}

/// One piece of evidence for a cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub source: Source,
    pub kind: Kind,
    /// The KLOE or quality statement it counts for.
    pub subject: String,
    /// On the CQC's 1-4 scale.
    pub points: u8,
    /// When it was observed (a finding) or the date of the evidence relied on (a rating).
    pub on: NaiveDate,
    /// The day (in England) the server recorded it.
    pub recorded_on: NaiveDate,
    /// How many alike findings this stands for (the store groups them); a rating is one.
    #[serde(default = "one")]
    pub count: u32,
    /// The buddy trust's newest verdict: verified weighs more, challenged or insufficient
    /// does not count until resolved.
    #[serde(default)]
    pub verdict: Verdict,
    /// Recorded by an assessor whose paired-inspection calibration agreed poorly: it weighs
    /// less, and earns less confidence.
    #[serde(default)]
    pub doubtful: bool,
}

fn one() -> u32 {
    1
}

impl Evidence {
    /// How many it counts as: a finding group its size, a rating one.
    fn kind_count(&self) -> u32 {
        match self.kind {
            Kind::Finding => self.count,
            Kind::Rating => 1,
        }
    }
}

/// One source's part of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SourceScore {
    /// Percentage of the maximum (25-100); `None` without evidence.
    pub score: Option<f64>,
    pub count: usize,
    pub newest: Option<NaiveDate>,
}

/// The three sources side by side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sources {
    pub self_assessment: SourceScore,
    pub mini_inspection: SourceScore,
    pub peer_review: SourceScore,
}

impl Sources {
    fn each(&self) -> [(Source, &SourceScore); 3] {
        [
            (Source::SelfAssessment, &self.self_assessment),
            (Source::MiniInspection, &self.mini_inspection),
            (Source::PeerReview, &self.peer_review),
        ]
    }
}

/// Why a cell deserves a closer look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagCode {
    SourcesDisagree,
    SelfAssessmentOptimistic,
    Stale,
    ThinEvidence,
    NeverObserved,
    UnverifiedEvidence,
    /// Some findings come from an assessor whose calibration agreed poorly.
    PoorlyCalibrated,
}

impl FlagCode {
    /// Whether it questions what the evidence says, as against only that nobody has verified
    /// it yet (true of every cell before the buddy trust's review starts, so "flagged only"
    /// filters leave it out).
    pub fn warns(self) -> bool {
        self != FlagCode::UnverifiedEvidence
    }
}

/// A flag with its reason in plain English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub code: FlagCode,
    pub reason: String,
}

/// A cell's readiness as at a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readiness {
    /// Percentage of the maximum (25-100); `None` without evidence.
    pub score: Option<f64>,
    /// Indicative, from the bands; `NotRated` without evidence.
    pub rating: Rating,
    /// 0-1, two decimals.
    pub confidence: f64,
    /// What the confidence rests on, in words.
    pub confidence_words: String,
    pub sources: Sources,
    /// Findings counted, from either source.
    pub findings: usize,
    pub flags: Vec<Flag>,
}

/// A weighted sum of points and of weights, in fixed point.
#[derive(Default, Clone, Copy)]
struct Tally {
    points: u128,
    weight: u128,
    count: usize,
    newest: Option<NaiveDate>,
}

impl Tally {
    fn add(&mut self, points: u8, weight: u64, on: NaiveDate, count: u32, times: u32) {
        let weight = u128::from(weight) * u128::from(count) * u128::from(times);
        self.points += u128::from(points) * weight;
        self.weight += weight;
        self.count += count as usize;
        self.newest = self.newest.max(Some(on));
    }

    fn score(&self) -> SourceScore {
        let score = (self.weight > 0).then(|| self.points as f64 / self.weight as f64 * 25.0);
        SourceScore {
            score,
            count: self.count,
            newest: self.newest,
        }
    }
}

/// Assesses a cell from its evidence as at the end of `as_at` (England): evidence recorded
/// later, or dated later, does not count.
pub fn assess(rules: &ReadinessRules, evidence: &[Evidence], as_at: NaiveDate) -> Readiness {
    let counted: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| {
            e.recorded_on <= as_at
                && e.on <= as_at
                && (1..=4).contains(&e.points)
                && e.verdict.counts()
        })
        .collect();
    // Of ratings, the newest of each source and subject counts (the later one on a tie).
    let mut newest: HashMap<(Source, &str), &Evidence> = HashMap::new();
    for e in counted.iter().filter(|e| e.kind == Kind::Rating) {
        let key = (e.source, e.subject.as_str());
        if newest
            .get(&key)
            .is_none_or(|kept| (e.recorded_on, e.on) >= (kept.recorded_on, kept.on))
        {
            newest.insert(key, e);
        }
    }
    let age = |on: NaiveDate| (as_at - on).num_days();
    let weight = |on: NaiveDate| decay::weight(age(on), rules.half_life_days);
    let mut tallies: HashMap<Source, Tally> = HashMap::new();
    let mut findings = 0;
    let mut doubtful_findings = 0;
    let mut verified = false;
    for e in &counted {
        let counts = match e.kind {
            Kind::Finding => {
                findings += e.count as usize;
                if e.doubtful {
                    doubtful_findings += e.count as usize;
                }
                true
            }
            Kind::Rating => newest
                .get(&(e.source, e.subject.as_str()))
                .is_some_and(|kept| std::ptr::eq(*kept, *e)),
        };
        if counts {
            // In hundredths, so a poorly calibrated assessor's share can be a fraction.
            let mut times = 100;
            if e.verdict == Verdict::Verified {
                verified = true;
                times *= rules.verified_weight;
            }
            if e.doubtful {
                times = times * rules.poorly_calibrated_percent / 100;
            }
            tallies.entry(e.source).or_default().add(
                e.points,
                weight(e.on),
                e.on,
                e.kind_count(),
                times,
            );
        }
    }
    let of = |s: Source| tallies.get(&s).copied().unwrap_or_default().score();
    let sources = Sources {
        self_assessment: of(Source::SelfAssessment),
        mini_inspection: of(Source::MiniInspection),
        peer_review: of(Source::PeerReview),
    };
    let score = combined(rules, &sources, weight);
    let newest_overall = sources.each().iter().filter_map(|(_, s)| s.newest).max();
    let rating = score.map_or(Rating::NotRated, |s| rules.rating_of(s));
    // A poorly calibrated assessor's findings earn confidence at their share.
    let lost = doubtful_findings as f64 * f64::from(100 - rules.poorly_calibrated_percent) / 100.0;
    let earning = findings as f64 - lost;
    let (confidence, confidence_words) =
        confidence(rules, &sources, findings, earning, newest_overall.map(age));
    let mut flags = words::flags(rules, &sources, findings, newest_overall.map(age));
    if doubtful_findings > 0 {
        flags.push(words::poorly_calibrated(doubtful_findings, findings));
    }
    if score.is_some() && !verified {
        flags.push(words::unverified());
    }
    Readiness {
        score,
        rating,
        confidence,
        confidence_words,
        sources,
        findings,
        flags,
    }
}

/// The sources' scores combined: each by its share, and by how fresh its newest evidence is.
fn combined(
    rules: &ReadinessRules,
    sources: &Sources,
    weight: impl Fn(NaiveDate) -> u64,
) -> Option<f64> {
    let shares = &rules.source_shares;
    let mut sum = 0.0;
    let mut total = 0.0;
    for (source, s) in sources.each() {
        let (Some(score), Some(newest)) = (s.score, s.newest) else {
            continue;
        };
        let share = match source {
            Source::MiniInspection => shares.mini_inspection,
            Source::PeerReview => shares.peer_review,
            Source::SelfAssessment => shares.self_assessment,
        };
        let w = (u128::from(share) * u128::from(weight(newest))) as f64;
        sum += w * score;
        total += w;
    }
    (total > 0.0).then(|| sum / total)
}

/// How sure the cell is, 0-1 in two decimals, and why in words: more independent sources,
/// more findings, fresher evidence and closer agreement each add to it.
fn confidence(
    rules: &ReadinessRules,
    sources: &Sources,
    findings: usize,
    earning: f64,
    newest_age: Option<i64>,
) -> (f64, String) {
    let Some(newest_age) = newest_age else {
        return (0.0, "No evidence yet".to_owned());
    };
    let c = &rules.confidence;
    let scores: Vec<f64> = sources.each().iter().filter_map(|(_, s)| s.score).collect();
    let present = scores.len();
    let spread = scores.iter().copied().fold(f64::MIN, f64::max)
        - scores.iter().copied().fold(f64::MAX, f64::min);
    let agreement = if present >= 2 {
        1.0 - (spread / 75.0).min(1.0)
    } else {
        0.0
    };
    let full = f64::from(c.findings_for_full_marks);
    let parts = [
        (c.sources, present as f64 / 3.0),
        (c.findings, earning.min(full) / full),
        (
            c.freshness,
            decay::weight(newest_age, rules.half_life_days) as f64 / decay::FULL as f64,
        ),
        (c.agreement, agreement),
    ];
    let total: u32 = parts.iter().map(|(w, _)| w).sum();
    let sum: f64 = parts.iter().map(|(w, v)| f64::from(*w) * v).sum();
    let value = (sum / f64::from(total) * 100.0).round() / 100.0;
    let words = words::confidence_words(present, findings, newest_age, spread, rules);
    (value, words)
}

#[cfg(test)]
mod tests;
