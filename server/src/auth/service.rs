//! Signing in and out, resolving a token to a caller, and changing passwords.
//!
//! Failed sign-ins are counted in the database per email and per client address (an IPv6
//! client by its /64, which one client holds), so the limit holds across restarts and across
//! servers sharing one PostgreSQL. An attempt is counted before its password is checked, so
//! attempts sent in parallel cannot all slip under the limit; the count keeps only the window.
//! Password changes count against the same limit.
//!
//! Sign-ins, refusals and password changes are logged for operators with the user and trust ids
//! (a refused email that has no account is logged as "unknown email"); never an email address or
//! a password.

use std::net::IpAddr;
use std::sync::Arc;

use domain::Role;
use domain::api::UserInfo;
use domain::caller::Caller;

use crate::auth::password::{self, PasswordGate};
use crate::auth::session::{self, SessionKind};
use crate::clock::Clock;
use crate::config::AuthLimits;
use crate::error::ApiError;
use crate::store::prelude::*;
use crate::store::{SessionRecord, Store, UserRecord};

/// Touch a session's last-seen time at most this often, to spare a write per request.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// The longest email address there can be (RFC 5321's path limit): anything longer is refused
/// before it is stored anywhere.
pub const MAX_EMAIL_BYTES: usize = 254;

/// How far a device's clock may be behind ours when it says when it kept a password verifier.
const CLOCK_GRACE: chrono::Duration = chrono::Duration::minutes(5);

/// Sign-in, sessions and passwords over a store.
#[derive(Clone)]
pub struct AuthService {
    store: Store,
    clock: Arc<dyn Clock>,
    limits: AuthLimits,
    /// A real argon2id hash to verify against when the email is unknown, so timing does not
    /// reveal which emails have accounts.
    decoy_hash: Arc<str>,
    gate: PasswordGate,
}

