//! The always-visible `role="status"` line that tells the sync state in plain words.
//!
//! It counts the signed-in user's changes waiting in the device's outbox; screen readers
//! announce each change of it, and tests and training material rely on its wording.
//!
//! The sync engine lives here too: it drains the outbox when the page opens, when a change is
//! queued (unless a retry after a failure is already on its timer), when the browser comes back
//! online or the app becomes visible, on "Sync now", and after a failure on a timer with
//! exponential backoff and jitter.

use leptos::prelude::*;

use crate::components::session::UserResource;

/// Bumped after every write to the outbox, so the status line counts again.
#[derive(Clone, Copy)]
pub struct OutboxTick(pub RwSignal<u32>);

impl OutboxTick {
    /// Tells the status line that the outbox changed.
    pub fn bump(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }
}

/// The plain-words sentence for a number of records still waiting to sync.
pub fn sync_message(waiting: usize, failure: Option<&str>) -> String {
    let waiting_text = match waiting {
        1 => "1 change waiting to sync".to_owned(),
        n => format!("{n} changes waiting to sync"),
    };
    match (waiting, failure) {
        (_, Some(reason)) => format!("Sync failed: {reason}. {waiting_text}"),
        (0, None) => "All changes synced".to_owned(),
        (_, None) => waiting_text,
    }
}

/// The number of records waiting to sync on this device for the signed-in user (`None` when it
/// cannot be read), recounted whenever the outbox changes.
#[derive(Clone, Copy)]
pub struct Waiting(pub LocalResource<Option<usize>>);

/// Starts counting waiting records for the page (called once, by the layout).
pub fn provide_waiting() {
    let UserResource(user) = expect_context::<UserResource>();
    let OutboxTick(tick) = expect_context::<OutboxTick>();
    let waiting = LocalResource::new(move || {
        tick.track();
        let user_id = user.get().and_then(|u| u.ok().flatten()).map(|u| u.id);
        async move { count(user_id).await }
    });
    provide_context(Waiting(waiting));
}

/// The failure that pauses sync until the user signs in again (their session ended).
const SIGN_IN_AGAIN: &str = "sign in again to sync";

/// Why the last sync failed; `None` once a sync goes through.
#[derive(Clone, Copy)]
pub struct SyncFailure(pub RwSignal<Option<String>>);

/// Whether a sync is under way right now (the ledger shows its lines as "Sending").
#[derive(Clone, Copy)]
pub struct Sending(pub RwSignal<bool>);

/// Starts the sync engine for the page (called once, by the layout, after `provide_waiting`).
pub fn provide_sync() {
    let failure = RwSignal::new(None::<String>);
    provide_context(SyncFailure(failure));
    let sending = RwSignal::new(false);
    provide_context(Sending(sending));
    #[cfg(feature = "hydrate")]
    {
        let UserResource(user) = expect_context::<UserResource>();
        let tick = expect_context::<OutboxTick>();
        let Waiting(waiting) = expect_context::<Waiting>();
        Effect::new(move |started: Option<bool>| {
            if started == Some(true) {
                return true;
            }
            let Some(Ok(Some(u))) = user.get() else {
                return false;
            };
            engine::start(u.id, failure, sending, tick);
            true
        });
        // A newly queued change goes out shortly after (a burst of taps makes one push).
        Effect::new(move |before: Option<usize>| {
            let now = waiting.get().flatten().unwrap_or(0);
            if now > before.unwrap_or(0) {
                engine::soon();
            }
            now
        });
    }
}

/// Sends what waits now ("Sync now").
pub fn sync_now() {
    #[cfg(feature = "hydrate")]
    engine::run();
}

