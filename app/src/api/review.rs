//! Server functions of the review page (buddy reviewers).

use domain::review::Queue;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

/// The reviewer's queue as filtered by the page's query (blank fields are no filter; `status`
/// defaults to what waits for a look).
#[server(prefix = "/fn", endpoint = "review_queue")]
pub async fn get_review_queue(
    unit_id: String,
    status: String,
    item_code: String,
    sample: String,
) -> Result<Queue, ServerFnError> {
    use super::admin::unprocessable;
    use domain::review::{QueueFilter, Verdict};
    let caller = require_caller()?;
    let some = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
    let filter = QueueFilter {
        trust_id: None,
        unit_id: some(&unit_id)
            .map(|u| super::admin::parse_id(&u, "ward"))
            .transpose()?,
        status: match some(&status).as_deref() {
            None => Some(Verdict::Unreviewed),
            Some("all") => None,
            Some(code) => Some(
                Verdict::parse(code).ok_or_else(|| unprocessable("Choose a status".to_owned()))?,
            ),
        },
        // Findings of mini-inspections are all the page reviews.
        source: None,
        item_code: some(&item_code).map(|c| c.to_uppercase()),
        sample: some(&sample)
            .map(|n| {
                n.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=domain::review::MAX_QUEUE).contains(n))
                    .ok_or_else(|| {
                        unprocessable(format!(
                            "Enter a sample size from 1 to {}",
                            domain::review::MAX_QUEUE
                        ))
                    })
            })
            .transpose()?,
    };
    backend()?
        .review_queue(&caller, &filter)
        .await
        .map_err(to_server_error)
}

/// Verifies, challenges or marks an item insufficient (a comment needed for the last two).
#[server(prefix = "/fn", endpoint = "give_verdict")]
pub async fn give_verdict(
    record_id: String,
    status: String,
    comment: String,
) -> Result<(), ServerFnError> {
    use super::admin::{parse_id, unprocessable};
    use domain::review::{Verdict, VerdictRequest};
    let caller = require_caller()?;
    let record_id = parse_id(&record_id, "item of evidence")?;
    let status = Verdict::parse(status.trim())
        .filter(|v| *v != Verdict::Unreviewed)
        .ok_or_else(|| unprocessable("Choose verified, challenged or insufficient".to_owned()))?;
    backend()?
        .give_verdict(&caller, record_id, &VerdictRequest { status, comment })
        .await
        .map(|_| ())
        .map_err(to_server_error)
}
