//! The storage interface and its records.
//!
//! One trait, two implementations: SQLite (WAL, the embedded default) and PostgreSQL (for a
//! shared deployment). The SQL text is written once in `sql.rs` and instantiated for both, since
//! both accept `$n` placeholders and the same DML; only the migrations differ per database.
//! Every method that reads trust data takes the trust it is scoped to: scoping is decided by the
//! caller's memberships and grants in `crate::access`, never by what a client sends.

mod postgres;
mod sql;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::api::UnitInfo;
use uuid::Uuid;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken: the text names what already exists.
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

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

/// A user with their credentials; never leaves the server as is.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub trust_name: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
}

/// A user to add (email already normalised to lower case).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// A signed-in session. `id` is the SHA-256 of the token; the token itself is never stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: String,
    pub user_id: Uuid,
    /// `browser` or `device`: they expire differently.
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Time-limited access for a reviewer of another trust.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GrantRecord {
    pub id: Uuid,
    /// The trust whose data the reviewer may see.
    pub trust_id: Uuid,
    pub reviewer_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

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

/// A photo the server holds; its bytes are in the photo store under the two keys.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PhotoRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub uploaded_by: Uuid,
    /// SHA-256 (hex) of the bytes the device sent.
    pub sha256: String,
    /// Photo-store key of the kept picture.
    pub image_key: String,
    /// Photo-store key of the thumbnail.
    pub thumbnail_key: String,
    pub width: i32,
    pub height: i32,
    pub created_at: DateTime<Utc>,
}

/// A kept conflict with what its mutation id applied first, for review.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ConflictRecord {
    pub seq: i64,
    pub mutation_id: Uuid,
    pub trust_id: Uuid,
    pub kind: String,
    /// JSON text of the version sent again.
    pub data: String,
    pub user_id: Uuid,
    pub user_name: String,
    pub device_id: Uuid,
    pub received_at: DateTime<Utc>,
    /// JSON text of what the mutation id applied first.
    pub applied_data: Option<String>,
    pub applied_by: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// A pushed change after `crate::sync` has parsed and checked it.
#[derive(Debug, Clone)]
pub enum Change {
    Inspection(domain::sync::InspectionData),
    Finding(domain::sync::FindingData),
    Interview(domain::sync::InterviewData),
    /// Refused before it reached the database, with the reason.
    Invalid(String),
}

/// One mutation of a push, as sent and as understood.
#[derive(Debug, Clone)]
pub struct PushItem {
    pub mutation_id: Uuid,
    pub kind: String,
    pub data: serde_json::Value,
    pub change: Change,
}

/// Who pushes: the records they write belong to their trust.
#[derive(Debug, Clone, Copy)]
pub struct Pusher {
    pub user_id: Uuid,
    pub trust_id: Uuid,
    pub device_id: Uuid,
}

