//! The sign-in page: "Email", "Password", "Sign in", with errors beside the field they concern.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ErrorSummary, Field, use_form_error};

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
        _ => None,
    }
}

/// `GET /sign-in`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let error = use_form_error(error_for);
    let query = use_query_map();
    let signed_out = move || query.read().get("signed_out").is_some();
    view! {
        <Title text="Sign in - ReadyWard" />
        <div class="narrow">
            <ErrorSummary error />
            {move || signed_out().then(|| view! { <p class="inset">"You have signed out."</p> })}
            <h1>"Sign in"</h1>
            <form method="post" action="/fn/sign_in" novalidate>
                <Field id="email" label="Email" kind="email" autocomplete="username" error />
                <Field
                    id="password"
                    label="Password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <button type="submit" class="button">
                    "Sign in"
                </button>
            </form>
        </div>
    }
}
