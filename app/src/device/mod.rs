//! The device's own store: inspections, findings and the outbox of changes waiting to sync,
//! kept in IndexedDB so nothing depends on the network.
//!
//! Everything a tap changes is written in one IndexedDB transaction together with its outbox
//! entry before the screen confirms it. The records are plain serde types. Pages reach the
//! device only through the [`Device`] interface (`interface`), taken from context; the code
//! behind it (IndexedDB, accounts, photos, the sync engine, the network) is built only for the
//! browser, so the server build has none of it.

#[cfg(feature = "hydrate")]
mod account;
#[cfg(feature = "hydrate")]
mod assessments;
#[cfg(feature = "hydrate")]
mod copies;
#[cfg(feature = "hydrate")]
mod engine;
#[cfg(feature = "hydrate")]
mod findings;
#[cfg(feature = "hydrate")]
mod hand_over;
#[cfg(feature = "hydrate")]
mod idb;
#[cfg(feature = "hydrate")]
mod inspections;
mod interface;
#[cfg(feature = "hydrate")]
mod interviews;
#[cfg(feature = "hydrate")]
pub(crate) mod net;
#[cfg(feature = "hydrate")]
mod outbox;
#[cfg(feature = "hydrate")]
mod photo;
#[cfg(feature = "hydrate")]
mod photo_store;
#[cfg(feature = "hydrate")]
mod purge;
#[cfg(feature = "hydrate")]
mod replies;
#[cfg(feature = "hydrate")]
mod rescue;
#[cfg(feature = "hydrate")]
mod rules;
#[cfg(feature = "hydrate")]
mod storage;
#[cfg(feature = "hydrate")]
mod sync;
#[cfg(feature = "hydrate")]
mod synced;
#[cfg(feature = "hydrate")]
mod write;

use chrono::{DateTime, Utc};
use domain::SubjectCode;
use domain::inspection::{ChecklistPrompt, FindingData, InspectionStatus, Interviewee};
use domain::sync::Mutation;
use leptos::prelude::{RwSignal, Update};
use leptos::web_sys::Blob;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "hydrate")]
pub use account::*;
#[cfg(feature = "hydrate")]
pub use assessments::record_assessment;
#[cfg(feature = "hydrate")]
pub use copies::*;
#[cfg(feature = "hydrate")]
pub use engine::{start_sync, sync_now, sync_soon};
#[cfg(feature = "hydrate")]
pub use findings::{findings_of, record_finding, save_finding_draft};
#[cfg(feature = "hydrate")]
pub use hand_over::{hand_over_choices, hand_over_inspection};
#[cfg(feature = "hydrate")]
pub use inspections::*;
pub use interface::{Device, Pending, ThisDevice, provide_device, use_device};
#[cfg(feature = "hydrate")]
pub use interviews::{interview_draft, interviews_of, record_interview, save_interview_draft};
#[cfg(feature = "hydrate")]
pub use net::{go_to, post_form};
#[cfg(feature = "hydrate")]
pub use outbox::*;
#[cfg(feature = "hydrate")]
pub use photo::*;
#[cfg(feature = "hydrate")]
pub use photo_store::*;
#[cfg(feature = "hydrate")]
pub use purge::*;
#[cfg(feature = "hydrate")]
pub use replies::{send_reply, waiting_replies};
#[cfg(feature = "hydrate")]
pub use rescue::*;
#[cfg(feature = "hydrate")]
pub use storage::*;
#[cfg(feature = "hydrate")]
pub use sync::*;
#[cfg(feature = "hydrate")]
pub use synced::*;

/// Minutes without a touch before the device locks, unless the device is set otherwise.
pub const DEFAULT_LOCK_MINUTES: u32 = 5;

/// The idle times a device can be set to lock after.
pub const LOCK_MINUTE_CHOICES: [u32; 5] = [1, 2, 5, 10, 15];

