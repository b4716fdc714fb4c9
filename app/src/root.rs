//! The HTML document and the route table.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::components::layout::{Layout, Opening};
use crate::lazy_routes::{
    AdminRoute, AuditRoute, CalibrationRoute, ChangePasswordRoute, ChecklistBuilderRoute,
    ChecklistsRoute, ConflictsRoute, FrameworkRoute, FrameworksRoute, HomeRoute, InspectionRoute,
    NoteRedactionRoute, PhotoRemovalRoute, RateRoute, RateTrustRoute, ReadinessDrillRoute,
    ReadinessLevelRoute, ReadinessRoute, ReviewRoute, SyncLedgerRoute, WardRoute,
};
use crate::pages::{not_found::NotFound, sign_in::SignInPage};

/// The whole HTML document, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#005eb8" />
                <link rel="stylesheet" href="/pkg/readyward.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <script src="/pwa.js" defer></script>
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: every page sits inside the shared layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::device::provide_device();
    let (opening, set_opening) = signal(false);
    provide_context(Opening(opening));
    view! {
        <Title text="ReadyWard" />
        <Router set_is_routing=set_opening>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/account/password")
                        view={Lazy::<ChangePasswordRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/checklists") view={Lazy::<ChecklistsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/conflicts") view={Lazy::<ConflictsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/calibration") view={Lazy::<CalibrationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/photos/:id") view={Lazy::<PhotoRemovalRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/notes/:id") view={Lazy::<NoteRedactionRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/review") view={Lazy::<ReviewRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("/admin/checklists/new")
                        view={Lazy::<ChecklistBuilderRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/checklists/:id")
                        view={Lazy::<ChecklistBuilderRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/inspections/:id") view={Lazy::<InspectionRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/wards/:id") view={Lazy::<WardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/wards/:id/rate") view={Lazy::<RateRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/trusts/:id/rate") view={Lazy::<RateTrustRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sync") view={Lazy::<SyncLedgerRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/readiness") view={Lazy::<ReadinessRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/readiness/wards/:id") view={Lazy::<ReadinessDrillRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/readiness/levels/:id") view={Lazy::<ReadinessLevelRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/frameworks") view={Lazy::<FrameworksRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/frameworks/:id") view={Lazy::<FrameworkRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
