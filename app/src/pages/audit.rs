//! `GET /admin/audit?from=&to=`: a trust admin reads their trust's audit trail for a period
//! (the last 30 days unless chosen), newest first, with whether the whole chain still checks
//! out, and downloads the period as CSV.

use domain::audit::{AuditEntryView, AuditPage, action_words};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::audit::audit_log;
use crate::components::dates::date_time;
use crate::components::form::message;
use crate::components::signed_in::SignedIn;

/// `GET /admin/audit`.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit trail - ReadyWard" />
        <SignedIn render=|user| {
            if !user.role.can_administer() {
                return view! {
                    <h1>"Audit trail"</h1>
                    <p>"Only trust administrators can read the audit trail."</p>
                }
                    .into_any();
            }
            view! { <Trail /> }.into_any()
        } />
    }
}

#[component]
fn Trail() -> impl IntoView {
    let query = use_query_map();
    let period = move || {
        let q = query.read();
        (
            q.get("from").unwrap_or_default(),
            q.get("to").unwrap_or_default(),
        )
    };
    let page = Resource::new(period, |(from, to)| audit_log(from, to));
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumb">
            <a href="/admin">"Manage trust"</a>
        </nav>
        <h1>"Audit trail"</h1>
        <p class="lede">
            "Every change made in ReadyWard for your trust: who made it, when, and what it was "
            "before and after. Each entry is chained to the one before it, so an entry edited, "
            "deleted or moved in the database is detected."
        </p>
        <Suspense fallback=|| view! { <p>"Checking the trail…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Period page /> }.into_any(),
                    Err(e) => view! {
                        <PeriodForm from=period().0 to=period().1 />
                        <p class="error-message" role="alert">{message(&e)}</p>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The period chosen, as a form that reloads the page with it.
#[component]
fn PeriodForm(from: String, to: String) -> impl IntoView {
    view! {
        <form method="get" action="/admin/audit" class="filters">
            <div class="filters__grid">
            <div class="form-group">
                <label class="label" for="audit-from">"From"</label>
                <input class="input input--date" type="date" id="audit-from" name="from" value=from />
            </div>
            <div class="form-group">
                <label class="label" for="audit-to">"To"</label>
                <input class="input input--date" type="date" id="audit-to" name="to" value=to />
            </div>
            </div>
            <button class="button" type="submit">"Show"</button>
        </form>
    }
}

#[component]
fn Period(page: AuditPage) -> impl IntoView {
    let (from, to) = (page.from.to_string(), page.to.to_string());
    let csv = format!("/audit.csv?from={from}&to={to}");
    let shown = page.entries.len();
    let verdict_class = if page.intact {
        "inset inset--ok"
    } else {
        "inset inset--warning"
    };
    let role = if page.intact { "status" } else { "alert" };
    view! {
        <p class=verdict_class role=role id="audit-verdict">{page.verdict.clone()}</p>
        <PeriodForm from=from.clone() to=to.clone() />
        <p>
            {format!(
                "{} {} from {} to {}.",
                page.total,
                if page.total == 1 { "entry" } else { "entries" },
                page.from.format("%-d %B %Y"),
                page.to.format("%-d %B %Y"),
            )}
            {(shown < page.total).then(|| format!(" The newest {shown} are listed; the download holds them all."))}
        </p>
        <p>
            <a class="button button--secondary" href=csv download>"Download the period as CSV"</a>
        </p>
        {(page.total > 0).then(|| view! {
            <table class="table" id="audit-entries">
                <caption class="visually-hidden">"Audit entries, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Entry"</th>
                        <th scope="col">"When (UTC)"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Before and after"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.entries.into_iter().map(|e| view! { <Row e /> }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

#[component]
fn Row(e: AuditEntryView) -> impl IntoView {
    let details = match e.content {
        Some(content) => view! {
            <details>
                <summary>"Show"</summary>
                <pre class="audit__content">{pretty(&content)}</pre>
            </details>
        }
        .into_any(),
        None => view! { <span>"Removed (personal data redacted)"</span> }.into_any(),
    };
    view! {
        <tr>
            <th scope="row">{e.seq}</th>
            <td>{date_time(&e.at)}</td>
            <td>{e.actor.unwrap_or_else(|| "ReadyWard".to_owned())}</td>
            <td>{action_words(&e.action).to_owned()}</td>
            <td>{details}</td>
        </tr>
    }
}

/// The stored JSON indented for reading (as stored when it is not JSON).
fn pretty(content: &str) -> String {
    serde_json::from_str::<serde_json::Value>(content)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| content.to_owned())
}