/// Whether the device, last touched at `last_ms`, should be locked at `now_ms`.
pub fn idle_expired(last_ms: f64, now_ms: f64, minutes: u32) -> bool {
    now_ms - last_ms >= f64::from(minutes) * 60_000.0
}

/// Failed offline sign-ins a device allows for one email within [`ATTEMPT_WINDOW_MS`]; after
/// that it refuses that email offline until the window has passed (online sign-in is the
/// server's to limit). A success clears only its own email's count.
pub const OFFLINE_SIGN_IN_ATTEMPTS: u32 = 5;

/// Failed offline sign-ins a device allows within the window whatever the emails, never cleared
/// by a success: trying one email after another, or signing in as oneself in between, does
/// not buy more guesses.
pub const OFFLINE_SIGN_IN_ATTEMPTS_PER_DEVICE: u32 = 20;

/// The window failed offline sign-ins are counted in: 15 minutes, as on the server.
pub const ATTEMPT_WINDOW_MS: f64 = 15.0 * 60_000.0;

/// Failed password attempts kept on the device (so a reload does not reset them): how many,
/// and when the first of them was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Failures {
    pub count: u32,
    pub since_ms: f64,
}

impl Failures {
    /// Reads what [`Failures::to_text`] wrote; anything else counts as no failures.
    pub fn parse(text: &str) -> Option<Self> {
        let (count, since) = text.split_once(',')?;
        Some(Failures {
            count: count.parse().ok()?,
            since_ms: since.parse().ok()?,
        })
    }

    /// How the device keeps them.
    pub fn to_text(self) -> String {
        format!("{},{}", self.count, self.since_ms)
    }

    /// The failures after one more at `now_ms`; a window that has passed starts again.
    pub fn after_failure(kept: Option<Self>, now_ms: f64, window_ms: f64) -> Self {
        match kept {
            Some(f) if now_ms - f.since_ms < window_ms => Failures {
                count: f.count + 1,
                since_ms: f.since_ms,
            },
            _ => Failures {
                count: 1,
                since_ms: now_ms,
            },
        }
    }

    /// Whether `allowed` failures have been used up within the window at `now_ms`.
    pub fn exhausted(kept: Option<Self>, now_ms: f64, window_ms: f64, allowed: u32) -> bool {
        kept.is_some_and(|f| f.count >= allowed && now_ms - f.since_ms < window_ms)
    }
}

/// Whether a password verifier kept since `kept_since` has outlived `days` at `now`.
pub fn verifier_expired(kept_since: DateTime<Utc>, now: DateTime<Utc>, days: u32) -> bool {
    now - kept_since >= chrono::Duration::days(i64::from(days))
}

