//! The four roles a ReadyWard user can hold, and what each may do.
//!
//! Roles are deliberately coarse: every permission check in the server and the app asks one of
//! the `can_*` methods here, so the policy lives in one place.

use serde::{Deserialize, Serialize};

/// A user's role within their own trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sets up the trust: sites, services, wards, users, buddy grants, templates.
    TrustAdmin,
    /// Walks wards and records mock inspections.
    WardInspector,
    /// Works for a buddy trust and quality-checks another trust's evidence under a grant.
    BuddyReviewer,
    /// Reads readiness; changes nothing.
    BoardViewer,
}

impl Role {
    /// Every role, in the order the admin pages list them.
    pub const ALL: [Role; 4] = [
        Role::TrustAdmin,
        Role::WardInspector,
        Role::BuddyReviewer,
        Role::BoardViewer,
    ];

    /// The stable code stored in the database and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::TrustAdmin => "trust_admin",
            Role::WardInspector => "ward_inspector",
            Role::BuddyReviewer => "buddy_reviewer",
            Role::BoardViewer => "board_viewer",
        }
    }

    /// Parses the stable code; `None` for anything else.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// Plain-English name for screens.
    pub fn label(self) -> &'static str {
        match self {
            Role::TrustAdmin => "Trust administrator",
            Role::WardInspector => "Ward inspector",
            Role::BuddyReviewer => "Buddy reviewer",
            Role::BoardViewer => "Board member",
        }
    }

    /// May manage the organisation, users and grants of their own trust.
    pub fn can_administer(self) -> bool {
        self == Role::TrustAdmin
    }

    /// May record inspections on devices.
    pub fn can_inspect(self) -> bool {
        matches!(self, Role::WardInspector | Role::TrustAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn only_admins_administer_and_board_cannot_inspect() {
        assert!(Role::TrustAdmin.can_administer());
        assert!(!Role::WardInspector.can_administer());
        assert!(!Role::BoardViewer.can_inspect());
        assert!(!Role::BuddyReviewer.can_inspect());
    }
}
