//! The inspection page: every prompt of the checklist on one scrolling page, grouped by key
//! question and KLOE, with jump links and progress. Each answer and note is saved to the device
//! (with its outbox entry) before the page says so; nothing waits for the network.

use std::collections::HashMap;

use domain::inspection::{FindingData, InspectionStatus, InterviewData, Interviewee, Response};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use crate::components::params::use_id_param;
use crate::components::sync_status::OutboxTick;
use crate::device::{LocalInspection, LocalPrompt};

/// What the page shows, as loaded from the device.
#[derive(Clone)]
struct OnDevice {
    inspection: LocalInspection,
    /// Findings by prompt code.
    findings: HashMap<String, FindingData>,
    interviews: Vec<InterviewData>,
    /// Photo id to a link that shows it from the device.
    photos: HashMap<Uuid, String>,
}

type Loaded = Result<Option<OnDevice>, String>;

#[cfg(feature = "hydrate")]
async fn load(id: Uuid) -> Loaded {
    let inspection = crate::device::inspection(id)
        .await
        .map_err(|e| e.to_string())?;
    let Some(inspection) = inspection else {
        return Ok(None);
    };
    let findings = crate::device::findings_of(id)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|f| (f.item_code.clone(), f))
        .collect();
    let interviews = crate::device::interviews_of(id)
        .await
        .map_err(|e| e.to_string())?;
    let photos = crate::device::photos_of(id)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|p| Some((p.id, crate::device::object_url(&p.blob)?)))
        .collect();
    Ok(Some(OnDevice {
        inspection,
        findings,
        interviews,
        photos,
    }))
}

#[cfg(not(feature = "hydrate"))]
async fn load(_id: Uuid) -> Loaded {
    Ok(None)
}

