//! Screens split out of the first download (sign-in, the inspection and the frame around every
//! page stay in the main bundle): each loads as its own wasm chunk when first opened. The service
//! worker precaches every chunk with the bundle, so they open offline too.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages::{
    admin::AdminPage,
    change_password::ChangePasswordPage,
    checklists::{ChecklistBuilderPage, ChecklistsPage},
    conflicts::ConflictsPage,
    frameworks::{FrameworkPage, FrameworksPage},
    home::HomePage,
    sync_ledger::SyncLedgerPage,
    ward::WardPage,
};

/// `/admin`.
#[derive(Debug)]
pub struct AdminRoute;

#[lazy_route]
impl LazyRoute for AdminRoute {
    fn data() -> Self {
        AdminRoute
    }
    fn view(_this: Self) -> AnyView {
        AdminPage().into_any()
    }
}

/// `/admin/checklists`.
#[derive(Debug)]
pub struct ChecklistsRoute;

#[lazy_route]
impl LazyRoute for ChecklistsRoute {
    fn data() -> Self {
        ChecklistsRoute
    }
    fn view(_this: Self) -> AnyView {
        ChecklistsPage().into_any()
    }
}

/// `/admin/checklists/new` and `/admin/checklists/:id`.
#[derive(Debug)]
pub struct ChecklistBuilderRoute;

#[lazy_route]
impl LazyRoute for ChecklistBuilderRoute {
    fn data() -> Self {
        ChecklistBuilderRoute
    }
    fn view(_this: Self) -> AnyView {
        ChecklistBuilderPage().into_any()
    }
}

/// `/admin/conflicts`.
#[derive(Debug)]
pub struct ConflictsRoute;

#[lazy_route]
impl LazyRoute for ConflictsRoute {
    fn data() -> Self {
        ConflictsRoute
    }
    fn view(_this: Self) -> AnyView {
        ConflictsPage().into_any()
    }
}

/// `/frameworks`.
#[derive(Debug)]
pub struct FrameworksRoute;

#[lazy_route]
impl LazyRoute for FrameworksRoute {
    fn data() -> Self {
        FrameworksRoute
    }
    fn view(_this: Self) -> AnyView {
        FrameworksPage().into_any()
    }
}

/// `/frameworks/:id`.
#[derive(Debug)]
pub struct FrameworkRoute;

#[lazy_route]
impl LazyRoute for FrameworkRoute {
    fn data() -> Self {
        FrameworkRoute
    }
    fn view(_this: Self) -> AnyView {
        FrameworkPage().into_any()
    }
}

/// `/sync`.
#[derive(Debug)]
pub struct SyncLedgerRoute;

#[lazy_route]
impl LazyRoute for SyncLedgerRoute {
    fn data() -> Self {
        SyncLedgerRoute
    }
    fn view(_this: Self) -> AnyView {
        SyncLedgerPage().into_any()
    }
}

/// `/account/password`.
#[derive(Debug)]
pub struct ChangePasswordRoute;

#[lazy_route]
impl LazyRoute for ChangePasswordRoute {
    fn data() -> Self {
        ChangePasswordRoute
    }
    fn view(_this: Self) -> AnyView {
        ChangePasswordPage().into_any()
    }
}

/// `/`.
#[derive(Debug)]
pub struct HomeRoute;

#[lazy_route]
impl LazyRoute for HomeRoute {
    fn data() -> Self {
        HomeRoute
    }
    fn view(_this: Self) -> AnyView {
        HomePage().into_any()
    }
}

/// `/wards/:id`.
#[derive(Debug)]
pub struct WardRoute;

#[lazy_route]
impl LazyRoute for WardRoute {
    fn data() -> Self {
        WardRoute
    }
    fn view(_this: Self) -> AnyView {
        WardPage().into_any()
    }
}
