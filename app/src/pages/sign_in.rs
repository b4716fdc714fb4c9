//! The sign-in page: "Email", "Password", "Sign in", with errors beside the field they concern.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
    let query = use_query_map();
    let error = move || query.read().get("error").and_then(|c| error_for(&c));
    let signed_out = move || query.read().get("signed_out").is_some();
    let field_error =
        move |field: &'static str| error().and_then(|(f, message)| (f == field).then_some(message));
    view! {
        <Title text="Sign in - ReadyWard" />
        <div class="narrow">
            {move || {
                error()
                    .map(|(field, message)| {
                        view! {
                            <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
                                <h2 id="error-summary-title">"There is a problem"</h2>
                                <ul>
                                    <li>
                                        <a href=format!("#{field}")>{message}</a>
                                    </li>
                                </ul>
                            </div>
                        }
                    })
            }}
            {move || {
                signed_out()
                    .then(|| view! { <p class="inset">"You have signed out."</p> })
            }}
            <h1>"Sign in"</h1>
            <form method="post" action="/fn/sign_in" novalidate>
                <Field id="email" label="Email" kind="email" autocomplete="username" error=Signal::derive(move || field_error("email")) />
                <Field
                    id="password"
                    label="Password"
                    kind="password"
                    autocomplete="current-password"
                    error=Signal::derive(move || field_error("password"))
                />
                <button type="submit" class="button">
                    "Sign in"
                </button>
            </form>
        </div>
    }
}

/// A labelled input with its error message next to it.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    #[prop(into)] error: Signal<Option<&'static str>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="form-group" class:form-group--error=move || error.get().is_some()>
            <label class="label" for=id>
                {label}
            </label>
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="error-message" id=error_id.clone()>
                                <span class="visually-hidden">"Error: "</span>
                                {message}
                            </p>
                        }
                    })
            }}
            <input
                class="input"
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                spellcheck="false"
                aria-describedby=move || error.get().map(|_| described.clone())
                aria-invalid=move || error.get().map(|_| "true")
            />
        </div>
    }
}
