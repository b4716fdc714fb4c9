//! Evidence review by the buddy trust: the queue a reviewer works through and the verdicts they
//! give. Only a buddy reviewer holding a grant for the evidence's trust today reviews it; to
//! anyone else another trust's evidence is not found, as everywhere.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::Role;
use domain::api::NamedRef;
use domain::caller::Caller;
use domain::inspection::Response;
use domain::readiness::Source;
use domain::readiness::london::london_date;
use domain::readiness::ward::ReadinessQuery;
use domain::review::{
    EvidenceBody, MAX_COMMENT_CHARS, MAX_QUEUE, Queue, QueueFilter, QueueItem, ReplyView, Verdict,
    VerdictRequest, VerdictView,
};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::prelude::*;
use crate::store::{ReplyRecord, ReviewRow, Store, VerdictRecord};

/// The trusts the caller reviews today: 403 for anyone but a buddy reviewer.
async fn reviewed_trusts(
    store: &Store,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, ApiError> {
    if caller.user.role != Role::BuddyReviewer {
        return Err(ApiError::Forbidden(
            "Only buddy reviewers review another trust's evidence".to_owned(),
        ));
    }
    Ok(store
        .granted_trusts(caller.user.id, london_date(now))
        .await?)
}

/// The trust a queue request is about: the one asked for if the caller reviews it, else the
/// only one they review. 404 for a trust they hold no current grant for.
async fn queue_trust(
    store: &Store,
    caller: &Caller,
    asked: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let trusts = reviewed_trusts(store, caller, now).await?;
    match asked {
        Some(trust) if trusts.contains(&trust) => Ok(trust),
        Some(_) => Err(ApiError::NotFound),
        None => trusts.first().copied().ok_or(ApiError::NotFound),
    }
}

/// The reviewer's queue, filtered: what waits for a look first, then the oldest; or a random
/// sample of the matching items.
pub async fn queue(
    state: &AppState,
    caller: &Caller,
    filter: &QueueFilter,
) -> Result<Queue, ApiError> {
    let now = state.clock.now();
    let trust = queue_trust(&state.store, caller, filter.trust_id, now).await?;
    let rows = state.store.reviewable(trust, filter.unit_id).await?;
    let mut items = items_of(state, trust, rows).await?;
    items.retain(|item| {
        filter.status.is_none_or(|s| match s {
            Verdict::Unreviewed => item.waiting(),
            s => item.status == s,
        }) && filter.source.is_none_or(|s| item.source == s)
            && filter.item_code.as_deref().is_none_or(|code| {
                item.item_code == code || item.item_code.starts_with(&format!("{code}."))
            })
    });
    match filter.sample {
        Some(size) => {
            // A fresh random order each time: what a reviewer samples is not chosen by anyone.
            let mut keyed: Vec<(Uuid, QueueItem)> =
                items.into_iter().map(|i| (Uuid::new_v4(), i)).collect();
            keyed.sort_by_key(|(key, _)| *key);
            items = keyed.into_iter().map(|(_, i)| i).collect();
            items.truncate(size.min(MAX_QUEUE));
        }
        None => {
            flag(state, caller, trust, &mut items).await?;
            items.sort_by_key(|i| (!i.waiting(), i.flags.is_empty(), i.on));
        }
    }
    let more = items.len().saturating_sub(MAX_QUEUE);
    items.truncate(MAX_QUEUE);
    let units = state.store.units_of_trust(trust).await?;
    Ok(Queue {
        items,
        more,
        trust: units.first().map_or_else(
            || NamedRef {
                id: trust,
                name: String::new(),
            },
            |u| u.trust.clone(),
        ),
        wards: units
            .into_iter()
            .map(|u| NamedRef {
                id: u.id,
                name: u.name,
            })
            .collect(),
    })
}

/// Gives each item the reasons readiness questions its ward's cell for the KLOE (or quality
/// statement) it counts for, from the trust's readiness today (kept by the readiness memo, so
/// a queue read again costs little).
async fn flag(
    state: &AppState,
    caller: &Caller,
    trust: Uuid,
    items: &mut [QueueItem],
) -> Result<(), ApiError> {
    if items.is_empty() {
        return Ok(());
    }
    let query = ReadinessQuery {
        trust_id: Some(trust),
        items: Some(true),
        ..ReadinessQuery::default()
    };
    let answer = crate::readiness::answer(state, caller, &query).await?;
    let report = &answer.report;
    let mut warned: HashMap<(Uuid, &str), Vec<&str>> = HashMap::new();
    for unit in &report.units {
        for cell in &unit.readiness.items {
            let reasons: Vec<&str> = cell
                .readiness
                .flags
                .iter()
                .filter(|f| f.code.warns())
                .map(|f| f.reason.as_str())
                .collect();
            if !reasons.is_empty() {
                warned.insert((unit.unit_id, cell.code.as_str()), reasons);
            }
        }
    }
    if warned.is_empty() {
        return Ok(());
    }
    let mut counts_for: HashMap<String, Vec<domain::ItemCode>> = HashMap::new();
    for item in items {
        let Some(unit) = item.unit_id else { continue };
        let codes = counts_for.entry(item.item_code.clone()).or_insert_with(|| {
            state
                .crosswalks
                .items_for(&state.catalogue, &report.framework_id, &item.item_code)
        });
        for code in codes.iter() {
            for reason in warned.get(&(unit, code.as_str())).into_iter().flatten() {
                if !item.flags.iter().any(|f| f == reason) {
                    item.flags.push((*reason).to_owned());
                }
            }
        }
    }
    Ok(())
}

/// Replies grouped by the finding they are about, each list oldest first.
fn replies_by_record(replies: Vec<ReplyRecord>) -> HashMap<Uuid, Vec<ReplyView>> {
    let mut by_record: HashMap<Uuid, Vec<ReplyView>> = HashMap::new();
    for r in replies {
        by_record.entry(r.record_id).or_default().push(ReplyView {
            id: r.id,
            note: r.note,
            photo_ids: serde_json::from_str(&r.photo_ids).unwrap_or_default(),
            by: r.author_name,
            at: r.received_at,
        });
    }
    by_record
}

/// Rows as queue items, with their verdicts, replies and the prompts' words.
async fn items_of(
    state: &AppState,
    trust: Uuid,
    rows: Vec<ReviewRow>,
) -> Result<Vec<QueueItem>, ApiError> {
    let mut verdicts: HashMap<Uuid, Vec<VerdictRecord>> = HashMap::new();
    for v in state.store.verdicts_of_trust(trust).await? {
        verdicts.entry(v.record_id).or_default().push(v);
    }
    let mut replies = replies_by_record(state.store.replies_of_trust(trust).await?);
    let units: HashMap<Uuid, String> = state
        .store
        .units_of_trust(trust)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let prompts: HashMap<String, String> = state
        .catalogue
        .all()
        .iter()
        .flat_map(|f| f.prompts())
        .map(|(_, p)| (p.code.as_str().to_owned(), p.text.clone()))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let given = verdicts.remove(&row.record_id).unwrap_or_default();
            let replied = replies.remove(&row.record_id).unwrap_or_default();
            item_of(row, given, replied, &units, &prompts)
        })
        .collect())
}