/// Compares two byte strings in time that does not depend on where they differ.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a user who signs out leaves on the device, in words.
pub fn left_on_device(waiting: usize, open_inspections: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let kept: Vec<String> = [
        (waiting > 0).then(|| plural(waiting, "change waiting to sync", "changes waiting to sync")),
        (open_inspections > 0)
            .then(|| plural(open_inspections, "open inspection", "open inspections")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if kept.is_empty() {
        "Nothing of yours is left on this device: everything you recorded has synced.".to_owned()
    } else {
        format!(
            "Left on this device for you alone: {}. Only you can open it, by signing in here again.",
            kept.join(" and ")
        )
    }
}

/// Below this much free space (or a tenth of the quota) the device warns before it runs out.
pub const LOW_STORAGE_BYTES: f64 = 100.0 * 1024.0 * 1024.0;

/// Bytes in words: "3.4 MB", "2.1 GB".
pub fn size_in_words(bytes: f64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024.0 * MB {
        format!("{:.1} GB", bytes / (1024.0 * MB))
    } else {
        format!("{:.1} MB", bytes / MB)
    }
}

/// What the device says about its storage, and whether it is running short.
pub fn storage_message(usage: f64, quota: f64, persisted: bool) -> (String, bool) {
    let free = (quota - usage).max(0.0);
    let low = free < LOW_STORAGE_BYTES || free < quota / 10.0;
    let kept = if persisted {
        "The browser will keep it even when space is short."
    } else {
        "The browser may clear it if space runs short, so sync often."
    };
    (
        format!(
            "This device holds {} of ReadyWard data, with room for {} more. {kept}",
            size_in_words(usage),
            size_in_words(free)
        ),
        low,
    )
}

/// Starts a User Timing measurement (visible in the browser's performance tools, and read by
/// the benchmarks in `end2end/bench`); hand the returned mark to [`end_timing`].
#[cfg(feature = "hydrate")]
pub fn start_timing(name: &str) -> Option<String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let perf = web_sys::window()?.performance()?;
    let mark = format!("{name}:{}", NEXT.fetch_add(1, Ordering::Relaxed));
    perf.mark(&mark).ok()?;
    Some(mark)
}

/// Ends a measurement begun with [`start_timing`], recording it under `name`.
#[cfg(feature = "hydrate")]
pub fn end_timing(name: &str, mark: Option<String>) {
    if let (Some(mark), Some(perf)) = (mark, web_sys::window().and_then(|w| w.performance())) {
        let _ = perf.measure_with_start_mark(name, &mark);
        perf.clear_marks_with_mark_name(&mark);
    }
}

/// Photos are stored on the device with their long side at most this many pixels.
pub const PHOTO_MAX_LONG_SIDE: u32 = 2048;

/// The size an image of `width` x `height` is scaled to so its long side is at most `max`
/// (never enlarged; never below one pixel).
pub fn fit_within(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max || long == 0 {
        return (width, height);
    }
    let scale = f64::from(max) / f64::from(long);
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    (side(width), side(height))
}

/// An inspection as the device keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalInspection {
    pub id: Uuid,
    /// Whose work this is: a shared tablet keeps each user's inspections apart.
    pub user_id: Uuid,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub template_id: Uuid,
    pub template_version: i32,
    pub template_name: String,
    pub framework_id: String,
    /// Copied from the framework when the inspection starts, so the inspection reads the same
    /// offline and after the framework data changes.
    pub prompts: Vec<ChecklistPrompt>,
    pub started_at: DateTime<Utc>,
    pub status: InspectionStatus,
}

/// A change waiting to sync, with the user it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub user_id: Uuid,
    pub mutation: Mutation,
    pub queued_at: DateTime<Utc>,
    /// Why the server refused it; it then waits for the user instead of being sent again.
    #[serde(default)]
    pub refused: Option<String>,
    /// Whether a push may have carried it: set before it is first handed to a push, never
    /// cleared. Only an entry never sent may be rewritten by newer typing (the server treats
    /// its id with other content as a conflict). An entry stored before the device kept this
    /// mark counts as sent.
    #[serde(default = "counts_as_sent")]
    pub sent: bool,
}

fn counts_as_sent() -> bool {
    true
}

/// An interview note still being written, kept on the device (per user and inspection) so
/// that a reload, a killed tab or the idle lock does not lose it. "Save" records it as an
/// interview and forgets the draft in the same transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewDraft {
    pub interviewee: Interviewee,
    pub item_codes: Vec<SubjectCode>,
    pub note: String,
}

impl InterviewDraft {
    /// Nothing worth keeping: no note and no KLOE ticked.
    pub fn is_empty(&self) -> bool {
        self.note.trim().is_empty() && self.item_codes.is_empty()
    }
}

/// Typed text that may not have reached IndexedDB when its page went away, as rescued into
/// `localStorage` (see `rescue`) and put back by the next load of the inspection.
#[derive(Debug, Clone, PartialEq)]
pub enum RescuedText {
    /// A prompt's note.
    Note { code: SubjectCode, text: String },
    /// The interview note being written.
    Interview(InterviewDraft),
}

/// Which rescue copy of a field to forget (see `rescue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgetCopy {
    /// This text is stored now: a copy holding it is done with (a newer copy stays).
    Holding,
    /// This text, newer than any copy, is being saved: a copy holding other text is older,
    /// and put back it would undo the newer text.
    OtherThan,
    /// The field was recorded another way (an interview saved): any copy is done with.
    Any,
}

