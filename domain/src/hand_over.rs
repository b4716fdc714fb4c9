//! Handing an open inspection to another inspector of the trust, so the next shift carries on
//! where this one stopped: who may, to whom, and the wire types of
//! `/api/v1/inspections/{id}/hand-over`.
//!
//! It fits the owner-only rule: an inspection has one owner at a time, and only the owner's
//! pushes change it. Handing over moves the ownership; the new owner's devices fetch it at
//! their next pull, and the old owner's changes are refused from then on.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::NamedRef;
use crate::inspection::InspectionStatus;
use crate::role::Role;

/// `POST /api/v1/inspections/{id}/hand-over`: who takes the inspection on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandOverRequest {
    pub to_user_id: Uuid,
}

/// `GET /api/v1/inspections/{id}/hand-over`: whom the caller may hand the inspection to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandOverChoices {
    /// Its owner now.
    pub owner: NamedRef,
    /// Active inspectors and admins of the trust other than the owner, by name.
    pub colleagues: Vec<NamedRef>,
}

/// Why a hand-over was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HandOverRefusal {
    /// The caller neither owns the inspection nor administers its trust.
    #[error("Only the inspector who owns this inspection, or a trust admin, can hand it over")]
    NotTheirs,
    /// Finished inspections stay with whoever finished them.
    #[error("This inspection is finished: only an open inspection can be handed over")]
    Finished,
    /// The person chosen is not an active inspector or admin of the inspection's trust.
    #[error("Choose an active inspector of this trust to hand the inspection to")]
    NotAnInspector,
    /// The person chosen owns it already.
    #[error("This inspection is theirs already")]
    SameOwner,
}

/// A person as the hand-over rule sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub role: Role,
    pub active: bool,
}

/// An inspection as the hand-over rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub trust_id: Uuid,
    pub owner: Uuid,
    pub status: InspectionStatus,
}

/// Whether `caller` may hand `inspection` to `to` (`None`: nobody by that id). The caller is
/// of the inspection's trust (others are told it does not exist before this is asked).
pub fn judge_hand_over(
    caller: Person,
    inspection: Held,
    to: Option<Person>,
) -> Result<(), HandOverRefusal> {
    let is_admin = caller.role == Role::TrustAdmin && caller.trust_id == inspection.trust_id;
    if caller.id != inspection.owner && !is_admin {
        return Err(HandOverRefusal::NotTheirs);
    }
    if inspection.status != InspectionStatus::InProgress {
        return Err(HandOverRefusal::Finished);
    }
    match to {
        Some(to) if to.id == inspection.owner => Err(HandOverRefusal::SameOwner),
        Some(to) if can_take_over(to, inspection.trust_id) => Ok(()),
        _ => Err(HandOverRefusal::NotAnInspector),
    }
}

/// Whether `person` can take on an inspection of `trust_id`.
pub fn can_take_over(person: Person, trust_id: Uuid) -> bool {
    person.active && person.trust_id == trust_id && person.role.can_inspect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(role: Role, trust_id: Uuid) -> Person {
        Person {
            id: Uuid::new_v4(),
            trust_id,
            role,
            active: true,
        }
    }

    #[test]
    fn the_owner_or_an_admin_hands_an_open_inspection_to_an_inspector_of_the_trust() {
        let trust = Uuid::new_v4();
        let owner = person(Role::WardInspector, trust);
        let next = person(Role::WardInspector, trust);
        let admin = person(Role::TrustAdmin, trust);
        let open = Held {
            trust_id: trust,
            owner: owner.id,
            status: InspectionStatus::InProgress,
        };
        assert_eq!(judge_hand_over(owner, open, Some(next)), Ok(()));
        assert_eq!(judge_hand_over(admin, open, Some(next)), Ok(()));
        assert_eq!(judge_hand_over(owner, open, Some(admin)), Ok(()));
        // Another inspector of the trust may not take it for themselves.
        assert_eq!(
            judge_hand_over(next, open, Some(next)),
            Err(HandOverRefusal::NotTheirs)
        );
        let finished = Held {
            status: InspectionStatus::Submitted,
            ..open
        };
        assert_eq!(
            judge_hand_over(owner, finished, Some(next)),
            Err(HandOverRefusal::Finished)
        );
        assert_eq!(
            judge_hand_over(owner, open, Some(owner)),
            Err(HandOverRefusal::SameOwner)
        );
    }

    #[test]
    fn only_active_inspectors_of_the_same_trust_can_take_it_on() {
        let trust = Uuid::new_v4();
        let owner = person(Role::WardInspector, trust);
        let open = Held {
            trust_id: trust,
            owner: owner.id,
            status: InspectionStatus::InProgress,
        };
        let refused = |to| judge_hand_over(owner, open, to);
        assert_eq!(refused(None), Err(HandOverRefusal::NotAnInspector));
        for to in [
            person(Role::BoardViewer, trust),
            person(Role::WardInspector, Uuid::new_v4()),
            Person {
                active: false,
                ..person(Role::WardInspector, trust)
            },
        ] {
            assert_eq!(refused(Some(to)), Err(HandOverRefusal::NotAnInspector));
        }
        // An admin of another trust is no admin of this one.
        let stranger = person(Role::TrustAdmin, Uuid::new_v4());
        assert_eq!(
            judge_hand_over(stranger, open, Some(person(Role::WardInspector, trust))),
            Err(HandOverRefusal::NotTheirs)
        );
    }
}
