//! Interview notes: what staff and patients said, each tagged to the KLOEs it informs, saved
//! to the device with its outbox entry.

use domain::sync::{InterviewData, Interviewee};
use leptos::prelude::*;
use uuid::Uuid;

use crate::components::sync_status::OutboxTick;

/// Staff and patient interview notes, each tagged to the KLOEs it informs.
#[component]
pub(super) fn Interviews(
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
