//! Scoping: which trusts a caller may see. Every read of trust data goes through here.
//!
//! A user sees their own trust; a buddy reviewer also sees each trust that granted them access
//! for today. Anything else is reported as not found, so its existence does not leak.

use chrono::NaiveDate;
use domain::Role;
use domain::api::UnitInfo;
use domain::caller::Caller;
use uuid::Uuid;

use crate::error::ApiError;
use crate::store::Store;
use crate::store::prelude::*;

/// The trusts the caller may read, own trust first.
pub async fn visible_trusts(
    store: &Store,
    caller: &Caller,
    today: NaiveDate,
) -> Result<Vec<Uuid>, ApiError> {
    let mut trusts = vec![caller.user.trust_id];
    if caller.user.role == Role::BuddyReviewer {
        for trust in store.granted_trusts(caller.user.id, today).await? {
            if !trusts.contains(&trust) {
                trusts.push(trust);
            }
        }
    }
    Ok(trusts)
}

/// Every unit the caller may see, own trust first, each trust in tree order.
pub async fn units(
    store: &Store,
    caller: &Caller,
    today: NaiveDate,
) -> Result<Vec<UnitInfo>, ApiError> {
    let mut units = Vec::new();
    for trust in visible_trusts(store, caller, today).await? {
        units.extend(store.units_of_trust(trust).await?);
    }
    Ok(units)
}

/// One unit the caller may see; `NotFound` for a unit of another trust.
pub async fn unit(
    store: &Store,
    caller: &Caller,
    id: Uuid,
    today: NaiveDate,
) -> Result<UnitInfo, ApiError> {
    let unit = store.unit(id).await?.ok_or(ApiError::NotFound)?;
    if visible_trusts(store, caller, today)
        .await?
        .contains(&unit.trust.id)
    {
        Ok(unit)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Refuses callers whose role may not administer their trust.
pub fn require_admin(caller: &Caller) -> Result<(), ApiError> {
    if caller.user.role.can_administer() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only trust administrators can do this".to_owned(),
        ))
    }
}
