//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, the OWASP
//! recommendation), run off the async runtime because each hash takes tens of milliseconds.
//! Checks that anyone can start (sign-in, password change) take a turn at the
//! [`PasswordGate`] first, so a flood of them cannot exhaust memory.

use std::sync::Arc;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Hashes a password into a PHC string (algorithm, parameters and salt included).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 hash failed: {e}"))
}

/// True when the password matches the stored hash. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash`] on the blocking pool.
pub async fn hash_blocking(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash(&password)).await?
}

/// [`verify`] on the blocking pool.
pub async fn verify_blocking(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &phc))
        .await
        .unwrap_or(false)
}

/// No turn came free in time: every password check is in use.
#[derive(Debug, thiserror::Error)]
#[error("every password check is in use")]
pub struct Busy;

/// Turns for argon2 work: a few at once (one per CPU by default), since each holds 19 MiB and a
/// CPU for tens of milliseconds. Unbounded, hundreds of sign-ins at once would each hold a
/// blocking thread and its memory; here a caller waits at most `wait` for a turn and is
/// otherwise told the server is busy.
#[derive(Clone)]
pub struct PasswordGate {
    turns: Arc<Semaphore>,
    wait: Duration,
}

impl PasswordGate {
    /// `at_once` checks run together (at least one); a caller waits up to `wait` for a turn.
    pub fn new(at_once: usize, wait: Duration) -> PasswordGate {
        PasswordGate {
            turns: Arc::new(Semaphore::new(at_once.max(1))),
            wait,
        }
    }

    /// How long to wait before asking again, in whole seconds (at least one).
    pub fn retry_after_secs(&self) -> u64 {
        self.wait.as_secs().max(1)
    }

    async fn turn(&self) -> Result<OwnedSemaphorePermit, Busy> {
        let turns = Arc::clone(&self.turns);
        if self.wait.is_zero() {
            return turns.try_acquire_owned().map_err(|_| Busy);
        }
        match tokio::time::timeout(self.wait, turns.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Busy),
        }
    }

    /// [`verify`] in its turn. The turn is held by the check itself, so a caller that goes away
    /// mid-check does not free it early.
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, Busy> {
        let turn = self.turn().await?;
        Ok(tokio::task::spawn_blocking(move || {
            let _turn = turn;
            verify(&password, &phc)
        })
        .await
        .unwrap_or(false))
    }

    /// [`hash`] in its turn.
    pub async fn hash(&self, password: String) -> Result<anyhow::Result<String>, Busy> {
        let turn = self.turn().await?;
        Ok(tokio::task::spawn_blocking(move || {
            let _turn = turn;
            hash(&password)
        })
        .await
        .map_err(anyhow::Error::from)
        .and_then(|hashed| hashed))
    }
}

/// A one-time password for a new or reset account: 4 groups of 4 letters and digits, without
/// look-alike characters, easy to read out over the phone.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash("correct horse battery").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[tokio::test]
    async fn the_gate_refuses_when_every_turn_is_taken() {
        let gate = PasswordGate::new(1, Duration::ZERO);
        let held = gate.turn().await.expect("a free turn");
        assert!(gate.verify("x".into(), "not a hash".into()).await.is_err());
        drop(held);
        assert_eq!(
            gate.verify("x".into(), "not a hash".into()).await.ok(),
            Some(false)
        );
        let waiting = PasswordGate::new(1, Duration::from_millis(20));
        let _held = waiting.turn().await.expect("a free turn");
        assert!(waiting.hash("x".into()).await.is_err());
    }

    #[test]
    fn one_time_passwords_are_long_and_differ() {
        let a = one_time_password();
        assert_eq!(a.len(), 19);
        assert_ne!(a, one_time_password());
    }
}
