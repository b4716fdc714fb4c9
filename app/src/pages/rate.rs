//! `GET /wards/{id}/rate` and `GET /trusts/{id}/rate`: rating a ward against a KLOE, or the
//! trust as a whole against a Well-led KLOE (the CQC rates a trust's Well-led at trust level),
//! offline as well as on: a self-assessment for the trust's own inspectors and admins, a peer
//! review for a buddy reviewer with a grant. The rating is queued on the tablet like an answer
//! and counts in readiness once it has synced; the page lists what still waits and, when
//! online, readiness as the server has it.

use domain::api::{NamedRef, UnitInfo, UserInfo};
use domain::assessment::{AssessmentData, AssessmentSource};
use domain::framework::Framework;
use domain::rating::Rating;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::kept;
use crate::components::params::use_id_param;
use crate::components::signed_in::SignedIn;
use crate::device::{OutboxTick, ThisDevice, use_device};
use crate::pages::not_found::NotFound;
use crate::pages::readiness::trust_summary::TrustWellLedSummary;
use crate::pages::readiness::ward_summary::WardSummary;

/// The framework ratings are recorded against on this page.
const FRAMEWORK: &str = "cqc-kloe-2017";

/// The key question a trust is rated against as a whole.
const WELL_LED: &str = "well_led";

/// What is rated: a ward, or the trust as a whole (its Well-led only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Target {
    Ward(UnitInfo),
    Trust(NamedRef),
}

impl Target {
    fn name(&self) -> &str {
        match self {
            Target::Ward(unit) => &unit.name,
            Target::Trust(trust) => &trust.name,
        }
    }

    fn trust_id(&self) -> Uuid {
        match self {
            Target::Ward(unit) => unit.trust.id,
            Target::Trust(trust) => trust.id,
        }
    }

    /// Whether a queued rating's data is of this target.
    fn holds(&self, data: &serde_json::Value) -> bool {
        match self {
            Target::Ward(unit) => data["unit_id"] == serde_json::json!(unit.id),
            Target::Trust(trust) => {
                data["unit_id"].is_null() && data["trust_id"] == serde_json::json!(trust.id)
            }
        }
    }
}

/// `GET /wards/{id}/rate`.
#[component]
pub fn RatePage() -> impl IntoView {
    view! {
        <Title text="Rate a ward - ReadyWard" />
        <RateTarget whole_trust=false />
    }
}

/// `GET /trusts/{id}/rate`: the trust's Well-led, rated for the trust as a whole.
#[component]
pub fn RateTrustPage() -> impl IntoView {
    view! {
        <Title text="Rate the trust's Well-led - ReadyWard" />
        <RateTarget whole_trust=true />
    }
}

/// Loads the ward (or the trust, from the wards kept on this device) and the framework, then
/// offers the form to whoever may rate.
#[component]
fn RateTarget(whole_trust: bool) -> impl IntoView {
    let id = use_id_param();
    view! {
        <SignedIn render=move |user| {
            let device = use_device();
            let user_id = user.id;
            let loaded = Resource::new(id, move |id| async move {
                let target = match id {
                    None => None,
                    Some(id) if whole_trust => kept::units(device, user_id)
                        .await?
                        .into_iter()
                        .find(|u| u.trust.id == id)
                        .map(|u| Target::Trust(u.trust)),
                    Some(id) => kept::unit(device, user_id, id).await?.map(Target::Ward),
                };
                let framework = kept::framework(device, FRAMEWORK.to_owned()).await?;
                Ok::<_, ServerFnError>((target, framework))
            });
            view! {
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || {
                        let user = user.clone();
                        Suspend::new(async move {
                            match loaded.await {
                                Ok((Some(target), Some(framework))) => match source_for(&user, target.trust_id()) {
                                    Ok(source) => view! { <Rate user target framework source device /> }.into_any(),
                                    Err(why) => view! { <h1>"Rate " {target.name().to_owned()}</h1><p>{why}</p> }.into_any(),
                                },
                                Ok((None, _)) => view! { <NotFound /> }.into_any(),
                                Ok((_, None)) => view! {
                                    <p class="error-message">"The framework is not on this tablet yet: open ReadyWard once online."</p>
                                }
                                    .into_any(),
                                Err(e) => view! { <p class="error-message">{e.to_string()}</p> }.into_any(),
                            }
                        })
                    }}
                </Suspense>
            }
        } />
    }
}

