//! Choosing a new password: required after a one-time password, available to everyone.
//!
//! With the wasm bundle the form posts in the background, so that on success the device's
//! offline verifier is renewed with the new password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::form::{ErrorSummary, Field, form_fields, use_form_error};
use crate::components::session::UserResource;
use crate::device::{ThisDevice, use_device};

fn error_for(code: &str) -> Option<(&'static str, &'static str)> {
    match code {
        "wrong_current" => Some(("current_password", "Your current password is not right")),
        "too_short" => Some(("new_password", "Enter a password of at least 10 characters")),
        "mismatch" => Some(("confirm_password", "The two new passwords do not match")),
        "offline" => Some((
            "current_password",
            "Changing your password needs a connection. Try again when you are online",
        )),
        "rate_limited" => Some((
            "current_password",
            "Too many wrong passwords. Wait 15 minutes, then try again",
        )),
        "busy" => Some((
            "current_password",
            "ReadyWard could not check your password just now. Try again in a few minutes",
        )),
        _ => None,
    }
}

/// `GET /account/password`.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let UserResource(user) = expect_context::<UserResource>();
    let error = use_form_error(error_for);
    let navigate = leptos_router::hooks::use_navigate();
    let device = use_device();
    let submit = move |ev: leptos::ev::SubmitEvent| change_here(device, ev, navigate.clone());
    view! {
        <Title text="Change your password - ReadyWard" />
        <div class="narrow">
            <ErrorSummary error />
            <h1>"Change your password"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(u)) if u.must_change_password => {
                            Some(
                                view! {
                                    <p class="inset">
                                        "You signed in with a one-time password. Choose your own password to continue."
                                    </p>
                                }
                                    .into_any(),
                            )
                        }
                        Ok(Some(_)) => None,
                        _ => {
                            Some(
                                view! { <leptos_router::components::Redirect path="/sign-in" /> }
                                    .into_any(),
                            )
                        }
                    }
                })}
            </Suspense>
            <form method="post" action="/fn/change_password" novalidate on:submit=submit>
                <Field
                    id="current_password"
                    label="Current password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <Field
                    id="new_password"
                    label="New password (at least 10 characters)"
                    kind="password"
                    autocomplete="new-password"
                    error
                />
                <Field
                    id="confirm_password"
                    label="Type the new password again"
                    kind="password"
                    autocomplete="new-password"
                    error
                />
                <button type="submit" class="button">
                    "Save password"
                </button>
            </form>
        </div>
    }
}

/// Changes the password from the browser and renews the device's verifier with it.
fn change_here(
    device: ThisDevice,
    ev: leptos::ev::SubmitEvent,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
) {
    ev.prevent_default();
    let Some(form) = ev.target() else {
        return;
    };
    let fields = form_fields(
        &form,
        &["current_password", "new_password", "confirm_password"],
    );
    leptos::task::spawn_local(async move {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let Ok(response) = device.post_form("/fn/change_password", &pairs).await else {
            navigate("/account/password?error=offline", Default::default());
            return;
        };
        let next = response.location.unwrap_or_else(|| "/".to_owned());
        if next.starts_with("/account/password") {
            navigate(&next, Default::default());
            return;
        }
        if let Ok(Some(user)) = crate::api::auth::current_user().await {
            let _ = device.remember_account(&user, &fields[1].1).await;
            device.start_device_session(&user);
        }
        device.go_to(&next);
    });
}
