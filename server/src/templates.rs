//! Checklist templates: the built-in ward walk-round, kept in step with the framework data, and
//! the templates trust admins build. Every change is a new version; nothing is overwritten, so
//! an inspection can always name the exact version it used.

use domain::Catalogue;
use domain::caller::Caller;
use domain::template::{
    ChecklistTemplate, DEFAULT_TEMPLATE_FRAMEWORK, DEFAULT_TEMPLATE_ID, DEFAULT_TEMPLATE_NAME,
    TemplateDraft, walk_round_prompts,
};
use std::collections::HashSet;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::access::{self, require_admin};
use crate::admin::audited;
use crate::error::ApiError;
use crate::store::prelude::*;
use crate::store::{Store, TemplateRecord};

fn to_json<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

/// The wire form of a stored version.
pub fn to_wire(t: &TemplateRecord) -> Result<ChecklistTemplate, ApiError> {
    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<Vec<T>, ApiError> {
        serde_json::from_str(json).map_err(|e| ApiError::Internal(e.into()))
    }
    Ok(ChecklistTemplate {
        id: t.id,
        version: t.version,
        name: t.name.clone(),
        framework_id: t.framework_id.clone(),
        ward_types: parse(&t.ward_types)?,
        prompt_codes: parse(&t.prompt_codes)?,
        built_in: t.trust_id.is_none(),
        trust_id: t.trust_id,
    })
}

/// Makes sure the built-in walk-round asks exactly the framework's observable prompts, adding a
/// new version when the framework data changed since the last start.
pub async fn ensure_built_in(
    store: &Store,
    catalogue: &Catalogue,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let framework = catalogue
        .get(DEFAULT_TEMPLATE_FRAMEWORK)
        .ok_or_else(|| anyhow::anyhow!("framework {DEFAULT_TEMPLATE_FRAMEWORK} is missing"))?;
    let prompts = to_json(&walk_round_prompts(framework));
    let current = store.latest_template(DEFAULT_TEMPLATE_ID).await?;
    if current.as_ref().is_some_and(|t| t.prompt_codes == prompts) {
        return Ok(());
    }
    let record = TemplateRecord {
        id: DEFAULT_TEMPLATE_ID,
        version: current.map_or(1, |t| t.version + 1),
        trust_id: None,
        name: DEFAULT_TEMPLATE_NAME.to_owned(),
        framework_id: DEFAULT_TEMPLATE_FRAMEWORK.to_owned(),
        ward_types: "[]".to_owned(),
        prompt_codes: prompts,
        archived: false,
    };
    match store.insert_template_version(&record, now).await {
        // Another server instance added the same version first: fine.
        Ok(()) | Err(crate::store::StoreError::Conflict(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The templates the caller's devices may use: built-in first, then the trust's own (and a
/// buddy reviewer's, each reviewed trust's, whose wards they may inspect), newest versions
/// only, archived ones left out.
pub async fn for_caller(
    store: &Store,
    caller: &Caller,
    today: NaiveDate,
) -> Result<Vec<ChecklistTemplate>, ApiError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for trust in access::visible_trusts(store, caller, today).await? {
        for t in store.latest_templates(trust).await? {
            if !t.archived && seen.insert(t.id) {
                out.push(to_wire(&t)?);
            }
        }
    }
    Ok(out)
}

/// One version of a template the caller may use (built-in, their trust's own or a reviewed
/// trust's); 404 for others.
pub async fn version_for_caller(
    store: &Store,
    caller: &Caller,
    id: Uuid,
    version: i32,
    today: NaiveDate,
) -> Result<ChecklistTemplate, ApiError> {
    let visible = access::visible_trusts(store, caller, today).await?;
    store
        .template_version(id, version)
        .await?
        .filter(|t| t.trust_id.is_none_or(|trust| visible.contains(&trust)))
        .as_ref()
        .map(to_wire)
        .ok_or(ApiError::NotFound)?
}

/// A template version as the audit trail records it.
fn audit_view(t: &TemplateRecord) -> serde_json::Value {
    serde_json::json!({
        "version": t.version, "name": t.name, "framework_id": t.framework_id,
        "ward_types": t.ward_types, "prompt_codes": t.prompt_codes, "archived": t.archived
    })
}

/// Saves an admin's draft: a new template, or the next version of one of their trust's own.
pub async fn save(
    store: &Store,
    catalogue: &Catalogue,
    caller: &Caller,
    draft: TemplateDraft,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ChecklistTemplate, ApiError> {
    require_admin(caller)?;
    draft
        .validate(catalogue.get(&draft.framework_id))
        .map_err(ApiError::Unprocessable)?;
    let (id, version, before) = match draft.id {
        None => (Uuid::now_v7(), 1, serde_json::Value::Null),
        Some(id) => {
            let current = own_template(store, caller, id).await?;
            (id, current.version + 1, audit_view(&current))
        }
    };
    let record = TemplateRecord {
        id,
        version,
        trust_id: Some(caller.user.trust_id),
        name: draft.name.trim().to_owned(),
        framework_id: draft.framework_id,
        ward_types: to_json(&draft.ward_types),
        prompt_codes: to_json(&draft.prompt_codes),
        archived: false,
    };
    let tx = store.begin().await?;
    tx.insert_template_version(&record, now).await?;
    let after = audit_view(&record);
    audited(&tx, caller, now, "template.save", id, before, after).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, template_id = %id, version,
        "admin saved a checklist template"
    );
    to_wire(&record)
}

/// Withdraws a template from devices (a new, archived version; earlier versions stay).
pub async fn archive(
    store: &Store,
    caller: &Caller,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    require_admin(caller)?;
    let current = own_template(store, caller, id).await?;
    let archived = TemplateRecord {
        version: current.version + 1,
        archived: true,
        ..current.clone()
    };
    let tx = store.begin().await?;
    tx.insert_template_version(&archived, now).await?;
    let (before, after) = (audit_view(&current), audit_view(&archived));
    audited(&tx, caller, now, "template.archive", id, before, after).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, template_id = %id,
        "admin archived a checklist template"
    );
    Ok(())
}

/// The newest version of a template of the caller's own trust (built-in ones are not theirs).
async fn own_template(
    store: &Store,
    caller: &Caller,
    id: Uuid,
) -> Result<TemplateRecord, ApiError> {
    store
        .latest_template(id)
        .await?
        .filter(|t| t.trust_id == Some(caller.user.trust_id))
        .ok_or(ApiError::NotFound)
}
