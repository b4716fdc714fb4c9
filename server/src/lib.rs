//! The `readyward` server: configuration, storage, auth, the REST API and the Leptos pages.
//!
//! A request passes, outermost first: request log (its id and its one line, see
//! [`request_log`]), panic guard, compression, security headers, authentication (which also
//! refuses cross-site cookie writes), then either `/api/v1` (REST for devices), `/fn/*` (the
//! pages' server functions) or a page render (signed-out visitors are sent to sign in first) /
//! static file.

pub mod access;
pub mod admin;
pub mod api;
pub mod audit;
pub mod auth;
pub mod calibration;
pub mod clock;
pub mod config;
pub mod conflicts;
pub mod enforcement;
pub mod error;
pub mod exports;
pub mod middleware;
pub mod photos;
pub mod readiness;
pub mod redaction;
pub mod request_log;
pub mod retention;
pub mod review;
pub mod seed;
pub mod state;
pub mod store;
pub mod sync;
pub mod templates;
pub mod web;

use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::Catalogue;
use leptos::config::LeptosOptions;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

use crate::auth::AuthService;
use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;

/// Opens storage, loads the frameworks and builds the shared state.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&config.data_dir)?;
    let store = Store::open(&config.database_url()).await?;
    state_with_store(config, store, Arc::new(clock::SystemClock)).await
}

/// Builds the shared state over an already opened store and a clock (tests use this).
pub async fn state_with_store(
    config: Config,
    store: Store,
    clock: Arc<dyn clock::Clock>,
) -> anyhow::Result<AppState> {
    let catalogue = Arc::new(Catalogue::built_in()?);
    let principles = Arc::new(domain::principles::Principles::built_in()?);
    let crosswalks = Arc::new(domain::crosswalk::Crosswalks::built_in()?);
    crosswalks.validate(&catalogue)?;
    let readiness_rules =
        Arc::new(domain::readiness::rules::ReadinessRules::built_in().map_err(anyhow::Error::msg)?);
    templates::ensure_built_in(&store, &catalogue, clock.now()).await?;
    let auth = AuthService::new(store.clone(), clock.clone(), config.auth.clone())?;
    let photo_store: Arc<dyn photos::blobs::PhotoStore> = match &config.s3 {
        Some(s3) => Arc::new(photos::s3::S3Bucket::new(s3)?),
        None => Arc::new(photos::blobs::LocalFolder::new(config.photo_dir())?),
    };
    let photos = photos::Photos::new(
        photo_store,
        config.photo.clone(),
        config.max_photo_bytes,
        config.photo_uploads_at_once,
        clock.clone(),
    );
    let leptos = LeptosOptions::builder()
        .output_name("readyward")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    Ok(AppState {
        store,
        clock,
        auth,
        catalogue,
        principles,
        readiness_rules,
        readiness_memo: Arc::default(),
        crosswalks,
        photos,
        config: Arc::new(config),
        leptos,
    })
}

/// `GET /healthz`: 200 once the database answers.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api::router(&state))
        .merge(web::router(&state))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(
            |panic: Box<dyn std::any::Any + Send>| {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                ApiError::Internal(anyhow::anyhow!("a request handler panicked: {message}"))
                    .into_response()
            },
        ))
        // Outermost, so a panic's 500 is logged too.
        .layer(axum::middleware::from_fn(request_log::log_requests))
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM, then lets in-flight requests finish. With `config.tls` it
/// serves HTTPS itself (tablets need a secure origin for the camera and the service worker).
pub async fn serve(mut config: Config) -> anyhow::Result<()> {
    let addr = config.addr;
    let tls = config.tls.clone();
    if tls.is_some() {
        config.secure_cookies = true;
    }
    let state = build_state(config).await?;
    tokio::spawn(audit::checkpoint_daily(
        state.store.clone(),
        audit::checkpoint::Checkpoints::in_data_dir(&state.config.data_dir),
        state.clock.clone(),
    ));
    tokio::spawn(retention::sweep_daily(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    match tls {
        None => {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            tracing::info!(%addr, "ReadyWard is listening on http://{addr}");
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await?;
        }
        Some(files) => {
            // ring is the one crypto provider compiled in; installing it twice is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&files.cert, &files.key)
                .await
                .with_context(|| {
                    format!(
                        "reading the TLS certificate {} and key {}",
                        files.cert.display(),
                        files.key.display()
                    )
                })?;
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            tracing::info!(%addr, "ReadyWard is listening on https://{addr}");
            axum_server::bind_rustls(addr, tls)
                .handle(handle)
                .serve(app)
                .await?;
        }
    }
    tracing::info!("ReadyWard stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
