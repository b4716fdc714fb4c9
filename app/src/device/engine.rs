//! The sync engine: drains the outbox, then uploads photos, when the page opens, when a change
//! is queued (unless a retry after a failure is already on its timer), when the browser comes
//! back online or the app becomes visible, on "Sync now", and after a failure on a timer with
//! exponential backoff (5 s doubling to 5 min) and jitter, so a ward's tablets do not all return
//! at once. One drain at a time per page.

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::{SyncError, SyncSignals, drain, upload_photos};

struct Engine {
    user_id: Uuid,
    signals: SyncSignals,
    running: bool,
    attempts: u32,
    /// A retry after a failure is on its timer: it carries newly queued changes too.
    retrying: bool,
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Starts syncing the user's changes, reporting through `signals`.
pub fn start_sync(user_id: Uuid, signals: SyncSignals) {
    ENGINE.with(|e| {
        *e.borrow_mut() = Some(Engine {
            user_id,
            signals,
            running: false,
            attempts: 0,
            retrying: false,
        })
    });
    let _ = window_event_listener(leptos::ev::online, |_| sync_now());
    let on_visible = Closure::<dyn Fn()>::new(|| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            sync_now();
        }
    });
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    on_visible.forget();
    sync_now();
}

/// Runs shortly, so that a burst of changes goes in one push; while sync is failing, the
/// retry timer sends them instead. Every push marks what it carried as sent, and a note
/// typed after that queues a new change: pushing at every pause of typing into a dead
/// connection would fill the outbox.
pub fn sync_soon() {
    let retrying = ENGINE.with(|e| e.borrow().as_ref().is_some_and(|e| e.retrying));
    if !retrying {
        set_timeout(sync_now, Duration::from_millis(1500));
    }
}

/// Sends what waits now, unless a sync is already under way.
pub fn sync_now() {
    let Some((user_id, signals)) = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        let engine = e.as_mut()?;
        if engine.running {
            return None;
        }
        engine.running = true;
        engine.retrying = false;
        Some((engine.user_id, engine.signals))
    }) else {
        return;
    };
    signals.sending.set(true);
    leptos::task::spawn_local(async move {
        let outcome = match drain(user_id).await {
            Ok(_) => upload_photos(user_id).await,
            Err(e) => Err(e),
        };
        let attempts = ENGINE.with(|e| {
            let mut e = e.borrow_mut();
            let Some(engine) = e.as_mut() else { return 0 };
            engine.running = false;
            engine.attempts = if outcome.is_ok() {
                0
            } else {
                engine.attempts + 1
            };
            engine.retrying = matches!(&outcome, Err(e) if *e != SyncError::SignedOut);
            engine.attempts
        });
        signals.sending.set(false);
        signals.tick.bump();
        match outcome {
            Ok(_) => signals.failure.set(None),
            Err(e) => {
                let waits_for_user = e == SyncError::SignedOut;
                signals.failure.set(Some(e.to_string()));
                if !waits_for_user {
                    set_timeout(sync_now, backoff(attempts));
                }
            }
        }
    });
}

/// 5 s, 10 s, 20 s … up to 5 minutes, each between half and one and a half times that.
fn backoff(attempts: u32) -> Duration {
    let base = (5_000.0 * 2f64.powi(attempts.saturating_sub(1).min(6) as i32)).min(300_000.0);
    Duration::from_millis((base * (0.5 + js_sys::Math::random())) as u64)
}
