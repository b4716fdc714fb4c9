//! The idle lock: after a few minutes without a touch (set per device), the page is hidden
//! until the signed-in user enters their password, checked on the device so it works offline.
//! A reload does not get round it: the locked state is kept on the device.

use leptos::prelude::*;

use crate::device::{ThisDevice, use_device};

/// Whether the screen is locked; the layout hides the page while it is.
#[derive(Clone, Copy)]
pub struct Locked(pub RwSignal<bool>);

/// Wrong passwords allowed at the lock before the user is signed out.
const UNLOCK_ATTEMPTS: u32 = 5;

/// Starts watching for idleness (in the browser only) and provides [`Locked`].
pub fn provide_lock() -> RwSignal<bool> {
    let locked = RwSignal::new(false);
    provide_context(Locked(locked));
    let device = use_device();
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            watch_idle(device, locked);
        }
    });
    locked
}

fn watch_idle(device: ThisDevice, locked: RwSignal<bool>) {
    use std::cell::Cell;
    use std::rc::Rc;
    let Some(user) = device.device_user() else {
        return;
    };
    leptos::task::spawn_local(async move {
        if !matches!(device.can_unlock(&user).await, Ok(true)) {
            return;
        }
        if device.is_locked() || device.idle_too_long() {
            device.set_locked(true);
            locked.set(true);
        }
        // Writing the time on every touch would be wasteful: every few seconds is enough.
        let last_write = Rc::new(Cell::new(0.0));
        let on_activity = move || {
            let now = chrono::Utc::now().timestamp_millis() as f64;
            if !locked.get_untracked() && now - last_write.get() > 5_000.0 {
                last_write.set(now);
                device.touch();
            }
        };
        let on_key = on_activity.clone();
        let _ = window_event_listener(leptos::ev::pointerdown, move |_| on_activity());
        let _ = window_event_listener(leptos::ev::keydown, move |_| on_key());
        let _ = set_interval_with_handle(
            move || {
                if !locked.get_untracked()
                    && device.device_user().is_some()
                    && device.idle_too_long()
                {
                    device.set_locked(true);
                    locked.set(true);
                }
            },
            std::time::Duration::from_secs(10),
        );
    });
}

/// Locks the screen now ("Lock" in the header).
pub fn lock_now() {
    use_device().set_locked(true);
    expect_context::<Locked>().0.set(true);
}

/// The lock screen, shown in place of the page while locked.
#[component]
pub fn LockScreen() -> impl IntoView {
    let Locked(locked) = expect_context::<Locked>();
    move || locked.get().then(|| view! { <LockPanel /> })
}

#[component]
fn LockPanel() -> impl IntoView {
    let error = RwSignal::new(None::<&'static str>);
    let checking = RwSignal::new(false);
    let password = NodeRef::<leptos::html::Input>::new();
    let device = use_device();
    Effect::new(move |_| {
        if let Some(input) = password.get() {
            let _ = input.focus();
        }
    });
    let name = device
        .device_user()
        .map_or_else(|| "Someone".to_owned(), |u| u.name);
    view! {
        <section class="lock narrow" aria-labelledby="lock-heading">
            <h1 id="lock-heading">"ReadyWard is locked"</h1>
            <p>
                {format!("{name} is signed in. ")}
                "Enter your password to carry on. Everything saved on this device is kept."
            </p>
            <form on:submit=move |ev| unlock(device, ev, password, error, checking)>
                <div class="form-group" class:form-group--error=move || error.get().is_some()>
                    <label class="label" for="unlock-password">"Password"</label>
                    {move || {
                        error
                            .get()
                            .map(|e| {
                                view! {
                                    <p id="unlock-password-error" class="error-message">
                                        <span class="visually-hidden">"Error: "</span>
                                        {e}
                                    </p>
                                }
                            })
                    }}
                    <input
                        class="input"
                        id="unlock-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        node_ref=password
                        aria-describedby=move || error.get().map(|_| "unlock-password-error")
                    />
                </div>
                <button type="submit" class="button" disabled=move || checking.get()>
                    {move || if checking.get() { "Checking…" } else { "Unlock" }}
                </button>
            </form>
            <form method="post" action="/fn/sign_out" on:submit=crate::components::sign_out::sign_out>
                <button type="submit" class="button button--secondary">
                    "Sign out"
                </button>
            </form>
        </section>
    }
}

fn unlock(
    device: ThisDevice,
    ev: leptos::ev::SubmitEvent,
    password: NodeRef<leptos::html::Input>,
    error: RwSignal<Option<&'static str>>,
    checking: RwSignal<bool>,
) {
    ev.prevent_default();
    let Some(input) = password.get_untracked() else {
        return;
    };
    let typed = input.value();
    if typed.is_empty() {
        error.set(Some("Enter your password"));
        return;
    }
    let Some(user) = device.device_user() else {
        leptos::task::spawn_local(crate::components::session::finish_sign_out(device));
        return;
    };
    let Locked(locked) = expect_context::<Locked>();
    checking.set(true);
    leptos::task::spawn_local(async move {
        let right = matches!(device.check_on_device(&user.email, &typed).await, Ok(Ok(_)));
        checking.set(false);
        if right {
            device.clear_unlock_failures();
            device.set_locked(false);
            locked.set(false);
            error.set(None);
        } else if device.note_unlock_failure() >= UNLOCK_ATTEMPTS {
            crate::components::session::finish_sign_out(device).await;
        } else {
            input.set_value("");
            error.set(Some("The password is not right. Try again"));
        }
    });
}

/// "Lock the screen after": the idle time for this device, kept on the device.
#[component]
pub fn LockSetting() -> impl IntoView {
    let minutes = RwSignal::new(crate::device::DEFAULT_LOCK_MINUTES);
    let saved = RwSignal::new(false);
    let device = use_device();
    Effect::new(move |_| minutes.set(device.lock_minutes()));
    let change = move |ev: leptos::ev::Event| {
        if let Ok(m) = event_target_value(&ev).parse::<u32>() {
            minutes.set(m);
            device.set_lock_minutes(m);
            saved.set(true);
        }
    };
    view! {
        <section class="inline-form" aria-labelledby="device-heading">
            <h2 id="device-heading">"This device"</h2>
            <div class="form-group">
                <label class="label" for="lock-minutes">"Lock the screen after"</label>
                <p class="hint" id="lock-minutes-hint">
                    "With no touch for this long, ReadyWard hides the page until your password is entered."
                </p>
                <select id="lock-minutes" aria-describedby="lock-minutes-hint" on:change=change>
                    {crate::device::LOCK_MINUTE_CHOICES
                        .into_iter()
                        .map(|m| {
                            let label = if m == 1 { "1 minute".to_owned() } else { format!("{m} minutes") };
                            view! {
                                <option value=m.to_string() selected=move || minutes.get() == m>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <p class="hint" aria-live="polite">{move || saved.get().then_some("Saved on this device.")}</p>
        </section>
    }
}