fn item_of(
    row: ReviewRow,
    given: Vec<VerdictRecord>,
    replies: Vec<ReplyView>,
    units: &HashMap<Uuid, String>,
    prompts: &HashMap<String, String>,
) -> Option<QueueItem> {
    let source = match row.source.as_str() {
        "mini_inspection" => Source::MiniInspection,
        _ => return None,
    };
    let body = EvidenceBody::Finding {
        inspection_id: row.inspection_id,
        prompt_text: prompts.get(&row.subject).cloned().unwrap_or_default(),
        prompt: row.subject.clone(),
        response: Response::from_code(&row.value)?,
        note: row.note,
        photo_ids: serde_json::from_str(&row.photo_ids).unwrap_or_default(),
    };
    Some(QueueItem {
        id: row.record_id,
        unit_id: row.unit_id,
        unit_name: row
            .unit_id
            .and_then(|u| units.get(&u).cloned())
            .unwrap_or_default(),
        source,
        item_code: row.subject,
        on: row.on_date,
        status: Verdict::parse(&row.verdict).unwrap_or_default(),
        body,
        verdicts: given
            .into_iter()
            .map(|v| VerdictView {
                id: v.id,
                status: Verdict::parse(&v.status).unwrap_or_default(),
                comment: v.comment,
                by: v.reviewer_name,
                at: v.created_at,
            })
            .collect(),
        replies,
        flags: Vec::new(),
    })
}

