//! Screens split out of the first download (the sign-in page and the frame around every page
//! stay in the main bundle): each loads as its own wasm chunk when first opened. The service
//! worker precaches every chunk with the bundle, so they open offline too.
//!
//! The split needs the `split` feature (the bundle build); without it (the wasm tests, which
//! are not cut into chunks) the same routes are plain async routes.

use leptos::prelude::*;
use leptos_router::LazyRoute;
#[cfg(any(feature = "split", not(feature = "hydrate")))]
use leptos_router::lazy_route;

use crate::pages::{
    admin::AdminPage,
    audit::AuditPage,
    calibration::CalibrationPage,
    change_password::ChangePasswordPage,
    checklists::{ChecklistBuilderPage, ChecklistsPage},
    conflicts::ConflictsPage,
    frameworks::{FrameworkPage, FrameworksPage},
    home::HomePage,
    inspection::InspectionPage,
    note_redaction::NoteRedactionPage,
    photo_removal::PhotoRemovalPage,
    rate::{RatePage, RateTrustPage},
    readiness::{ReadinessPage, drill::ReadinessDrillPage, level_drill::ReadinessLevelPage},
    review::ReviewPage,
    sync_ledger::SyncLedgerPage,
    ward::WardPage,
};

/// One screen as a lazy route: its page component is only reached through the route's view.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $route;

        #[cfg(any(feature = "split", not(feature = "hydrate")))]
        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }

        #[cfg(all(feature = "hydrate", not(feature = "split")))]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            async fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    };
}

lazy_page!(
    /// `/`.
    HomeRoute => HomePage
);
lazy_page!(
    /// `/inspections/:id`.
    InspectionRoute => InspectionPage
);
lazy_page!(
    /// `/wards/:id`.
    WardRoute => WardPage
);
lazy_page!(
    /// `/admin`.
    AdminRoute => AdminPage
);
lazy_page!(
    /// `/admin/checklists`.
    ChecklistsRoute => ChecklistsPage
);
lazy_page!(
    /// `/admin/checklists/new` and `/admin/checklists/:id`.
    ChecklistBuilderRoute => ChecklistBuilderPage
);
lazy_page!(
    /// `/admin/conflicts`.
    ConflictsRoute => ConflictsPage
);
lazy_page!(
    /// `/admin/audit`.
    AuditRoute => AuditPage
);
lazy_page!(
    /// `/admin/calibration`.
    CalibrationRoute => CalibrationPage
);
lazy_page!(
    /// `/admin/photos/:id`.
    PhotoRemovalRoute => PhotoRemovalPage
);
lazy_page!(
    /// `/admin/notes/:id`.
    NoteRedactionRoute => NoteRedactionPage
);
lazy_page!(
    /// `/review`.
    ReviewRoute => ReviewPage
);
lazy_page!(
    /// `/frameworks`.
    FrameworksRoute => FrameworksPage
);
lazy_page!(
    /// `/frameworks/:id`.
    FrameworkRoute => FrameworkPage
);
lazy_page!(
    /// `/sync`.
    SyncLedgerRoute => SyncLedgerPage
);
lazy_page!(
    /// `/account/password`.
    ChangePasswordRoute => ChangePasswordPage
);
lazy_page!(
    /// `/readiness`: the board's heatmap.
    ReadinessRoute => ReadinessPage
);
lazy_page!(
    /// `/readiness/wards/:id`: one cell opened up.
    ReadinessDrillRoute => ReadinessDrillPage
);

lazy_page!(
    /// `/readiness/levels/:id`: a core service's, site's or the trust's cell opened up.
    ReadinessLevelRoute => ReadinessLevelPage
);
lazy_page!(
    /// `/wards/:id/rate`: a self-assessment or peer review rating.
    RateRoute => RatePage
);

lazy_page!(
    /// `/trusts/:id/rate`: a trust-level Well-led rating.
    RateTrustRoute => RateTrustPage
);
