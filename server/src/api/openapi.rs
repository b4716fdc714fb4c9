//! `/api/v1/openapi.json`: the interface described from the handlers' own annotations.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ReadyWard API",
        version = "1",
        description = "External interface v1 of ReadyWard."
    ),
    paths(
        super::auth::login,
        super::auth::logout,
        super::auth::me,
        super::auth::change_password,
        super::frameworks::list,
        super::frameworks::get,
        super::units::list,
        super::units::get,
        super::templates::list,
        super::templates::version,
        super::sync::push,
        super::sync::pull,
        super::sync::inspection,
        super::sync::hand_over_choices,
        super::sync::hand_over,
        super::sync::reopen,
        super::photos::put,
        super::photos::get,
        super::photos::thumbnail,
        super::photos::remove,
        super::notes::redact,
        super::ratings::aggregate,
        super::readiness::get,
        super::review::queue,
        super::review::give_verdict,
    ),
    components(schemas(domain::api::ErrorBody, domain::review::ReplyData))
)]
struct ApiDoc;

/// `GET /api/v1/openapi.json` (no sign-in needed).
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
