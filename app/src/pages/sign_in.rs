//! The sign-in page: "Email", "Password", "Sign in", with errors beside the field they concern.
//!
//! Without the wasm bundle it is a plain form post. With it, the form posts in the background:
//! on success the device keeps a verifier of the password (so this user can sign in again and
//! unlock offline); when the server cannot be reached, the device checks that verifier instead.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ErrorSummary, Field, form_fields, use_form_error};
use crate::device::{OfflineRefusal, ThisDevice, use_device};

/// The message for each error code the sign-in form can come back with, and the field it belongs to.
fn error_for(code: &str) -> Option<(&'static str, &'static str)> {
    match code {
        "missing_email" => Some(("email", "Enter your email address")),
        "missing_password" => Some(("password", "Enter your password")),
        "invalid" => Some((
            "email",
            "Email or password is not right. Check them and try again",
        )),
        "rate_limited" => Some((
            "email",
            "Too many attempts to sign in. Wait 15 minutes, then try again",
        )),
        // One message for every offline failure: it must not tell which emails the device knows.
        "offline_refused" => Some((
            "email",
            "There is no connection, and this email and password cannot sign in on this device. \
             Check them and try again, or connect to the internet to sign in",
        )),
        "offline_limited" => Some((
            "email",
            "Too many attempts to sign in on this device. Wait 15 minutes, \
             or connect to the internet to sign in",
        )),
        "unavailable" => Some((
            "email",
            "ReadyWard could not sign you in just now. Try again in a few minutes",
        )),
        "expired" => Some(("password", domain::api::ONE_TIME_PASSWORD_EXPIRED)),
        _ => None,
    }
}

/// `GET /sign-in`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let error = use_form_error(error_for);
    let query = use_query_map();
    let signed_out = move || query.read().get("signed_out").is_some();
    // Where to go after signing in; anything but a path on this site is ignored.
    let next = move || {
        query
            .read()
            .get("next")
            .filter(|n| crate::api::auth::local_path(n).is_some())
    };
    let busy = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let device = use_device();
    // Read after hydration: the server cannot know what this device holds.
    let left_behind = RwSignal::new(None);
    let last_user = RwSignal::new(None::<String>);
    let forgotten = RwSignal::new(false);
    Effect::new(move |_| {
        left_behind.set(device.left_behind());
        last_user.set(device.last_signed_out());
    });
    let forget_me = move |_| {
        leptos::task::spawn_local(async move {
            if device.forget_last_user().await.is_ok() {
                last_user.set(None);
                forgotten.set(true);
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        sign_in_here(device, ev, busy, untrack(next), navigate.clone())
    };
    view! {
        <Title text="Sign in - ReadyWard" />
        <div class="narrow">
            <ErrorSummary error />
            {move || signed_out().then(|| view! {
                <div class="inset">
                    <p>"You have signed out."</p>
                    {move || left_behind.get().map(|words| view! { <p>{words}</p> })}
                    {move || last_user.get().map(|_| view! {
                        <p class="hint">
                            "Your password also opens ReadyWard on this device without a connection, for a few days."
                        </p>
                        <button type="button" class="button button--secondary" on:click=forget_me>
                            "Forget my password on this device"
                        </button>
                    })}
                    {move || forgotten.get().then(|| view! {
                        <p role="status">"Done: only a sign-in with a connection opens ReadyWard for you here now."</p>
                    })}
                </div>
            })}
            <h1>"Sign in"</h1>
            <form method="post" action="/fn/sign_in" novalidate on:submit=submit>
                {move || next().map(|n| view! { <input type="hidden" name="next" value=n /> })}
                <Field id="email" label="Email" kind="email" autocomplete="username" error />
                <Field
                    id="password"
                    label="Password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <button type="submit" class="button" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </div>
    }
}

/// Signs in from the browser: online through the server, offline against the device.
fn sign_in_here(
    device: ThisDevice,
    ev: leptos::ev::SubmitEvent,
    busy: RwSignal<bool>,
    next: Option<String>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
) {
    ev.prevent_default();
    let Some(form) = ev.target() else {
        return;
    };
    let mut fields = form_fields(&form, &["email", "password"]).into_iter();
    let (Some((_, email)), Some((_, password))) = (fields.next(), fields.next()) else {
        return;
    };
    let email = email.trim().to_owned();
    busy.set(true);
    leptos::task::spawn_local(async move {
        match sign_in_flow(device, &email, &password, next.as_deref()).await {
            Ok(to) => device.go_to(&to),
            Err(code) => {
                busy.set(false);
                let back = match next.as_deref() {
                    // Keeps `next`, encoded as the server would.
                    Some(next) => crate::api::auth::sign_in_path(next).replacen(
                        "/sign-in?",
                        &format!("/sign-in?error={code}&"),
                        1,
                    ),
                    None => format!("/sign-in?error={code}"),
                };
                navigate(&back, Default::default());
            }
        }
    });
}

/// Where to go after signing in (`next` when it is a local path), or the error code to show.
async fn sign_in_flow(
    device: ThisDevice,
    email: &str,
    password: &str,
    next: Option<&str>,
) -> Result<String, &'static str> {
    if email.is_empty() {
        return Err("missing_email");
    }
    if password.is_empty() {
        return Err("missing_password");
    }
    let next = next.and_then(crate::api::auth::local_path);
    let mut fields = vec![("email", email), ("password", password)];
    if let Some(next) = next {
        fields.push(("next", next));
    }
    let Ok(response) = device.post_form("/fn/sign_in", &fields).await else {
        // No server: the device checks the password against what it kept.
        return match device.sign_in_on_device(email, password).await {
            Ok(Ok(user)) => {
                // Whatever session this browser still holds ends when the server is next
                // reached: the user signs in there again, so the password is checked anew.
                device.set_sign_out_pending(true);
                device.start_device_session(&user);
                Ok(next.unwrap_or("/").to_owned())
            }
            Ok(Err(OfflineRefusal::TooMany)) => Err("offline_limited"),
            Ok(Err(_)) | Err(_) => Err("offline_refused"),
        };
    };
    let to = response.location.unwrap_or_else(|| "/".to_owned());
    if !response.ok {
        return Err("unavailable");
    }
    if let Some(rest) = to.strip_prefix("/sign-in?error=") {
        // The server keeps `next` after the code.
        let code = rest.split('&').next().unwrap_or_default();
        let known = [
            "missing_email",
            "missing_password",
            "rate_limited",
            "unavailable",
            "expired",
        ];
        return Err(known.into_iter().find(|k| *k == code).unwrap_or("invalid"));
    }
    if let Ok(Some(user)) = crate::api::auth::current_user().await {
        device.set_sign_out_pending(false);
        device.start_device_session(&user);
        // A one-time password is about to be replaced: it is not worth keeping.
        if !user.must_change_password {
            let _ = device.remember_account(&user, password).await;
        }
    }
    Ok(to)
}