/// The storage interface every part of the server uses.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Brings the schema up to date.
    async fn migrate(&self) -> Result<(), StoreError>;
    /// Checks the database answers (for `/healthz`).
    async fn ping(&self) -> Result<(), StoreError>;

    async fn create_trust(&self, trust: &TrustRecord) -> Result<(), StoreError>;
    async fn trust_by_name(&self, name: &str) -> Result<Option<TrustRecord>, StoreError>;
    async fn create_site(&self, site: &SiteRecord) -> Result<(), StoreError>;
    async fn sites_of_trust(&self, trust_id: Uuid) -> Result<Vec<SiteRecord>, StoreError>;
    async fn create_core_service(&self, service: &CoreServiceRecord) -> Result<(), StoreError>;
    async fn core_services_of_trust(
        &self,
        trust_id: Uuid,
    ) -> Result<Vec<CoreServiceRecord>, StoreError>;
    async fn create_unit(&self, unit: &NewUnit) -> Result<(), StoreError>;
    /// Active units of one trust, in tree order (site, core service, ward name).
    async fn units_of_trust(&self, trust_id: Uuid) -> Result<Vec<UnitInfo>, StoreError>;
    /// One active unit with where it sits, whatever its trust: callers check scope.
    async fn unit(&self, id: Uuid) -> Result<Option<UnitInfo>, StoreError>;

    /// Adds a user; `Conflict` when the email is taken.
    async fn create_user(&self, user: &NewUser) -> Result<(), StoreError>;
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError>;
    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError>;
    async fn set_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StoreError>;
    /// Users of one trust, by name.
    async fn users_of_trust(&self, trust_id: Uuid) -> Result<Vec<UserRecord>, StoreError>;
    /// Changes a user's role and whether they may sign in.
    async fn update_user(&self, user_id: Uuid, role: &str, active: bool) -> Result<(), StoreError>;

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;
    async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError>;
    async fn touch_session(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn delete_session(&self, id: &str) -> Result<(), StoreError>;
    /// Ends every session of a user, except the one given.
    async fn delete_sessions_of_user(
        &self,
        user_id: Uuid,
        except: Option<&str>,
    ) -> Result<(), StoreError>;

    async fn record_login_failure(
        &self,
        email: &str,
        addr: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Failures since `since` for (this email, this address).
    async fn login_failures_since(
        &self,
        email: &str,
        addr: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64), StoreError>;
    /// Forgets an email's failures after a successful sign-in.
    async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError>;

    async fn create_grant(&self, grant: &GrantRecord) -> Result<(), StoreError>;
    /// Trusts the reviewer holds a grant for on `today`.
    async fn granted_trusts(
        &self,
        reviewer_id: Uuid,
        today: NaiveDate,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Ends a grant on `ends_on` (kept, not deleted, so the record of access stays).
    async fn end_grant(&self, grant_id: Uuid, ends_on: NaiveDate) -> Result<(), StoreError>;
    /// Adds a template version; `Conflict` when that (id, version) exists already.
    async fn insert_template_version(&self, template: &TemplateRecord) -> Result<(), StoreError>;
    /// The newest version of every template a trust may use (its own and the built-in ones),
    /// archived ones included so callers can tell.
    async fn latest_templates(&self, trust_id: Uuid) -> Result<Vec<TemplateRecord>, StoreError>;
    /// The newest version of one template, whoever owns it: callers check scope.
    async fn latest_template(&self, id: Uuid) -> Result<Option<TemplateRecord>, StoreError>;

    /// Grants given by a trust.
    async fn grants_of_trust(&self, trust_id: Uuid) -> Result<Vec<GrantRecord>, StoreError>;

    /// Applies a push in order, in one transaction that is durable on disk before this
    /// returns: one result per item (see `crate::sync` for the rules).
    async fn apply_push(
        &self,
        pusher: &Pusher,
        items: &[PushItem],
    ) -> Result<Vec<domain::sync::PushResult>, StoreError>;
    /// An inspection with its findings, interviews and photos, and the trust it belongs to:
    /// callers check scope.
    async fn inspection_view(
        &self,
        id: Uuid,
    ) -> Result<Option<(Uuid, domain::sync::InspectionView)>, StoreError>;

    /// Records a photo; `Conflict` when its id is taken.
    async fn insert_photo(&self, photo: &PhotoRecord) -> Result<(), StoreError>;
    /// One photo, whatever its trust: callers check scope.
    async fn photo(&self, id: Uuid) -> Result<Option<PhotoRecord>, StoreError>;
    /// Conflicts of a trust nobody has resolved yet, oldest first.
    async fn open_conflicts(&self, trust_id: Uuid) -> Result<Vec<ConflictRecord>, StoreError>;
    /// One conflict, resolved or not, whatever its trust: callers check scope.
    async fn conflict(&self, seq: i64) -> Result<Option<ConflictRecord>, StoreError>;
    /// Records how a conflict was resolved; `NotFound` when it was resolved already.
    async fn resolve_conflict(
        &self,
        seq: i64,
        by: Uuid,
        resolution: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Whether any photo still names a photo-store key.
    async fn photo_key_in_use(&self, key: &str) -> Result<bool, StoreError>;
}

/// Opens the store a database URL names and brings its schema up to date.
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> =
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Arc::new(PostgresStore::connect(url).await?)
        } else {
            Arc::new(SqliteStore::connect(url).await?)
        };
    store.migrate().await?;
    Ok(store)
}

/// Maps a unique-constraint violation to `Conflict(what)`, anything else to `Database`.
fn conflict_as(what: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(what.to_owned())
        }
        _ => StoreError::Database(e),
    }
}
