//! Checkpoints of each chain's head, kept outside the database: a line per checkpoint in
//! `<data>/audit/checkpoints.jsonl`, each signed (HMAC-SHA256) with a key kept beside it
//! (`<data>/audit/checkpoint.key`, made on first use, readable by its owner only). Someone who
//! can rewrite the database but not the data folder cannot make a rewritten chain, or one cut
//! short, agree with the checkpoints; a checkpoint whose signature fails is reported, not used.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use super::chain::Head;

/// One trust's head as it stood at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub trust_id: Uuid,
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
    /// HMAC-SHA256 of the fields above, hex.
    pub mac: String,
}

/// Why the checkpoints could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("the checkpoint files could not be used: {0}")]
    Io(#[from] std::io::Error),
    #[error("the checkpoint key cannot be used: {0}")]
    BadKey(String),
    #[error("checkpoint line {line} cannot be read: {why}")]
    Unreadable { line: usize, why: String },
    #[error("checkpoint line {line} is not signed by this installation's key: it was altered")]
    Forged { line: usize },
}

/// The checkpoint files of a data folder.
#[derive(Debug, Clone)]
pub struct Checkpoints {
    folder: PathBuf,
}

impl Checkpoints {
    /// The checkpoints kept under `data_dir`.
    pub fn in_data_dir(data_dir: &Path) -> Checkpoints {
        Checkpoints {
            folder: data_dir.join("audit"),
        }
    }

    fn file(&self) -> PathBuf {
        self.folder.join("checkpoints.jsonl")
    }

    /// The signing key, made on first use. A new key is written whole to a file of its own
    /// and then linked into place, so two processes starting at once agree on one key and
    /// neither ever reads a half-written one.
    fn key(&self) -> Result<Vec<u8>, CheckpointError> {
        let path = self.folder.join("checkpoint.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse_key(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&self.folder)?;
                let mut key = vec![0_u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                let draft = self
                    .folder
                    .join(format!("checkpoint.key.{}", Uuid::new_v4()));
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(&draft)?;
                file.write_all(hex::encode(&key).as_bytes())?;
                file.sync_all()?;
                let linked = std::fs::hard_link(&draft, &path);
                std::fs::remove_file(&draft)?;
                match linked {
                    Ok(()) => Ok(key),
                    // Another process made it first: theirs is the key.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::parse_key(&std::fs::read_to_string(&path)?)
                    }
                    Err(e) => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    fn parse_key(text: &str) -> Result<Vec<u8>, CheckpointError> {
        match hex::decode(text.trim()) {
            Ok(key) if key.len() >= 32 => Ok(key),
            Ok(_) => Err(CheckpointError::BadKey(
                "it is shorter than 32 bytes".into(),
            )),
            Err(e) => Err(CheckpointError::BadKey(e.to_string())),
        }
    }

    fn mac(key: &[u8], trust_id: Uuid, seq: i64, hash: &str, at: DateTime<Utc>) -> String {
        // HMAC takes a key of any length, so this never fails.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(format!("{trust_id}\n{seq}\n{hash}\n{}", at.to_rfc3339()).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Records the heads given (trust, seq, hash) as at `at`.
    pub fn write(
        &self,
        heads: &[(Uuid, i64, String)],
        at: DateTime<Utc>,
    ) -> Result<Vec<Checkpoint>, CheckpointError> {
        let key = self.key()?;
        let written: Vec<Checkpoint> = heads
            .iter()
            .map(|(trust_id, seq, hash)| Checkpoint {
                trust_id: *trust_id,
                seq: *seq,
                hash: hash.clone(),
                at,
                mac: Self::mac(&key, *trust_id, *seq, hash, at),
            })
            .collect();
        let mut lines = String::new();
        for c in &written {
            let line = serde_json::to_string(c).map_err(|e| CheckpointError::Unreadable {
                line: 0,
                why: e.to_string(),
            })?;
            lines.push_str(&line);
            lines.push('\n');
        }
        // One append per call, under this process's lock: the daily task and an export never
        // interleave. Another process (the command line) appends with one `write_all` of its
        // own to a file opened for appending, which Linux applies whole on a local disk; the lock
        // itself does not reach across processes.
        let _turn = WRITING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.file())?;
        file.write_all(lines.as_bytes())?;
        file.sync_all()?;
        Ok(written)
    }

    /// Every checkpoint's head of `trust_id`, each signature checked. A line of another
    /// trust is not this trust's concern; a line nobody can attribute (not JSON at all) could
    /// be anyone's, so it stops every trust's verification.
    pub fn heads(&self, trust_id: Uuid) -> Result<Vec<Head>, CheckpointError> {
        let text = match std::fs::read_to_string(self.file()) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let key = self.key()?;
        let mut heads = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let unreadable = |why: String| CheckpointError::Unreadable { line: i + 1, why };
            let value: serde_json::Value =
                serde_json::from_str(line).map_err(|e| unreadable(e.to_string()))?;
            let whose = value.get("trust_id").and_then(|t| t.as_str());
            if whose.is_some_and(|t| t.parse::<Uuid>().is_ok_and(|t| t != trust_id)) {
                continue;
            }
            let c: Checkpoint =
                serde_json::from_value(value).map_err(|e| unreadable(e.to_string()))?;
            if Self::mac(&key, c.trust_id, c.seq, &c.hash, c.at) != c.mac {
                return Err(CheckpointError::Forged { line: i + 1 });
            }
            heads.push(Head {
                seq: c.seq,
                hash: c.hash,
            });
        }
        Ok(heads)
    }
}

/// Held while a process appends to the checkpoint file.
static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[cfg(test)]
mod tests;
