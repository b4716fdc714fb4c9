//! The SQL both databases share, written once and stamped out for each pool type.
//!
//! `impl_store!` expands to the `Store` implementation for a struct with `pool` and a
//! `MIGRATOR`; the statements only use what SQLite and PostgreSQL both understand.

use domain::api::{NamedRef, UnitInfo};
use uuid::Uuid;

/// A unit joined with its site, core service and trust.
#[derive(sqlx::FromRow)]
pub(super) struct UnitRow {
    id: Uuid,
    name: String,
    ward_type: String,
    site_id: Uuid,
    site_name: String,
    service_id: Uuid,
    service_name: String,
    trust_id: Uuid,
    trust_name: String,
}

impl From<UnitRow> for UnitInfo {
    fn from(r: UnitRow) -> Self {
        UnitInfo {
            id: r.id,
            name: r.name,
            ward_type: r.ward_type,
            site: NamedRef {
                id: r.site_id,
                name: r.site_name,
            },
            core_service: NamedRef {
                id: r.service_id,
                name: r.service_name,
            },
            trust: NamedRef {
                id: r.trust_id,
                name: r.trust_name,
            },
        }
    }
}

pub(super) const UNIT_SELECT: &str = "SELECT u.id, u.name, u.ward_type, s.id AS site_id, \
     s.name AS site_name, cs.id AS service_id, cs.name AS service_name, t.id AS trust_id, \
     t.name AS trust_name \
     FROM units u JOIN core_services cs ON cs.id = u.core_service_id \
     JOIN sites s ON s.id = cs.site_id JOIN trusts t ON t.id = u.trust_id";

pub(super) const USER_SELECT: &str = "SELECT u.id, u.trust_id, t.name AS trust_name, u.email, \
     u.name, u.role, u.password_hash, u.must_change_password, u.active \
     FROM users u JOIN trusts t ON t.id = u.trust_id";

/// A kept conflict beside what its mutation id applied first; callers add `WHERE` on `c`.
pub(super) const CONFLICT_SELECT: &str = "SELECT c.seq, c.mutation_id, c.trust_id, c.kind, \
     c.data, c.user_id, u.name AS user_name, c.device_id, c.received_at, \
     m.data AS applied_data, mu.name AS applied_by, m.received_at AS applied_at, c.resolved_at \
     FROM sync_conflicts c JOIN users u ON u.id = c.user_id \
     LEFT JOIN sync_mutations m ON m.id = c.mutation_id \
     LEFT JOIN users mu ON mu.id = m.user_id";

/// The newest version of each template; callers add their own `WHERE` on `t`.
pub(super) const LATEST_TEMPLATE_SELECT: &str = "SELECT t.id, t.version, t.trust_id, t.name, \
     t.framework_id, t.ward_types, t.prompt_codes, t.archived FROM checklist_templates t \
     JOIN (SELECT id, MAX(version) AS version FROM checklist_templates GROUP BY id) newest \
     ON newest.id = t.id AND newest.version = t.version";

/// An inspection's own row.
#[derive(sqlx::FromRow)]
pub(super) struct InspectionRow {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub unit_id: Uuid,
    pub user_id: Uuid,
    pub framework_id: String,
    pub template_id: Option<Uuid>,
    pub template_version: Option<i32>,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub status: String,
}

/// A finding row; `photo_ids` is a JSON array.
#[derive(sqlx::FromRow)]
pub(super) struct FindingRow {
    id: Uuid,
    item_code: String,
    response: Option<String>,
    note: String,
    photo_ids: String,
    observed_at: chrono::DateTime<chrono::Utc>,
}

impl From<FindingRow> for domain::sync::FindingView {
    fn from(r: FindingRow) -> Self {
        domain::sync::FindingView {
            id: r.id,
            item_code: r.item_code,
            response: r
                .response
                .and_then(|code| serde_json::from_value(serde_json::Value::String(code)).ok()),
            note: r.note,
            photo_ids: serde_json::from_str(&r.photo_ids).unwrap_or_default(),
            observed_at: r.observed_at,
        }
    }
}

/// An interview row; `item_codes` is a JSON array.
#[derive(sqlx::FromRow)]
pub(super) struct InterviewRow {
    id: Uuid,
    inspection_id: Uuid,
    interviewee: String,
    item_codes: String,
    note: String,
    observed_at: chrono::DateTime<chrono::Utc>,
}

impl TryFrom<InterviewRow> for domain::sync::InterviewData {
    type Error = serde_json::Error;

