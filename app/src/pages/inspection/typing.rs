//! Saving typed text as it is typed: a moment after the last keystroke, at once when the field
//! is left, and when the page is hidden or goes away (a reload, another tab or app, a killed
//! background tab, the idle lock). Text no longer waits for the field to lose focus.
//!
//! Hiding (another tab or app) leaves the page alive long enough for the save to commit. A
//! reload does not: Chromium drops IndexedDB work begun while the page unloads. So when the
//! page is hidden or goes, each field's unsaved text is also rescued synchronously
//! (`device::rescue_text`), and the next load puts it back ([`put_back_rescued`]) before the
//! page shows. A save that commits forgets its rescue copy.
//!
//! A pause in typing saves once, however many keys came before it; how the device keeps that
//! to one waiting change is `device::save_finding_draft`'s business.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use uuid::Uuid;

use super::ByCode;
use crate::device::{ForgetCopy, InterviewDraft, LocalInspection, RescuedText, ThisDevice};
use domain::inspection::InspectionStatus;

/// How long typing must pause before the text is saved: short enough that a reload or a
/// killed tab loses at most about a second of typing.
const PAUSE: Duration = Duration::from_millis(700);

/// A field whose text is saved as it is typed (see the module docs). Copy it into handlers.
#[derive(Clone, Copy)]
pub(super) struct Typing {
    /// Typed since the last save.
    dirty: StoredValue<bool>,
    timer: StoredValue<Option<TimeoutHandle>>,
    save: StoredValue<Arc<dyn Fn() + Send + Sync>>,
    /// The field's text as it stands, for a rescue copy.
    text: StoredValue<Arc<dyn Fn() -> RescuedText + Send + Sync>>,
    /// Where the page keeps rescue copies, if it does (see [`save_typing_when_hidden`]).
    copies: Option<Copies>,
}

impl Typing {
    /// A field saved by `save` (which reads the field's current text itself); `text` gives
    /// that text for a rescue copy. It is also saved (and rescued) when the page is hidden, if
    /// the page called [`save_typing_when_hidden`].
    pub(super) fn new(
        save: impl Fn() + Send + Sync + 'static,
        text: impl Fn() -> RescuedText + Send + Sync + 'static,
    ) -> Self {
        let page = use_context::<TypingFields>();
        let typing = Typing {
            dirty: StoredValue::new(false),
            timer: StoredValue::new(None),
            save: StoredValue::new(Arc::new(save)),
            text: StoredValue::new(Arc::new(text)),
            copies: page.map(|p| p.copies),
        };
        if let Some(page) = page {
            page.fields.update_value(|f| f.push(typing));
        }
        // A field that leaves the page takes its timer with it.
        on_cleanup(move || typing.cancel());
        typing
    }

    /// Something was typed: save once typing pauses.
    pub(super) fn typed(self) {
        // `Some` gives the value back: the field has left the page.
        if self.dirty.try_set_value(true).is_some() {
            return;
        }
        self.stop_timer();
        let timer = set_timeout_with_handle(move || self.flush(), PAUSE).ok();
        self.timer.try_set_value(timer);
    }

    /// Saves what was typed now, if anything was (the field was left, the page is going).
    pub(super) fn flush(self) {
        self.stop_timer();
        if self.dirty.try_get_value() != Some(true) {
            return;
        }
        self.dirty.set_value(false);
        // The text read now is the newest: a copy holding anything else is older.
        self.forget_copy(ForgetCopy::OtherThan);
        if let Some(save) = self.save.try_get_value() {
            save();
        }
    }

    /// Forgets what was typed and any rescue copy of it: the text was recorded another way.
    pub(super) fn discard(self) {
        self.cancel();
        self.forget_copy(ForgetCopy::Any);
    }

    fn forget_copy(self, which: ForgetCopy) {
        if let (Some(c), Some(text)) = (self.copies, self.text.try_get_value()) {
            c.device
                .forget_rescued(c.user_id, c.inspection_id, &text(), which);
        }
    }

    /// The text typed since the last save, if any.
    fn unsaved(self) -> Option<RescuedText> {
        if self.dirty.try_get_value() != Some(true) {
            return None;
        }
        self.text.try_get_value().map(|text| text())
    }

