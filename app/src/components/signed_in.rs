//! Guards a page: renders it for a signed-in user, sends everyone else to the sign-in page.

use domain::api::UserInfo;
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::components::session::UserResource;

/// Renders `render(user)` once the user is known; redirects to `/sign-in` (coming back here
/// afterwards) when nobody is signed in and to the password page while a one-time password is
/// still in use. The server already sends signed-out page requests to `/sign-in` before
/// rendering; this covers pages opened in the browser after the session ended.
#[component]
pub fn SignedIn<F, V>(render: F) -> impl IntoView
where
    F: Fn(UserInfo) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let UserResource(user) = expect_context::<UserResource>();
    let location = leptos_router::hooks::use_location();
    let here = move || {
        let (path, search) = (
            location.pathname.get_untracked(),
            location.search.get_untracked(),
        );
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {
                let render = render.clone();
                move || {
                    let render = render.clone();
                    Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) if u.must_change_password => {
                                view! { <Redirect path="/account/password" /> }.into_any()
                            }
                            Ok(Some(u)) => render(u).into_any(),
                            _ => {
                                let path = crate::api::auth::sign_in_path(&here());
                                view! { <Redirect path /> }.into_any()
                            }
                        }
                    })
                }
            }
        </Suspense>
    }
}
