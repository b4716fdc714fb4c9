//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use domain::Catalogue;
use leptos::config::LeptosOptions;

use crate::auth::AuthService;
use crate::clock::Clock;
use crate::config::Config;
use crate::photos::Photos;
use crate::store::Store;

/// Shared, cheaply cloned state of a running server.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Where "now" comes from: the wall clock, or a test's.
    pub clock: Arc<dyn Clock>,
    pub auth: AuthService,
    pub catalogue: Arc<Catalogue>,
    /// The CQC's ratings principles, as data.
    pub principles: Arc<domain::principles::Principles>,
    /// Which items of one framework evidence recorded under another counts for, as data.
    pub crosswalks: Arc<domain::crosswalk::Crosswalks>,
    /// How evidence becomes readiness (points, bands, weights, half-life), as data.
    pub readiness_rules: Arc<domain::readiness::rules::ReadinessRules>,
    /// Readiness this server computed, kept while the database's counters say it holds.
    pub readiness_memo: Arc<crate::readiness::memo::Memo>,
    pub config: Arc<Config>,
    pub photos: Photos,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
