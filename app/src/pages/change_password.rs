//! Choosing a new password: required after a one-time password, available to everyone.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::form::{ErrorSummary, Field, use_form_error};
use crate::components::layout::UserResource;

fn error_for(code: &str) -> Option<(&'static str, &'static str)> {
    match code {
        "wrong_current" => Some(("current_password", "Your current password is not right")),
        "too_short" => Some(("new_password", "Enter a password of at least 10 characters")),
        "mismatch" => Some(("confirm_password", "The two new passwords do not match")),
        _ => None,
    }
}

/// `GET /account/password`.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let UserResource(user) = expect_context::<UserResource>();
    let error = use_form_error(error_for);
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
            <form method="post" action="/fn/change_password" novalidate>
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
