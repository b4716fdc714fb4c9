//! One prompt of the checklist: its answer, its note and its photos. Each change is built on the
//! newest version of the finding and saved to the device before the card shows it; the note is
//! saved as it is typed (`super::typing`), not only when the field is left.

use std::collections::HashMap;

use domain::SubjectCode;
use domain::inspection::{ChecklistPrompt, FindingData, Response};
use leptos::prelude::*;
use uuid::Uuid;

use super::ByCode;
use super::photos::PhotoField;
use super::typing::Typing;
use super::{anchor, latest_of};
use crate::device::{OutboxTick, RescuedText};

/// A prompt card: the answers as radios, a note, and "Add photo".
#[component]
pub(super) fn PromptCard(
    prompt: ChecklistPrompt,
    user_id: Uuid,
    inspection_id: Uuid,
    findings: RwSignal<ByCode>,
    latest: StoredValue<ByCode>,
    finished: RwSignal<bool>,
    save: impl Fn(FindingData) + Copy + Send + Sync + 'static,
    save_note: impl Fn(FindingData) + Copy + Send + Sync + 'static,
    photos: RwSignal<HashMap<Uuid, String>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) -> impl IntoView {
    let code = SubjectCode::from(prompt.code.clone());
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
    // The note as typed. The field is filled once and then belongs to the inspector: were it
    // bound to the saved finding, a save finishing mid-word would put back older text.
    let first_note = mine.get_untracked().map(|f| f.note).unwrap_or_default();
    let typed = StoredValue::new(first_note.clone());
    let typing = {
        let current = current.clone();
        let code = code.clone();
        Typing::new(
            move || {
                let mut f = current();
                let text = typed.get_value();
                if f.note != text {
                    f.note = text;
                    save_note(f);
                }
            },
            move || RescuedText::Note {
                code: code.clone(),
                text: typed.get_value(),
            },
        )
    };
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
                            // A note still being typed goes first, so the answer carries it.
                            typing.flush();
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
    view! {
        <fieldset class="prompt-card" id=id.clone()>
            <legend class="prompt-card__legend">
                <span class="prompt__code">{code.to_string()}</span> " " {prompt.text.clone()}
            </legend>
            <div class="radios">{radios}</div>
            <div class="form-group">
                <label class="label" for=note_id.clone()>"Note"</label>
                <textarea class="input textarea" id=note_id rows="2"
                    prop:value=first_note
                    disabled=move || finished.get()
                    on:input=move |ev| {
                        typed.set_value(event_target_value(&ev));
                        typing.typed();
                    }
                    on:change=move |_| typing.flush()></textarea>
            </div>
            <PhotoField code=code.clone() user_id inspection_id findings latest finished photos error tick />
        </fieldset>
    }
}