/// Gives a verdict on an item of evidence of a trust the caller reviews today: 403 for anyone
/// but a buddy reviewer, 404 for evidence they may not review (or that is not reviewable: a
/// finding of an unfinished inspection), 422 without a comment where one is needed, 409 when
/// another verdict on it was given at the same moment. Audited in
/// the evidence's trust, in the same transaction; readiness moves with it.
pub async fn give_verdict(
    store: &Store,
    caller: &Caller,
    record_id: Uuid,
    request: &VerdictRequest,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let trusts = reviewed_trusts(store, caller, now).await?;
    let mut found = None;
    for trust in trusts {
        if let Some(row) = store.reviewable_item(trust, record_id).await? {
            found = Some((trust, row));
            break;
        }
    }
    let (trust, row) = found.ok_or(ApiError::NotFound)?;
    if request.status == Verdict::Unreviewed {
        return Err(ApiError::Unprocessable(
            "Choose verified, challenged or insufficient".to_owned(),
        ));
    }
    let comment = request.comment.trim();
    if request.status.needs_comment() && comment.is_empty() {
        return Err(ApiError::Unprocessable(format!(
            "Say why the evidence is {}: the person who submitted it reads this",
            request.status.label().to_lowercase()
        )));
    }
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(ApiError::Unprocessable(format!(
            "Keep the comment to {MAX_COMMENT_CHARS} characters"
        )));
    }
    let id = Uuid::now_v7();
    let tx = store.begin().await?;
    tx.record_verdict(
        &VerdictRecord {
            id,
            trust_id: trust,
            record_id,
            status: request.status.as_str().to_owned(),
            comment: comment.to_owned(),
            reviewer_id: caller.user.id,
            reviewer_name: caller.user.name.clone(),
            created_at: now,
        },
        london_date(now),
    )
    .await?;
    crate::audit::record(
        &tx,
        trust,
        now,
        Some(caller.user.id),
        "evidence.verdict",
        Some(record_id),
        serde_json::json!({ "status": row.verdict }),
        serde_json::json!({ "status": request.status, "comment": comment, "verdict_id": id }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %trust, record_id = %record_id,
        status = request.status.as_str(), "reviewer gave a verdict"
    );
    Ok(id)
}

/// The open doubts about the caller's evidence, for their devices' pull.
pub async fn comments_for(
    store: &Store,
    caller: &Caller,
) -> Result<Vec<domain::review::EvidenceComment>, ApiError> {
    let limit = i64::try_from(domain::review::MAX_COMMENTS).unwrap_or(i64::MAX);
    let doubts = store.open_doubts_of(caller.user.id, limit).await?;
    let doubted: Vec<Uuid> = doubts.iter().map(|d| d.record_id).collect();
    let mut replies = replies_by_record(store.replies_about(caller.user.id, &doubted).await?);
    Ok(doubts
        .into_iter()
        .map(|d| domain::review::EvidenceComment {
            id: d.id,
            record_id: d.record_id,
            inspection_id: d.inspection_id,
            item_code: d.item_code,
            unit_name: d.unit_name,
            note: d.note,
            status: Verdict::parse(&d.status).unwrap_or_default(),
            comment: d.comment,
            by: d.reviewer_name,
            at: d.created_at,
            replies: replies.remove(&d.record_id).unwrap_or_default(),
        })
        .collect())
}
