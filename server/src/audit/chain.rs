//! The audit trail's hash chain, one per trust. Each entry's hash covers the hash before it,
//! its place in the chain, when, who, what it was about and a digest of its content, so an
//! edited, deleted or reordered entry breaks the chain from that entry on. The content itself
//! is outside the hash (only its digest is in it): redacting a note that named a patient keeps
//! the chain verifiable. A chain rewritten from scratch, or one whose last entries were
//! deleted, still verifies on its own; checkpoints of the head kept outside the database catch
//! both (see [`verify`]).

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before a trust's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub trust_id: Uuid,
    /// 1, 2, 3... within the trust.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who made the change; `None` for the system (a seed, a migration).
    pub actor_id: Option<Uuid>,
    /// What happened, as a stable code (`grant.add`, `sign_in.failed`).
    pub action: String,
    /// The record changed, when there is one.
    pub subject_id: Option<Uuid>,
    /// What changed (before and after) as JSON; `None` once redacted.
    pub content: Option<String>,
    /// SHA-256 of the content as first written, hex.
    pub content_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A moment as the chain hashes it: to the microsecond, which both databases keep exactly.
pub fn moment(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// SHA-256 of `content`, hex.
pub fn digest(content: &str) -> String {
    hex::encode(Sha256::digest(content.as_bytes()))
}

/// The hash of an entry whose predecessor's hash is `prev`.
pub fn entry_hash(prev: &str, e: &Entry) -> String {
    let none = String::new();
    // Newline-separated: no field can hold a newline (ids, codes, hex and RFC 3339 times).
    let fields = [
        prev.to_owned(),
        e.trust_id.to_string(),
        e.seq.to_string(),
        moment(e.at).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        e.actor_id.map_or(none.clone(), |a| a.to_string()),
        e.action.clone(),
        e.subject_id.map_or(none, |s| s.to_string()),
        e.content_digest.clone(),
    ];
    hex::encode(Sha256::digest(fields.join("\n").as_bytes()))
}

/// A head of the chain recorded outside the database: the entry `seq` had hash `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// Where and how a chain is broken: the first broken entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    #[error("entry {seq}: its content no longer matches the digest it was written with")]
    ContentChanged { seq: i64 },
    #[error("entry {seq}: it does not follow from the entry before it (edited or moved)")]
    Edited { seq: i64 },
    #[error(
        "entry {expected} is missing (the next kept is {found}): entries were deleted or moved"
    )]
    Missing { expected: i64, found: i64 },
    #[error(
        "the chain ends at entry {last} but a checkpoint saw entry {seq}: the last entries were deleted"
    )]
    Truncated { seq: i64, last: i64 },
    #[error(
        "entry {seq} is not the entry a checkpoint saw: the chain was rewritten from there or before"
    )]
    Rewritten { seq: i64 },
}

/// Checks a trust's entries, in `seq` order from the first, against themselves and against
/// the checkpoints' heads; returns how many entries were checked.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    heads: &[Head],
) -> Result<i64, Break> {
    let mut prev = GENESIS.to_owned();
    let mut expected = 1;
    let mut kept: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for e in entries {
        if e.seq != expected {
            return Err(Break::Missing {
                expected,
                found: e.seq,
            });
        }
        if let Some(content) = &e.content
            && digest(content) != e.content_digest
        {
            return Err(Break::ContentChanged { seq: e.seq });
        }
        if e.prev_hash != prev || entry_hash(&prev, e) != e.hash {
            return Err(Break::Edited { seq: e.seq });
        }
        if heads.iter().any(|h| h.seq == e.seq) {
            kept.insert(e.seq, e.hash.clone());
        }
        prev.clone_from(&e.hash);
        expected += 1;
    }
    let last = expected - 1;
    let mut heads = heads.to_vec();
    heads.sort_by_key(|h| h.seq);
    for head in heads {
        match kept.get(&head.seq) {
            Some(hash) if *hash == head.hash => {}
            Some(_) => return Err(Break::Rewritten { seq: head.seq }),
            None => {
                return Err(Break::Truncated {
                    seq: head.seq,
                    last,
                });
            }
        }
    }
    Ok(last)
}

#[cfg(test)]
mod tests;
