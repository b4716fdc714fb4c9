//! Signing in and out, resolving a token to a caller, and changing passwords.
//!
//! Failed sign-ins are counted in the database per email and per client address, so the limit
//! holds across restarts and across servers sharing one PostgreSQL.
//!
//! Sign-ins, refusals and password changes are logged for operators with the user and trust ids
//! (a refused email that has no account is logged as "unknown email"); never an email address or
//! a password.

use std::sync::Arc;

use domain::Role;
use domain::api::UserInfo;
use domain::caller::Caller;

use crate::auth::password;
use crate::auth::session::{self, SessionKind};
use crate::clock::Clock;
use crate::config::AuthLimits;
use crate::error::ApiError;
use crate::store::prelude::*;
use crate::store::{SessionRecord, Store, UserRecord};

/// Touch a session's last-seen time at most this often, to spare a write per request.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// Sign-in, sessions and passwords over a store.
#[derive(Clone)]
pub struct AuthService {
    store: Store,
    clock: Arc<dyn Clock>,
    limits: AuthLimits,
    /// A real argon2id hash to verify against when the email is unknown, so timing does not
    /// reveal which emails have accounts.
    decoy_hash: Arc<str>,
}

/// Lower-cases and trims an email for storage and lookup.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The API's view of a user record.
pub fn user_info(user: &UserRecord) -> Result<UserInfo, ApiError> {
    let role = Role::parse(&user.role)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("unknown role {}", user.role)))?;
    Ok(UserInfo {
        id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        role,
        trust_id: user.trust_id,
        trust_name: user.trust_name.clone(),
        must_change_password: user.must_change_password,
    })
}

impl AuthService {
    /// Builds the service (computes the decoy hash once).
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        limits: AuthLimits,
    ) -> anyhow::Result<AuthService> {
        let decoy_hash = password::hash(&password::one_time_password())?.into();
        Ok(AuthService {
            store,
            clock,
            limits,
            decoy_hash,
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> &AuthLimits {
        &self.limits
    }

    /// Checks credentials under the rate limit and opens a session. Returns the new token.
    /// Without a client address only the per-email limit applies: counting every such
    /// request under one address would let one client lock everyone out.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        addr: Option<&str>,
        kind: SessionKind,
    ) -> Result<(String, UserInfo), ApiError> {
        let email = normalise_email(email);
        let now = self.clock.now();
        let window = chrono::Duration::from_std(self.limits.login_window)
            .map_err(|e| ApiError::Internal(e.into()))?;
        // No real address is empty, so failures without one are kept apart from every client.
        let addr_key = addr.unwrap_or("");
        let (by_email, by_addr) = self
            .store
            .login_failures_since(&email, addr_key, now - window)
            .await?;
        if by_email >= i64::from(self.limits.login_failures_per_email)
            || (addr.is_some() && by_addr >= i64::from(self.limits.login_failures_per_addr))
        {
            let user = self.store.user_by_email(&email).await?;
            log_refused_sign_in(user.as_ref(), addr, "too many failed attempts");
            return Err(ApiError::RateLimited {
                retry_after_secs: self.limits.login_window.as_secs(),
            });
        }
        let user = self.store.user_by_email(&email).await?;
        let hash = user
            .as_ref()
            .map_or_else(|| self.decoy_hash.to_string(), |u| u.password_hash.clone());
        let matches = password::verify_blocking(password.to_owned(), hash).await;
        let user = match user {
            Some(user) if matches && user.active => user,
            user => {
                let reason = match &user {
                    Some(u) if matches && !u.active => "account deactivated",
                    _ => "wrong password",
                };
                log_refused_sign_in(user.as_ref(), addr, reason);
                self.store
                    .record_login_failure(&email, addr_key, now)
                    .await?;
                return Err(ApiError::BadCredentials);
            }
        };
        self.store.clear_login_failures(&email).await?;
        let token = session::new_token();
        self.store
            .create_session(&SessionRecord {
                id: session::token_id(&token),
                user_id: user.id,
                kind: kind.as_str().to_owned(),
                created_at: now,
                last_seen_at: now,
            })
            .await?;
        tracing::info!(
            user_id = %user.id, trust_id = %user.trust_id, session = kind.as_str(),
            "signed in"
        );
        Ok((token, user_info(&user)?))
    }

    /// The caller a token stands for, or `None` when it is unknown, expired or the user is gone.
    pub async fn resolve(&self, token: &str) -> Result<Option<Caller>, ApiError> {
        let id = session::token_id(token);
        let Some(session) = self.store.session(&id).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        if session::is_expired(&session, now, &self.limits) {
            self.store.delete_session(&id).await?;
            return Ok(None);
        }
        let Some(user) = self.store.user_by_id(session.user_id).await? else {
            return Ok(None);
        };
        if !user.active {
            return Ok(None);
        }
        if now.signed_duration_since(session.last_seen_at) > TOUCH_EVERY {
            self.store.touch_session(&id, now).await?;
        }
        Ok(Some(Caller {
            user: user_info(&user)?,
            session_id: id,
        }))
    }

    /// Ends a session.
    pub async fn sign_out(&self, caller: &Caller) -> Result<(), ApiError> {
        self.store.delete_session(&caller.session_id).await?;
        tracing::info!(
            user_id = %caller.user.id, trust_id = %caller.user.trust_id,
            "signed out"
        );
        Ok(())
    }

    /// Replaces a password after checking the current one; other sessions of the user end.
    pub async fn change_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
    ) -> Result<(), ApiError> {
        domain::api::check_new_password(new).map_err(ApiError::Unprocessable)?;
        let user = self
            .store
            .user_by_id(caller.user.id)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if !password::verify_blocking(current.to_owned(), user.password_hash.clone()).await {
            tracing::warn!(
                user_id = %user.id, trust_id = %user.trust_id,
                "password change refused: the current password is wrong"
            );
            return Err(ApiError::BadCredentials);
        }
        let hash = password::hash_blocking(new.to_owned()).await?;
        self.store.set_password(user.id, &hash, false).await?;
        // Keep this session, end every other one.
        self.store
            .delete_sessions_of_user(user.id, Some(&caller.session_id))
            .await?;
        tracing::info!(
            user_id = %user.id, trust_id = %user.trust_id,
            "password changed; the user's other sessions ended"
        );
        Ok(())
    }
}

/// Logs a refused sign-in: the user and trust when the email has an account, else "unknown
/// email" (the address itself is not logged).
fn log_refused_sign_in(user: Option<&UserRecord>, addr: Option<&str>, reason: &str) {
    match user {
        Some(u) => tracing::warn!(
            user_id = %u.id, trust_id = %u.trust_id, client_addr = addr.unwrap_or("unknown"), reason,
            "sign-in refused"
        ),
        None => tracing::warn!(
            user = "unknown email",
            client_addr = addr.unwrap_or("unknown"),
            reason,
            "sign-in refused"
        ),
    }
}
