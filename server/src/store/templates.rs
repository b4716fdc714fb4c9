//! Checklist templates: every version kept, the newest one used.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::db::{Db, run};
use super::{StoreError, conflict_as};

/// One version of a checklist template.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TemplateRecord {
    pub id: Uuid,
    pub version: i32,
    /// `None` for the built-in walk-round every trust shares.
    pub trust_id: Option<Uuid>,
    pub name: String,
    pub framework_id: String,
    /// JSON array of ward type codes.
    pub ward_types: String,
    /// JSON array of prompt codes, in order.
    pub prompt_codes: String,
    pub archived: bool,
}

/// Template versions.
#[async_trait]
pub trait TemplateStore {
    /// Adds a template version; `Conflict` when that (id, version) exists already.
    async fn insert_template_version(
        &self,
        template: &TemplateRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The newest version of every template a trust may use (its own and the built-in ones),
    /// archived ones included so callers can tell.
    async fn latest_templates(&self, trust_id: Uuid) -> Result<Vec<TemplateRecord>, StoreError>;
    /// The newest version of one template, whoever owns it: callers check scope.
    async fn latest_template(&self, id: Uuid) -> Result<Option<TemplateRecord>, StoreError>;
    /// One version of a template, whoever owns it: callers check scope.
    async fn template_version(
        &self,
        id: Uuid,
        version: i32,
    ) -> Result<Option<TemplateRecord>, StoreError>;
}

/// The newest version of each template; callers add their own `WHERE` on `t`.
const LATEST_TEMPLATE_SELECT: &str = "SELECT t.id, t.version, t.trust_id, t.name, \
     t.framework_id, t.ward_types, t.prompt_codes, t.archived FROM checklist_templates t \
     JOIN (SELECT id, MAX(version) AS version FROM checklist_templates GROUP BY id) newest \
     ON newest.id = t.id AND newest.version = t.version";

#[async_trait]
impl<T: Db + ?Sized> TemplateStore for T {
    async fn insert_template_version(
        &self,
        t: &TemplateRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO checklist_templates (id, version, trust_id, name, framework_id, \
             ward_types, prompt_codes, archived, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(t.id)
        .bind(t.version)
        .bind(t.trust_id)
        .bind(&t.name)
        .bind(&t.framework_id)
        .bind(&t.ward_types)
        .bind(&t.prompt_codes)
        .bind(t.archived)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(conflict_as(
            "someone else changed this checklist at the same time"
        ))?
        .rows_affected());
        Ok(())
    }

    async fn latest_templates(&self, trust_id: Uuid) -> Result<Vec<TemplateRecord>, StoreError> {
        let sql = format!(
            "{LATEST_TEMPLATE_SELECT} WHERE (t.trust_id = $1 OR t.trust_id IS NULL) \
             ORDER BY t.trust_id IS NOT NULL, t.name"
        );
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(trust_id)
            .fetch_all(&mut *c)
            .await?))
    }

    async fn template_version(
        &self,
        id: Uuid,
        version: i32,
    ) -> Result<Option<TemplateRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, version, trust_id, name, framework_id, ward_types, prompt_codes, archived \
             FROM checklist_templates WHERE id = $1 AND version = $2"
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *c)
        .await?))
    }

    async fn latest_template(&self, id: Uuid) -> Result<Option<TemplateRecord>, StoreError> {
        let sql = format!("{LATEST_TEMPLATE_SELECT} WHERE t.id = $1");
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?))
    }
}
