//! `GET /admin/conflicts`: sync conflicts a trust admin resolves. A device sent a change again
//! under the same id with other content; nothing was overwritten. Each conflict shows the two
//! versions side by side, field by field, with the differences named in words.

use domain::conflict::ConflictView;
use domain::sync::describe_change;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::conflicts::{ResolveConflict, list_conflicts};
use crate::components::dates::date_time;
use crate::components::form::{ActionError, error_of, message};
use crate::components::signed_in::SignedIn;

/// `GET /admin/conflicts`.
#[component]
pub fn ConflictsPage() -> impl IntoView {
    view! {
        <Title text="Sync conflicts - ReadyWard" />
        <SignedIn render=|user| {
            if !user.role.can_administer() {
                return view! {
                    <h1>"Sync conflicts"</h1>
                    <p>"Only trust administrators can resolve sync conflicts."</p>
                }
                    .into_any();
            }
            view! { <Conflicts /> }.into_any()
        } />
    }
}

#[component]
fn Conflicts() -> impl IntoView {
    let resolve = ServerAction::<ResolveConflict>::new();
    let conflicts = Resource::new(move || resolve.version().get(), |_| list_conflicts());
    view! {
        <h1>"Sync conflicts"</h1>
        <p class="lede">
            "A device sent a change again under the same id but with different content. "
            "Nothing was overwritten: compare the two versions and choose which one stands."
        </p>
        <ActionError message=Signal::derive(move || error_of(resolve.value().get())) />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match conflicts.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="inset">"No conflicts to review."</p> }.into_any()
                    }
                    Ok(list) => {
                        list.into_iter()
                            .map(|conflict| view! { <Conflict conflict resolve /> })
                            .collect_view()
                            .into_any()
                    }
                    Err(e) => view! { <p class="error-message">{message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Conflict(conflict: ConflictView, resolve: ServerAction<ResolveConflict>) -> impl IntoView {
    let heading = format!("conflict-{}", conflict.seq);
    let title = describe_change(&conflict.kind, &conflict.kept);
    let applied_note = match (&conflict.applied_by, conflict.applied_at) {
        (Some(by), Some(at)) => format!("by {by}, {}", date_time(&at)),
        _ => "no longer on record".to_owned(),
    };
    let kept_note = format!("by {}, {}", conflict.kept_by, date_time(&conflict.kept_at));
    let rows = compare(conflict.applied.as_ref(), &conflict.kept);
    view! {
        <section class="conflict" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{title}</h2>
            <table class="table conflict__table">
                <caption class="visually-hidden">"The two versions, field by field"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Applied first" <span class="hint">{applied_note}</span></th>
                        <th scope="col">"Sent again, kept for review" <span class="hint">{kept_note}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr class:conflict__differs=row.differs>
                                    <th scope="row">
                                        {row.label}
                                        {row.differs.then(|| view! { <strong class="tag">"Differs"</strong> })}
                                    </th>
                                    <td>{row.applied}</td>
                                    <td>{row.kept}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <ActionForm action=resolve attr:class="inline-form">
                <input type="hidden" name="seq" value=conflict.seq.to_string() />
                <button type="submit" name="resolution" value="keep_applied" class="button button--secondary">
                    "Keep the version applied first"
                </button>
                <button type="submit" name="resolution" value="apply_kept" class="button">
                    "Use the version sent again"
                </button>
            </ActionForm>
        </section>
    }
}

/// One field of the two versions.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    label: String,
    applied: String,
    kept: String,
    differs: bool,
}

/// Fields shown first, in this order; others follow alphabetically.
const FIELD_ORDER: [&str; 9] = [
    "item_code",
    "response",
    "note",
    "photo_ids",
    "interviewee",
    "item_codes",
    "status",
    "observed_at",
    "started_at",
];

/// The fields of both versions in words, the telling ones first. The record's own id (both
/// versions share it) is left out, and so are the ids of what it belongs to unless they differ.
fn compare(applied: Option<&serde_json::Value>, kept: &serde_json::Value) -> Vec<Row> {
    let empty = serde_json::Map::new();
    let kept_fields = kept.as_object().unwrap_or(&empty);
    let applied_fields = applied.and_then(|a| a.as_object()).unwrap_or(&empty);
    let mut keys: Vec<&String> = kept_fields.keys().collect();
    keys.extend(
        applied_fields
            .keys()
            .filter(|k| !kept_fields.contains_key(*k)),
    );
    let rank = |k: &str| {
        FIELD_ORDER
            .iter()
            .position(|f| *f == k)
            .unwrap_or(FIELD_ORDER.len())
    };
    keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    keys.into_iter()
        .filter_map(|key| {
            let a = applied_fields.get(key);
            let k = kept_fields.get(key);
            let differs = applied.is_some() && a != k;
            let hidden = key == "id" || (key.ends_with("_id") && !differs);
            (!hidden).then(|| Row {
                label: label(key),
                applied: a.map_or_else(|| "—".to_owned(), in_words),
                kept: k.map_or_else(|| "—".to_owned(), in_words),
                differs,
            })
        })
        .collect()
}

fn label(key: &str) -> String {
    match key {
        "item_code" => "Prompt".to_owned(),
        "item_codes" => "Key lines of enquiry".to_owned(),
        "response" => "Answer".to_owned(),
        "photo_ids" => "Photos".to_owned(),
        "observed_at" => "Recorded at".to_owned(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

fn in_words(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "none".to_owned(),
        Value::String(s) if s.is_empty() => "(blank)".to_owned(),
        Value::String(s) => {
            if let Some(r) = domain::inspection::Response::ALL
                .into_iter()
                .find(|r| r.as_str() == s)
            {
                r.label().to_owned()
            } else if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                date_time(&t.with_timezone(&chrono::Utc))
            } else {
                s.clone()
            }
        }
        Value::Array(items) if items.iter().all(|i| i.is_string()) && items.len() <= 8 => {
            if items.is_empty() {
                "none".to_owned()
            } else {
                items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
        Value::Array(items) => format!("{} items", items.len()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_two_versions_are_compared_field_by_field_in_words() {
        let applied = json!({"id": "f1", "item_code": "S1.8", "response": "met", "note": ""});
        let kept =
            json!({"id": "f1", "item_code": "S1.8", "response": "not_met", "note": "Bin full"});
        let rows = compare(Some(&applied), &kept);
        assert_eq!(rows.len(), 3, "the shared record id is left out");
        assert_eq!(rows[0].label, "Prompt");
        assert_eq!(
            rows[1],
            Row {
                label: "Answer".into(),
                applied: "Met".into(),
                kept: "Not met".into(),
                differs: true
            }
        );
        assert!(!rows[0].differs);
        assert_eq!(
            (rows[2].applied.as_str(), rows[2].kept.as_str()),
            ("(blank)", "Bin full")
        );
        let when = json!({"observed_at": "2026-11-26T09:05:00Z", "inspection_id": "i1"});
        let rows = compare(Some(&when), &when);
        assert_eq!(rows.len(), 1, "an unchanged parent id is left out");
        assert_eq!(rows[0].kept, "26 Nov 2026 09:05");
        let alone = compare(None, &kept);
        assert!(alone.iter().all(|r| !r.differs && r.applied == "—"));
    }
}
