//! Calibration: a trust admin pairs two inspectors to inspect one ward with one checklist
//! within a window; each one's half is the first inspection they start on it in the window.
//! Until both have finished neither may read the other's (`hidden_from`); then ReadyWard
//! compares their answers prompt by prompt (`domain::calibration`) and shows the admin each
//! pair, each assessor across pairs and the prompts answered differently most often.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::calibration::view::{
    AssessorJudged, CalibrationOverview, Choice, Differing, Half, ItemJudged, Judged, PairRequest,
    PairResult, PairStatus, PairView, PromptSpread,
};
use domain::calibration::{CalibrationRules, PairedAnswer, agreement, compare};
use domain::caller::Caller;
use domain::inspection::{InspectionStatus, Response};
use domain::readiness::london::london_date;
use domain::{Catalogue, PromptCode, Role};
use uuid::Uuid;

use crate::access::require_admin;
use crate::admin::audited;
use crate::error::ApiError;
use crate::store::calibration::Candidate;
use crate::store::prelude::*;
use crate::store::{PairRecord, Store};

/// The longest window a pair may be given.
const MAX_WINDOW_DAYS: i64 = 31;

/// How long after its window a pair that never completed keeps each partner's answers from
/// the other: long enough to finish a half started on the last day, not for ever.
const GRACE_DAYS: u64 = 14;

fn unprocessable(message: &str) -> ApiError {
    ApiError::Unprocessable(message.to_owned())
}

/// Pairs two inspectors of the caller's trust.
pub async fn add_pair(
    store: &Store,
    caller: &Caller,
    new: &PairRequest,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    require_admin(caller)?;
    let trust = caller.user.trust_id;
    let today = london_date(now);
    if new.first_user_id == new.second_user_id {
        return Err(unprocessable("Choose two different inspectors"));
    }
    if new.closes_on < new.opens_on {
        return Err(unprocessable(
            "The window must close on or after the day it opens",
        ));
    }
    if new.closes_on < today {
        return Err(unprocessable("The window must not have closed already"));
    }
    if (new.closes_on - new.opens_on).num_days() >= MAX_WINDOW_DAYS {
        return Err(unprocessable(&format!(
            "Give a window of at most {MAX_WINDOW_DAYS} days, so both see the ward as it is"
        )));
    }
    let units = store.units_of_trust(trust).await?;
    let unit = units
        .iter()
        .find(|u| u.id == new.unit_id)
        // Another trust's ward or checklist is not found, as everywhere.
        .ok_or(ApiError::NotFound)?;
    let template = store
        .latest_template(new.template_id)
        .await?
        .filter(|t| t.trust_id.is_none_or(|t| t == trust) && !t.archived)
        .ok_or(ApiError::NotFound)?;
    let users = store.users_of_trust(trust).await?;
    let inspector = |id: Uuid| {
        users
            .iter()
            .find(|u| u.id == id && u.active)
            .filter(|u| is_ward_inspector(&u.role))
    };
    let (Some(first), Some(second)) = (inspector(new.first_user_id), inspector(new.second_user_id))
    else {
        return Err(unprocessable(
            "Choose two active ward inspectors of your trust",
        ));
    };
    let id = Uuid::now_v7();
    let tx = store.begin().await?;
    tx.create_pair(
        &PairRecord {
            id,
            trust_id: trust,
            unit_id: unit.id,
            template_id: template.id,
            first_user_id: first.id,
            second_user_id: second.id,
            opens_on: new.opens_on,
            closes_on: new.closes_on,
            created_by: caller.user.id,
        },
        now,
    )
    .await?;
    let after = serde_json::json!({
        "unit_id": unit.id, "unit_name": unit.name, "template_id": template.id,
        "template_name": template.name, "first_user_id": first.id, "second_user_id": second.id,
        "opens_on": new.opens_on, "closes_on": new.closes_on,
    });
    audited(
        &tx,
        caller,
        now,
        "calibration.pair",
        id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    // A window reaching back may pair inspections finished already: readiness weighs anew.
    tx.calibration_may_move(trust, first.id).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %trust, pair_id = %id,
        "admin paired two inspectors for calibration"
    );
    Ok(id)
}

