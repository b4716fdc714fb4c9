//! The trail as a trust admin reads it: a period of their own trust's entries (days in
//! England), who made each change by name, and whether the whole chain still verifies; and the
//! same period as CSV, with the chain's head checkpointed and stated at the top.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use domain::audit::{AUDIT_PAGE_LIMIT, AuditEntryView, AuditPage, action_words};
use domain::caller::Caller;
use domain::readiness::london::london_date;
use uuid::Uuid;

use super::chain::Entry;
use super::checkpoint::Checkpoints;
use crate::access::require_admin;
use crate::error::ApiError;
use crate::exports::field;
use crate::state::AppState;
use crate::store::prelude::*;

/// The longest period one read covers.
const MAX_DAYS: i64 = 366;

/// The period's entries, oldest first, and the chain's verdict.
async fn read(
    state: &AppState,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<AuditEntryView>, bool, String), ApiError> {
    require_admin(caller)?;
    if to < from {
        return Err(ApiError::Unprocessable(
            "The end of the period must be on or after its start".to_owned(),
        ));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::Unprocessable(format!(
            "Choose a period of at most {MAX_DAYS} days"
        )));
    }
    let trust = caller.user.trust_id;
    // Days in England start up to an hour before UTC's: read an hour either side, keep the
    // entries whose English day falls in the period.
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - Duration::hours(1);
    let until = to.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() + Duration::days(1);
    let entries: Vec<Entry> = state
        .store
        .audit_entries_between(trust, start, until)
        .await?
        .into_iter()
        .filter(|e| (from..=to).contains(&london_date(e.at)))
        .collect();
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for actor in entries.iter().filter_map(|e| e.actor_id) {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(actor) {
            let name = state.store.user_by_id(actor).await?.map_or_else(
                || actor.to_string(),
                |u| format!("{} ({})", u.name, u.email),
            );
            slot.insert(name);
        }
    }
    let checkpoints = Checkpoints::in_data_dir(&state.config.data_dir);
    let (intact, verdict) = match super::verify(&state.store, &checkpoints, Some(trust)).await {
        Ok(found) => match found.into_iter().next().map(|f| f.outcome) {
            Some(Ok(n)) => (
                true,
                format!(
                    "The trail is intact: all {n} entries check against each other and the checkpoints."
                ),
            ),
            Some(Err(why)) => (false, format!("The trail has been tampered with: {why}.")),
            None => (true, "The trail has no entries yet.".to_owned()),
        },
        Err(e) => (false, format!("The trail could not be checked: {e}.")),
    };
    let views = entries
        .into_iter()
        .map(|e| AuditEntryView {
            seq: e.seq,
            at: e.at,
            actor: e
                .actor_id
                .map(|a| names.get(&a).cloned().unwrap_or_default()),
            action: e.action,
            subject_id: e.subject_id,
            content: e.content,
            hash: e.hash,
        })
        .collect();
    Ok((views, intact, verdict))
}

/// The period for the admin's page: the newest entries first, at most [`AUDIT_PAGE_LIMIT`].
pub async fn page(
    state: &AppState,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AuditPage, ApiError> {
    let (mut entries, intact, verdict) = read(state, caller, from, to).await?;
    let total = entries.len();
    entries.reverse();
    entries.truncate(AUDIT_PAGE_LIMIT);
    Ok(AuditPage {
        from,
        to,
        entries,
        total,
        intact,
        verdict,
    })
}

/// The period as CSV, oldest first. The chain's head is checkpointed as the export is made and
/// named at the top, so the file itself witnesses the trail as it stood.
pub async fn csv(
    state: &AppState,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<String, ApiError> {
    let (entries, _, verdict) = read(state, caller, from, to).await?;
    let trust = caller.user.trust_id;
    let checkpoints = Checkpoints::in_data_dir(&state.config.data_dir);
    let head = state.store.audit_head(trust).await?;
    let witnessed = match head {
        Some((seq, hash)) => {
            let written = checkpoints
                .write(&[(trust, seq, hash)], state.clock.now())
                .map_err(|e| ApiError::Internal(e.into()))?;
            written
                .first()
                .map(|c| {
                    format!(
                        "Chain head at export: entry {} hash {} (checkpoint signed {})",
                        c.seq, c.hash, c.mac
                    )
                })
                .unwrap_or_default()
        }
        None => "The trail has no entries yet".to_owned(),
    };
    let mut out = String::new();
    let mut line = |fields: &[&str]| {
        let quoted: Vec<String> = fields.iter().map(|f| field(f)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(&[&format!("ReadyWard audit trail from {from} to {to}")]);
    line(&[&verdict]);
    line(&[&witnessed]);
    line(&[
        "Entry",
        "When (UTC)",
        "Who",
        "What",
        "Action code",
        "Record",
        "Before and after",
        "Hash",
    ]);
    for e in &entries {
        line(&[
            &e.seq.to_string(),
            &e.at.to_rfc3339(),
            e.actor.as_deref().unwrap_or("ReadyWard"),
            action_words(&e.action),
            &e.action,
            &e.subject_id.map(|s| s.to_string()).unwrap_or_default(),
            e.content.as_deref().unwrap_or("[redacted]"),
            &e.hash,
        ]);
    }
    Ok(out)
}
