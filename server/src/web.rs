//! The server side of the Leptos app: page rendering, server functions, static files, and the
//! [`Backend`] the app's server functions call.
//!
//! Whether a page needs a signed-in user is decided here, before Leptos renders anything: a
//! signed-out request for such a page is a 303 to `/sign-in?next=<the page>`, whatever its
//! `Accept` header, so curl, link previews and monitors get a plain redirect rather than an empty
//! page.
//!
//! The backend delegates to the same services the REST API uses, so pages and devices share one
//! implementation of every rule.

use std::collections::HashSet;
use std::sync::Arc;

use app::backend::{Backend, SignedIn};
use async_trait::async_trait;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Catalogue;
use domain::admin::{AdminCommand, OneTimePassword, TrustOverview};
use domain::api::{ErrorBody, UnitInfo};
use domain::caller::{Caller, RequestAuth};
use domain::template::{ChecklistTemplate, TemplateDraft};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, ResponseOptions, generate_route_list};
use tower_http::services::ServeDir;
use uuid::Uuid;

use crate::auth::session::{self, SessionKind};
use crate::error::ApiError;
use crate::middleware::page_csp;
use crate::state::AppState;
use crate::store::GrantStore;
use crate::{access, admin, templates};

/// The interface's error body for a page; a server fault's cause goes to the request's log line
/// first, since the body only says "Something went wrong".
fn body(e: ApiError) -> ErrorBody {
    if let ApiError::Internal(cause) = &e {
        crate::request_log::record_cause(cause);
    }
    e.body()
}