/// The status line, with "Sync now". The count lives on the device, so the server renders a
/// neutral line and the browser fills in the count.
#[component]
pub fn SyncStatus() -> impl IntoView {
    let Waiting(waiting) = expect_context::<Waiting>();
    let SyncFailure(failure) = expect_context::<SyncFailure>();
    view! {
        <div class="sync-bar">
            <p role="status" class="sync-status">
                <Suspense fallback=|| "Checking for changes waiting to sync…">
                    {move || Suspend::new(async move {
                        match waiting.await {
                            Some(n) => {
                                let reason = failure.get().filter(|_| n > 0);
                                sync_message(n, reason.as_deref())
                            }
                            None => "This device cannot count its waiting changes".to_owned(),
                        }
                    })}
                </Suspense>
            </p>
            <button type="button" class="button button--secondary" on:click=move |_| sync_now()>
                "Sync now"
            </button>
            {move || {
                (failure.get().as_deref() == Some(SIGN_IN_AGAIN))
                    .then(|| view! { <a href="/sign-in" class="sync-bar__details">"Sign in again"</a> })
            }}
            <a href="/sync" class="sync-bar__details">"Changes on this device"</a>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod engine {
    //! One drain at a time per page; retries back off exponentially (5 s doubling to 5 min)
    //! with jitter so a ward's tablets do not all return at once.

    use std::cell::RefCell;
    use std::time::Duration;

    use leptos::prelude::*;
    use uuid::Uuid;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;

    use super::OutboxTick;
    use crate::device::SyncError;

    struct Engine {
        user_id: Uuid,
        failure: RwSignal<Option<String>>,
        sending: RwSignal<bool>,
        tick: OutboxTick,
        running: bool,
        attempts: u32,
        /// A retry after a failure is on its timer: it carries newly queued changes too.
        retrying: bool,
    }

    thread_local! {
        static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    }

    pub fn start(
        user_id: Uuid,
        failure: RwSignal<Option<String>>,
        sending: RwSignal<bool>,
        tick: OutboxTick,
    ) {
        ENGINE.with(|e| {
            *e.borrow_mut() = Some(Engine {
                user_id,
                failure,
                sending,
                tick,
                running: false,
                attempts: 0,
                retrying: false,
            })
        });
        let _ = window_event_listener(leptos::ev::online, |_| run());
        let on_visible = Closure::<dyn Fn()>::new(|| {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                run();
            }
        });
        let _ = document().add_event_listener_with_callback(
            "visibilitychange",
            on_visible.as_ref().unchecked_ref(),
        );
        on_visible.forget();
        run();
    }

    /// Runs shortly, so that a burst of changes goes in one push; while sync is failing, the
    /// retry timer sends them instead. Every push marks what it carried as sent, and a note
    /// typed after that queues a new change: pushing at every pause of typing into a dead
    /// connection would fill the outbox.
    pub fn soon() {
        let retrying = ENGINE.with(|e| e.borrow().as_ref().is_some_and(|e| e.retrying));
        if !retrying {
            set_timeout(run, Duration::from_millis(1500));
        }
    }

    pub fn run() {
        let Some((user_id, failure, sending, tick)) = ENGINE.with(|e| {
            let mut e = e.borrow_mut();
            let engine = e.as_mut()?;
            if engine.running {
                return None;
            }
            engine.running = true;
            engine.retrying = false;
            Some((engine.user_id, engine.failure, engine.sending, engine.tick))
        }) else {
            return;
        };
        sending.set(true);
        leptos::task::spawn_local(async move {
            let outcome = match crate::device::drain(user_id).await {
                Ok(_) => crate::device::upload_photos(user_id).await,
                Err(e) => Err(e),
            };
            let attempts = ENGINE.with(|e| {
                let mut e = e.borrow_mut();
                let Some(engine) = e.as_mut() else { return 0 };
                engine.running = false;
                engine.sending.set(false);
                engine.attempts = if outcome.is_ok() {
                    0
                } else {
                    engine.attempts + 1
                };
                engine.retrying = matches!(&outcome, Err(e) if *e != SyncError::SignedOut);
                engine.attempts
            });
            tick.bump();
            match outcome {
                Ok(_) => failure.set(None),
                Err(e) => {
                    let waits_for_user = e == SyncError::SignedOut;
                    failure.set(Some(e.to_string()));
                    if !waits_for_user {
                        set_timeout(run, backoff(attempts));
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
}

/// The user's waiting changes; the whole device's when nobody is known to be signed in.
#[cfg(feature = "hydrate")]
async fn count(user_id: Option<uuid::Uuid>) -> Option<usize> {
    match user_id {
        Some(id) => crate::device::outbox_count(id).await.ok(),
        None => crate::device::outbox_total().await.ok(),
    }
}

#[cfg(not(feature = "hydrate"))]
async fn count(_user_id: Option<uuid::Uuid>) -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::sync_message;

    #[test]
    fn words_the_interface_keeps() {
        assert_eq!(sync_message(0, None), "All changes synced");
        assert_eq!(sync_message(1, None), "1 change waiting to sync");
        assert_eq!(sync_message(3, None), "3 changes waiting to sync");
        assert_eq!(
            sync_message(2, Some("no connection")),
            "Sync failed: no connection. 2 changes waiting to sync"
        );
    }
}