/// Which source a rating by `user` of `trust` (one of its wards, or the trust as a whole) would
/// be, or why they cannot rate it. The server's judge decides again, on every push.
pub(crate) fn source_for(user: &UserInfo, trust: Uuid) -> Result<AssessmentSource, &'static str> {
    let own = trust == user.trust_id;
    AssessmentSource::of_rater(user.role, own).ok_or(match user.role {
        domain::Role::BuddyReviewer => {
            "Buddy reviewers rate the trusts they review; your own trust's ratings are its self-assessment, recorded by its inspectors and administrators."
        }
        r if r.can_inspect() => "You can rate only your own trust and its wards.",
        _ => {
            "Board members read readiness; ratings are recorded by inspectors, trust administrators and buddy reviewers."
        }
    })
}

/// Where `user` rates the whole of `trust` (its Well-led), if they may.
pub(crate) fn trust_rate_href(user: &UserInfo, trust: Uuid) -> Option<String> {
    source_for(user, trust)
        .is_ok()
        .then(|| format!("/trusts/{trust}/rate"))
}

/// What the form found wrong, field by field.
#[derive(Debug, Clone, Default, PartialEq)]
struct Problems {
    item: Option<String>,
    rating: Option<String>,
    justification: Option<String>,
    date: Option<String>,
}

impl Problems {
    fn any(&self) -> bool {
        self.item.is_some()
            || self.rating.is_some()
            || self.justification.is_some()
            || self.date.is_some()
    }
}

