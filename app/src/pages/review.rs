//! `GET /review?unit_id=&status=&source=&item_code=&sample=`: a buddy reviewer works through
//! the evidence of the trust they review. The first item is open with its verdict form; after a
//! verdict the queue reloads and focus moves to the next item. Filters are a plain GET form, so
//! each view has its own address.

use domain::review::{EvidenceBody, Queue, QueueItem, Verdict};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::review::{GiveVerdict, get_review_queue};
use crate::components::form::{ActionError, error_of, message};
use crate::components::signed_in::SignedIn;
use crate::components::verdict::VerdictTag;

/// `GET /review`.
#[component]
pub fn ReviewPage() -> impl IntoView {
    view! {
        <Title text="Review evidence - ReadyWard" />
        <SignedIn render=|user| {
            if user.role != domain::Role::BuddyReviewer {
                return view! {
                    <h1>"Review evidence"</h1>
                    <p>"Only buddy reviewers review another trust's evidence."</p>
                }
                    .into_any();
            }
            view! { <Review /> }.into_any()
        } />
    }
}

/// The page's filters, as in its address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Chosen {
    unit_id: String,
    status: String,
    source: String,
    item_code: String,
    sample: String,
}

#[component]
fn Review() -> impl IntoView {
    let query = use_query_map();
    let chosen = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        Chosen {
            unit_id: get("unit_id"),
            status: get("status"),
            source: get("source"),
            item_code: get("item_code"),
            sample: get("sample"),
        }
    };
    let verdict = ServerAction::<GiveVerdict>::new();
    let queue = Resource::new(
        move || (chosen(), verdict.version().get()),
        |(c, _)| get_review_queue(c.unit_id, c.status, c.source, c.item_code, c.sample),
    );
    // After a verdict the next item opens: focus its heading so a keyboard or screen reader
    // user carries on from there.
    Effect::new(move |_| {
        if matches!(verdict.value().get(), Some(Ok(()))) {
            focus_current();
        }
    });
    view! {
        <h1>"Review evidence"</h1>
        <p class="lede">
            "Check the evidence the trust will show the CQC. Verify what holds; challenge or mark "
            "insufficient what does not, and say why: the person who submitted it reads your "
            "comment and can reply. Challenged evidence is left out of readiness until resolved; "
            "verified evidence counts for more."
        </p>
        <Suspense fallback=|| view! { <p>"Loading the queue…"</p> }>
            {move || Suspend::new(async move {
                let c = chosen();
                match queue.await {
                    Ok(q) => view! { <Filters q=q.clone() c /> <Items q verdict /> }.into_any(),
                    Err(e) => view! { <p class="error-message" role="alert">{message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn focus_current() {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async {
        if let Some(el) = leptos::prelude::document().get_element_by_id("review-current")
            && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(el)
        {
            let _ = el.focus();
        }
    });
}

fn option(value: &str, label: &str, chosen: &str) -> impl IntoView + use<> {
    view! { <option value=value.to_owned() selected=value == chosen>{label.to_owned()}</option> }
}

#[component]
fn Filters(q: Queue, c: Chosen) -> impl IntoView {
    view! {
        <form method="get" action="/review" class="filters" aria-label="Filter the queue">
            <p><strong>{q.trust.name}</strong></p>
            <div class="filters__grid">
                <div class="form-group">
                    <label class="label" for="review-ward">"Ward"</label>
                    <select id="review-ward" name="unit_id">
                        {option("", "All wards", &c.unit_id)}
                        {q.wards.iter().map(|w| option(&w.id.to_string(), &w.name, &c.unit_id)).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="review-status">"Status"</label>
                    <select id="review-status" name="status">
                        {option("", "Waiting for review", &c.status)}
                        {[Verdict::Verified, Verdict::Challenged, Verdict::Insufficient]
                            .into_iter()
                            .map(|v| option(v.as_str(), v.label(), &c.status))
                            .collect_view()}
                        {option("all", "Any status", &c.status)}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="review-source">"Source"</label>
                    <select id="review-source" name="source">
                        {option("", "Both", &c.source)}
                        {option("mini_inspection", "Mini-inspections", &c.source)}
                        {option("self_assessment", "Self-assessment", &c.source)}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="review-kloe">"KLOE"</label>
                    <input class="input" id="review-kloe" name="item_code" value=c.item_code
                        aria-describedby="review-kloe-hint" autocomplete="off" />
                    <p class="hint" id="review-kloe-hint">"For example S1 or E2"</p>
                </div>
                <div class="form-group">
                    <label class="label" for="review-sample">"Random sample of"</label>
                    <input class="input" id="review-sample" name="sample" type="number" min="1"
                        max=domain::review::MAX_QUEUE.to_string() inputmode="numeric" value=c.sample
                        aria-describedby="review-sample-hint" />
                    <p class="hint" id="review-sample-hint">"Leave blank for oldest first"</p>
                </div>
            </div>
            <button type="submit" class="button button--secondary">"Show"</button>
        </form>
    }
}

#[component]
fn Items(q: Queue, verdict: ServerAction<GiveVerdict>) -> impl IntoView {
    let total = q.items.len() + q.more;
    let mut items = q.items.into_iter();
    let Some(first) = items.next() else {
        return view! {
            <p role="status">"Nothing matches these filters: nothing waits for your review here."</p>
        }
            .into_any();
    };
    let rest: Vec<QueueItem> = items.collect();
    view! {
        <p role="status">{if total == 1 { "1 item".to_owned() } else { format!("{total} items") }}</p>
        <section class="review-item" aria-labelledby="review-current">
            <h2 id="review-current" tabindex="-1">
                {format!("{}: {}", first.unit_name, first.item_code)}
            </h2>
            <Item item=first.clone() />
            <VerdictForm item=first verdict />
        </section>
        {(!rest.is_empty()).then(|| view! { <Rest rest /> })}
    }
        .into_any()
}

fn source_words(item: &QueueItem) -> &'static str {
    match item.source {
        domain::readiness::Source::SelfAssessment => "Self-assessment",
        _ => "Mini-inspection",
    }
}

/// What an item says, with its history.
#[component]
fn Item(item: QueueItem) -> impl IntoView {
    let body = match item.body.clone() {
        EvidenceBody::Finding {
            prompt,
            prompt_text,
            response,
            note,
            photo_ids,
            ..
        } => {
            let alt = format!("Photo with the finding on {prompt}");
            view! {
                <p class="evidence-list__head">
                    <span class=format!("answer answer--{}", response.as_str())>{response.label()}</span>
                    " " <strong>{prompt}</strong> " " {prompt_text}
                </p>
                {(!note.is_empty()).then(|| view! { <p class="evidence-list__note">{note}</p> })}
                {(!photo_ids.is_empty()).then(|| view! {
                    <ul class="evidence-list__photos">
                        {photo_ids.into_iter().map(|id| view! {
                            <li>
                                <a href=format!("/api/v1/photos/{id}") target="_blank" rel="noopener">
                                    <img src=format!("/api/v1/photos/{id}/thumbnail") alt=alt.clone() loading="lazy" width="96" height="96" />
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            }
                .into_any()
        }
        EvidenceBody::Rating {
            item,
            rating,
            justification,
        } => view! {
            <p class="evidence-list__head">
                <span class=format!("rating rating--{}", rating.as_str())>{rating.label()}</span>
                " " <strong>{item}</strong>
            </p>
            <p class="evidence-list__note">{justification}</p>
        }
        .into_any(),
    };
    view! {
        <p class="hint">
            {source_words(&item)} ", " {item.on.format("%-d %B %Y").to_string()}
            <VerdictTag verdict=item.status />
            {item.replied.then(|| view! { <strong class="tag">"Replied"</strong> })}
        </p>
        {body}
        <History item />
    }
}

/// Earlier verdicts and replies, oldest first.
#[component]
fn History(item: QueueItem) -> impl IntoView {
    let mut events: Vec<(chrono::DateTime<chrono::Utc>, AnyView)> = Vec::new();
    for v in item.verdicts {
        let when = crate::components::dates::date_time(&v.at);
        events.push((
            v.at,
            view! {
                <li>
                    <VerdictTag verdict=v.status /> " by " {v.by} ", " {when}
                    {(!v.comment.is_empty()).then(|| view! { <p class="evidence-list__note">{v.comment}</p> })}
                </li>
            }
            .into_any(),
        ));
    }
    for r in item.replies {
        let when = crate::components::dates::date_time(&r.at);
        let photos = r.photo_ids.len();
        events.push((
            r.at,
            view! {
                <li>
                    <strong>"Reply"</strong> " by " {r.by} ", " {when}
                    <p class="evidence-list__note">{r.note}</p>
                    {(photos > 0).then(|| view! {
                        <ul class="evidence-list__photos">
                            {r.photo_ids.into_iter().map(|id| view! {
                                <li>
                                    <a href=format!("/api/v1/photos/{id}") target="_blank" rel="noopener">
                                        <img src=format!("/api/v1/photos/{id}/thumbnail") alt="Photo sent with the reply" loading="lazy" width="96" height="96" />
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                </li>
            }
            .into_any(),
        ));
    }
    if events.is_empty() {
        return ().into_any();
    }
    events.sort_by_key(|(at, _)| *at);
    view! {
        <h3>"History"</h3>
        <ul class="review-history">{events.into_iter().map(|(_, v)| v).collect_view()}</ul>
    }
    .into_any()
}

#[component]
fn VerdictForm(item: QueueItem, verdict: ServerAction<GiveVerdict>) -> impl IntoView {
    let error = Signal::derive(move || error_of(verdict.value().get()));
    view! {
        <ActionForm action=verdict attr:class="inline-form">
            <input type="hidden" name="record_id" value=item.id.to_string() />
            <fieldset class="fieldset form-group">
                <legend class="label">"Your verdict"</legend>
                <div class="radios">
                    {[Verdict::Verified, Verdict::Challenged, Verdict::Insufficient].into_iter().map(|v| {
                        let id = format!("verdict-{}", v.as_str());
                        view! {
                            <div class="radio">
                                <input type="radio" id=id.clone() name="status" value=v.as_str() required />
                                <label for=id>{v.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="form-group">
                <label class="label" for="verdict-comment">"Comment"</label>
                <p class="hint" id="verdict-comment-hint">
                    "Needed when you challenge it or mark it insufficient: say what is missing or wrong."
                </p>
                <textarea class="input textarea" id="verdict-comment" name="comment"
                    aria-describedby="verdict-comment-hint" rows="3"></textarea>
            </div>
            <ActionError message=error />
            <button type="submit" class="button">"Give verdict"</button>
        </ActionForm>
    }
}

#[component]
fn Rest(rest: Vec<QueueItem>) -> impl IntoView {
    view! {
        <section aria-labelledby="review-rest">
            <h2 id="review-rest">"Next in the queue"</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Ward"</th>
                        <th scope="col">"About"</th>
                        <th scope="col">"What it says"</th>
                        <th scope="col">"Dated"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {rest.into_iter().map(|i| {
                        let says = match &i.body {
                            EvidenceBody::Finding { response, .. } => response.label().to_owned(),
                            EvidenceBody::Rating { rating, .. } => rating.label().to_owned(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{i.unit_name.clone()}</th>
                                <td>{i.item_code.clone()}</td>
                                <td>{says}</td>
                                <td>{i.on.format("%-d %b %Y").to_string()}</td>
                                <td><VerdictTag verdict=i.status /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