#[async_trait]
impl Backend for AppState {
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client_addr: Option<&str>,
    ) -> Result<SignedIn, ErrorBody> {
        let (token, user) = self
            .auth
            .sign_in(email, password, client_addr, SessionKind::Browser)
            .await
            .map_err(body)?;
        Ok(SignedIn {
            user,
            set_cookie: session::session_cookie(
                &token,
                self.auth.limits(),
                self.config.secure_cookies,
            ),
        })
    }

    async fn offline_sign_in(
        &self,
        caller: &Caller,
        held: &[domain::api::HeldAccount],
    ) -> Result<domain::api::OfflineSignIn, ErrorBody> {
        self.auth.offline_sign_in(caller, held).await.map_err(body)
    }

    async fn sign_out(&self, caller: &Caller) -> Result<String, ErrorBody> {
        self.auth.sign_out(caller).await.map_err(body)?;
        Ok(session::clearing_cookie(self.config.secure_cookies))
    }

    async fn change_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
        client_addr: Option<&str>,
    ) -> Result<(), ErrorBody> {
        self.auth
            .change_password(caller, current, new, client_addr)
            .await
            .map_err(body)
    }

    async fn units(&self, caller: &Caller) -> Result<Vec<UnitInfo>, ErrorBody> {
        access::units(&self.store, caller, self.clock.today())
            .await
            .map_err(body)
    }

    async fn unit(&self, caller: &Caller, id: Uuid) -> Result<UnitInfo, ErrorBody> {
        access::unit(&self.store, caller, id, self.clock.today())
            .await
            .map_err(body)
    }

    async fn trust_overview(&self, caller: &Caller) -> Result<TrustOverview, ErrorBody> {
        let mut overview = admin::overview(&self.store, caller, self.clock.today())
            .await
            .map_err(body)?;
        overview.key_questions = self
            .catalogue
            .get(domain::readiness::ward::DEFAULT_FRAMEWORK)
            .map(|f| {
                f.key_questions
                    .iter()
                    .map(|k| (k.code.clone(), k.title.clone()))
                    .collect()
            })
            .unwrap_or_default();
        // A lapsed session is deleted when next used; until then it is not "signed in".
        let (now, limits) = (self.clock.now(), self.auth.limits());
        overview
            .sessions
            .retain(|s| !session::has_lapsed(s.browser, s.started_at, s.last_seen_at, now, limits));
        Ok(overview)
    }

    async fn administer(
        &self,
        caller: &Caller,
        command: AdminCommand,
    ) -> Result<Option<OneTimePassword>, ErrorBody> {
        let store = &self.store;
        let result = match command {
            AdminCommand::AddSite { name } => {
                admin::add_site(store, caller, &name, self.clock.now())
                    .await
                    .map(|_| None)
            }
            AdminCommand::AddCoreService { site_id, name } => {
                admin::add_core_service(store, caller, site_id, &name, self.clock.now())
                    .await
                    .map(|_| None)
            }
            AdminCommand::AddUnit {
                core_service_id,
                name,
                ward_type,
            } => admin::add_unit(
                store,
                caller,
                core_service_id,
                &name,
                &ward_type,
                self.clock.now(),
            )
            .await
            .map(|_| None),
            AdminCommand::AddUser { email, name, role } => {
                admin::add_user(store, caller, &email, &name, role, self.clock.now())
                    .await
                    .map(Some)
            }
            AdminCommand::ResetPassword { user_id } => {
                admin::reset_password(store, caller, user_id, self.clock.now())
                    .await
                    .map(Some)
            }
            AdminCommand::UpdateUser {
                user_id,
                role,
                active,
            } => admin::update_user(store, caller, user_id, role, active, self.clock.now())
                .await
                .map(|_| None),
            AdminCommand::AddGrant {
                reviewer_email,
                starts_on,
                ends_on,
            } => admin::add_grant(
                store,
                caller,
                &reviewer_email,
                starts_on,
                ends_on,
                self.clock.now(),
            )
            .await
            .map(|_| None),
            AdminCommand::EndSession { session_id } => {
                admin::end_session(store, caller, &session_id, self.clock.now())
                    .await
                    .map(|_| None)
            }
            AdminCommand::HandOver {
                inspection_id,
                to_user_id,
            } => {
                // An admin command; an owner hands over from the inspection itself (the API).
                match crate::access::require_admin(caller) {
                    Ok(()) => {
                        let now = self.clock.now();
                        crate::sync::hand_over(store, caller, inspection_id, to_user_id, now)
                            .await
                            .map(|_| None)
                    }
                    Err(e) => Err(e),
                }
            }
            AdminCommand::Reopen {
                inspection_id,
                reason,
            } => crate::sync::reopen(store, caller, inspection_id, &reason, self.clock.now())
                .await
                .map(|_| None),
            AdminCommand::RecordNotice {
                core_service_id,
                key_question,
                enforcement,
            } => crate::enforcement::record_notice(
                store,
                caller,
                core_service_id,
                &key_question,
                enforcement,
                self.clock.now(),
            )
            .await
            .map(|_| None),
            AdminCommand::LiftNotice { notice_id } => {
                crate::enforcement::lift_notice(store, caller, notice_id, self.clock.now())
                    .await
                    .map(|_| None)
            }
            AdminCommand::RecordPublished {
                core_service_id,
                key_question,
                rating,
                report_date,
            } => crate::enforcement::record_published(
                store,
                caller,
                core_service_id,
                &key_question,
                rating,
                report_date,
                self.clock.now(),
            )
            .await
            .map(|_| None),
            AdminCommand::SetRetention(retention) => {
                crate::retention::set(store, caller, &retention, self.clock.now())
                    .await
                    .map(|_| None)
            }
            AdminCommand::EndGrant { grant_id } => {
                admin::end_grant(store, caller, grant_id, self.clock.now())
                    .await
                    .map(|_| None)
            }
            AdminCommand::ExtendGrant { grant_id, ends_on } => {
                admin::extend_grant(store, caller, grant_id, ends_on, self.clock.now())
                    .await
                    .map(|_| None)
            }
            AdminCommand::PairInspectors(request) => {
                crate::calibration::add_pair(store, caller, &request, self.clock.now())
                    .await
                    .map(|_| None)
            }
        };
        result.map_err(body)
    }

    async fn templates(&self, caller: &Caller) -> Result<Vec<ChecklistTemplate>, ErrorBody> {
        templates::for_caller(&self.store, caller, self.clock.today())
            .await
            .map_err(body)
    }

    async fn save_template(
        &self,
        caller: &Caller,
        draft: TemplateDraft,
    ) -> Result<ChecklistTemplate, ErrorBody> {
        templates::save(
            &self.store,
            &self.catalogue,
            caller,
            draft,
            self.clock.now(),
        )
        .await
        .map_err(body)
    }

    async fn archive_template(&self, caller: &Caller, id: Uuid) -> Result<(), ErrorBody> {
        templates::archive(&self.store, caller, id, self.clock.now())
            .await
            .map_err(body)
    }

    async fn conflicts(
        &self,
        caller: &Caller,
    ) -> Result<Vec<domain::conflict::ConflictView>, ErrorBody> {
        crate::conflicts::open(self, caller).await.map_err(body)
    }

    async fn resolve_conflict(
        &self,
        caller: &Caller,
        seq: i64,
        resolution: domain::conflict::Resolution,
    ) -> Result<(), ErrorBody> {
        crate::conflicts::resolve(self, caller, seq, resolution)
            .await
            .map_err(body)
    }

    async fn readiness(
        &self,
        caller: &Caller,
        query: &domain::readiness::ward::ReadinessQuery,
    ) -> Result<domain::readiness::ward::ReadinessReport, ErrorBody> {
        crate::readiness::readiness(self, caller, query)
            .await
            .map_err(body)
    }

    async fn cell_evidence(
        &self,
        caller: &Caller,
        unit_id: Uuid,
        code: &str,
        as_of: Option<chrono::NaiveDate>,
        framework: Option<&str>,
    ) -> Result<domain::readiness::detail::CellEvidence, ErrorBody> {
        crate::readiness::cell::cell_evidence(self, caller, unit_id, code, as_of, framework)
            .await
            .map_err(body)
    }

    async fn audit_log(
        &self,
        caller: &Caller,
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
    ) -> Result<domain::audit::AuditPage, ErrorBody> {
        let to = to.unwrap_or_else(|| self.clock.today());
        let from = from.unwrap_or(to - chrono::Days::new(29));
        crate::audit::browse::page(self, caller, from, to)
            .await
            .map_err(body)
    }

    async fn my_access(
        &self,
        caller: &Caller,
    ) -> Result<Vec<domain::grant::AccessView>, ErrorBody> {
        if caller.user.role != domain::Role::BuddyReviewer {
            return Ok(Vec::new());
        }
        let today = self.clock.today();
        let grants = self
            .store
            .grants_of_reviewer(caller.user.id)
            .await
            .map_err(|e| body(ApiError::from(e)))?;
        Ok(grants
            .into_iter()
            .map(|g| domain::grant::AccessView::on(g, today))
            .collect())
    }

    async fn calibration(
        &self,
        caller: &Caller,
    ) -> Result<domain::calibration::view::CalibrationOverview, ErrorBody> {
        crate::calibration::overview(&self.store, &self.catalogue, caller, self.clock.now())
            .await
            .map_err(body)
    }

    async fn review_queue(
        &self,
        caller: &Caller,
        filter: &domain::review::QueueFilter,
    ) -> Result<domain::review::Queue, ErrorBody> {
        crate::review::queue(self, caller, filter)
            .await
            .map_err(body)
    }

    async fn give_verdict(
        &self,
        caller: &Caller,
        record_id: Uuid,
        request: &domain::review::VerdictRequest,
    ) -> Result<Uuid, ErrorBody> {
        crate::review::give_verdict(&self.store, caller, record_id, request, self.clock.now())
            .await
            .map_err(body)
    }

    async fn remove_photo(
        &self,
        caller: &Caller,
        photo_id: Uuid,
        request: &domain::photo::PhotoRemoval,
    ) -> Result<domain::photo::RemovedPhoto, ErrorBody> {
        self.photos
            .remove(&self.store, caller, photo_id, request)
            .await
            .map_err(body)
    }

    async fn redact_note(
        &self,
        caller: &Caller,
        record_id: Uuid,
        request: &domain::redaction::NoteRedaction,
    ) -> Result<domain::redaction::RedactedNote, ErrorBody> {
        crate::redaction::redact(&self.store, caller, record_id, request, self.clock.now())
            .await
            .map_err(body)
    }

    fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }
}