#[component]
fn Rate(
    user: UserInfo,
    target: Target,
    framework: Framework,
    source: AssessmentSource,
    device: ThisDevice,
) -> impl IntoView {
    let item = RwSignal::new(String::new());
    let rating = RwSignal::new(None::<Rating>);
    let justification = RwSignal::new(String::new());
    let date = RwSignal::new(chrono::Local::now().date_naive().to_string());
    let problems = RwSignal::new(Problems::default());
    let saved = RwSignal::new(None::<String>);
    let failed = RwSignal::new(None::<String>);
    let refresh = RwSignal::new(0u32);
    let outbox_tick = expect_context::<OutboxTick>();
    let user_id = user.id;
    let whole_trust = matches!(target, Target::Trust(_));
    let heading = match source {
        AssessmentSource::SelfAssessment => "Self-assessment",
        AssessmentSource::PeerReview => "Peer review",
    };
    let lede = match (source, whole_trust) {
        (AssessmentSource::SelfAssessment, false) => {
            "Rate this ward as the trust sees itself, with what you relied on. The newest rating of each key line of enquiry counts."
        }
        (AssessmentSource::PeerReview, false) => {
            "Rate this ward as the buddy trust sees it. Peer review counts as the independent source while your grant lasts."
        }
        (AssessmentSource::SelfAssessment, true) => {
            "The CQC rates Well-led for the trust as a whole, not by adding up its wards. Rate the trust's leadership, governance and culture as the trust sees itself; the newest rating of each key line of enquiry counts."
        }
        (AssessmentSource::PeerReview, true) => {
            "The CQC rates Well-led for the trust as a whole. Rate the trust's leadership, governance and culture as the buddy trust sees it; peer review counts as the independent source while your grant lasts."
        }
    };
    let titles: Vec<(String, String)> = framework
        .items()
        .map(|(_, i)| (i.code.to_string(), format!("{} {}", i.code, i.title)))
        .collect();
    let groups: Vec<(String, Vec<(String, String)>)> = framework
        .key_questions
        .iter()
        .filter(|kq| !whole_trust || kq.code == WELL_LED)
        .map(|kq| {
            (
                kq.title.clone(),
                kq.items
                    .iter()
                    .map(|i| (i.code.to_string(), format!("{} {}", i.code, i.title)))
                    .collect(),
            )
        })
        .collect();
    let target_of_form = target.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        failed.set(None);
        let today = chrono::Local::now().date_naive();
        let mut found = Problems::default();
        if item.get_untracked().is_empty() {
            found.item = Some("Choose the key line of enquiry you are rating".to_owned());
        }
        if rating.get_untracked().is_none() {
            found.rating = Some("Choose a rating".to_owned());
        }
        let why = justification.get_untracked();
        if why.trim().is_empty() {
            found.justification = Some("Say what the rating rests on".to_owned());
        } else if why.chars().count() > domain::assessment::MAX_JUSTIFICATION_CHARS {
            found.justification = Some(format!(
                "Keep it to {} characters",
                domain::assessment::MAX_JUSTIFICATION_CHARS
            ));
        }
        let evidence_date = chrono::NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d");
        match evidence_date {
            Err(_) => found.date = Some("Enter the date of the evidence".to_owned()),
            Ok(d) if d > today => {
                found.date =
                    Some("The date of the evidence must be today or in the past".to_owned())
            }
            Ok(_) => {}
        }
        let has_problems = found.any();
        problems.set(found);
        let (Some(chosen), Ok(evidence_date), false) =
            (rating.get_untracked(), evidence_date, has_problems)
        else {
            focus_first_problem();
            return;
        };
        let (unit_id, trust_id) = match &target_of_form {
            Target::Ward(unit) => (Some(unit.id), None),
            Target::Trust(trust) => (None, Some(trust.id)),
        };
        let data = AssessmentData {
            id: Uuid::now_v7(),
            unit_id,
            trust_id,
            item_code: item.get_untracked().into(),
            rating: chosen,
            justification: why.trim().to_owned(),
            evidence_date,
        };
        let label = titles
            .iter()
            .find(|(code, _)| *code == data.item_code.as_str())
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        leptos::task::spawn_local(async move {
            match device.record_assessment(user_id, source, &data).await {
                Ok(()) => {
                    outbox_tick.bump();
                    device.sync_soon();
                    saved.set(Some(format!(
                        "{}: {} saved on this tablet.",
                        label,
                        chosen.label()
                    )));
                    item.set(String::new());
                    rating.set(None);
                    justification.set(String::new());
                    refresh.update(|n| *n += 1);
                }
                Err(e) => failed.set(Some(e.to_string())),
            }
        });
    };
    let error_of = move |pick: fn(&Problems) -> Option<String>| move || pick(&problems.get());
    let (crumb, caption, title) = match &target {
        Target::Ward(unit) => (
            view! { <a href=format!("/wards/{}", unit.id)>{unit.name.clone()}</a> },
            format!("{}, {}", unit.site.name, unit.core_service.name),
            unit.name.clone(),
        ),
        Target::Trust(trust) => (
            view! { <a href=format!("/readiness?trust={}", trust.id)>"Readiness"</a> },
            "The trust as a whole".to_owned(),
            format!("Well-led at {}", trust.name),
        ),
    };
    let counted = match &target {
        Target::Ward(unit) => {
            view! { <WardSummary unit_id=unit.id refresh=refresh.into() /> }.into_any()
        }
        Target::Trust(trust) => {
            view! { <TrustWellLedSummary trust_id=trust.id refresh=refresh.into() /> }.into_any()
        }
    };
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumb">{crumb}</nav>
        <span class="caption">{caption}</span>
        <h1>{heading} ": " {title}</h1>
        <p class="lede">{lede}</p>
        <div role="status" aria-live="polite">
            {move || saved.get().map(|s| view! {
                <div class="panel panel--confirmation">
                    <p><strong>{s}</strong></p>
                    <p>"It counts in readiness once it has synced; until then it waits below."</p>
                </div>
            })}
        </div>
        {move || failed.get().map(|f| view! { <p class="error-message" role="alert">"The rating was not saved: " {f}</p> })}
        {move || problems.get().any().then(|| view! {
            <div class="error-summary" role="alert" tabindex="-1" id="rate-problems">
                <h2>"There is a problem"</h2>
                <ul>
                    {problems.get().item.map(|e| view! { <li><a href="#rate-item">{e}</a></li> })}
                    {problems.get().rating.map(|e| view! { <li><a href="#rate-rating-good">{e}</a></li> })}
                    {problems.get().justification.map(|e| view! { <li><a href="#rate-why">{e}</a></li> })}
                    {problems.get().date.map(|e| view! { <li><a href="#rate-date">{e}</a></li> })}
                </ul>
            </div>
        })}
        <form class="rate-form" on:submit=save novalidate>
            <div class="form-group" class:form-group--error=move || problems.get().item.is_some()>
                <label class="label" for="rate-item">"Key line of enquiry"</label>
                {move || error_of(|p| p.item.clone())().map(|e| view! { <p class="error-message" id="rate-item-error">{e}</p> })}
                <select id="rate-item" name="item_code" prop:value=move || item.get()
                    on:change=move |ev| item.set(event_target_value(&ev))>
                    <option value="">"Choose one"</option>
                    {groups.into_iter().map(|(kq, items)| view! {
                        <optgroup label=kq>
                            {items.into_iter().map(|(code, title)| view! { <option value=code>{title}</option> }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="fieldset form-group" class:form-group--error=move || problems.get().rating.is_some()>
                <legend class="label">"Rating"</legend>
                {move || error_of(|p| p.rating.clone())().map(|e| view! { <p class="error-message">{e}</p> })}
                <div class="radios">
                    {Rating::RATED.into_iter().map(|r| {
                        let id = format!("rate-rating-{}", r.as_str().replace('_', "-"));
                        view! {
                            <div class="radio">
                                <input type="radio" id=id.clone() name="rating" value=r.as_str()
                                    prop:checked=move || rating.get() == Some(r)
                                    on:change=move |_| rating.set(Some(r)) />
                                <label for=id>{r.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="form-group" class:form-group--error=move || problems.get().justification.is_some()>
                <label class="label" for="rate-why">"What the rating rests on"</label>
                <p class="hint" id="rate-why-hint">"The evidence you relied on: audits, observations, feedback, outcomes."</p>
                {move || error_of(|p| p.justification.clone())().map(|e| view! { <p class="error-message">{e}</p> })}
                <textarea class="input textarea" id="rate-why" name="justification" rows="4" aria-describedby="rate-why-hint"
                    prop:value=move || justification.get()
                    on:input=move |ev| justification.set(event_target_value(&ev))></textarea>
            </div>
            <div class="form-group" class:form-group--error=move || problems.get().date.is_some()>
                <label class="label" for="rate-date">"Date of the evidence"</label>
                {move || error_of(|p| p.date.clone())().map(|e| view! { <p class="error-message">{e}</p> })}
                <input class="input input--date" type="date" id="rate-date" name="evidence_date"
                    prop:value=move || date.get()
                    on:input=move |ev| date.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button">"Save rating"</button>
        </form>
        <Waiting user_id target source device refresh />
        <h2>"Counted in readiness"</h2>
        {counted}
    }
}

/// Moves focus to the error summary, so a screen reader hears what to fix.
fn focus_first_problem() {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async {
        if let Some(el) = leptos::prelude::document().get_element_by_id("rate-problems")
            && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(el)
        {
            let _ = el.focus();
        }
    });
}

/// This ward's (or trust's) ratings still waiting on the tablet, with the server's reason for any it refused.
#[component]
fn Waiting(
    user_id: Uuid,
    target: Target,
    source: AssessmentSource,
    device: ThisDevice,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let OutboxTick(sync) = expect_context::<OutboxTick>();
    let waiting = LocalResource::new(move || {
        refresh.track();
        sync.track();
        let target = target.clone();
        async move {
            device
                .queued_of(user_id)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|q| {
                    q.entry.mutation.kind == source.kind() && target.holds(&q.entry.mutation.data)
                })
                .collect::<Vec<_>>()
        }
    });
    // Read from the device, so only once the page runs in the browser (the server keeps
    // nothing, and rendering it there would not match what the browser hydrates).
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <h2>"Waiting to sync"</h2>
        <Show when=move || mounted.get()>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = waiting.await;
                if list.is_empty() {
                    return view! { <p>"Nothing waits: every rating saved here has reached the server."</p> }.into_any();
                }
                view! {
                    <ul class="card-list">
                        {list.into_iter().map(|q| {
                            let data = &q.entry.mutation.data;
                            let rating = data["rating"].as_str().and_then(Rating::from_code).map_or("", |r| r.label());
                            let what = format!("{}: {}", data["item_code"].as_str().unwrap_or_default(), rating);
                            let refused = q.entry.refused.clone();
                            view! {
                                <li class="inset">
                                    <strong>{what}</strong>
                                    {match refused {
                                        Some(reason) => view! { <p class="error-message">"Refused by the server: " {reason}</p> }.into_any(),
                                        None => view! { <p class="hint">"Saved on this tablet; it syncs when there is a connection."</p> }.into_any(),
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                    .into_any()
            })}
        </Suspense>
        </Show>
    }
}