/// Lower-cases and trims an email for storage and lookup.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// What failed sign-ins from `addr` are counted under: the address itself, an IPv6 address by
/// its /64 (one household or phone holds a whole /64), an IPv4-mapped one as IPv4. No real
/// address is empty, so attempts without one are kept apart from every client.
pub fn limit_key(addr: Option<&str>) -> String {
    match addr.map(|a| a.parse::<IpAddr>()) {
        Some(Ok(IpAddr::V6(v6))) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Some(Ok(ip)) => ip.to_string(),
        Some(Err(_)) => addr.unwrap_or_default().to_owned(),
        None => String::new(),
    }
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
        let gate = PasswordGate::new(limits.password_checks_at_once, limits.password_check_wait);
        Ok(AuthService {
            store,
            clock,
            limits,
            decoy_hash,
            gate,
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> &AuthLimits {
        &self.limits
    }

    /// Counts an attempt for `email` from `addr` before its password is checked: refused with
    /// 429 when the window already holds the limit, else recorded, and refused too when
    /// attempts made at the same moment took the last places. Without a client address only
    /// the per-email limit applies: counting every such request under one address would let one
    /// client lock everyone out. `user` is for the log.
    async fn count_attempt(
        &self,
        email: &str,
        addr: Option<&str>,
        user: Option<&UserRecord>,
    ) -> Result<(), ApiError> {
        let now = self.clock.now();
        let window = chrono::Duration::from_std(self.limits.login_window)
            .map_err(|e| ApiError::Internal(e.into()))?;
        let since = now - window;
        let key = limit_key(addr);
        let over = |(by_email, by_addr): (i64, i64), already: i64| {
            by_email >= i64::from(self.limits.login_failures_per_email) + already
                || (addr.is_some()
                    && by_addr >= i64::from(self.limits.login_failures_per_addr) + already)
        };
        let refuse = || {
            log_refused_sign_in(user, addr, "too many failed attempts");
            Err(ApiError::RateLimited {
                retry_after_secs: self.limits.login_window.as_secs(),
            })
        };
        if over(
            self.store.login_failures_since(email, &key, since).await?,
            0,
        ) {
            return refuse();
        }
        self.store
            .record_login_failure(email, &key, now, since)
            .await?;
        // This attempt is among them now: over by more than itself, others got in first.
        if over(
            self.store.login_failures_since(email, &key, since).await?,
            1,
        ) {
            return refuse();
        }
        Ok(())
    }

    /// Checks a password in its turn at the gate (503 `busy` when none comes free in time).
    async fn password_matches(&self, password: &str, hash: String) -> Result<bool, ApiError> {
        self.gate
            .verify(password.to_owned(), hash)
            .await
            .map_err(|password::Busy| ApiError::Busy {
                retry_after_secs: self.gate.retry_after_secs(),
            })
    }

    /// Writes a sign-in, or a refused one, of a known account to its trust's audit trail.
    async fn audit_sign_in(
        &self,
        tx: &crate::store::Tx,
        user: &UserRecord,
        action: &str,
        addr: Option<&str>,
        reason: Option<&str>,
    ) -> Result<(), ApiError> {
        let after = serde_json::json!({ "email": user.email, "from": addr, "reason": reason });
        crate::audit::record(
            tx,
            user.trust_id,
            self.clock.now(),
            Some(user.id),
            action,
            Some(user.id),
            serde_json::Value::Null,
            after,
        )
        .await?;
        Ok(())
    }

    /// Writes a refused sign-in of a known account on a transaction of its own.
    async fn audit_refused(
        &self,
        user: &UserRecord,
        addr: Option<&str>,
        reason: &str,
    ) -> Result<(), ApiError> {
        let tx = self.store.begin().await?;
        self.audit_sign_in(&tx, user, "sign_in.failed", addr, Some(reason))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks credentials under the rate limit and opens a session. Returns the new token.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        addr: Option<&str>,
        kind: SessionKind,
    ) -> Result<(String, UserInfo), ApiError> {
        let email = normalise_email(email);
        if email.len() > MAX_EMAIL_BYTES {
            return Err(ApiError::InvalidBody(format!(
                "An email address has at most {MAX_EMAIL_BYTES} characters"
            )));
        }
        let now = self.clock.now();
        let user = self.store.user_by_email(&email).await?;
        self.count_attempt(&email, addr, user.as_ref()).await?;
        let hash = user
            .as_ref()
            .map_or_else(|| self.decoy_hash.to_string(), |u| u.password_hash.clone());
        let matches = self.password_matches(password, hash).await?;
        let user = match user {
            Some(user) if matches && user.active => user,
            user => {
                let reason = match &user {
                    Some(u) if matches && !u.active => "account deactivated",
                    _ => "wrong password",
                };
                log_refused_sign_in(user.as_ref(), addr, reason);
                // Known accounts only, and at most the limiter's few per window: guesses at
                // unknown emails are counted by the limiter, never logged one by one.
                if let Some(u) = &user {
                    self.audit_refused(u, addr, reason).await?;
                }
                return Err(ApiError::BadCredentials);
            }
        };
        let valid = chrono::Duration::from_std(self.limits.one_time_password_valid)
            .map_err(|e| ApiError::Internal(e.into()))?;
        if user.must_change_password && now - user.password_set_at > valid {
            // The password was right, so saying why is safe, and tells them what to do.
            log_refused_sign_in(Some(&user), addr, "one-time password expired");
            self.audit_refused(&user, addr, "one-time password expired")
                .await?;
            return Err(ApiError::OneTimePasswordExpired);
        }
        self.store.clear_login_failures(&email).await?;
        let token = session::new_token();
        let tx = self.store.begin().await?;
        tx.create_session(&SessionRecord {
            id: session::token_id(&token),
            user_id: user.id,
            kind: kind.as_str().to_owned(),
            created_at: now,
            last_seen_at: now,
        })
        .await?;
        self.audit_sign_in(&tx, &user, "sign_in", addr, None)
            .await?;
        tx.commit().await?;
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

    /// Ends the session a token stands for, if any: a device signed out while offline, and its
    /// browser still held the token.
    pub async fn end_session_of(&self, token: &str) -> Result<(), ApiError> {
        let id = session::token_id(token);
        if let Some(ended) = self.store.session(&id).await? {
            self.store.delete_session(&id).await?;
            tracing::info!(user_id = %ended.user_id, "signed out on the device while offline");
        }
        Ok(())
    }

    /// Which of the offline sign-ins a device keeps may stay: the user is of the caller's trust,
    /// still active, and has not had a new password since the device made its verifier.
    pub async fn offline_sign_in(
        &self,
        caller: &Caller,
        held: &[domain::api::HeldAccount],
    ) -> Result<domain::api::OfflineSignIn, ApiError> {
        const MOST: usize = 100;
        if held.len() > MOST {
            return Err(ApiError::InvalidBody(format!(
                "Ask about at most {MOST} accounts at once"
            )));
        }
        let mut keep = Vec::new();
        for account in held {
            let Some(user) = self.store.user_by_id(account.user_id).await? else {
                continue;
            };
            // A few minutes' grace: the device's clock made `kept_since`, ours the password time.
            let changed_since = user.password_set_at > account.kept_since + CLOCK_GRACE;
            if user.active && user.trust_id == caller.user.trust_id && !changed_since {
                keep.push(user.id);
            }
        }
        Ok(domain::api::OfflineSignIn {
            days: self.limits.offline_sign_in_days,
            keep,
        })
    }

    /// Ends a session.
    pub async fn sign_out(&self, caller: &Caller) -> Result<(), ApiError> {
        let tx = self.store.begin().await?;
        tx.delete_session(&caller.session_id).await?;
        let after = serde_json::json!({ "session_ended": true });
        crate::audit::record(
            &tx,
            caller.user.trust_id,
            self.clock.now(),
            Some(caller.user.id),
            "sign_out",
            Some(caller.user.id),
            serde_json::Value::Null,
            after,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            user_id = %caller.user.id, trust_id = %caller.user.trust_id,
            "signed out"
        );
        Ok(())
    }

    /// Replaces a password after checking the current one; other sessions of the user end.
    /// Wrong current passwords count as failed sign-ins, so a stolen session cannot be used
    /// to guess the password.
    pub async fn change_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
        addr: Option<&str>,
    ) -> Result<(), ApiError> {
        domain::api::check_new_password(new).map_err(ApiError::Unprocessable)?;
        let user = self
            .store
            .user_by_id(caller.user.id)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        self.count_attempt(&user.email, addr, Some(&user)).await?;
        if !self
            .password_matches(current, user.password_hash.clone())
            .await?
        {
            tracing::warn!(
                user_id = %user.id, trust_id = %user.trust_id,
                "password change refused: the current password is wrong"
            );
            let reason = "wrong current password at a password change";
            self.audit_refused(&user, addr, reason).await?;
            return Err(ApiError::BadCredentials);
        }
        let hash = self
            .gate
            .hash(new.to_owned())
            .await
            .map_err(|password::Busy| ApiError::Busy {
                retry_after_secs: self.gate.retry_after_secs(),
            })??;
        let now = self.clock.now();
        let tx = self.store.begin().await?;
        tx.set_password(user.id, &hash, false, now).await?;
        tx.clear_login_failures(&user.email).await?;
        // Keep this session, end every other one.
        tx.delete_sessions_of_user(user.id, Some(&caller.session_id))
            .await?;
        self.audit_sign_in(&tx, &user, "user.password_change", addr, None)
            .await?;
        tx.commit().await?;
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

#[cfg(test)]
mod tests {
    use super::limit_key;

    #[test]
    fn addresses_are_limited_as_their_holder() {
        assert_eq!(limit_key(Some("203.0.113.7")), "203.0.113.7");
        assert_eq!(limit_key(Some("2001:db8:7:1::1")), "2001:db8:7:1::/64");
        assert_eq!(
            limit_key(Some("2001:db8:7:1:aaaa:bbbb:cccc:dddd")),
            "2001:db8:7:1::/64"
        );
        assert_eq!(limit_key(Some("::ffff:203.0.113.7")), "203.0.113.7");
        assert_eq!(limit_key(Some("not an address")), "not an address");
        assert_eq!(limit_key(None), "");
    }
}
