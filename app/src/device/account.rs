//! Who is using this device: the accounts that may sign in again offline, the device session
//! and the idle lock.
//!
//! A successful online sign-in leaves a verifier on the device: PBKDF2-SHA-256 of the password
//! with a fresh random salt, derived by the browser's WebCrypto. The password itself is never
//! kept. Offline sign-in and unlocking derive again and compare. The session (who is signed in,
//! whether the screen is locked, when they last touched it) lives in `localStorage`, so it is
//! known synchronously on every page load and shared by the tablet's tabs.

use chrono::{DateTime, Utc};
use domain::api::{HeldAccount, OfflineSignIn, UserInfo};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::idb::{ACCOUNTS, delete_one, from_js, get_one, open, put_one, to_js};
use super::{DEFAULT_LOCK_MINUTES, DeviceError, OfflineRefusal, idle_expired, same_bytes};

/// PBKDF2 rounds: OWASP's figure for PBKDF2-HMAC-SHA-256, a fraction of a second on a tablet.
const ITERATIONS: u32 = 600_000;
const SESSION_KEY: &str = "readyward.session";
const LOCKED_KEY: &str = "readyward.locked";
const ACTIVE_KEY: &str = "readyward.last_active";
const LOCK_MINUTES_KEY: &str = "readyward.lock_minutes";
const OFFLINE_FAILURES_KEY: &str = "readyward.offline_sign_in_failures";
const UNLOCK_FAILURES_KEY: &str = "readyward.unlock_failures";
const OFFLINE_DAYS_KEY: &str = "readyward.offline_days";
const LAST_USER_KEY: &str = "readyward.last_user";

/// An account remembered on this device.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DeviceAccount {
    /// Lower-case email: the key it is found by.
    email: String,
    user: UserInfo,
    salt: String,
    verifier: String,
    iterations: u32,
    /// When the verifier was made (an online sign-in); it expires after the days the server
    /// hands out. One kept before this field existed counts as expired.
    #[serde(default)]
    kept_since: DateTime<Utc>,
}

