//! Guards a page: renders it for a signed-in user, sends everyone else to the sign-in page.

use domain::api::UserInfo;
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::components::layout::UserResource;

/// Renders `render(user)` once the user is known; redirects to `/sign-in` when nobody is signed in
/// and to the password page while a one-time password is still in use.
#[component]
pub fn SignedIn<F, V>(render: F) -> impl IntoView
where
    F: Fn(UserInfo) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let UserResource(user) = expect_context::<UserResource>();
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
                            _ => view! { <Redirect path="/sign-in" /> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}
