//! Form pieces in the NHS pattern: an error summary at the top that links to the field, and the
//! same message again next to the field it concerns.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The error a form came back with: the field's id and the sentence to show.
pub type FormError = Signal<Option<(&'static str, &'static str)>>;

/// Reads the `?error=<code>` a form post redirected back with, through the page's own table of
/// codes (so nothing from the URL is ever shown as is).
pub fn use_form_error(messages: fn(&str) -> Option<(&'static str, &'static str)>) -> FormError {
    let query = use_query_map();
    Signal::derive(move || query.read().get("error").and_then(|code| messages(&code)))
}

/// "There is a problem", linking to the field with the error.
#[component]
pub fn ErrorSummary(error: FormError) -> impl IntoView {
    move || {
        error.get().map(|(field, message)| {
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
    }
}

/// A labelled input with its error message next to it.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    error: FormError,
) -> impl IntoView {
    let mine = move || {
        error
            .get()
            .and_then(|(field, message)| (field == id).then_some(message))
    };
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="form-group" class:form-group--error=move || mine().is_some()>
            <label class="label" for=id>
                {label}
            </label>
            {move || {
                mine()
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
                aria-describedby=move || mine().map(|_| described.clone())
                aria-invalid=move || mine().map(|_| "true")
            />
        </div>
    }
}

/// The sentence of a server function error, without the framework's prefix.
pub fn message(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(m) => m.clone(),
        other => other.to_string(),
    }
}

/// The sentence of an action's last error, if its last run failed.
pub fn error_of<T>(value: Option<Result<T, ServerFnError>>) -> Option<String> {
    value.and_then(|r| r.err()).map(|e| message(&e))
}

/// An action's error, shown next to its form; `id` lets a field name it in `aria-describedby`.
#[component]
pub fn ActionError(
    #[prop(into)] message: Signal<Option<String>>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <p class="error-message" role="alert" id=id>
                    <span class="visually-hidden">"Error: "</span>
                    {m}
                </p>
            }
        })
    }
}

/// The values of a form's named inputs, in the order asked for (from a submit event's target).
pub fn form_fields(
    target: &leptos::web_sys::EventTarget,
    names: &[&'static str],
) -> Vec<(&'static str, String)> {
    use leptos::wasm_bindgen::JsCast;
    let form = target.dyn_ref::<leptos::web_sys::HtmlFormElement>();
    names
        .iter()
        .map(|name| {
            let value = form
                .and_then(|f| f.elements().named_item(name))
                .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default();
            (*name, value)
        })
        .collect()
}