fn storage_error(e: JsValue) -> DeviceError {
    DeviceError::Storage(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

fn random_salt() -> Result<[u8; 16], DeviceError> {
    let mut salt = [0u8; 16];
    web_sys::window()
        .ok_or_else(|| DeviceError::Storage("no window".into()))?
        .crypto()
        .map_err(storage_error)?
        .get_random_values_with_u8_array(&mut salt)
        .map_err(storage_error)?;
    Ok(salt)
}

/// PBKDF2-SHA-256 of the password, 32 bytes, by WebCrypto.
async fn derive(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, DeviceError> {
    let subtle = web_sys::window()
        .ok_or_else(|| DeviceError::Storage("no window".into()))?
        .crypto()
        .map_err(storage_error)?
        .subtle();
    let raw = js_sys::Uint8Array::from(password.as_bytes());
    let usages = js_sys::Array::of1(&JsValue::from_str("deriveBits"));
    let key = JsFuture::from(
        subtle
            .import_key_with_str("raw", &raw, "PBKDF2", false, &usages)
            .map_err(storage_error)?,
    )
    .await
    .map_err(storage_error)?;
    let params = web_sys::Pbkdf2Params::new(
        "PBKDF2",
        &JsValue::from_str("SHA-256"),
        iterations,
        &js_sys::Uint8Array::from(salt),
    );
    let bits = JsFuture::from(
        subtle
            .derive_bits_with_object(&params, &key.unchecked_into(), 256)
            .map_err(storage_error)?,
    )
    .await
    .map_err(storage_error)?;
    Ok(js_sys::Uint8Array::new(&bits).to_vec())
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Remembers that this user signed in here with this password (checked by the server just
/// now), so they can sign in again or unlock while offline.
pub async fn remember_account(user: &UserInfo, password: &str) -> Result<(), DeviceError> {
    let salt = random_salt()?;
    let verifier = derive(password, &salt, ITERATIONS).await?;
    let account = DeviceAccount {
        email: user.email.to_lowercase(),
        user: user.clone(),
        salt: hex(&salt),
        verifier: hex(&verifier),
        iterations: ITERATIONS,
        kept_since: Utc::now(),
    };
    put_one(ACCOUNTS, &to_js(&account)?).await
}

/// Checks an email and password against the verifier kept on this device.
pub async fn check_on_device(
    email: &str,
    password: &str,
) -> Result<Result<UserInfo, OfflineRefusal>, DeviceError> {
    // A refusal takes as long whether or not the device knows the email, so the time taken
    // does not tell which emails it keeps.
    let unknown = || async {
        derive(password, &[0u8; 16], ITERATIONS).await?;
        Ok(Err(OfflineRefusal::UnknownHere))
    };
    let Some(found) = get_one(ACCOUNTS, &email.trim().to_lowercase()).await? else {
        return unknown().await;
    };
    let account: DeviceAccount = from_js(found)?;
    if super::verifier_expired(account.kept_since, Utc::now(), offline_days()) {
        delete_one(ACCOUNTS, &account.email).await?;
        return unknown().await;
    }
    let (Some(salt), Some(expected)) = (unhex(&account.salt), unhex(&account.verifier)) else {
        return Ok(Err(OfflineRefusal::UnknownHere));
    };
    let derived = derive(password, &salt, account.iterations).await?;
    Ok(if same_bytes(&derived, &expected) {
        Ok(account.user)
    } else {
        Err(OfflineRefusal::Wrong)
    })
}

/// Offline sign-in: [`check_on_device`], refused outright after
/// [`OFFLINE_SIGN_IN_ATTEMPTS`](super::OFFLINE_SIGN_IN_ATTEMPTS) failures within the window.
/// The count is kept on the device, so neither a reload nor another email resets it.
pub async fn sign_in_on_device(
    email: &str,
    password: &str,
) -> Result<Result<UserInfo, OfflineRefusal>, DeviceError> {
    use super::{
        ATTEMPT_WINDOW_MS, Failures, OFFLINE_SIGN_IN_ATTEMPTS, OFFLINE_SIGN_IN_ATTEMPTS_PER_DEVICE,
    };
    let this_email = format!("{OFFLINE_FAILURES_KEY}:{}", email.trim().to_lowercase());
    let kept = |key: &str| read(key).and_then(|t| Failures::parse(&t));
    let (mine, all) = (kept(&this_email), kept(OFFLINE_FAILURES_KEY));
    let now = now_ms();
    if Failures::exhausted(mine, now, ATTEMPT_WINDOW_MS, OFFLINE_SIGN_IN_ATTEMPTS)
        || Failures::exhausted(
            all,
            now,
            ATTEMPT_WINDOW_MS,
            OFFLINE_SIGN_IN_ATTEMPTS_PER_DEVICE,
        )
    {
        return Ok(Err(OfflineRefusal::TooMany));
    }
    let answer = check_on_device(email, password).await?;
    match answer {
        Ok(_) => forget(&this_email),
        Err(_) => {
            for (key, before) in [(this_email.as_str(), mine), (OFFLINE_FAILURES_KEY, all)] {
                let after = Failures::after_failure(before, now, ATTEMPT_WINDOW_MS);
                write(key, &after.to_text());
            }
        }
    }
    Ok(answer)
}

/// Counts a wrong password at the lock screen (kept on the device, so a reload does not
/// reset it) and returns how many there have been since the screen was last unlocked.
pub fn note_unlock_failure() -> u32 {
    use super::Failures;
    let kept = read(UNLOCK_FAILURES_KEY).and_then(|t| Failures::parse(&t));
    let next = Failures::after_failure(kept, now_ms(), f64::INFINITY);
    write(UNLOCK_FAILURES_KEY, &next.to_text());
    next.count
}

/// Forgets the lock screen's wrong passwords (unlocked, or signed out).
pub fn clear_unlock_failures() {
    forget(UNLOCK_FAILURES_KEY);
}

/// Days a verifier lasts, as the server last said.
fn offline_days() -> u32 {
    read(OFFLINE_DAYS_KEY)
        .and_then(|d| d.parse().ok())
        .unwrap_or(domain::api::DEFAULT_OFFLINE_SIGN_IN_DAYS)
}

/// Every account this device keeps an offline sign-in for, to ask the server about.
pub async fn held_accounts() -> Result<Vec<HeldAccount>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[ACCOUNTS], rexie::TransactionMode::ReadOnly)?;
    let rows = tx.store(ACCOUNTS)?.get_all(None, None).await?;
    tx.done().await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| from_js::<DeviceAccount>(row).ok())
        .map(|a| HeldAccount {
            user_id: a.user.id,
            kept_since: a.kept_since,
        })
        .collect())
}

/// Follows the server's word on the accounts in `asked`: keeps its days, and drops each offline
/// sign-in it did not say may stay (a new password, a deactivated account, another trust's).
/// A verifier made since the question (a password changed meanwhile) is not the one asked
/// about, and stays.
pub async fn follow_offline_sign_in(
    asked: &[HeldAccount],
    answer: &OfflineSignIn,
) -> Result<(), DeviceError> {
    write(OFFLINE_DAYS_KEY, &answer.days.to_string());
    let db = open().await?;
    let tx = db.transaction(&[ACCOUNTS], rexie::TransactionMode::ReadWrite)?;
    let accounts = tx.store(ACCOUNTS)?;
    for row in accounts.get_all(None, None).await? {
        if let Ok(account) = from_js::<DeviceAccount>(row)
            && !answer.keep.contains(&account.user.id)
            && asked
                .iter()
                .any(|a| a.user_id == account.user.id && a.kept_since == account.kept_since)
        {
            accounts.delete(JsValue::from_str(&account.email)).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The email of whoever last signed out here, until someone signs in.
pub fn last_signed_out() -> Option<String> {
    read(LAST_USER_KEY)
}

/// Forgets the offline sign-in of whoever last signed out here ("Forget me on this device").
pub async fn forget_last_user() -> Result<(), DeviceError> {
    if let Some(email) = read(LAST_USER_KEY) {
        delete_one(ACCOUNTS, &email).await?;
        forget(LAST_USER_KEY);
    }
    Ok(())
}

/// Whether this user can unlock on this device (a verifier is kept for them).
pub async fn can_unlock(user: &UserInfo) -> Result<bool, DeviceError> {
    Ok(get_one(ACCOUNTS, &user.email.to_lowercase())
        .await?
        .is_some())
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

fn write(key: &str, value: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(key, value);
    }
}

fn forget(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The user signed in on this device, as the device remembers it.
pub fn device_user() -> Option<UserInfo> {
    serde_json::from_str(&read(SESSION_KEY)?).ok()
}

/// Records who uses the device now (after an online or offline sign-in).
pub fn start_device_session(user: &UserInfo) {
    if let Ok(json) = serde_json::to_string(user) {
        write(SESSION_KEY, &json);
    }
    forget(LOCKED_KEY);
    forget(UNLOCK_FAILURES_KEY);
    forget(LAST_USER_KEY);
    super::purge::forget_left_behind();
    touch();
}

/// Forgets who uses the device (their work and their account stay).
pub fn end_device_session() {
    if let Some(user) = device_user() {
        write(LAST_USER_KEY, &user.email.to_lowercase());
    }
    forget(SESSION_KEY);
    forget(LOCKED_KEY);
    forget(UNLOCK_FAILURES_KEY);
}

/// Whether the screen is locked.
pub fn is_locked() -> bool {
    read(LOCKED_KEY).is_some()
}

/// Locks or unlocks the screen.
pub fn set_locked(locked: bool) {
    if locked {
        write(LOCKED_KEY, "1");
    } else {
        forget(LOCKED_KEY);
        touch();
    }
}

/// Notes that the user did something just now.
pub fn touch() {
    write(ACTIVE_KEY, &now_ms().to_string());
}

/// Minutes without a touch before the device locks.
pub fn lock_minutes() -> u32 {
    read(LOCK_MINUTES_KEY)
        .and_then(|m| m.parse().ok())
        .unwrap_or(DEFAULT_LOCK_MINUTES)
}

/// Sets the idle time before the device locks.
pub fn set_lock_minutes(minutes: u32) {
    write(LOCK_MINUTES_KEY, &minutes.to_string());
}

/// Whether the user has been idle for longer than the lock allows.
pub fn idle_too_long() -> bool {
    let last = read(ACTIVE_KEY).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    idle_expired(last, now_ms(), lock_minutes())
}

/// Remembers that a sign-out could not reach the server, to finish it when it can: a cookie
/// (no secret in it) that the next request to reach the server carries, whoever makes it, so
/// the session this browser still holds ends before anything is answered with it.
pub fn set_sign_out_pending(pending: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let secure = document
        .location()
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    // It outlives a browser restart and goes with a link followed from elsewhere, as the
    // session cookie does (Lax), for as long as any session of this browser could live.
    let cookie = format!(
        "{}={}; Path=/; SameSite=Lax; Max-Age={}{}",
        domain::api::SIGNED_OUT_COOKIE,
        if pending { "1" } else { "" },
        if pending { 31 * 24 * 3600 } else { 0 },
        if secure { "; Secure" } else { "" },
    );
    let _ = js_sys::Reflect::set(&document, &"cookie".into(), &cookie.into());
}

/// Whether a sign-out still has to reach the server.
pub fn sign_out_pending() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| js_sys::Reflect::get(&d, &"cookie".into()).ok())
        .and_then(|c| c.as_string())
        .is_some_and(|c| {
            c.split(';')
                .any(|p| p.trim() == format!("{}=1", domain::api::SIGNED_OUT_COOKIE))
        })
}