/// `GET /inspections/{id}`: rendered from the device's store, so it works offline.
#[component]
pub fn InspectionPage() -> impl IntoView {
    let id = use_id_param();
    let loaded = LocalResource::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => load(id).await,
                None => Ok(None),
            }
        }
    });
    view! {
        <Title text="Inspection - ReadyWard" />
        <Suspense fallback=|| view! { <p>"Opening the inspection on this device…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(Some(on_device)) => view! { <Inspection on_device /> }.into_any(),
                    Ok(None) => view! {
                        <h1>"Inspection not on this device"</h1>
                        <p>"Inspections live on the device they were started on until they sync."</p>
                        <p><a href="/">"Go to the home page"</a></p>
                    }.into_any(),
                    Err(e) => view! { <p class="error-message" role="alert">{e}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A key question of the checklist, with its items in checklist order.
struct Section {
    code: String,
    title: String,
    items: Vec<ItemGroup>,
}

/// A KLOE (or quality statement) with the checklist's prompts under it.
struct ItemGroup {
    code: String,
    title: String,
    prompts: Vec<LocalPrompt>,
}

/// Groups prompts by key question, then item, each in order of first appearance.
fn grouped(prompts: &[LocalPrompt]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for p in prompts {
        let at = match sections.iter().position(|s| s.code == p.key_question) {
            Some(at) => at,
            None => {
                sections.push(Section {
                    code: p.key_question.clone(),
                    title: p.key_question_title.clone(),
                    items: Vec::new(),
                });
                sections.len() - 1
            }
        };
        let items = &mut sections[at].items;
        match items.iter_mut().find(|i| i.code == p.item_code) {
            Some(item) => item.prompts.push(p.clone()),
            None => items.push(ItemGroup {
                code: p.item_code.clone(),
                title: p.item_title.clone(),
                prompts: vec![p.clone()],
            }),
        }
    }
    sections
}

fn anchor(code: &str) -> String {
    format!("prompt-{}", code.replace('.', "-"))
}

#[cfg(feature = "hydrate")]
fn last_prompt_key(inspection_id: Uuid) -> String {
    format!("readyward.at.{inspection_id}")
}

/// Remembers the prompt just worked on: in the address (so a reload returns to it) and on the
/// device (so opening the inspection again later does too).
#[cfg(feature = "hydrate")]
fn remember_prompt(inspection_id: Uuid, code: &str) {
    let Some(window) = leptos::web_sys::window() else {
        return;
    };
    let hash = format!("#{}", anchor(code));
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item(&last_prompt_key(inspection_id), &hash);
    }
}

#[cfg(not(feature = "hydrate"))]
fn remember_prompt(_: Uuid, _: &str) {}

/// Scrolls to the prompt named in the address, or else the one last worked on.
#[cfg(feature = "hydrate")]
fn return_to_prompt(inspection_id: Uuid) {
    let Some(window) = leptos::web_sys::window() else {
        return;
    };
    let from_address = window.location().hash().ok().filter(|h| h.len() > 1);
    let remembered = || {
        window
            .local_storage()
            .ok()
            .flatten()?
            .get_item(&last_prompt_key(inspection_id))
            .ok()
            .flatten()
    };
    let Some(hash) = from_address.or_else(remembered) else {
        return;
    };
    // The browser's own scroll restoration runs before the prompts exist; this replaces it.
    if let Ok(history) = window.history() {
        let _ = history.set_scroll_restoration(leptos::web_sys::ScrollRestoration::Manual);
    }
    scroll_to_card(hash.trim_start_matches('#').to_owned(), 40);
}

/// Scrolls the prompt card into view once it is on the page (the page attaches it a frame or
/// two after this effect runs), trying for up to `frames` frames.
#[cfg(feature = "hydrate")]
fn scroll_to_card(id: String, frames: u32) {
    request_animation_frame(move || match document().get_element_by_id(&id) {
        Some(card) if card.is_connected() => {
            let options = leptos::web_sys::ScrollIntoViewOptions::new();
            options.set_block(leptos::web_sys::ScrollLogicalPosition::Center);
            card.scroll_into_view_with_scroll_into_view_options(&options);
        }
        _ if frames > 0 => scroll_to_card(id, frames - 1),
        _ => {}
    });
}

#[cfg(not(feature = "hydrate"))]
fn return_to_prompt(_: Uuid) {}

#[component]
fn Inspection(on_device: OnDevice) -> impl IntoView {
    let OnDevice {
        inspection,
        findings,
        interviews,
        photos,
    } = on_device;
    let photos = RwSignal::new(photos);
    let tick = expect_context::<OutboxTick>();
    // For the benchmarks: when the inspection first shows, from the start of the page load.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(perf) = leptos::web_sys::window().and_then(|w| w.performance()) {
            let _ = perf.mark("readyward:inspection-shown");
        }
    });
    let inspection_id = inspection.id;
    // Back to where the inspector was: reload, a killed tab or a restarted tablet.
    Effect::new(move |_| return_to_prompt(inspection_id));
    // `findings` is what the screen shows, changed once IndexedDB has committed; `latest` is
    // the newest version of each finding, which the next edit builds on even while an earlier
    // write is still in flight.
    let latest = StoredValue::new(findings.clone());
    let findings = RwSignal::new(findings);
    let finished = RwSignal::new(inspection.status == InspectionStatus::Submitted);
    let error = RwSignal::new(None::<String>);
    let total = inspection.prompts.len();
    let answered = move || {
        findings
            .read()
            .values()
            .filter(|f| f.response.is_some())
            .count()
    };
    let prompts = inspection.prompts.clone();
    let first_unanswered = move || {
        let f = findings.read();
        prompts
            .iter()
            .find(|p| f.get(&p.code).and_then(|x| x.response).is_none())
            .map(|p| p.code.clone())
    };
    let groups = grouped(&inspection.prompts);
    let kq_progress = groups
        .iter()
        .map(|s| {
            let codes: Vec<String> = s
                .items
                .iter()
                .flat_map(|i| i.prompts.iter().map(|p| p.code.clone()))
                .collect();
            (s.code.clone(), s.title.clone(), codes)
        })
        .collect::<Vec<_>>();
    let item_choices: Vec<(String, String)> = groups
        .iter()
        .flat_map(|s| s.items.iter().map(|i| (i.code.clone(), i.title.clone())))
        .collect();
    let summary_prompts = inspection.prompts.clone();
    let user_id = inspection.user_id;
    let save = move |finding: FindingData| {
        remember_prompt(inspection_id, &finding.item_code);
        latest.update_value(|f| {
            f.insert(finding.item_code.clone(), finding.clone());
        });
        persist(user_id, finding, findings, error, tick);
    };
    let finish = move |_| finish_it(inspection_id, finished, error, tick);
    view! {
        <span class="caption">{inspection.template_name.clone()} " · version " {inspection.template_version}</span>
        <h1>{inspection.unit_name.clone()}</h1>
        <section class="progress" aria-labelledby="progress-heading">
            <h2 id="progress-heading" class="progress__title">
                {move || format!("{} of {} prompts answered", answered(), total)}
            </h2>
            <ul class="progress__list">
                {kq_progress.into_iter().map(|(code, title, codes)| {
                    let count = codes.len();
                    view! {
                        <li>
                            <a href=format!("#kq-{code}")>{title}</a>
                            {move || {
                                let f = findings.read();
                                let done = codes.iter().filter(|c| f.get(*c).and_then(|x| x.response).is_some()).count();
                                format!(" {done} of {count}")
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || first_unanswered().map(|code| view! {
                <p><a href=format!("#{}", anchor(&code))>{format!("Go to the next unanswered prompt ({code})")}</a></p>
            })}
            <StorageInfo />
            {move || finished.get().then(|| view! {
                <p class="inset">"This inspection is finished. It can be read but no longer changed."</p>
            })}
        </section>
        {move || error.get().map(|e| view! { <p class="error-message" role="alert">{e}</p> })}
        {groups.into_iter().map(|section| view! {
            <section aria-labelledby=format!("kq-{}", section.code)>
                <h2 id=format!("kq-{}", section.code)>{section.title}</h2>
                {section.items.into_iter().map(|item| view! {
                    <h3 class="item-heading">{item.code} " " {item.title}</h3>
                    {item.prompts.into_iter().map(|p| view! { <PromptCard prompt=p inspection_id findings latest finished save photos error tick /> }).collect_view()}
                }).collect_view()}
            </section>
        }).collect_view()}
        <Interviews inspection_id user_id items=item_choices interviews finished error tick />
        <Summary prompts=summary_prompts findings />
        <section class="inline-form" aria-labelledby="finish-heading">
            <h2 id="finish-heading">"Finish"</h2>
            <p>{move || {
                let left = total - answered();
                if left == 0 { "Every prompt is answered.".to_owned() } else { format!("{left} prompts are still unanswered.") }
            }}</p>
            <button type="button" class="button" on:click=finish disabled=move || finished.get()>
                "Finish inspection"
            </button>
        </section>
    }
}

/// Counts by key question and answer, and the prompts still unanswered.
#[component]
fn Summary(
    prompts: Vec<LocalPrompt>,
    findings: RwSignal<HashMap<String, FindingData>>,
) -> impl IntoView {
    let sections = grouped(&prompts);
    let photo_prompts = prompts.clone();
    let photos = move || {
        let f = findings.read();
        let with_photos: Vec<(String, usize)> = photo_prompts
            .iter()
            .filter_map(|p| {
                let n = f.get(&p.code).map_or(0, |x| x.photo_ids.len());
                (n > 0).then(|| (p.code.clone(), n))
            })
            .collect();
        let total: usize = with_photos.iter().map(|(_, n)| n).sum();
        let words = match total {
            0 => "No photos taken yet.".to_owned(),
            1 => "1 photo, for ".to_owned(),
            n => format!("{n} photos, for "),
        };
        let list = with_photos
            .iter()
            .map(|(code, n)| {
                if *n == 1 {
                    code.clone()
                } else {
                    format!("{code} ({n})")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        if total == 0 {
            words
        } else {
            format!("{words}{list}.")
        }
    };
    view! {
        <section aria-labelledby="summary-heading">
            <h2 id="summary-heading">"Summary"</h2>
            <p class="summary-photos">{photos}</p>
            <table class="table">
                <caption class="visually-hidden">"Answers by key question"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Key question"</th>
                        {Response::ALL.into_iter().map(|r| view! { <th scope="col">{r.label()}</th> }).collect_view()}
                        <th scope="col">"Unanswered"</th>
                    </tr>
                </thead>
                <tbody>
                    {sections.into_iter().map(|section| {
                        let codes: Vec<String> = section.items.iter().flat_map(|i| i.prompts.iter().map(|p| p.code.clone())).collect();
                        let count = move |want: Option<Response>| {
                            let f = findings.read();
                            codes.iter().filter(|c| f.get(*c).and_then(|x| x.response) == want).count()
                        };
                        let count = std::sync::Arc::new(count);
                        view! {
                            <tr>
                                <th scope="row">{section.title}</th>
                                {Response::ALL.into_iter().map(|r| {
                                    let count = count.clone();
                                    view! { <td>{move || count(Some(r))}</td> }
                                }).collect_view()}
                                <td>{let count = count.clone(); move || count(None)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || {
                let f = findings.read();
                let open: Vec<LocalPrompt> = prompts.iter().filter(|p| f.get(&p.code).and_then(|x| x.response).is_none()).cloned().collect();
                (!open.is_empty()).then(|| view! {
                    <details class="item">
                        <summary>{format!("Prompts still unanswered ({})", open.len())}</summary>
                        <ul>
                            {open.into_iter().map(|p| view! {
                                <li><a href=format!("#{}", anchor(&p.code))>{p.code.clone()} " " {p.text.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    </details>
                })
            }}
        </section>
    }
}

/// Staff and patient interview notes, each tagged to the KLOEs it informs.
#[component]
fn Interviews(
    inspection_id: Uuid,
    user_id: Uuid,
    items: Vec<(String, String)>,
    interviews: Vec<InterviewData>,
    finished: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) -> impl IntoView {
    let recorded = RwSignal::new(interviews);
    let who = RwSignal::new(Interviewee::Staff);
    let tags = RwSignal::new(Vec::<String>::new());
    let note = RwSignal::new(String::new());
    let field_error = RwSignal::new(None::<&'static str>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if note.get_untracked().trim().is_empty() {
            field_error.set(Some("Write what was said before saving"));
            return;
        }
        field_error.set(None);
        let interview = InterviewData {
            id: Uuid::now_v7(),
            inspection_id,
            interviewee: who.get_untracked(),
            item_codes: tags.get_untracked(),
            note: note.get_untracked().trim().to_owned(),
            observed_at: chrono::Utc::now(),
        };
        save_interview(user_id, interview, recorded, error, tick, move || {
            note.set(String::new());
            tags.set(Vec::new());
        });
    };
    view! {
        <section class="inline-form" aria-labelledby="interviews-heading">
            <h2 id="interviews-heading">"Interview notes"</h2>
            <ul class="user-list">
                {move || recorded.get().into_iter().map(|i| view! {
                    <li class="user">
                        <p class="user__name"><strong>{i.interviewee.label()}</strong> " "
                            <span class="hint">{if i.item_codes.is_empty() { "No KLOE tagged".to_owned() } else { i.item_codes.join(", ") }}</span></p>
                        <p>{i.note}</p>
                    </li>
                }).collect_view()}
            </ul>
            <form on:submit=submit>
                <fieldset class="fieldset" disabled=move || finished.get()>
                    <legend class="label">"Who did you speak to?"</legend>
                    <div class="radios">
                        {Interviewee::ALL.into_iter().map(|i| {
                            let id = format!("interviewee-{}", i.as_str());
                            view! {
                                <div class="radio">
                                    <input type="radio" id=id.clone() name="interviewee" value=i.as_str()
                                        prop:checked=move || who.get() == i on:change=move |_| who.set(i) />
                                    <label for=id>{i.label()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <fieldset class="fieldset" disabled=move || finished.get()>
                    <legend class="label">"KLOEs it informs"</legend>
                    <div class="tag-choices">
                        {items.into_iter().map(|(code, title)| {
                            let id = format!("interview-tag-{code}");
                            let toggle_code = code.clone();
                            let checked_code = code.clone();
                            view! {
                                <div class="checkbox">
                                    <input type="checkbox" id=id.clone()
                                        prop:checked=move || tags.read().contains(&checked_code)
                                        on:change=move |_| tags.update(|t| {
                                            match t.iter().position(|c| *c == toggle_code) {
                                                Some(at) => { t.remove(at); }
                                                None => t.push(toggle_code.clone()),
                                            }
                                        }) />
                                    <label for=id><strong>{code.clone()}</strong> " " {title}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <div class="form-group" class:form-group--error=move || field_error.get().is_some()>
                    <label class="label" for="interview-note">"Interview note"</label>
                    {move || field_error.get().map(|m| view! {
                        <p class="error-message" id="interview-note-error"><span class="visually-hidden">"Error: "</span>{m}</p>
                    })}
                    <textarea class="input textarea" id="interview-note" rows="3"
                        aria-describedby=move || field_error.get().map(|_| "interview-note-error")
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))
                        disabled=move || finished.get()></textarea>
                </div>
                <button type="submit" class="button" disabled=move || finished.get()>"Save interview note"</button>
            </form>
        </section>
    }
}

#[cfg(feature = "hydrate")]
fn save_interview(
    user_id: Uuid,
    interview: InterviewData,
    recorded: RwSignal<Vec<InterviewData>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
    done: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match crate::device::record_interview(user_id, &interview).await {
            Ok(()) => {
                recorded.update(|list| list.push(interview));
                error.set(None);
                tick.bump();
                done();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn save_interview(
    _: Uuid,
    _: InterviewData,
    _: RwSignal<Vec<InterviewData>>,
    _: RwSignal<Option<String>>,
    _: OutboxTick,
    _: impl FnOnce() + 'static,
) {
}

#[component]
fn PromptCard(
    prompt: LocalPrompt,
    inspection_id: Uuid,
    findings: RwSignal<HashMap<String, FindingData>>,
    latest: StoredValue<HashMap<String, FindingData>>,
    finished: RwSignal<bool>,
    save: impl Fn(FindingData) + Copy + Send + Sync + 'static,
    photos: RwSignal<HashMap<Uuid, String>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) -> impl IntoView {
    let code = prompt.code.clone();
    let id = anchor(&code);
    // A memo per card: a tap re-renders its own card, not all of them.
    let mine = {
        let code = code.clone();
        Memo::new(move |_| findings.read().get(&code).cloned())
    };
    let shown = {
        let code = code.clone();
        move || {
            mine.get()
                .unwrap_or_else(|| crate::device::blank_finding(inspection_id, &code))
        }
    };
    let current = latest_of(latest, inspection_id, code.clone());
    let note_id = format!("{id}-note");
    let radios = Response::ALL
        .into_iter()
        .map(|r| {
            let radio_id = format!("{id}-{}", r.as_str());
            let current = current.clone();
            let checked = {
                let shown = shown.clone();
                move || shown().response == Some(r)
            };
            view! {
                <div class="radio">
                    <input type="radio" id=radio_id.clone() name=id.clone() value=r.as_str()
                        prop:checked=checked disabled=move || finished.get()
                        on:change=move |_| {
                            let mut f = current();
                            f.response = Some(r);
                            f.observed_at = chrono::Utc::now();
                            save(f);
                        } />
                    <label for=radio_id>{r.label()}</label>
                </div>
            }
        })
        .collect_view();
    let note_current = current.clone();
    let note_value = shown.clone();
    view! {
        <fieldset class="prompt-card" id=id.clone()>
            <legend class="prompt-card__legend">
                <span class="prompt__code">{code.clone()}</span> " " {prompt.text.clone()}
            </legend>
            <div class="radios">{radios}</div>
            <div class="form-group">
                <label class="label" for=note_id.clone()>"Note"</label>
                <textarea class="input textarea" id=note_id rows="2"
                    prop:value=move || note_value().note
                    disabled=move || finished.get()
                    on:change=move |ev| {
                        let mut f = note_current();
                        f.note = event_target_value(&ev);
                        save(f);
                    }></textarea>
            </div>
            <PhotoField code=code.clone() inspection_id findings latest finished photos error tick />
        </fieldset>
    }
}

/// "Add photo" for one prompt, with the photos already taken and a way to remove each.
#[component]
fn PhotoField(
    code: String,
    inspection_id: Uuid,
    findings: RwSignal<HashMap<String, FindingData>>,
    latest: StoredValue<HashMap<String, FindingData>>,
    finished: RwSignal<bool>,
    photos: RwSignal<HashMap<Uuid, String>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) -> impl IntoView {
    let input_id = format!("{}-photo", anchor(&code));
    let busy = RwSignal::new(false);
    let current = latest_of(latest, inspection_id, code.clone());
    let on_file = {
        let current = current.clone();
        move |ev: leptos::ev::Event| {
            let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
            let kept = Kept { findings, latest };
            add_photo(input, current(), kept, photos, busy, error, tick);
        }
    };
    let photo_ids = {
        let code = code.clone();
        Memo::new(move |_| {
            findings
                .read()
                .get(&code)
                .map(|f| f.photo_ids.clone())
                .unwrap_or_default()
        })
    };
    let shown = {
        move || {
            let photo_ids = photo_ids.get();
            let urls = photos.get();
            photo_ids
                .iter()
                .enumerate()
                // A photo the server confirmed has left the device: show the server's thumbnail.
                .map(|(n, id)| {
                    let url = urls
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| format!("/api/v1/photos/{id}/thumbnail"));
                    (n, *id, url)
                })
                .collect::<Vec<_>>()
        }
    };
    view! {
        <div class="photos">
            <ul class="photos__list">
                {move || {
                    let code = code.clone();
                    let current = current.clone();
                    shown()
                        .into_iter()
                        .map(|(n, id, url)| {
                            let current = current.clone();
                            view! {
                                <li class="photo">
                                    <img src=url alt=format!("Photo {} for {}", n + 1, code) />
                                    <button type="button" class="button button--secondary" disabled=move || finished.get()
                                        on:click=move |_| {
                                            let mut f = current();
                                            f.photo_ids.retain(|p| *p != id);
                                            remove_photo(f, id, Kept { findings, latest }, photos, error, tick);
                                        }>
                                        "Remove photo" <span class="visually-hidden">{format!(" {}", n + 1)}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <label class="label" for=input_id.clone()>"Add photo"</label>
            <input type="file" class="file-input" id=input_id accept="image/*" capture="environment"
                disabled=move || finished.get() || busy.get() on:change=on_file />
            {move || busy.get().then(|| view! { <p class="hint">"Saving photo…"</p> })}
        </div>
    }
}

/// Downscales the chosen file, stores it with the finding that names it, and shows it.
#[cfg(feature = "hydrate")]
fn add_photo(
    input: leptos::web_sys::HtmlInputElement,
    finding: FindingData,
    kept: Kept,
    photos: RwSignal<HashMap<Uuid, String>>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) {
    use crate::device::{self, DeviceError, StoredPhoto};
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    busy.set(true);
    leptos::task::spawn_local(async move {
        let result = async {
            let small = device::downscale(&file).await?;
            let photo = StoredPhoto {
                id: Uuid::now_v7(),
                blob: small.blob,
                width: small.width,
                height: small.height,
            };
            let mut finding = finding;
            finding.photo_ids.push(photo.id);
            let owner = device::inspection(finding.inspection_id)
                .await?
                .ok_or(DeviceError::Missing)?;
            device::add_photo(owner.user_id, &finding, &photo).await?;
            Ok::<_, DeviceError>((finding, photo))
        }
        .await;
        match result {
            Ok((finding, photo)) => {
                if let Some(url) = device::object_url(&photo.blob) {
                    photos.update(|p| {
                        p.insert(photo.id, url);
                    });
                }
                kept.confirm(finding);
                error.set(None);
                tick.bump();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
        input.set_value("");
        busy.set(false);
    });
}

#[cfg(not(feature = "hydrate"))]
fn add_photo(
    _: leptos::web_sys::HtmlInputElement,
    _: FindingData,
    _: Kept,
    _: RwSignal<HashMap<Uuid, String>>,
    _: RwSignal<bool>,
    _: RwSignal<Option<String>>,
    _: OutboxTick,
) {
}

/// Deletes a photo from the device together with its mention in the finding.
#[cfg(feature = "hydrate")]
fn remove_photo(
    finding: FindingData,
    photo_id: Uuid,
    kept: Kept,
    photos: RwSignal<HashMap<Uuid, String>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) {
    use crate::device::{self, DeviceError};
    leptos::task::spawn_local(async move {
        let result = async {
            let owner = device::inspection(finding.inspection_id)
                .await?
                .ok_or(DeviceError::Missing)?;
            device::remove_photo(owner.user_id, &finding, photo_id).await
        }
        .await;
        match result {
            Ok(()) => {
                photos.update(|p| {
                    if let Some(url) = p.remove(&photo_id) {
                        let _ = leptos::web_sys::Url::revoke_object_url(&url);
                    }
                });
                kept.confirm(finding);
                tick.bump();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn remove_photo(
    _: FindingData,
    _: Uuid,
    _: Kept,
    _: RwSignal<HashMap<Uuid, String>>,
    _: RwSignal<Option<String>>,
    _: OutboxTick,
) {
}

/// How much the device holds and has room for, with a warning when it runs short. Asks the
/// browser to keep the data (persistent storage) as the inspection opens.
#[component]
fn StorageInfo() -> impl IntoView {
    let state = LocalResource::new(read_storage);
    // A placeholder of the same height keeps the prompts from moving when the figures arrive.
    move || {
        match state.get().flatten() {
        None => view! { <p class="hint">"Checking the storage on this device…"</p> }.into_any(),
        Some((text, low)) => {
            view! {
                <p class="hint">{text}</p>
                {low.then(|| view! {
                    <p class="warning" role="alert">
                        "Storage on this device is running short. Sync and finish inspections before taking more photos."
                    </p>
                })}
            }
            .into_any()
        }
    }
    }
}

#[cfg(feature = "hydrate")]
async fn read_storage() -> Option<(String, bool)> {
    let s = crate::device::storage_state(true).await?;
    Some(crate::device::storage_message(
        s.usage,
        s.quota,
        s.persisted,
    ))
}

#[cfg(not(feature = "hydrate"))]
async fn read_storage() -> Option<(String, bool)> {
    None
}

/// Stores a finding with its outbox entry; only then does the screen show it as saved.
#[cfg(feature = "hydrate")]
fn persist(
    user_id: Uuid,
    finding: FindingData,
    findings: RwSignal<HashMap<String, FindingData>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) {
    let timing = crate::device::start_timing("readyward:record");
    leptos::task::spawn_local(async move {
        match crate::device::record_finding(user_id, &finding).await {
            Ok(()) => {
                crate::device::end_timing("readyward:record", timing);
                findings.update(|f| {
                    f.insert(finding.item_code.clone(), finding);
                });
                error.set(None);
                tick.bump();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn persist(
    _: Uuid,
    _: FindingData,
    _: RwSignal<HashMap<String, FindingData>>,
    _: RwSignal<Option<String>>,
    _: OutboxTick,
) {
}

/// The findings as shown and as last edited (see `Inspection`), for code that changes both.
#[derive(Clone, Copy)]
struct Kept {
    findings: RwSignal<HashMap<String, FindingData>>,
    latest: StoredValue<HashMap<String, FindingData>>,
}

impl Kept {
    /// A finding the device has stored: the newest edit, and now on screen.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn confirm(self, finding: FindingData) {
        self.latest.update_value(|f| {
            f.insert(finding.item_code.clone(), finding.clone());
        });
        self.findings.update(|f| {
            f.insert(finding.item_code.clone(), finding);
        });
    }
}

/// The newest version of a prompt's finding, for an edit to build on.
fn latest_of(
    latest: StoredValue<HashMap<String, FindingData>>,
    inspection_id: Uuid,
    code: String,
) -> impl Fn() -> FindingData + Clone + Send + Sync + 'static {
    move || {
        latest
            .with_value(|f| f.get(&code).cloned())
            .unwrap_or_else(|| crate::device::blank_finding(inspection_id, &code))
    }
}

#[cfg(feature = "hydrate")]
fn finish_it(
    id: Uuid,
    finished: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) {
    leptos::task::spawn_local(async move {
        match crate::device::finish_inspection(id).await {
            Ok(_) => {
                finished.set(true);
                tick.bump();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn finish_it(_: Uuid, _: RwSignal<bool>, _: RwSignal<Option<String>>, _: OutboxTick) {}