/// A queued change with its place in the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub seq: f64,
    pub entry: OutboxEntry,
}

/// How many synced records the device keeps for the ledger, across its users.
pub const SYNCED_KEPT: u32 = 200;

/// A record the server acknowledged, as the sync ledger lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncedRecord {
    pub user_id: Uuid,
    /// The change in words, as the ledger showed it while it waited.
    pub what: String,
    pub recorded_at: DateTime<Utc>,
    pub synced_at: DateTime<Utc>,
}

/// A photo kept on the device until the server has it.
#[derive(Clone)]
pub struct StoredPhoto {
    pub id: Uuid,
    pub blob: Blob,
    pub width: u32,
    pub height: u32,
}

/// A reply to the buddy trust still on the device, waiting to sync (or refused, with why).
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingReply {
    pub reply: domain::review::ReplyData,
    pub refused: Option<String>,
}

/// A photo still on the device, waiting for upload (or refused by the server, with why).
pub struct WaitingPhoto {
    pub id: Uuid,
    pub item_code: SubjectCode,
    pub blob: Blob,
    pub refused: Option<String>,
}

/// A photo ready to store.
pub struct Downscaled {
    pub blob: Blob,
    pub width: u32,
    pub height: u32,
}

/// Used and available bytes, and whether the browser promised to keep the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageState {
    pub usage: f64,
    pub quota: f64,
    pub persisted: bool,
}

/// Why an offline password check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineRefusal {
    /// Nobody with that email has signed in on this device while online lately (or the
    /// server has since said their offline sign-in must go).
    UnknownHere,
    /// The password does not match.
    Wrong,
    /// Too many failed attempts on this device: none are checked for a while.
    TooMany,
}

/// The server's answer to a form posted in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// Whether the status was a success (2xx).
    pub ok: bool,
    /// Where the server asked the browser to go next (its `Location` header).
    pub location: Option<String>,
}

/// Bumped after every write to the outbox, so whatever counts waiting changes counts again.
#[derive(Clone, Copy)]
pub struct OutboxTick(pub RwSignal<u32>);

impl OutboxTick {
    /// Tells the counters that the outbox changed.
    pub fn bump(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }
}

/// Where the sync engine reports: why the last sync failed (`None` once one goes through),
/// whether a sync is under way, and the outbox tick it bumps after each attempt.
#[derive(Clone, Copy)]
pub struct SyncSignals {
    pub failure: RwSignal<Option<String>>,
    pub sending: RwSignal<bool>,
    pub tick: OutboxTick,
}

/// When a v7 id was made (its first 48 bits): for a photo, when it was taken.
pub fn made_at(id: Uuid) -> Option<DateTime<Utc>> {
    let (secs, nanos) = id.get_timestamp()?.to_unix();
    DateTime::from_timestamp(i64::try_from(secs).ok()?, nanos)
}

/// Why the device store could not do something, in words for the screen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeviceError {
    #[error("This device could not save: {0}")]
    Storage(String),
    #[error("This inspection is finished and can no longer change")]
    Finished,
    #[error("This inspection is not on this device")]
    Missing,
    /// Refused by the rule the server applies too; the text says why.
    #[error("This change cannot be saved: {0}")]
    Refused(String),
    /// The server could not be reached.
    #[error("The server could not be reached")]
    Unreachable,
    /// The server (or the device, for the same reason) declined; the text says why.
    #[error("{0}")]
    Declined(String),
    /// Asked of the server while it renders a page: only the browser keeps anything.
    #[error("Only the browser keeps work on a device")]
    NotHere,
}

/// Where the device keeps its copy of the user's wards.
pub fn units_copy_key(user_id: Uuid) -> String {
    format!("units:{user_id}")
}

/// Where the device keeps its copy of the checklists the user can start.
pub fn templates_copy_key(user_id: Uuid) -> String {
    format!("templates:{user_id}")
}

