//! Saving typed text as it is typed: a moment after the last keystroke, at once when the field
//! is left, and when the page is hidden or goes away (a reload, another tab or app, a killed
//! background tab, the idle lock). Text no longer waits for the field to lose focus.
//!
//! Hiding (another tab or app) leaves the page alive long enough for the save to commit. A
//! reload does not: Chromium drops IndexedDB work begun while the page unloads, so a reload
//! inside the pause loses those last keystrokes (a synchronous copy in `localStorage` at
//! `pagehide` would close that gap).
//!
//! A pause in typing saves once, however many keys came before it; how the device keeps that
//! to one waiting change is `device::save_finding_draft`'s business.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

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
}

impl Typing {
    /// A field saved by `save` (which reads the field's current text itself). It is also saved
    /// when the page is hidden, if the page called [`save_typing_when_hidden`].
    pub(super) fn new(save: impl Fn() + Send + Sync + 'static) -> Self {
        let typing = Typing {
            dirty: StoredValue::new(false),
            timer: StoredValue::new(None),
            save: StoredValue::new(Arc::new(save)),
        };
        if let Some(TypingFields(fields)) = use_context::<TypingFields>() {
            fields.update_value(|f| f.push(typing));
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
        if let Some(save) = self.save.try_get_value() {
            save();
        }
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

/// The page's typed fields, saved together when the page is hidden.
#[derive(Clone, Copy)]
struct TypingFields(StoredValue<Vec<Typing>>);

/// Saves every [`Typing`] field made under this component when the page is hidden
/// (`visibilitychange`: another tab or app, the screen off, a background tab the browser may
/// later kill) or goes away (`pagehide`: a reload or navigation). Call it before the fields
/// are made.
pub(super) fn save_typing_when_hidden() {
    let fields = StoredValue::new(Vec::<Typing>::new());
    provide_context(TypingFields(fields));
    // Only the browser hides pages: on the server these listeners are never attached.
    let save_all = move || {
        if let Some(all) = fields.try_get_value() {
            all.into_iter().for_each(Typing::flush);
        }
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
