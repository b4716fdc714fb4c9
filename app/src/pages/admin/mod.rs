//! "Manage trust": a trust admin's sites, core services, wards, users, sessions, open
//! inspections (`open_inspections`) and buddy access.
//!
//! Each form is an `ActionForm`: with the app hydrated it submits in place, shows its error next
//! to it and refreshes the lists; a new one-time password is shown once, in a panel.

use domain::Role;
use domain::admin::{OneTimePassword, TrustOverview};
use domain::org::WardType;
use leptos::prelude::*;
use leptos_meta::Title;

mod enforcement;
mod open_inspections;
mod retention;

use crate::api::admin::*;
use crate::components::form::{ActionError, error_of, message};
use crate::components::signed_in::SignedIn;

/// `GET /admin`.
#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text="Manage trust - ReadyWard" />
        <SignedIn render=|user| {
            if !user.role.can_administer() {
                return view! {
                    <h1>"Manage trust"</h1>
                    <p>"Only trust administrators can manage the trust."</p>
                }
                    .into_any();
            }
            view! { <AdminSections /> }.into_any()
        } />
    }
}

#[component]
fn AdminSections() -> impl IntoView {
    let add_site = ServerAction::<AdminAddSite>::new();
    let add_service = ServerAction::<AdminAddCoreService>::new();
    let add_unit = ServerAction::<AdminAddUnit>::new();
    let add_user = ServerAction::<AdminAddUser>::new();
    let reset = ServerAction::<AdminResetPassword>::new();
    let update_user = ServerAction::<AdminUpdateUser>::new();
    let add_grant = ServerAction::<AdminAddGrant>::new();
    let end_grant = ServerAction::<AdminEndGrant>::new();
    let extend_grant = ServerAction::<AdminExtendGrant>::new();
    let end_session = ServerAction::<AdminEndSession>::new();
    let hand_over = ServerAction::<AdminHandOver>::new();
    let reopen = ServerAction::<AdminReopen>::new();
    let record_notice = ServerAction::<AdminRecordNotice>::new();
    let lift_notice = ServerAction::<AdminLiftNotice>::new();
    let record_published = ServerAction::<AdminRecordPublished>::new();
    let set_retention = ServerAction::<AdminSetRetention>::new();
    let versions = move || {
        [
            add_site.version().get(),
            add_service.version().get(),
            add_unit.version().get(),
            add_user.version().get(),
            reset.version().get(),
            update_user.version().get(),
            add_grant.version().get(),
            end_grant.version().get(),
            extend_grant.version().get(),
            end_session.version().get(),
            hand_over.version().get(),
            reopen.version().get(),
            record_notice.version().get(),
            lift_notice.version().get(),
            record_published.version().get(),
            set_retention.version().get(),
        ]
    };
    let overview = Resource::new(versions, |_| get_trust_overview());
    // The newest one-time password, from creating a user or resetting one.
    let one_time = Memo::new(move |_| {
        let from = |v: Option<Result<Option<OneTimePassword>, ServerFnError>>| {
            v.and_then(|r| r.ok()).flatten()
        };
        from(reset.value().get()).or_else(|| from(add_user.value().get()))
    });
    view! {
        <h1>"Manage trust"</h1>
        <nav aria-label="Sections" class="jump-links">
            <ul>
                <li><a href="#sites">"Sites"</a></li>
                <li><a href="#core-services">"Core services"</a></li>
                <li><a href="#wards">"Wards"</a></li>
                <li><a href="#users">"Users"</a></li>
                <li><a href="#signed-in">"Signed in"</a></li>
                <li><a href="#open-inspections">"Open inspections"</a></li>
                <li><a href="#finished-inspections">"Finished inspections"</a></li>
                <li><a href="#buddy-access">"Buddy access"</a></li>
                <li><a href="#enforcement">"Enforcement and published ratings"</a></li>
                <li><a href="#retention">"Retention"</a></li>
                <li><a href="/admin/checklists">"Checklists"</a></li>
                <li><a href="/admin/conflicts">"Sync conflicts"</a></li>
                <li><a href="/admin/calibration">"Calibration"</a></li>
                <li><a href="/admin/audit">"Audit trail"</a></li>
            </ul>
        </nav>
        {move || {
            one_time
                .get()
                .map(|otp| {
                    view! {
                        <div class="panel" role="status" aria-live="polite">
                            <h2>"One-time password"</h2>
                            <p>
                                "Give this password to " <strong>{otp.email}</strong>
                                " in person or by phone. They must choose their own when they first sign in. It is shown only once."
                            </p>
                            <p class="panel__secret">{otp.password}</p>
                        </div>
                    }
                })
        }}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => {
                        view! {
                            <Sites overview=o.clone() add_site />
                            <CoreServices overview=o.clone() add_service />
                            <Wards overview=o.clone() add_unit />
                            <Users overview=o.clone() add_user reset update_user />
                            <SignedInSessions overview=o.clone() end_session />
                            <open_inspections::OpenInspections overview=o.clone() hand_over />
                            <open_inspections::FinishedInspections overview=o.clone() reopen />
                            <BuddyAccess overview=o.clone() add_grant end_grant extend_grant />
                            <enforcement::EnforcementAndPublished overview=o.clone() record_notice lift_notice record_published />
                            <retention::RetentionSection overview=o set_retention />
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error-message">{message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Sites(overview: TrustOverview, add_site: ServerAction<AdminAddSite>) -> impl IntoView {
    view! {
        <section aria-labelledby="sites">
            <h2 id="sites">"Sites"</h2>
            <ul>{overview.sites.into_iter().map(|s| view! { <li>{s.name}</li> }).collect_view()}</ul>
            <ActionForm action=add_site attr:class="inline-form">
                <div class="form-group">
                    <label class="label" for="site-name">"Site name"</label>
                    <input class="input" id="site-name" name="name" required />
                </div>
                <ActionError message=Signal::derive(move || error_of(add_site.value().get())) />
                <button type="submit" class="button">"Add site"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn CoreServices(
    overview: TrustOverview,
    add_service: ServerAction<AdminAddCoreService>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="core-services">
            <h2 id="core-services">"Core services"</h2>
            <ul>
                {overview
                    .core_services
                    .into_iter()
                    .map(|cs| view! { <li>{cs.name} <span class="hint">" at " {cs.site_name}</span></li> })
                    .collect_view()}
            </ul>
            <ActionForm action=add_service attr:class="inline-form">
                <div class="form-group">
                    <label class="label" for="service-site">"Site"</label>
                    <select id="service-site" name="site_id" required>
                        {overview.sites.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="service-name">"Core service name"</label>
                    <input class="input" id="service-name" name="name" required />
                </div>
                <ActionError message=Signal::derive(move || error_of(add_service.value().get())) />
                <button type="submit" class="button">"Add core service"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Wards(overview: TrustOverview, add_unit: ServerAction<AdminAddUnit>) -> impl IntoView {
    let count = overview.units.len();
    view! {
        <section aria-labelledby="wards">
            <h2 id="wards">"Wards"</h2>
            <p>{format!("{count} wards. Each appears on the home page under its site and core service.")}</p>
            <table class="table">
                <caption class="visually-hidden">"Wards"</caption>
                <thead>
                    <tr><th scope="col">"Ward"</th><th scope="col">"Type"</th><th scope="col">"Core service"</th><th scope="col">"Site"</th></tr>
                </thead>
                <tbody>
                    {overview
                        .units
                        .into_iter()
                        .map(|u| {
                            let kind = WardType::parse(&u.ward_type).map(|w| w.label()).unwrap_or("Ward");
                            view! {
                                <tr>
                                    <td><a href=format!("/wards/{}", u.id)>{u.name}</a></td>
                                    <td>{kind}</td>
                                    <td>{u.core_service.name}</td>
                                    <td>{u.site.name}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <ActionForm action=add_unit attr:class="inline-form">
                <div class="form-group">
                    <label class="label" for="ward-service">"Core service"</label>
                    <select id="ward-service" name="core_service_id" required>
                        {overview
                            .core_services
                            .into_iter()
                            .map(|cs| view! { <option value=cs.id.to_string()>{format!("{} ({})", cs.name, cs.site_name)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="ward-name">"Ward name"</label>
                    <input class="input" id="ward-name" name="name" required />
                </div>
                <div class="form-group">
                    <label class="label" for="ward-type">"Ward type"</label>
                    <select id="ward-type" name="ward_type" required>
                        {WardType::ALL.into_iter().map(|w| view! { <option value=w.as_str()>{w.label()}</option> }).collect_view()}
                    </select>
                </div>
                <ActionError message=Signal::derive(move || error_of(add_unit.value().get())) />
                <button type="submit" class="button">"Add ward"</button>
            </ActionForm>
        </section>
    }
}

fn role_options(selected: Role) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.as_str() selected=r == selected>{r.label()}</option> })
        .collect_view()
}

#[component]
fn Users(
    overview: TrustOverview,
    add_user: ServerAction<AdminAddUser>,
    reset: ServerAction<AdminResetPassword>,
    update_user: ServerAction<AdminUpdateUser>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="users">
            <h2 id="users">"Users"</h2>
            <ActionError message=Signal::derive(move || error_of(update_user.value().get())) />
            <ActionError message=Signal::derive(move || error_of(reset.value().get())) />
            <ul class="user-list">
                {overview
                    .users
                    .into_iter()
                    .map(|u| {
                        let id = u.id.to_string();
                        let reset_id = id.clone();
                        let role_id = format!("role-{id}");
                        let active_id = format!("active-{id}");
                        let role_label = format!("Role of {}", u.name);
                        let active_label = format!("{} can sign in", u.name);
                        let save_hidden = format!(" for {}", u.name);
                        let reset_hidden = save_hidden.clone();
                        let status = match (u.active, u.must_change_password) {
                            (false, _) => "Deactivated",
                            (true, true) => "Waiting for first sign-in",
                            (true, false) => "Active",
                        };
                        view! {
                            <li class="user">
                                <p class="user__name">
                                    <strong>{u.name}</strong> " " <span class="hint">{u.email}</span>
                                    <span class="tag tag--grey">{status}</span>
                                </p>
                                <ActionForm action=update_user attr:class="user__form">
                                    <input type="hidden" name="user_id" value=id.clone() />
                                    <div class="form-group">
                                        <label class="label" for=role_id.clone()>{role_label}</label>
                                        <select id=role_id name="role">{role_options(u.role)}</select>
                                    </div>
                                    <div class="checkbox">
                                        <input type="checkbox" id=active_id.clone() name="active" value="on" checked=u.active />
                                        <label for=active_id>{active_label}</label>
                                    </div>
                                    <button type="submit" class="button button--secondary">
                                        "Save changes" <span class="visually-hidden">{save_hidden}</span>
                                    </button>
                                </ActionForm>
                                <ActionForm action=reset attr:class="user__form">
                                    <input type="hidden" name="user_id" value=reset_id />
                                    <button type="submit" class="button button--secondary">
                                        "Reset password" <span class="visually-hidden">{reset_hidden}</span>
                                    </button>
                                </ActionForm>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h3>"Add a user"</h3>
            <ActionForm action=add_user attr:class="inline-form">
                <div class="form-group">
                    <label class="label" for="user-name">"Full name"</label>
                    <input class="input" id="user-name" name="name" autocomplete="off" required />
                </div>
                <div class="form-group">
                    <label class="label" for="user-email">"Email address"</label>
                    <input class="input" id="user-email" name="email" type="email" autocomplete="off" spellcheck="false" required />
                </div>
                <div class="form-group">
                    <label class="label" for="user-role">"Role"</label>
                    <select id="user-role" name="role">{role_options(Role::WardInspector)}</select>
                </div>
                <ActionError message=Signal::derive(move || error_of(add_user.value().get())) />
                <button type="submit" class="button">"Add user"</button>
            </ActionForm>
        </section>
    }
}

/// Who is signed in where: a lost tablet's session can be ended here, alone.
#[component]
fn SignedInSessions(
    overview: TrustOverview,
    end_session: ServerAction<AdminEndSession>,
) -> impl IntoView {
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%-d %b %Y, %H:%M UTC").to_string();
    view! {
        <section aria-labelledby="signed-in">
            <h2 id="signed-in">"Signed in"</h2>
            <p class="hint">
                "Each browser or device someone of your trust is signed in on. If a tablet is lost, end its session: it is signed out at once."
            </p>
            <ActionError message=Signal::derive(move || error_of(end_session.value().get())) />
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Person"</th>
                        <th scope="col">"Where"</th>
                        <th scope="col">"Signed in"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="visually-hidden">"End"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {overview
                        .sessions
                        .into_iter()
                        .map(|s| {
                            let kind = if s.browser { "Browser" } else { "Device or script" };
                            view! {
                                <tr>
                                    <td>{s.user_name.clone()} <br /> <span class="hint">{s.user_email}</span></td>
                                    <td>{kind}</td>
                                    <td>{when(s.started_at)}</td>
                                    <td>{when(s.last_seen_at)}</td>
                                    <td>
                                        <ActionForm action=end_session>
                                            <input type="hidden" name="session_id" value=s.id />
                                            <button type="submit" class="button button--secondary">
                                                "End session" <span class="visually-hidden">{format!(" of {}, last used {}", s.user_name, when(s.last_seen_at))}</span>
                                            </button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn BuddyAccess(
    overview: TrustOverview,
    add_grant: ServerAction<AdminAddGrant>,
    end_grant: ServerAction<AdminEndGrant>,
    extend_grant: ServerAction<AdminExtendGrant>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="buddy-access">
            <h2 id="buddy-access">"Buddy access"</h2>
            <p class="hint">"Reviewers of your buddy trust can see your wards and evidence between these dates."</p>
            <ActionError message=Signal::derive(move || error_of(end_grant.value().get())) />
            <ActionError message=Signal::derive(move || error_of(extend_grant.value().get())) />
            <ul class="user-list">
                {overview
                    .grants
                    .into_iter()
                    .map(|g| {
                        let state = if g.current { "Current" } else { "Not current" };
                        view! {
                            <li class="user">
                                <p>
                                    <strong>{g.reviewer_name.clone()}</strong> " (" {g.reviewer_trust} ") "
                                    {format!("from {} to {}", g.starts_on.format("%-d %B %Y"), g.ends_on.format("%-d %B %Y"))}
                                    <span class="tag tag--grey">{state}</span>
                                </p>
                                {
                                    let field = format!("grant-extend-{}", g.id);
                                    let whom = format!(" for {}", g.reviewer_name);
                                    view! {
                                        <ActionForm action=extend_grant attr:class="grant__extend">
                                            <input type="hidden" name="grant_id" value=g.id.to_string() />
                                            <label class="label" for=field.clone()>
                                                "New end date" <span class="visually-hidden">{whom.clone()}</span>
                                            </label>
                                            <input class="input input--date" id=field name="ends_on" type="date" value=g.ends_on.to_string() required />
                                            <button type="submit" class="button button--secondary">
                                                "Change end date" <span class="visually-hidden">{whom}</span>
                                            </button>
                                        </ActionForm>
                                    }
                                }
                                {g.current.then(|| view! {
                                    <ActionForm action=end_grant>
                                        <input type="hidden" name="grant_id" value=g.id.to_string() />
                                        <button type="submit" class="button button--secondary">
                                            "End access" <span class="visually-hidden">{format!(" for {}", g.reviewer_name)}</span>
                                        </button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h3>"Give a reviewer access"</h3>
            <ActionForm action=add_grant attr:class="inline-form">
                <div class="form-group">
                    <label class="label" for="grant-email">"Reviewer's email address"</label>
                    <input class="input" id="grant-email" name="reviewer_email" type="email" spellcheck="false" required />
                </div>
                <div class="form-group">
                    <label class="label" for="grant-start">"Start date"</label>
                    <input class="input input--date" id="grant-start" name="starts_on" type="date" required />
                </div>
                <div class="form-group">
                    <label class="label" for="grant-end">"End date"</label>
                    <input class="input input--date" id="grant-end" name="ends_on" type="date" required />
                </div>
                <ActionError message=Signal::derive(move || error_of(add_grant.value().get())) />
                <button type="submit" class="button">"Give access"</button>
            </ActionForm>
        </section>
    }
}
