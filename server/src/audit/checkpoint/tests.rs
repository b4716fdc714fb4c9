//! Checkpoint files on their own: heads read back per trust, an altered or unreadable line is
//! reported to the trusts it concerns, and one key is shared by processes starting together.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::{CheckpointError, Checkpoints};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

fn appended(dir: &std::path::Path, line: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("audit/checkpoints.jsonl"))
        .unwrap();
    writeln!(file, "{line}").unwrap();
}

#[test]
fn written_heads_read_back_for_their_trust_only() {
    let dir = tempfile::tempdir().unwrap();
    let checkpoints = Checkpoints::in_data_dir(dir.path());
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    checkpoints
        .write(&[(a, 3, "aa".into()), (b, 7, "bb".into())], at())
        .unwrap();
    let heads = checkpoints.heads(a).unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!((heads[0].seq, heads[0].hash.as_str()), (3, "aa"));
}

#[test]
fn an_altered_line_stops_its_own_trust_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let checkpoints = Checkpoints::in_data_dir(dir.path());
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let written = checkpoints
        .write(&[(a, 3, "aa".into()), (b, 7, "bb".into())], at())
        .unwrap();
    let mut forged = written[1].clone();
    forged.seq = 2;
    appended(dir.path(), &serde_json::to_string(&forged).unwrap());
    assert!(matches!(
        checkpoints.heads(b),
        Err(CheckpointError::Forged { line: 3 })
    ));
    assert_eq!(checkpoints.heads(a).unwrap().len(), 1);
}

#[test]
fn a_line_nobody_can_attribute_stops_every_trust() {
    let dir = tempfile::tempdir().unwrap();
    let checkpoints = Checkpoints::in_data_dir(dir.path());
    let a = Uuid::new_v4();
    checkpoints.write(&[(a, 1, "aa".into())], at()).unwrap();
    appended(dir.path(), "{\"trust_id\": \"not a");
    assert!(matches!(
        checkpoints.heads(a),
        Err(CheckpointError::Unreadable { line: 2, .. })
    ));
}

#[test]
fn processes_starting_at_once_agree_on_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| Checkpoints::in_data_dir(dir.path()).key().unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(keys.iter().all(|k| k == &keys[0] && k.len() == 32));
    let left: Vec<_> = std::fs::read_dir(dir.path().join("audit"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("checkpoint.key")]);
}

#[test]
fn a_short_key_is_refused_not_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("audit")).unwrap();
    std::fs::write(dir.path().join("audit/checkpoint.key"), "").unwrap();
    let checkpoints = Checkpoints::in_data_dir(dir.path());
    assert!(matches!(
        checkpoints.write(&[(Uuid::new_v4(), 1, "aa".into())], at()),
        Err(CheckpointError::BadKey(_))
    ));
}
