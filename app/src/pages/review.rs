//! `GET /review?unit_id=&status=&item_code=&sample=`: a buddy reviewer works through the
//! evidence of the trust they review (findings of its finished mini-inspections). The first item is open with its verdict form; after a
//! verdict the queue reloads and focus moves to the next item. Filters are a plain GET form, so
//! each view has its own address.

use domain::review::{EvidenceBody, Queue, QueueItem, ReplyView, Verdict, VerdictView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::review::{GiveVerdict, get_review_queue};
use crate::components::form::{ActionError, error_of, message};
use crate::components::photo_thumbs::PhotoThumbs;
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
            item_code: get("item_code"),
            sample: get("sample"),
        }
    };
    let verdict = ServerAction::<GiveVerdict>::new();
    // Counts verdicts given: the queue reloads after each one, not after a refusal (the form
    // keeps what was typed, with the error beside it).
    let given = RwSignal::new(0_u32);
    Effect::new(move |_| {
        verdict.version().track();
        if matches!(verdict.value().get_untracked(), Some(Ok(()))) {
            given.update(|n| *n += 1);
        }
    });
    let queue = Resource::new(
        move || (chosen(), given.get()),
        |(c, _)| get_review_queue(c.unit_id, c.status, c.item_code, c.sample),
    );
    view! {
        <h1>"Review evidence"</h1>
        <p class="lede">
            "Check the findings of the trust's finished mini-inspections. Verify what holds; "
            "challenge or mark insufficient what does not, and say why: the inspector reads your "
            "comment on their tablet. Challenged evidence is left out of readiness until a later "
            "verdict resolves it; verified evidence counts for more."
        </p>
        <Transition fallback=|| view! { <p>"Loading the queue…"</p> }>
            {move || Suspend::new(async move {
                let c = chosen();
                match queue.await {
                    Ok(q) => view! { <Filters q=q.clone() c /> <Items q verdict given /> }.into_any(),
                    Err(e) => view! { <p class="error-message" role="alert">{message(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Focuses the heading once it is in the document: the queue swaps the old item for the new
/// one after this view is built, so the focus waits for the next frame.
fn focus_heading(heading: NodeRef<leptos::html::H2>) {
    request_animation_frame(move || {
        if let Some(el) = heading.get_untracked() {
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
fn Items(q: Queue, verdict: ServerAction<GiveVerdict>, given: RwSignal<u32>) -> impl IntoView {
    // After a verdict the next item opens: its heading takes focus once it is on the page, so
    // a keyboard or screen reader user carries on from there.
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if heading.get().is_some() && given.get_untracked() > 0 {
            focus_heading(heading);
        }
    });
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
            <h2 id="review-current" tabindex="-1" node_ref=heading>
                {format!("{}: {}", first.unit_name, first.item_code)}
            </h2>
            <Item item=first.clone() />
            <VerdictForm item=first verdict />
        </section>
        {(!rest.is_empty()).then(|| view! { <Rest rest /> })}
    }
        .into_any()
}

/// What an item says, with its verdicts so far.
#[component]
fn Item(item: QueueItem) -> impl IntoView {
    let EvidenceBody::Finding {
        prompt,
        prompt_text,
        response,
        note,
        photo_ids,
        ..
    } = item.body.clone();
    let alt = format!("Photo with the finding on {prompt}");
    view! {
        <p class="hint">
            "Mini-inspection, " {item.on.format("%-d %B %Y").to_string()}
            <VerdictTag verdict=item.status />
            {item.replied().then(|| view! { <strong class="tag tag--blue">"Replied"</strong> })}
        </p>
        {(!item.flags.is_empty()).then(|| view! {
            <div class="inset inset--warning review-flags">
                <p><strong>"Readiness questions this ward's score here:"</strong></p>
                <ul>{item.flags.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ul>
            </div>
        })}
        <p class="evidence-list__head">
            <span class=format!("answer answer--{}", response.as_str())>{response.label()}</span>
            " " <strong>{prompt}</strong> " " {prompt_text}
        </p>
        {(!note.is_empty()).then(|| view! { <p class="evidence-list__note">{note}</p> })}
        <PhotoThumbs ids=photo_ids alt />
        <History item />
    }
}

/// Earlier verdicts and the submitter's replies, in the order they came.
#[component]
fn History(item: QueueItem) -> impl IntoView {
    enum Entry {
        Verdict(VerdictView),
        Reply(ReplyView),
    }
    let mut entries: Vec<(chrono::DateTime<chrono::Utc>, Entry)> = item
        .verdicts
        .into_iter()
        .map(|v| (v.at, Entry::Verdict(v)))
        .chain(item.replies.into_iter().map(|r| (r.at, Entry::Reply(r))))
        .collect();
    entries.sort_by_key(|(at, _)| *at);
    (!entries.is_empty()).then(|| {
        view! {
            <h3>"Earlier verdicts and replies"</h3>
            <ul class="review-history">
                {entries.into_iter().map(|(at, entry)| {
                    let when = crate::components::dates::date_time(&at.with_timezone(&chrono::Local));
                    match entry {
                        Entry::Verdict(v) => view! {
                            <li>
                                <VerdictTag verdict=v.status /> " by " {v.by} ", " {when}
                                {(!v.comment.is_empty()).then(|| view! { <p class="evidence-list__note">{v.comment}</p> })}
                            </li>
                        }.into_any(),
                        Entry::Reply(r) => view! {
                            <li class="review-history__reply">
                                <strong>"Reply"</strong> " from " {r.by} ", " {when}
                                {(!r.note.is_empty()).then(|| view! { <p class="evidence-list__note">{r.note}</p> })}
                                <PhotoThumbs ids=r.photo_ids alt="Photo sent with the reply".to_owned() />
                            </li>
                        }.into_any(),
                    }
                }).collect_view()}
            </ul>
        }
    })
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
                        let EvidenceBody::Finding { response, .. } = &i.body;
                        let says = response.label();
                        view! {
                            <tr>
                                <th scope="row">{i.unit_name.clone()}</th>
                                <td>{i.item_code.clone()}</td>
                                <td>{says}</td>
                                <td>{i.on.format("%-d %b %Y").to_string()}</td>
                                <td>
                                    <VerdictTag verdict=i.status />
                                    {i.replied().then(|| view! { " " <strong class="tag tag--blue">"Replied"</strong> })}
                                    {(!i.flags.is_empty()).then(|| view! { " " <strong class="tag tag--yellow">"Flagged"</strong> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
