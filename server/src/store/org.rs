//! Organisation: trusts, their sites, core services and wards (units).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::api::{NamedRef, UnitInfo};
use uuid::Uuid;

use super::db::{Db, run};
use super::{StoreError, conflict_as};

/// A trust (an NHS organisation).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TrustRecord {
    pub id: Uuid,
    pub name: String,
}

/// A hospital or other location of a trust.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SiteRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub name: String,
}

/// A core service at a site (e.g. Surgery).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CoreServiceRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub site_id: Uuid,
    pub name: String,
}

/// A ward or unit to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUnit {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub core_service_id: Uuid,
    pub name: String,
    pub ward_type: String,
}

/// Trusts and the tree of places under them.
#[async_trait]
pub trait OrgStore {
    /// Adds a trust; `Conflict` when the name is taken.
    async fn create_trust(&self, trust: &TrustRecord, now: DateTime<Utc>)
    -> Result<(), StoreError>;
    async fn trust_by_name(&self, name: &str) -> Result<Option<TrustRecord>, StoreError>;
    async fn create_site(&self, site: &SiteRecord) -> Result<(), StoreError>;
    async fn sites_of_trust(&self, trust_id: Uuid) -> Result<Vec<SiteRecord>, StoreError>;
    async fn create_core_service(&self, service: &CoreServiceRecord) -> Result<(), StoreError>;
    async fn core_services_of_trust(
        &self,
        trust_id: Uuid,
    ) -> Result<Vec<CoreServiceRecord>, StoreError>;
    /// Adds a ward and moves its trust's readiness epoch: call it on a transaction.
    async fn create_unit(&self, unit: &NewUnit) -> Result<(), StoreError>;
    /// Active units of one trust, in tree order (site, core service, ward name).
    async fn units_of_trust(&self, trust_id: Uuid) -> Result<Vec<UnitInfo>, StoreError>;
    /// One active unit with where it sits, whatever its trust: callers check scope.
    async fn unit(&self, id: Uuid) -> Result<Option<UnitInfo>, StoreError>;
}

/// A unit joined with its site, core service and trust.
#[derive(sqlx::FromRow)]
struct UnitRow {
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

const UNIT_SELECT: &str = "SELECT u.id, u.name, u.ward_type, s.id AS site_id, \
     s.name AS site_name, cs.id AS service_id, cs.name AS service_name, t.id AS trust_id, \
     t.name AS trust_name \
     FROM units u JOIN core_services cs ON cs.id = u.core_service_id \
     JOIN sites s ON s.id = cs.site_id JOIN trusts t ON t.id = u.trust_id";

#[async_trait]
impl<T: Db + ?Sized> OrgStore for T {
    async fn create_trust(
        &self,
        trust: &TrustRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO trusts (id, name, created_at) VALUES ($1, $2, $3)"
        )
        .bind(trust.id)
        .bind(&trust.name)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(conflict_as("a trust with this name already exists"))?
        .rows_affected());
        Ok(())
    }

    async fn trust_by_name(&self, name: &str) -> Result<Option<TrustRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, name FROM trusts WHERE name = $1"
        )
        .bind(name)
        .fetch_optional(&mut *c)
        .await?))
    }

    async fn create_site(&self, site: &SiteRecord) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO sites (id, trust_id, name) VALUES ($1, $2, $3)"
        )
        .bind(site.id)
        .bind(site.trust_id)
        .bind(&site.name)
        .execute(&mut *c)
        .await
        .map_err(conflict_as("a site with this name already exists"))?
        .rows_affected());
        Ok(())
    }

    async fn sites_of_trust(&self, trust_id: Uuid) -> Result<Vec<SiteRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, name FROM sites WHERE trust_id = $1 ORDER BY name"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn create_core_service(&self, service: &CoreServiceRecord) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO core_services (id, trust_id, site_id, name) VALUES ($1, $2, $3, $4)"
        )
        .bind(service.id)
        .bind(service.trust_id)
        .bind(service.site_id)
        .bind(&service.name)
        .execute(&mut *c)
        .await
        .map_err(conflict_as(
            "this site already has a core service with this name"
        ))?
        .rows_affected());
        Ok(())
    }

    async fn core_services_of_trust(
        &self,
        trust_id: Uuid,
    ) -> Result<Vec<CoreServiceRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, site_id, name FROM core_services \
             WHERE trust_id = $1 ORDER BY name"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn create_unit(&self, unit: &NewUnit) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO units (id, trust_id, core_service_id, name, ward_type) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(unit.id)
        .bind(unit.trust_id)
        .bind(unit.core_service_id)
        .bind(&unit.name)
        .bind(&unit.ward_type)
        .execute(&mut *c)
        .await
        .map_err(conflict_as(
            "this core service already has a ward with this name"
        ))?
        .rows_affected());
        // A new ward changes the trust's readiness answer though no evidence moved.
        super::readiness::bump_epoch(self, unit.trust_id).await
    }

    async fn units_of_trust(&self, trust_id: Uuid) -> Result<Vec<UnitInfo>, StoreError> {
        let sql = format!(
            "{UNIT_SELECT} WHERE u.trust_id = $1 AND u.active ORDER BY s.name, cs.name, u.name"
        );
        let rows: Vec<UnitRow> = run!(self, |c| sqlx::query_as(&sql)
            .bind(trust_id)
            .fetch_all(&mut *c)
            .await?);
        Ok(rows.into_iter().map(UnitInfo::from).collect())
    }

    async fn unit(&self, id: Uuid) -> Result<Option<UnitInfo>, StoreError> {
        let sql = format!("{UNIT_SELECT} WHERE u.id = $1 AND u.active");
        let row: Option<UnitRow> = run!(self, |c| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?);
        Ok(row.map(UnitInfo::from))
    }
}