/// Where the device keeps the buddy trust's open doubts about the user's evidence.
pub fn comments_copy_key(user_id: Uuid) -> String {
    format!("comments:{user_id}")
}

/// A finding with nothing answered yet.
pub fn blank_finding(inspection_id: Uuid, item_code: &SubjectCode) -> FindingData {
    FindingData {
        id: Uuid::now_v7(),
        inspection_id,
        item_code: item_code.clone(),
        response: None,
        note: String::new(),
        photo_ids: Vec::new(),
        observed_at: Utc::now(),
    }
}

#[cfg(test)]
mod tests {
    use super::{fit_within, storage_message};

    #[test]
    fn storage_is_reported_in_words_and_warns_when_short() {
        let (text, low) =
            storage_message(3.5 * 1024.0 * 1024.0, 2.0 * 1024.0 * 1024.0 * 1024.0, true);
        assert!(
            text.starts_with(
                "This device holds 3.5 MB of ReadyWard data, with room for 2.0 GB more."
            ),
            "{text}"
        );
        assert!(!low);
        assert!(storage_message(950.0e6, 1000.0e6, false).1);
    }

    #[test]
    fn the_device_locks_once_idle_for_the_set_minutes() {
        use super::idle_expired;
        assert!(!idle_expired(0.0, 299_999.0, 5));
        assert!(idle_expired(0.0, 300_000.0, 5));
        assert!(idle_expired(0.0, 60_000.0, 1));
    }

    #[test]
    fn failed_attempts_are_counted_in_a_window_that_starts_again() {
        use super::Failures;
        let window = 1000.0;
        let mut kept = None;
        for n in 1..=5 {
            assert!(!Failures::exhausted(kept, 10.0, window, 5));
            kept = Some(Failures::after_failure(kept, 10.0 * f64::from(n), window));
        }
        assert_eq!(kept.map(|f| f.count), Some(5));
        assert!(Failures::exhausted(kept, 500.0, window, 5));
        // Once the window has passed, attempts are allowed and counted afresh.
        assert!(!Failures::exhausted(kept, 1010.0, window, 5));
        assert_eq!(Failures::after_failure(kept, 1010.0, window).count, 1);
        let text = kept.map(Failures::to_text).unwrap_or_default();
        assert_eq!(Failures::parse(&text), kept);
        assert_eq!(Failures::parse("nonsense"), None);
    }

    #[test]
    fn what_stays_on_the_device_is_said_in_words() {
        use super::left_on_device;
        assert!(left_on_device(0, 0).starts_with("Nothing of yours is left"));
        assert_eq!(
            left_on_device(2, 1),
            "Left on this device for you alone: 2 changes waiting to sync and 1 open inspection. \
             Only you can open it, by signing in here again."
        );
        assert!(left_on_device(1, 0).contains(": 1 change waiting to sync."));
    }

    #[test]
    fn offline_sign_in_lasts_the_days_the_server_hands_out() {
        use super::verifier_expired;
        let kept = chrono::Utc::now();
        let later = |hours| kept + chrono::Duration::hours(hours);
        assert!(!verifier_expired(kept, later(14 * 24 - 1), 14));
        assert!(verifier_expired(kept, later(14 * 24), 14));
        assert!(verifier_expired(kept, kept, 0));
        // One kept before the device noted when counts as expired.
        assert!(verifier_expired(chrono::DateTime::default(), kept, 14));
    }

    #[test]
    fn verifiers_compare_whole() {
        use super::same_bytes;
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"ab"));
    }

    #[test]
    fn photos_shrink_to_the_long_side_and_never_grow() {
        assert_eq!(fit_within(4000, 3000, 2048), (2048, 1536));
        assert_eq!(fit_within(3000, 4000, 2048), (1536, 2048));
        assert_eq!(fit_within(800, 600, 2048), (800, 600));
        assert_eq!(fit_within(10000, 1, 2048), (2048, 1));
    }
}