/// Only ward inspectors are paired: an administrator reads the trust's pushes in the audit
/// trail and could hand the partner's inspection to themselves, so would not calibrate blind.
fn is_ward_inspector(role: &str) -> bool {
    Role::parse(role) == Some(Role::WardInspector)
}

/// The user's inspections of a pair's ward with its checklist started on a day of its window
/// in England, oldest first.
async fn in_window(
    store: &Store,
    pair: &PairRecord,
    user_id: Uuid,
) -> Result<Vec<Candidate>, ApiError> {
    let window = pair.opens_on..=pair.closes_on;
    let mut found = store.pair_candidates(pair, user_id).await?;
    found.retain(|c| window.contains(&london_date(c.started_at)));
    Ok(found)
}

/// The user's half of a pair: their first inspection of its ward with its checklist started
/// on a day of the window in England.
async fn half_of(
    store: &Store,
    pair: &PairRecord,
    user_id: Uuid,
) -> Result<Option<Candidate>, ApiError> {
    Ok(in_window(store, pair, user_id).await?.into_iter().next())
}

fn finished(half: Option<&Candidate>) -> bool {
    half.is_some_and(|c| c.status == InspectionStatus::Submitted)
}

/// The other one of a pair.
fn partner_in(pair: &PairRecord, user_id: Uuid) -> Uuid {
    if pair.first_user_id == user_id {
        pair.second_user_id
    } else {
        pair.first_user_id
    }
}

/// What of `author`'s the `reader` of a pair may not read yet: every inspection the author
/// made of the pair's ward with its checklist in the window, until both halves are finished.
async fn kept_back(
    store: &Store,
    pair: &PairRecord,
    reader: Uuid,
    author: Uuid,
) -> Result<Vec<Uuid>, ApiError> {
    let theirs = in_window(store, pair, author).await?;
    if theirs.is_empty() {
        return Ok(Vec::new());
    }
    let mine = half_of(store, pair, reader).await?;
    if finished(theirs.first()) && finished(mine.as_ref()) {
        return Ok(Vec::new());
    }
    Ok(theirs.into_iter().map(|c| c.id).collect())
}

/// The inspections `user_id` may not read yet: their partners' in live pairs (see
/// [`kept_back`]). Worked out once per request: one query for the pairs, two for each live one.
pub async fn hidden_set(
    store: &Store,
    user_id: Uuid,
    today: NaiveDate,
) -> Result<HashSet<Uuid>, ApiError> {
    let mut hidden = HashSet::new();
    for pair in store
        .pairs_of_user(user_id, today - Days::new(GRACE_DAYS))
        .await?
    {
        let partner = partner_in(&pair, user_id);
        hidden.extend(kept_back(store, &pair, user_id, partner).await?);
    }
    Ok(hidden)
}

/// Whether `inspection` is one `user_id` may not read yet (see [`hidden_set`]).
pub async fn hidden_from(
    store: &Store,
    user_id: Uuid,
    inspection: Uuid,
    today: NaiveDate,
) -> Result<bool, ApiError> {
    Ok(hidden_set(store, user_id, today)
        .await?
        .contains(&inspection))
}

/// Who may not read `owner`'s `inspection` yet: their partners in live pairs it is kept from.
pub async fn kept_from(
    store: &Store,
    owner: Uuid,
    inspection: Uuid,
    today: NaiveDate,
) -> Result<HashSet<Uuid>, ApiError> {
    let mut readers = HashSet::new();
    for pair in store
        .pairs_of_user(owner, today - Days::new(GRACE_DAYS))
        .await?
    {
        let partner = partner_in(&pair, owner);
        if kept_back(store, &pair, partner, owner)
            .await?
            .contains(&inspection)
        {
            readers.insert(partner);
        }
    }
    Ok(readers)
}

