//! Interview notes: what staff and patients said, each tagged to the KLOEs it informs, saved
//! to the device with its outbox entry. The note being written is kept on the device as a
//! draft while it is typed (per user and inspection), so a reload, a killed tab or the idle
//! lock does not lose it; "Save interview note" records it and forgets the draft.

use domain::SubjectCode;
use domain::inspection::{InterviewData, Interviewee};
use leptos::prelude::*;
use uuid::Uuid;

use super::typing::Typing;
use crate::device::{ForgetCopy, InterviewDraft, OutboxTick, RescuedText, ThisDevice, use_device};

/// Staff and patient interview notes, each tagged to the KLOEs it informs.
#[component]
pub(super) fn Interviews(
    inspection_id: Uuid,
    user_id: Uuid,
    items: Vec<(SubjectCode, String)>,
    interviews: Vec<InterviewData>,
    /// The unsaved note from last time, put back into the form.
    draft: Option<InterviewDraft>,
    finished: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) -> impl IntoView {
    let recorded = RwSignal::new(interviews);
    let draft = draft.filter(|_| !finished.get_untracked());
    let who = RwSignal::new(draft.as_ref().map_or(Interviewee::Staff, |d| d.interviewee));
    let tags = RwSignal::new(
        draft
            .as_ref()
            .map_or_else(Vec::new, |d| d.item_codes.clone()),
    );
    let note = RwSignal::new(draft.map(|d| d.note).unwrap_or_default());
    let field_error = RwSignal::new(None::<&'static str>);
    let device = use_device();
    let draft_now = move || InterviewDraft {
        interviewee: who.get_untracked(),
        item_codes: tags.get_untracked(),
        note: note.get_untracked(),
    };
    let typing = Typing::new(
        move || keep_draft(device, user_id, inspection_id, draft_now(), error),
        move || RescuedText::Interview(draft_now()),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if note.get_untracked().trim().is_empty() {
            field_error.set(Some("Write what was said before saving"));
            return;
        }
        field_error.set(None);
        // Recording the interview forgets the draft (and any rescue copy of it); a draft saved
        // after it would bring the same note back.
        typing.discard();
        let interview = InterviewData {
            id: Uuid::now_v7(),
            inspection_id,
            interviewee: who.get_untracked(),
            item_codes: tags.get_untracked(),
            note: note.get_untracked().trim().to_owned(),
            observed_at: chrono::Utc::now(),
        };
        save_interview(
            device,
            user_id,
            interview,
            recorded,
            error,
            tick,
            typing,
            move || {
                note.set(String::new());
                tags.set(Vec::new());
            },
        );
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
                                        prop:checked=move || who.get() == i
                                        on:change=move |_| { who.set(i); typing.typed(); } />
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
                                        on:change=move |_| {
                                            tags.update(|t| match t.iter().position(|c| *c == toggle_code) {
                                                Some(at) => { t.remove(at); }
                                                None => t.push(toggle_code.clone()),
                                            });
                                            typing.typed();
                                        } />
                                    <label for=id><strong>{code.to_string()}</strong> " " {title}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <div class="form-group" class:form-group--error=move || field_error.get().is_some()>
                    <label class="label" for="interview-note">"Interview note"</label>
                    <p class="hint" id="interview-note-hint">
                        "Kept on this device as you write. Save it to add it to the inspection."
                    </p>
                    {move || field_error.get().map(|m| view! {
                        <p class="error-message" id="interview-note-error"><span class="visually-hidden">"Error: "</span>{m}</p>
                    })}
                    <textarea class="input textarea" id="interview-note" rows="3"
                        aria-describedby=move || match field_error.get() {
                            Some(_) => "interview-note-hint interview-note-error",
                            None => "interview-note-hint",
                        }
                        prop:value=move || note.get()
                        on:input=move |ev| { note.set(event_target_value(&ev)); typing.typed(); }
                        on:change=move |_| typing.flush()
                        disabled=move || finished.get()></textarea>
                </div>
                <button type="submit" class="button" disabled=move || finished.get()>"Save interview note"</button>
            </form>
        </section>
    }
}

/// Records the interview (forgetting its draft in the same transaction), then lists it.
#[allow(clippy::too_many_arguments)]
fn save_interview(
    device: ThisDevice,
    user_id: Uuid,
    interview: InterviewData,
    recorded: RwSignal<Vec<InterviewData>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
    typing: Typing,
    done: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match device.record_interview(user_id, &interview).await {
            Ok(()) => {
                recorded.update(|list| list.push(interview));
                error.set(None);
                tick.bump();
                done();
            }
            Err(e) => {
                error.set(Some(e.to_string()));
                // Not recorded: keep the note as a draft again.
                typing.typed();
            }
        }
    });
}

/// Keeps the note being written on the device (nothing is queued to sync).
fn keep_draft(
    device: ThisDevice,
    user_id: Uuid,
    inspection_id: Uuid,
    draft: InterviewDraft,
    error: RwSignal<Option<String>>,
) {
    leptos::task::spawn_local(async move {
        match device
            .save_interview_draft(user_id, inspection_id, &draft)
            .await
        {
            Ok(()) => {
                let rescued = RescuedText::Interview(draft);
                device.forget_rescued(user_id, inspection_id, &rescued, ForgetCopy::Holding);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}
