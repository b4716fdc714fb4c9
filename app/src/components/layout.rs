//! The NHS-style frame around every page: skip link, header with the trust and the signed-in
//! user, navigation, the sync status line and the main landmark.

use leptos::prelude::*;

use crate::components::lock::{LockScreen, lock_now, provide_lock};
use crate::components::session::{UserResource, follow_server_session, signed_in_user};
use crate::components::sign_out::sign_out;
use crate::components::sync_status::SyncStatus;
use crate::device::use_device;

/// Whether the router is still opening the next page (loading its code or its data).
#[derive(Clone, Copy)]
pub struct Opening(pub ReadSignal<bool>);

/// Wraps every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let device = use_device();
    let user = Resource::new_blocking(|| (), move |_| signed_in_user(device));
    provide_context(UserResource(user));
    let tick = crate::device::OutboxTick(RwSignal::new(0));
    provide_context(tick);
    Effect::new(move |_| {
        if let Some(answer) = user.get() {
            follow_server_session(device, answer, tick);
        }
    });
    let locked = provide_lock();
    crate::components::sync_status::provide_waiting();
    crate::components::sync_status::provide_sync();
    let Opening(opening) = expect_context::<Opening>();
    view! {
        <a href="#main-content" class="skip-link">"Skip to main content"</a>
        // A bar along the top while the next page opens; CSS shows it only after a moment, so
        // quick changes do not flicker. Screen readers hear `aria-busy` on the main landmark.
        <div class="page-opening" class:page-opening--active=opening aria-hidden="true"></div>
        <header class="header">
            <div class="width-container header__inner">
                <a href="/" class="header__service" aria-label="ReadyWard home">"ReadyWard"</a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        user.await.ok().flatten().map(|u| view! { <HeaderUser user=u /> })
                    })}
                </Suspense>
            </div>
        </header>
        <div class="width-container">
            <SyncStatus />
            <LockScreen />
            <main
                id="main-content"
                class="main"
                tabindex="-1"
                hidden=move || locked.get()
                aria-busy=move || opening.get().then_some("true")
            >
                {children()}
            </main>
        </div>
        <footer class="footer">
            <div class="width-container">
                <p>
                    "Ratings shown by ReadyWard are indicative: CQC applies its own judgement."
                </p>
            </div>
        </footer>
    }
}

#[component]
fn HeaderUser(user: domain::api::UserInfo) -> impl IntoView {
    let is_admin = user.role.can_administer();
    view! {
        <p class="header__trust">{user.trust_name.clone()}</p>
        <nav class="header__nav" aria-label="Main">
            <ul>
                <li>
                    <a href="/">"Home"</a>
                </li>
                <li>
                    <a href="/readiness">"Readiness"</a>
                </li>
                <li>
                    <a href="/frameworks">"Frameworks"</a>
                </li>
                {is_admin
                    .then(|| {
                        view! {
                            <li>
                                <a href="/admin">"Manage trust"</a>
                            </li>
                        }
                    })}
            </ul>
        </nav>
        <div class="header__account">
            <span class="header__user">
                {user.name.clone()} <span class="header__role">" ("{user.role.label()}")"</span>
            </span>
            <button type="button" class="button button--secondary" on:click=move |_| lock_now()>
                "Lock"
            </button>
            <form method="post" action="/fn/sign_out" class="header__sign-out" on:submit=sign_out>
                <button type="submit" class="button button--secondary">
                    "Sign out"
                </button>
            </form>
        </div>
    }
}