/// Each prompt's answer in an inspection (the newest finding per prompt), prompts only.
async fn answers(
    store: &Store,
    inspection: Uuid,
) -> Result<BTreeMap<PromptCode, Response>, ApiError> {
    let Some((_, view)) = store.inspection_view(inspection).await? else {
        return Ok(BTreeMap::new());
    };
    let mut found = BTreeMap::new();
    for f in view.findings {
        if let Some(response) = f.response
            && f.item_code.as_str().contains('.')
        {
            found.insert(PromptCode::from(f.item_code.as_str()), response);
        }
    }
    Ok(found)
}

/// Prompt texts and item titles of a framework.
struct Words {
    prompts: BTreeMap<String, String>,
    items: BTreeMap<String, String>,
}

impl Words {
    fn of(catalogue: &Catalogue, framework_id: &str) -> Words {
        let framework = catalogue.get(framework_id);
        Words {
            prompts: framework
                .map(|f| {
                    f.prompts()
                        .map(|(_, p)| (p.code.as_str().to_owned(), p.text.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            items: framework
                .map(|f| {
                    f.items()
                        .map(|(_, i)| (i.code.as_str().to_owned(), i.title.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn prompt(&self, code: &str) -> String {
        self.prompts.get(code).cloned().unwrap_or_default()
    }
}

/// The calibration page: every pair of the caller's trust, each assessor across completed
/// pairs and the prompts answered differently.
pub async fn overview(
    store: &Store,
    catalogue: &Catalogue,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<CalibrationOverview, ApiError> {
    require_admin(caller)?;
    overview_of(store, catalogue, caller.user.trust_id, now).await
}

/// The assessors of the trust whose agreement across completed pairs is poor (on enough
/// prompts to judge): readiness weighs their evidence for less.
pub async fn poorly_agreeing(
    store: &Store,
    catalogue: &Catalogue,
    trust: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, ApiError> {
    // Most trusts pair nobody: one read, not the whole page's.
    if store.pairs_of_trust(trust).await?.is_empty() {
        return Ok(Vec::new());
    }
    let overview = overview_of(store, catalogue, trust, now).await?;
    Ok(overview
        .assessors
        .into_iter()
        .filter(|a| a.judged.reading.poor && !a.judged.reading.too_few)
        .map(|a| a.user_id)
        .collect())
}

/// [`overview`] of any trust, for callers that checked who may read it.
async fn overview_of(
    store: &Store,
    catalogue: &Catalogue,
    trust: Uuid,
    now: DateTime<Utc>,
) -> Result<CalibrationOverview, ApiError> {
    let today = london_date(now);
    let rules = CalibrationRules::built_in().map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    let judge = |a: domain::calibration::Agreement| Judged {
        reading: rules.read(&a),
        agreement: a,
    };
    let units = store.units_of_trust(trust).await?;
    let templates = store.latest_templates(trust).await?;
    let users = store.users_of_trust(trust).await?;
    let name_of = |id: Uuid| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(String::new, |u| u.name.clone())
    };
    let mut pairs = Vec::new();
    // Per assessor: (their answer, partner's) over completed pairs, and how many pairs.
    let mut by_assessor: BTreeMap<Uuid, (u32, Vec<(u8, u8)>)> = BTreeMap::new();
    let mut by_prompt: BTreeMap<PromptCode, (String, u32, u32)> = BTreeMap::new();
    for pair in store.pairs_of_trust(trust).await? {
        let template = templates.iter().find(|t| t.id == pair.template_id);
        let words = Words::of(catalogue, template.map_or("", |t| t.framework_id.as_str()));
        let first = half_of(store, &pair, pair.first_user_id).await?;
        let second = half_of(store, &pair, pair.second_user_id).await?;
        let complete = finished(first.as_ref()) && finished(second.as_ref());
        let status = if complete {
            PairStatus::Complete
        } else if pair.closes_on < today {
            PairStatus::Lapsed
        } else {
            PairStatus::Waiting
        };
        let result = match (complete, first, second) {
            (true, Some(a), Some(b)) => {
                let (a, b) = (answers(store, a.id).await?, answers(store, b.id).await?);
                let paired: Vec<PairedAnswer> = a
                    .iter()
                    .filter_map(|(prompt, &first)| {
                        b.get(prompt).map(|&second| PairedAnswer {
                            prompt: prompt.clone(),
                            first,
                            second,
                        })
                    })
                    .collect();
                for p in &paired {
                    let (one, other) = (p.first as u8, p.second as u8);
                    for (user, pair_answer) in [
                        (pair.first_user_id, (one, other)),
                        (pair.second_user_id, (other, one)),
                    ] {
                        by_assessor.entry(user).or_default().1.push(pair_answer);
                    }
                    let spread = by_prompt
                        .entry(p.prompt.clone())
                        .or_insert_with(|| (words.prompt(p.prompt.as_str()), 0, 0));
                    spread.1 += 1;
                    spread.2 += u32::from(p.first != p.second);
                }
                for user in [pair.first_user_id, pair.second_user_id] {
                    by_assessor.entry(user).or_default().0 += 1;
                }
                let compared = compare(&paired);
                Some(PairResult {
                    overall: compared.overall.map(judge),
                    by_item: compared
                        .by_item
                        .into_iter()
                        .map(|(code, a)| ItemJudged {
                            title: words.items.get(code.as_str()).cloned().unwrap_or_default(),
                            code,
                            judged: judge(a),
                        })
                        .collect(),
                    differing: compared
                        .differing
                        .into_iter()
                        .map(|d| Differing {
                            text: words.prompt(d.prompt.as_str()),
                            prompt: d.prompt,
                            first: d.first,
                            second: d.second,
                        })
                        .collect(),
                })
            }
            _ => None,
        };
        let half = |user_id: Uuid, c: Option<Candidate>| Half {
            user_id,
            name: name_of(user_id),
            inspection_id: c.map(|c| c.id),
            finished: finished(c.as_ref()),
        };
        pairs.push(PairView {
            id: pair.id,
            unit_name: units
                .iter()
                .find(|u| u.id == pair.unit_id)
                .map_or_else(String::new, |u| u.name.clone()),
            template_name: template.map_or_else(String::new, |t| t.name.clone()),
            opens_on: pair.opens_on,
            closes_on: pair.closes_on,
            first: half(pair.first_user_id, first),
            second: half(pair.second_user_id, second),
            status,
            result,
        });
    }
    let scale = Response::ALL.len();
    let mut assessors: Vec<AssessorJudged> = by_assessor
        .into_iter()
        .filter_map(|(user_id, (pairs, answers))| {
            agreement(&answers, scale).map(|a| AssessorJudged {
                user_id,
                name: name_of(user_id),
                pairs,
                judged: judge(a),
            })
        })
        .collect();
    let value = |j: &Judged| j.agreement.kappa.unwrap_or(j.agreement.pabak);
    assessors.sort_by(|a, b| value(&a.judged).total_cmp(&value(&b.judged)));
    let mut prompts: Vec<PromptSpread> = by_prompt
        .into_iter()
        .filter(|(_, (_, _, differing))| *differing > 0)
        .map(|(prompt, (text, pairs, differing))| PromptSpread {
            prompt,
            text,
            pairs,
            differing,
        })
        .collect();
    // Most often answered differently first: by share, then by count.
    prompts.sort_by(|a, b| {
        (u64::from(b.differing) * u64::from(a.pairs))
            .cmp(&(u64::from(a.differing) * u64::from(b.pairs)))
            .then(b.differing.cmp(&a.differing))
    });
    let choice = |id: Uuid, name: &str| Choice {
        id,
        name: name.to_owned(),
    };
    Ok(CalibrationOverview {
        pairs,
        assessors,
        prompts,
        wards: units.iter().map(|u| choice(u.id, &u.name)).collect(),
        checklists: templates
            .iter()
            .filter(|t| !t.archived)
            .map(|t| choice(t.id, &t.name))
            .collect(),
        inspectors: users
            .iter()
            .filter(|u| u.active && is_ward_inspector(&u.role))
            .map(|u| choice(u.id, &u.name))
            .collect(),
        rules_note: rules.note,
    })
}
