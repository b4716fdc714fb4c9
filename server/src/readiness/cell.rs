//! One heatmap cell opened up: the findings and ratings behind a ward's key question (or its
//! overall) as at a day, read through the crosswalk like the score itself.

use std::collections::HashMap;

use domain::caller::Caller;
use domain::inspection::Response;
use domain::rating::Rating;
use domain::readiness::Source;
use domain::readiness::detail::{
    CellEvidence, FindingEvidence, RatingEvidence, most_telling_first,
};
use domain::readiness::ward::DEFAULT_FRAMEWORK;
use domain::review::Verdict;
use uuid::Uuid;

use crate::access;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::prelude::*;

/// The evidence behind `code` (`overall` or a key question) of a ward the caller may see: 404
/// for another's ward, 422 for an unknown key question or framework or a day after today.
pub async fn cell_evidence(
    state: &AppState,
    caller: &Caller,
    unit_id: Uuid,
    code: &str,
    as_of: Option<chrono::NaiveDate>,
    framework: Option<&str>,
) -> Result<CellEvidence, ApiError> {
    let today = state.clock.today();
    access::unit(&state.store, caller, unit_id, state.clock.today()).await?;
    let as_of = as_of.unwrap_or(today);
    if as_of > today {
        return Err(ApiError::Unprocessable(format!(
            "as_of {as_of} is after today: readiness can only be read as it stood"
        )));
    }
    let framework_id = framework.unwrap_or(DEFAULT_FRAMEWORK);
    let framework = state
        .catalogue
        .get(framework_id)
        .ok_or_else(|| ApiError::Unprocessable(format!("unknown framework {framework_id}")))?;
    let (title, items, wanted): (String, Vec<(String, String)>, Vec<&str>) = if code == "overall" {
        (
            "Overall".to_owned(),
            framework
                .key_questions
                .iter()
                .map(|k| (k.code.clone(), k.title.clone()))
                .collect(),
            framework
                .key_questions
                .iter()
                .flat_map(|k| k.items.iter().map(|i| i.code.as_str()))
                .collect(),
        )
    } else {
        let kq = framework
            .key_questions
            .iter()
            .find(|k| k.code == code)
            .ok_or_else(|| ApiError::Unprocessable(format!("unknown key question {code}")))?;
        (
            kq.title.clone(),
            kq.items
                .iter()
                .map(|i| (i.code.to_string(), i.title.clone()))
                .collect(),
            kq.items.iter().map(|i| i.code.as_str()).collect(),
        )
    };
    let mut counts: HashMap<String, bool> = HashMap::new();
    let mut findings = Vec::new();
    let mut ratings = Vec::new();
    let mut rows = state.store.evidence_detail(unit_id, as_of).await?;
    // A calibration partner's answers stay unseen here too until both have finished.
    let hidden = crate::calibration::hidden_set(&state.store, caller.user.id, today).await?;
    // As the engine counts them: nothing dated after the day, and of ratings only the newest
    // of each source and subject (the later recorded, then the later dated).
    rows.retain(|r| r.on_date <= as_of && !r.inspection_id.is_some_and(|i| hidden.contains(&i)));
    let mut newest: HashMap<(String, String), (chrono::NaiveDate, chrono::NaiveDate)> =
        HashMap::new();
    for r in rows.iter().filter(|r| r.kind == "rating") {
        let at = (r.recorded_on, r.on_date);
        let kept = newest
            .entry((r.source.clone(), r.subject.clone()))
            .or_insert(at);
        *kept = (*kept).max(at);
    }
    rows.retain(|r| {
        r.kind != "rating"
            || newest.get(&(r.source.clone(), r.subject.clone()))
                == Some(&(r.recorded_on, r.on_date))
    });
    for row in rows {
        let counted = *counts.entry(row.subject.clone()).or_insert_with(|| {
            state
                .crosswalks
                .items_for(&state.catalogue, &framework.id, &row.subject)
                .iter()
                .any(|i| wanted.contains(&i.as_str()))
        });
        if !counted {
            continue;
        }
        let source = match row.source.as_str() {
            "mini_inspection" => Source::MiniInspection,
            "self_assessment" => Source::SelfAssessment,
            "peer_review" => Source::PeerReview,
            _ => continue,
        };
        match row.kind.as_str() {
            "finding" => {
                let Some(response) = Response::from_code(&row.value) else {
                    continue;
                };
                findings.push(FindingEvidence {
                    record_id: row.record_id,
                    source,
                    prompt_text: prompt_text(state, &row.subject),
                    prompt: row.subject,
                    response,
                    note: row.note.unwrap_or_default(),
                    note_redacted: row.note_redacted,
                    photo_ids: row
                        .photo_ids
                        .and_then(|j| serde_json::from_str(&j).ok())
                        .unwrap_or_default(),
                    observed_on: row.on_date,
                    verdict: Verdict::parse(&row.verdict).unwrap_or_default(),
                });
            }
            "rating" => {
                let Some(rating) = Rating::from_code(&row.value) else {
                    continue;
                };
                ratings.push(RatingEvidence {
                    source,
                    item: row.subject,
                    rating,
                    justification: row.justification.unwrap_or_default(),
                    evidence_date: row.on_date,
                    by: row.author.unwrap_or_default(),
                });
            }
            _ => {}
        }
    }
    let more_findings = most_telling_first(&mut findings);
    Ok(CellEvidence {
        code: code.to_owned(),
        title,
        items,
        findings,
        more_findings,
        ratings,
    })
}

/// A prompt's words, from whichever framework it belongs to.
fn prompt_text(state: &AppState, code: &str) -> String {
    state
        .catalogue
        .all()
        .iter()
        .flat_map(|f| f.prompts())
        .find(|(_, p)| p.code == code)
        .map(|(_, p)| p.text.clone())
        .unwrap_or_default()
}