/// What every page render and server function call gets in its Leptos context: the backend, and
/// a fresh nonce for Leptos' inline hydration script with a CSP that allows that script, the
/// wasm, and nothing else inline.
fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let backend: Arc<dyn Backend> = Arc::new(state.clone());
    move || {
        provide_context(backend.clone());
        leptos::nonce::provide_nonce();
        if let (Some(nonce), Some(res)) =
            (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
            && let Ok(value) = HeaderValue::from_str(&page_csp(&nonce.to_string()))
        {
            res.insert_header(header::CONTENT_SECURITY_POLICY, value);
            res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

/// Pages anyone may open: the sign-in page. (The inspection page is rendered from the device,
/// but only for the user signed in on it; with the server reachable, that means a session.)
const OPEN_PAGES: &[&str] = &["/sign-in"];

/// Where a user still holding a one-time password must go first.
const PASSWORD_PAGE: &str = "/account/password";

/// For a page route (`guarded`, by its pattern) and a caller who may not see it yet: a 303 to the
/// sign-in page coming back here (path and query) afterwards, or to the password page while a
/// one-time password is in use. Everything else (server functions, files) passes untouched.
async fn require_sign_in(
    State(guarded): State<Arc<HashSet<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let is_guarded = matches!(*request.method(), Method::GET | Method::HEAD)
        && request
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|m| guarded.contains(m.as_str()));
    if is_guarded {
        let caller = request
            .extensions()
            .get::<RequestAuth>()
            .and_then(|auth| auth.caller.as_ref());
        let to = match caller {
            None => {
                let here = request.uri().path_and_query().map_or("/", |p| p.as_str());
                Some(app::api::auth::sign_in_path(here))
            }
            Some(c) if c.user.must_change_password && request.uri().path() != PASSWORD_PAGE => {
                Some(PASSWORD_PAGE.to_owned())
            }
            Some(_) => None,
        };
        if let Some(to) = to {
            return Redirect::to(&to).into_response();
        }
    }
    next.run(request).await
}

/// Page routes, server functions and static files.
pub fn router(state: &AppState) -> Router<AppState> {
    let routes = generate_route_list(app::App);
    let guarded: Arc<HashSet<String>> = Arc::new(
        routes
            .iter()
            .map(|r| r.path().to_owned())
            .filter(|p| !OPEN_PAGES.contains(&p.as_str()))
            .collect(),
    );
    let options = state.leptos.clone();
    let context = page_context(state);
    Router::new()
        // Known server functions are registered by `leptos_routes_with_context`; anything else
        // under /fn/ is the interface's JSON 404.
        .route(
            "/fn/{*name}",
            axum::routing::any(|| async { ApiError::NotFound }),
        )
        .route(
            "/readiness.csv",
            axum::routing::get(crate::exports::readiness_csv),
        )
        .route("/audit.csv", axum::routing::get(crate::exports::audit_csv))
        .leptos_routes_with_context(state, routes, context.clone(), move || {
            app::shell(options.clone())
        })
        // Layers on the routes so far, which see the matched route: pages and server functions.
        .layer(axum::middleware::from_fn_with_state(
            guarded,
            require_sign_in,
        ))
        .layer(axum::middleware::from_fn(
            crate::request_log::server_fn_causes,
        ))
        // Files are served as they are (brotli or gzip beside them when the browser takes it)
        // and never run the page context: a file handler that did would take the CSP header out
        // of a page rendered at the same moment on the same thread, and that page would not
        // hydrate. Anything else is the app's "page not found", rendered with the context.
        .fallback_service(
            ServeDir::new(&*state.leptos.site_root)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                        context,
                        app::shell,
                    )
                    .with_state(state.clone()),
                ),
        )
}