    /// Forgets what was typed without saving it (it is being saved another way).
    pub(super) fn cancel(self) {
        self.stop_timer();
        self.dirty.try_set_value(false);
    }

    fn stop_timer(self) {
        if let Some(Some(timer)) = self.timer.try_get_value() {
            timer.clear();
            self.timer.try_set_value(None);
        }
    }
}

/// Where a page's rescue copies are kept: the user's inspection on this device.
#[derive(Clone, Copy)]
struct Copies {
    device: ThisDevice,
    user_id: Uuid,
    inspection_id: Uuid,
}

/// The page's typed fields, saved together when the page is hidden.
#[derive(Clone, Copy)]
struct TypingFields {
    fields: StoredValue<Vec<Typing>>,
    copies: Copies,
}

/// Saves every [`Typing`] field made under this component when the page is hidden
/// (`visibilitychange`: another tab or app, the screen off, a background tab the browser may
/// later kill) or goes away (`pagehide`: a reload or navigation), rescuing the unsaved text of
/// the user's inspection first. Call it before the fields are made.
pub(super) fn save_typing_when_hidden(device: ThisDevice, user_id: Uuid, inspection_id: Uuid) {
    let fields = StoredValue::new(Vec::<Typing>::new());
    let copies = Copies {
        device,
        user_id,
        inspection_id,
    };
    provide_context(TypingFields { fields, copies });
    // Only the browser hides pages: on the server these listeners are never attached.
    let save_all = move || {
        let Some(all) = fields.try_get_value() else {
            return;
        };
        // The copy first: it is synchronous, so it is kept even if the save below is dropped.
        for text in all.iter().filter_map(|field| field.unsaved()) {
            device.rescue_text(user_id, inspection_id, &text);
        }
        all.into_iter().for_each(Typing::flush);
    };
    let on_hidden = window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() == leptos::web_sys::VisibilityState::Hidden {
            save_all();
        }
    });
    let on_pagehide = window_event_listener_untyped("pagehide", move |_| save_all());
    on_cleanup(move || {
        on_hidden.remove();
        on_pagehide.remove();
    });
}

/// What putting back rescued text did.
#[derive(Clone, Default)]
pub(super) struct PutBack {
    /// Something was saved: the outbox holds a change its counters have not seen.
    pub(super) saved: bool,
    /// A copy could not be saved (it stays for the next load; its text is shown all the same).
    pub(super) failed: Option<String>,
}

/// Puts back text rescued when the inspection's page last went away: each copy that differs
/// from what the device holds is saved the normal way (a note replaces its waiting change),
/// and `findings` and `interview_draft` are updated to match. A finished inspection can no
/// longer change, so its copies are only forgotten. A copy that cannot be saved (a full disk)
/// does not stop the inspection opening: its text is shown, and the copy kept.
pub(super) async fn put_back_rescued(
    device: ThisDevice,
    inspection: &LocalInspection,
    findings: &mut ByCode,
    interview_draft: &mut Option<InterviewDraft>,
) -> PutBack {
    let (user_id, id) = (inspection.user_id, inspection.id);
    let open = inspection.status != InspectionStatus::Submitted;
    let mut done = PutBack::default();
    for rescued in device.rescued_texts(user_id, id) {
        let stored = match &rescued {
            RescuedText::Note { code, text } if open => {
                let mut finding = findings
                    .get(code)
                    .cloned()
                    .unwrap_or_else(|| crate::device::blank_finding(id, code));
                let stored = if finding.note == *text {
                    Ok(false)
                } else {
                    finding.note.clone_from(text);
                    device
                        .save_finding_draft(user_id, &finding)
                        .await
                        .map(|()| true)
                };
                findings.insert(code.clone(), finding);
                stored
            }
            RescuedText::Interview(draft) if open && interview_draft.as_ref() != Some(draft) => {
                let stored = device.save_interview_draft(user_id, id, draft).await;
                *interview_draft = Some(draft.clone()).filter(|d| !d.is_empty());
                stored.map(|()| true)
            }
            _ => Ok(false),
        };
        match stored {
            Ok(saved) => {
                done.saved |= saved;
                device.forget_rescued(user_id, id, &rescued, ForgetCopy::Any);
            }
            Err(e) => done.failed = Some(e.to_string()),
        }
    }
    done
}
