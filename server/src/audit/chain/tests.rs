//! The chain on its own: a good chain verifies, each kind of tampering names its first broken
//! entry, redaction does not break it, and checkpoints catch a rewrite or a cut end.
#![allow(clippy::unwrap_used)]

use chrono::TimeZone;

use super::*;

const TRUST: Uuid = Uuid::from_u128(7);

/// A chain of `n` entries, each hashed on the one before.
fn chain(n: i64) -> Vec<Entry> {
    let mut prev = GENESIS.to_owned();
    (1..=n)
        .map(|seq| {
            let content = format!(r#"{{"after":{{"note":"entry {seq}"}}}}"#);
            let mut e = Entry {
                trust_id: TRUST,
                seq,
                at: Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap()
                    + chrono::Duration::microseconds(seq * 1_001),
                actor_id: Some(Uuid::from_u128(100)),
                action: "finding.record".to_owned(),
                subject_id: Some(Uuid::from_u128(1_000 + seq as u128)),
                content_digest: digest(&content),
                content: Some(content),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = entry_hash(&prev, &e);
            prev.clone_from(&e.hash);
            e
        })
        .collect()
}

fn head(entries: &[Entry], seq: i64) -> Head {
    let e = &entries[(seq - 1) as usize];
    Head {
        seq,
        hash: e.hash.clone(),
    }
}

#[test]
fn an_untouched_chain_verifies() {
    let entries = chain(5);
    assert_eq!(
        verify(&entries, &[head(&entries, 3), head(&entries, 5)]),
        Ok(5)
    );
    assert_eq!(verify(&[], &[]), Ok(0));
}

#[test]
fn an_edited_field_is_named() {
    let mut entries = chain(5);
    entries[2].action = "grant.add".to_owned();
    assert_eq!(verify(&entries, &[]), Err(Break::Edited { seq: 3 }));

    let mut entries = chain(5);
    entries[1].content = Some(r#"{"after":{"note":"something else"}}"#.to_owned());
    assert_eq!(verify(&entries, &[]), Err(Break::ContentChanged { seq: 2 }));
}

#[test]
fn a_deleted_entry_is_named() {
    let mut entries = chain(5);
    entries.remove(3);
    assert_eq!(
        verify(&entries, &[]),
        Err(Break::Missing {
            expected: 4,
            found: 5
        })
    );
}

#[test]
fn swapped_entries_are_named() {
    let mut entries = chain(5);
    entries.swap(1, 2);
    // Renumbered to hide the swap, the chain still breaks at the first moved entry.
    entries[1].seq = 2;
    entries[2].seq = 3;
    assert_eq!(verify(&entries, &[]), Err(Break::Edited { seq: 2 }));
}

#[test]
fn redacted_content_keeps_the_chain() {
    let mut entries = chain(5);
    entries[2].content = None;
    assert_eq!(verify(&entries, &[]), Ok(5));
}

#[test]
fn checkpoints_catch_a_cut_end_and_a_rewritten_chain() {
    let entries = chain(5);
    let heads = [head(&entries, 5)];
    assert_eq!(
        verify(&entries[..4], &heads),
        Err(Break::Truncated { seq: 5, last: 4 })
    );
    // Rewritten from scratch with other content: consistent in itself, not with the checkpoint.
    let mut forged = chain(5);
    forged[0].action = "user.add".to_owned();
    let mut prev = GENESIS.to_owned();
    for e in &mut forged {
        e.prev_hash = prev.clone();
        e.hash = entry_hash(&prev, e);
        prev.clone_from(&e.hash);
    }
    assert_eq!(verify(&forged, &[]), Ok(5));
    assert_eq!(verify(&forged, &heads), Err(Break::Rewritten { seq: 5 }));
}

#[test]
fn the_hash_ignores_nanoseconds_no_database_keeps() {
    let entries = chain(1);
    let mut finer = entries[0].clone();
    finer.at += chrono::Duration::nanoseconds(300);
    assert_eq!(entry_hash(GENESIS, &finer), entries[0].hash);
}
