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

/// The newest version of each template; callers add their own `WHERE` on `t`.
pub(super) const LATEST_TEMPLATE_SELECT: &str = "SELECT t.id, t.version, t.trust_id, t.name, \
     t.framework_id, t.ward_types, t.prompt_codes, t.archived FROM checklist_templates t \
     JOIN (SELECT id, MAX(version) AS version FROM checklist_templates GROUP BY id) newest \
     ON newest.id = t.id AND newest.version = t.version";

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
        }
    };
}

pub(super) use impl_store;
