//! Identity: users and their credentials, sessions, and failed sign-ins for throttling.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::db::{Db, run};
use super::{StoreError, conflict_as, found};

/// A user with their credentials; never leaves the server as is.
#[derive(Clone, PartialEq, sqlx::FromRow)]
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
    /// When the password was last set (a one-time password expires a while after).
    pub password_set_at: DateTime<Utc>,
}

impl std::fmt::Debug for UserRecord {
    /// Everything but the password hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("trust_id", &self.trust_id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// A user to add (email already normalised to lower case).
#[derive(Clone)]
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

/// Users, sessions and sign-in failures.
#[async_trait]
pub trait IdentityStore {
    /// Adds a user; `Conflict` when the email is taken.
    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<(), StoreError>;
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError>;
    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError>;
    /// Sets a user's password `at` a time; `must_change` marks a one-time password.
    async fn set_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        must_change: bool,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Users of one trust, by name.
    async fn users_of_trust(&self, trust_id: Uuid) -> Result<Vec<UserRecord>, StoreError>;
    /// Changes a user's role and whether they may sign in.
    async fn update_user(&self, user_id: Uuid, role: &str, active: bool) -> Result<(), StoreError>;

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;
    async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError>;
    async fn touch_session(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn delete_session(&self, id: &str) -> Result<(), StoreError>;
    /// The sessions of every user of a trust, most recently used first.
    async fn sessions_of_trust(&self, trust_id: Uuid) -> Result<Vec<SessionRecord>, StoreError>;
    /// Ends every session of a user, except the one given.
    async fn delete_sessions_of_user(
        &self,
        user_id: Uuid,
        except: Option<&str>,
    ) -> Result<(), StoreError>;

    /// Records a sign-in attempt that has not (yet) succeeded, and forgets every one from
    /// before `forget_before` (outside the window they no longer count).
    async fn record_login_failure(
        &self,
        email: &str,
        addr: &str,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
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
}

const USER_SELECT: &str = "SELECT u.id, u.trust_id, t.name AS trust_name, u.email, \
     u.name, u.role, u.password_hash, u.must_change_password, u.active, \
     COALESCE(u.password_set_at, u.created_at) AS password_set_at \
     FROM users u JOIN trusts t ON t.id = u.trust_id";

#[async_trait]
impl<T: Db + ?Sized> IdentityStore for T {
    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO users (id, trust_id, email, name, role, password_hash, \
             must_change_password, active, created_at, password_set_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
        )
        .bind(user.id)
        .bind(user.trust_id)
        .bind(&user.email)
        .bind(&user.name)
        .bind(&user.role)
        .bind(&user.password_hash)
        .bind(user.must_change_password)
        .bind(true)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(conflict_as("a user with this email already exists"))?
        .rows_affected());
        Ok(())
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("{USER_SELECT} WHERE u.email = $1");
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(email)
            .fetch_optional(&mut *c)
            .await?))
    }

    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("{USER_SELECT} WHERE u.id = $1");
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?))
    }

    async fn set_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        must_change: bool,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done = run!(self, |c| sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, \
             password_set_at = $4 WHERE id = $3"
        )
        .bind(password_hash)
        .bind(must_change)
        .bind(user_id)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        found(done)
    }

    async fn users_of_trust(&self, trust_id: Uuid) -> Result<Vec<UserRecord>, StoreError> {
        let sql = format!("{USER_SELECT} WHERE u.trust_id = $1 ORDER BY u.name, u.email");
        Ok(run!(self, |c| sqlx::query_as(&sql)
            .bind(trust_id)
            .fetch_all(&mut *c)
            .await?))
    }

    async fn update_user(&self, user_id: Uuid, role: &str, active: bool) -> Result<(), StoreError> {
        let done = run!(self, |c| sqlx::query(
            "UPDATE users SET role = $1, active = $2 WHERE id = $3"
        )
        .bind(role)
        .bind(active)
        .bind(user_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        found(done)
    }

    async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO sessions (id, user_id, kind, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(&s.id)
        .bind(s.user_id)
        .bind(&s.kind)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, user_id, kind, created_at, last_seen_at FROM sessions WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await?))
    }

    async fn sessions_of_trust(&self, trust_id: Uuid) -> Result<Vec<SessionRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT s.id, s.user_id, s.kind, s.created_at, s.last_seen_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE u.trust_id = $1 \
             ORDER BY s.last_seen_at DESC"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn touch_session(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE id = $2"
        )
        .bind(at)
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected());
        Ok(())
    }

    async fn delete_sessions_of_user(
        &self,
        user_id: Uuid,
        except: Option<&str>,
    ) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND id <> $2"
        )
        .bind(user_id)
        .bind(except.unwrap_or(""))
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn record_login_failure(
        &self,
        email: &str,
        addr: &str,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "DELETE FROM login_failures WHERE at <= $1"
        )
        .bind(forget_before)
        .execute(&mut *c)
        .await?
        .rows_affected());
        run!(self, |c| sqlx::query(
            "INSERT INTO login_failures (email, addr, at) VALUES ($1, $2, $3)"
        )
        .bind(email)
        .bind(addr)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn login_failures_since(
        &self,
        email: &str,
        addr: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64), StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT \
             (SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $3), \
             (SELECT COUNT(*) FROM login_failures WHERE addr = $2 AND at > $3)"
        )
        .bind(email)
        .bind(addr)
        .bind(since)
        .fetch_one(&mut *c)
        .await?))
    }

    async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "DELETE FROM login_failures WHERE email = $1"
        )
        .bind(email)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }
}