    fn try_from(r: InterviewRow) -> Result<Self, Self::Error> {
        Ok(domain::sync::InterviewData {
            id: r.id,
            inspection_id: r.inspection_id,
            interviewee: serde_json::from_value(serde_json::Value::String(r.interviewee))?,
            item_codes: serde_json::from_str(&r.item_codes)?,
            note: r.note,
            observed_at: r.observed_at,
        })
    }
}

/// An update that touched no row was aimed at something that does not exist.
pub(super) fn found(rows_affected: u64) -> Result<(), super::StoreError> {
    if rows_affected == 0 {
        Err(super::StoreError::NotFound)
    } else {
        Ok(())
    }
}

macro_rules! impl_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn migrate(&self) -> Result<(), StoreError> {
                Self::MIGRATOR.run(&self.pool).await?;
                Ok(())
            }

            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn create_trust(&self, trust: &TrustRecord) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO trusts (id, name, created_at) VALUES ($1, $2, $3)")
                    .bind(trust.id)
                    .bind(&trust.name)
                    .bind(chrono::Utc::now())
                    .execute(&self.pool)
                    .await
                    .map_err(conflict_as("a trust with this name already exists"))?;
                Ok(())
            }

            async fn trust_by_name(&self, name: &str) -> Result<Option<TrustRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT id, name FROM trusts WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn create_site(&self, site: &SiteRecord) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO sites (id, trust_id, name) VALUES ($1, $2, $3)")
                    .bind(site.id)
                    .bind(site.trust_id)
                    .bind(&site.name)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict_as("a site with this name already exists"))?;
                Ok(())
            }

            async fn sites_of_trust(&self, trust_id: Uuid) -> Result<Vec<SiteRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, trust_id, name FROM sites WHERE trust_id = $1 ORDER BY name",
                )
                .bind(trust_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn create_core_service(
                &self,
                service: &CoreServiceRecord,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO core_services (id, trust_id, site_id, name) VALUES ($1, $2, $3, $4)",
                )
                .bind(service.id)
                .bind(service.trust_id)
                .bind(service.site_id)
                .bind(&service.name)
                .execute(&self.pool)
                .await
                .map_err(conflict_as("this site already has a core service with this name"))?;
                Ok(())
            }

            async fn core_services_of_trust(
                &self,
                trust_id: Uuid,
            ) -> Result<Vec<CoreServiceRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, trust_id, site_id, name FROM core_services \
                     WHERE trust_id = $1 ORDER BY name",
                )
                .bind(trust_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn create_unit(&self, unit: &NewUnit) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO units (id, trust_id, core_service_id, name, ward_type) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(unit.id)
                .bind(unit.trust_id)
                .bind(unit.core_service_id)
                .bind(&unit.name)
                .bind(&unit.ward_type)
                .execute(&self.pool)
                .await
                .map_err(conflict_as("this core service already has a ward with this name"))?;
                Ok(())
            }

            async fn units_of_trust(&self, trust_id: Uuid) -> Result<Vec<UnitInfo>, StoreError> {
                let rows: Vec<$crate::store::sql::UnitRow> = sqlx::query_as(&format!(
                    "{} WHERE u.trust_id = $1 AND u.active ORDER BY s.name, cs.name, u.name",
                    $crate::store::sql::UNIT_SELECT
                ))
                .bind(trust_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(UnitInfo::from).collect())
            }

            async fn unit(&self, id: Uuid) -> Result<Option<UnitInfo>, StoreError> {
                let row: Option<$crate::store::sql::UnitRow> = sqlx::query_as(&format!(
                    "{} WHERE u.id = $1 AND u.active",
                    $crate::store::sql::UNIT_SELECT
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(UnitInfo::from))
            }

            async fn create_user(&self, user: &NewUser) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO users (id, trust_id, email, name, role, password_hash, \
                     must_change_password, active, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(user.id)
                .bind(user.trust_id)
                .bind(&user.email)
                .bind(&user.name)
                .bind(&user.role)
                .bind(&user.password_hash)
                .bind(user.must_change_password)
                .bind(true)
                .bind(chrono::Utc::now())
                .execute(&self.pool)
                .await
                .map_err(conflict_as("a user with this email already exists"))?;
                Ok(())
            }

            async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE u.email = $1",
                    $crate::store::sql::USER_SELECT
                ))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE u.id = $1",
                    $crate::store::sql::USER_SELECT
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn set_password(
                &self,
                user_id: Uuid,
                password_hash: &str,
                must_change: bool,
            ) -> Result<(), StoreError> {
                let done = sqlx::query(
                    "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3",
                )
                .bind(password_hash)
                .bind(must_change)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
                $crate::store::sql::found(done.rows_affected())
            }

            async fn users_of_trust(&self, trust_id: Uuid) -> Result<Vec<UserRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE u.trust_id = $1 ORDER BY u.name, u.email",
                    $crate::store::sql::USER_SELECT
                ))
                .bind(trust_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn update_user(
                &self,
                user_id: Uuid,
                role: &str,
                active: bool,
            ) -> Result<(), StoreError> {
                let done = sqlx::query("UPDATE users SET role = $1, active = $2 WHERE id = $3")
                    .bind(role)
                    .bind(active)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                $crate::store::sql::found(done.rows_affected())
            }

            async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, kind, created_at, last_seen_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&s.id)
                .bind(s.user_id)
                .bind(&s.kind)
                .bind(s.created_at)
                .bind(s.last_seen_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, user_id, kind, created_at, last_seen_at FROM sessions WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn touch_session(
                &self,
                id: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_sessions_of_user(
                &self,
                user_id: Uuid,
                except: Option<&str>,
            ) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                    .bind(user_id)
                    .bind(except.unwrap_or(""))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn record_login_failure(
                &self,
                email: &str,
                addr: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO login_failures (email, addr, at) VALUES ($1, $2, $3)")
                    .bind(email)
                    .bind(addr)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn login_failures_since(
                &self,
                email: &str,
                addr: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<(i64, i64), StoreError> {
                let (by_email, by_addr): (i64, i64) = sqlx::query_as(
                    "SELECT \
                     (SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $3), \
                     (SELECT COUNT(*) FROM login_failures WHERE addr = $2 AND at > $3)",
                )
                .bind(email)
                .bind(addr)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
                Ok((by_email, by_addr))
            }

            async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM login_failures WHERE email = $1")
                    .bind(email)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_grant(&self, g: &GrantRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO buddy_grants (id, trust_id, reviewer_id, starts_on, ends_on, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(g.id)
                .bind(g.trust_id)
                .bind(g.reviewer_id)
                .bind(g.starts_on)
                .bind(g.ends_on)
                .bind(chrono::Utc::now())
                .execute(&self.pool)
                .await
                .map_err(conflict_as("this grant already exists"))?;
                Ok(())
            }

            async fn granted_trusts(
                &self,
                reviewer_id: Uuid,
                today: chrono::NaiveDate,
            ) -> Result<Vec<Uuid>, StoreError> {
                let rows: Vec<(Uuid,)> = sqlx::query_as(
                    "SELECT DISTINCT trust_id FROM buddy_grants \
                     WHERE reviewer_id = $1 AND starts_on <= $2 AND ends_on >= $2",
                )
                .bind(reviewer_id)
                .bind(today)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn end_grant(
                &self,
                grant_id: Uuid,
                ends_on: chrono::NaiveDate,
            ) -> Result<(), StoreError> {
                let done = sqlx::query("UPDATE buddy_grants SET ends_on = $1 WHERE id = $2")
                    .bind(ends_on)
                    .bind(grant_id)
                    .execute(&self.pool)
                    .await?;
                $crate::store::sql::found(done.rows_affected())
            }

            async fn insert_template_version(&self, t: &TemplateRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO checklist_templates (id, version, trust_id, name, framework_id, \
                     ward_types, prompt_codes, archived, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(t.id)
                .bind(t.version)
                .bind(t.trust_id)
                .bind(&t.name)
                .bind(&t.framework_id)
                .bind(&t.ward_types)
                .bind(&t.prompt_codes)
                .bind(t.archived)
                .bind(chrono::Utc::now())
                .execute(&self.pool)
                .await
                .map_err(conflict_as("someone else changed this checklist at the same time"))?;
                Ok(())
            }

            async fn latest_templates(&self, trust_id: Uuid) -> Result<Vec<TemplateRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE (t.trust_id = $1 OR t.trust_id IS NULL) ORDER BY t.trust_id IS NOT NULL, t.name",
                    $crate::store::sql::LATEST_TEMPLATE_SELECT
                ))
                .bind(trust_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn latest_template(&self, id: Uuid) -> Result<Option<TemplateRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE t.id = $1",
                    $crate::store::sql::LATEST_TEMPLATE_SELECT
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn grants_of_trust(&self, trust_id: Uuid) -> Result<Vec<GrantRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, trust_id, reviewer_id, starts_on, ends_on FROM buddy_grants \
                     WHERE trust_id = $1 ORDER BY starts_on",
                )
                .bind(trust_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn apply_push(
                &self,
                pusher: &$crate::store::Pusher,
                items: &[$crate::store::PushItem],
            ) -> Result<Vec<domain::sync::PushResult>, StoreError> {
                use $crate::store::Change;
                use domain::sync::{PushResult, PushStatus};
                use sqlx::Acquire;
                let mut conn = self.pool.acquire().await?;
                Self::set_durable(&mut conn, true).await?;
                let mut tx = conn.begin().await?;
                let mut results = Vec::with_capacity(items.len());
                // The inspections this batch has looked at: (trust, status), `None` if unknown.
                let mut seen_inspections: std::collections::HashMap<Uuid, Option<(Uuid, String)>> =
                    std::collections::HashMap::new();
                for item in items {
                    let now = chrono::Utc::now();
                    let result = |status, error: Option<String>| PushResult {
                        id: item.mutation_id,
                        status,
                        error,
                    };
                    let data = item.data.to_string();
                    // Claiming the id first makes a new mutation (the usual case) cost no lookup.
                    let claimed = sqlx::query(
                        "INSERT INTO sync_mutations (id, kind, data, user_id, device_id, received_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(item.mutation_id)
                    .bind(&item.kind)
                    .bind(&data)
                    .bind(pusher.user_id)
                    .bind(pusher.device_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        == 1;
                    if !claimed {
                        let (kind, before): (String, String) =
                            sqlx::query_as("SELECT kind, data FROM sync_mutations WHERE id = $1")
                                .bind(item.mutation_id)
                                .fetch_one(&mut *tx)
                                .await?;
                        let same = kind == item.kind
                            && serde_json::from_str::<serde_json::Value>(&before).ok().as_ref()
                                == Some(&item.data);
                        if same {
                            results.push(result(PushStatus::Duplicate, None));
                        } else {
                            sqlx::query(
                                "INSERT INTO sync_conflicts (mutation_id, trust_id, kind, data, \
                                 user_id, device_id, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                            )
                            .bind(item.mutation_id)
                            .bind(pusher.trust_id)
                            .bind(&item.kind)
                            .bind(&data)
                            .bind(pusher.user_id)
                            .bind(pusher.device_id)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                            results.push(result(
                                PushStatus::Conflict,
                                Some("this change id was used before for other content; kept for review".to_owned()),
                            ));
                        }
                        continue;
                    }
                    let inspection_id = match &item.change {
                        Change::Inspection(d) => Some(d.id),
                        Change::Finding(f) => Some(f.inspection_id),
                        Change::Interview(i) => Some(i.inspection_id),
                        Change::Invalid(_) => None,
                    };
                    let inspection = match inspection_id {
                        Some(id) => match seen_inspections.get(&id) {
                            Some(known) => known.clone(),
                            None => {
                                let found: Option<(Uuid, String)> = sqlx::query_as(
                                    "SELECT trust_id, status FROM inspections WHERE id = $1",
                                )
                                .bind(id)
                                .fetch_optional(&mut *tx)
                                .await?;
                                seen_inspections.insert(id, found.clone());
                                found
                            }
                        },
                        None => None,
                    };
                    // Is the inspection a change names this trust's, and still open?
                    let open = |inspection: Option<(Uuid, String)>| match inspection {
                        Some((trust, _)) if trust != pusher.trust_id => {
                            Some("the inspection is not one of your trust's".to_owned())
                        }
                        Some((_, status)) if status == "submitted" => {
                            Some("the inspection has been finished and can no longer change".to_owned())
                        }
                        Some(_) => None,
                        None => Some("the inspection is not known: send its inspection.upsert first".to_owned()),
                    };
                    let mut refusal = match &item.change {
                        Change::Invalid(reason) => Some(reason.clone()),
                        Change::Inspection(d) => {
                            let unit_trust: Option<(Uuid,)> = sqlx::query_as(
                                "SELECT trust_id FROM units WHERE id = $1 AND active = $2",
                            )
                            .bind(d.unit_id)
                            .bind(true)
                            .fetch_optional(&mut *tx)
                            .await?;
                            if unit_trust.map(|(t,)| t) != Some(pusher.trust_id) {
                                Some("the ward is not one of your trust's".to_owned())
                            } else if inspection.is_some() {
                                open(inspection)
                            } else {
                                None
                            }
                        }
                        Change::Finding(_) | Change::Interview(_) => open(inspection),
                    };
                    // A record never moves to another inspection: the upserts only update a row
                    // of the same inspection, and touch nothing otherwise.
                    let written = if refusal.is_some() {
                        0
                    } else {
                        match &item.change {
                            Change::Inspection(d) => {
                                let status = match d.status {
                                    domain::sync::InspectionStatus::InProgress => "in_progress",
                                    domain::sync::InspectionStatus::Submitted => "submitted",
                                };
                                seen_inspections
                                    .insert(d.id, Some((pusher.trust_id, status.to_owned())));
                                sqlx::query(
                                    "INSERT INTO inspections (id, trust_id, unit_id, user_id, framework_id, \
                                     template_id, template_version, started_at, status, updated_at) \
                                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                                     ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, \
                                     framework_id = excluded.framework_id, template_id = excluded.template_id, \
                                     template_version = excluded.template_version, \
                                     started_at = excluded.started_at, status = excluded.status, \
                                     updated_at = excluded.updated_at",
                                )
                                .bind(d.id)
                                .bind(pusher.trust_id)
                                .bind(d.unit_id)
                                .bind(pusher.user_id)
                                .bind(&d.framework_id)
                                .bind(d.template_id)
                                .bind(d.template_version)
                                .bind(d.started_at)
                                .bind(status)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?
                                .rows_affected()
                            }
                            Change::Finding(f) => sqlx::query(
                                "INSERT INTO findings (id, inspection_id, item_code, response, note, \
                                 photo_ids, observed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                                 ON CONFLICT (id) DO UPDATE SET item_code = excluded.item_code, \
                                 response = excluded.response, note = excluded.note, \
                                 photo_ids = excluded.photo_ids, observed_at = excluded.observed_at \
                                 WHERE findings.inspection_id = excluded.inspection_id",
                            )
                            .bind(f.id)
                            .bind(f.inspection_id)
                            .bind(&f.item_code)
                            .bind(f.response.map(|r| r.as_str()))
                            .bind(&f.note)
                            .bind(serde_json::to_string(&f.photo_ids).unwrap_or_default())
                            .bind(f.observed_at)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected(),
                            Change::Interview(i) => sqlx::query(
                                "INSERT INTO interviews (id, inspection_id, interviewee, item_codes, \
                                 note, observed_at) VALUES ($1, $2, $3, $4, $5, $6) \
                                 ON CONFLICT (id) DO UPDATE SET interviewee = excluded.interviewee, \
                                 item_codes = excluded.item_codes, note = excluded.note, \
                                 observed_at = excluded.observed_at \
                                 WHERE interviews.inspection_id = excluded.inspection_id",
                            )
                            .bind(i.id)
                            .bind(i.inspection_id)
                            .bind(i.interviewee.as_str())
                            .bind(serde_json::to_string(&i.item_codes).unwrap_or_default())
                            .bind(&i.note)
                            .bind(i.observed_at)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected(),
                            Change::Invalid(_) => 0,
                        }
                    };
                    if refusal.is_none() && written == 0 {
                        refusal = Some("this record belongs to another inspection".to_owned());
                    }
                    if let Some(reason) = refusal {
                        // A refused change is not remembered, so sending it again is judged again.
                        sqlx::query("DELETE FROM sync_mutations WHERE id = $1")
                            .bind(item.mutation_id)
                            .execute(&mut *tx)
                            .await?;
                        results.push(result(PushStatus::Rejected, Some(reason)));
                        continue;
                    }
                    let record_id = match &item.change {
                        Change::Inspection(d) => d.id,
                        Change::Finding(f) => f.id,
                        Change::Interview(i) => i.id,
                        Change::Invalid(_) => continue,
                    };
                    sqlx::query(
                        "INSERT INTO record_history (record_id, kind, mutation_id, data, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(record_id)
                    .bind(&item.kind)
                    .bind(item.mutation_id)
                    .bind(&data)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    results.push(result(PushStatus::Applied, None));
                }
                tx.commit().await?;
                Self::set_durable(&mut conn, false).await?;
                Ok(results)
            }

            async fn inspection_view(
                &self,
                id: Uuid,
            ) -> Result<Option<(Uuid, domain::sync::InspectionView)>, StoreError> {
                use domain::sync::{FindingView, InspectionView, InterviewData, PhotoHeld};
                let Some(head) = sqlx::query_as::<_, $crate::store::sql::InspectionRow>(
                    "SELECT id, trust_id, unit_id, user_id, framework_id, template_id, \
                     template_version, started_at, status FROM inspections WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                let findings: Vec<FindingView> = sqlx::query_as::<_, $crate::store::sql::FindingRow>(
                    "SELECT id, item_code, response, note, photo_ids, observed_at FROM findings \
                     WHERE inspection_id = $1 ORDER BY observed_at, id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Into::into)
                .collect();
                let interviews: Vec<InterviewData> =
                    sqlx::query_as::<_, $crate::store::sql::InterviewRow>(
                        "SELECT id, inspection_id, interviewee, item_codes, note, observed_at \
                         FROM interviews WHERE inspection_id = $1 ORDER BY observed_at, id",
                    )
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .filter_map(|r| r.try_into().ok())
                    .collect();
                // Every photo the findings name, in order, once; then which of them the server
                // holds, in one query.
                let mut named: Vec<Uuid> = Vec::new();
                for photo_id in findings.iter().flat_map(|f| f.photo_ids.iter().copied()) {
                    if !named.contains(&photo_id) {
                        named.push(photo_id);
                    }
                }
                let held: Vec<Uuid> = if named.is_empty() {
                    Vec::new()
                } else {
                    let mut query =
                        sqlx::QueryBuilder::new("SELECT id FROM photos WHERE trust_id = ");
                    query.push_bind(head.trust_id).push(" AND id IN (");
                    {
                        let mut list = query.separated(", ");
                        for photo_id in &named {
                            list.push_bind(*photo_id);
                        }
                    }
                    query.push(")");
                    query
                        .build_query_as::<(Uuid,)>()
                        .fetch_all(&self.pool)
                        .await?
                        .into_iter()
                        .map(|(id,)| id)
                        .collect()
                };
                let photos: Vec<PhotoHeld> = named
                    .into_iter()
                    .map(|id| PhotoHeld { id, held: held.contains(&id) })
                    .collect();
                let trust_id = head.trust_id;
                let view = InspectionView {
                    id: head.id,
                    unit_id: head.unit_id,
                    user_id: head.user_id,
                    framework_id: head.framework_id,
                    template_id: head.template_id,
                    template_version: head.template_version,
                    started_at: head.started_at,
                    status: if head.status == "submitted" {
                        domain::sync::InspectionStatus::Submitted
                    } else {
                        domain::sync::InspectionStatus::InProgress
                    },
                    findings,
                    interviews,
                    photos,
                };
                Ok(Some((trust_id, view)))
            }

            async fn insert_photo(&self, p: &$crate::store::PhotoRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO photos (id, trust_id, uploaded_by, sha256, image_key, \
                     thumbnail_key, width, height, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(p.id)
                .bind(p.trust_id)
                .bind(p.uploaded_by)
                .bind(&p.sha256)
                .bind(&p.image_key)
                .bind(&p.thumbnail_key)
                .bind(p.width)
                .bind(p.height)
                .bind(p.created_at)
                .execute(&self.pool)
                .await
                .map_err(conflict_as("a photo with this id exists"))?;
                Ok(())
            }

            async fn photo(&self, id: Uuid) -> Result<Option<$crate::store::PhotoRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, trust_id, uploaded_by, sha256, image_key, thumbnail_key, width, \
                     height, created_at FROM photos WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn open_conflicts(
                &self,
                trust_id: Uuid,
            ) -> Result<Vec<$crate::store::ConflictRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE c.trust_id = $1 AND c.resolved_at IS NULL ORDER BY c.seq",
                    $crate::store::sql::CONFLICT_SELECT
                ))
                .bind(trust_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn conflict(
                &self,
                seq: i64,
            ) -> Result<Option<$crate::store::ConflictRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE c.seq = $1",
                    $crate::store::sql::CONFLICT_SELECT
                ))
                .bind(seq)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn resolve_conflict(
                &self,
                seq: i64,
                by: Uuid,
                resolution: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let done = sqlx::query(
                    "UPDATE sync_conflicts SET resolved_at = $1, resolved_by = $2, resolution = $3 \
                     WHERE seq = $4 AND resolved_at IS NULL",
                )
                .bind(at)
                .bind(by)
                .bind(resolution)
                .bind(seq)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn photo_key_in_use(&self, key: &str) -> Result<bool, StoreError> {
                let found: Option<(Uuid,)> = sqlx::query_as(
                    "SELECT id FROM photos WHERE image_key = $1 OR thumbnail_key = $1 LIMIT 1",
                )
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                Ok(found.is_some())
            }
        }
    };
}

pub(super) use impl_store;
