//! The one interface the pages reach the device through: [`Device`], taken from Leptos context
//! with [`use_device`].
//!
//! In the browser it is backed by IndexedDB, `localStorage`, WebCrypto and the sync engine
//! (this folder's other files, built only with `hydrate`). The server renders the same pages
//! but holds nothing for anyone: its device answers every question with "nothing kept here"
//! and refuses every write with [`DeviceError::NotHere`] (its pages never ask: device work
//! runs in effects and event handlers, which only the browser runs). Both are made from the
//! one list below, so the two can never drift apart and no page needs a `cfg` of its own.

use std::future::Future;
use std::pin::Pin;

use domain::api::UserInfo;
use domain::inspection::{FindingData, InterviewData};
use domain::template::ChecklistTemplate;
use leptos::prelude::*;
use leptos::web_sys::Blob;
use uuid::Uuid;

use super::{
    DeviceError, Downscaled, ForgetCopy, InterviewDraft, LocalInspection, OfflineRefusal, Posted,
    Queued, RescuedText, StorageState, StoredPhoto, SyncSignals, SyncedRecord, WaitingPhoto,
    WaitingReply,
};

/// A device operation under way. IndexedDB's futures are not `Send`: the browser has one
/// thread, and the server never runs them.
pub type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, DeviceError>> + 'a>>;

/// Declares the [`Device`] trait from one list, with the browser's implementation (each method
/// is the function of the same name in `device`) and the server's (nothing kept, nothing done).
macro_rules! device_interface {
    (
        async {
            $( $(#[$adoc:meta])* fn $aname:ident($($aarg:ident: $aty:ty),* $(,)?) -> $aret:ty; )*
        }
        now {
            $( $(#[$ndoc:meta])* fn $nname:ident($($narg:ident: $nty:ty),* $(,)?) -> $nret:ty; )*
        }
    ) => {
        /// What a page may ask of the device it runs on.
        pub trait Device: Sync {
            $( $(#[$adoc])* fn $aname<'a>(&'a self, $($aarg: $aty),*) -> Pending<'a, $aret>; )*
            $( $(#[$ndoc])* fn $nname(&self, $($narg: $nty),*) -> $nret; )*
        }

        /// The browser: IndexedDB, `localStorage`, WebCrypto and the sync engine.
        #[cfg(feature = "hydrate")]
        struct Browser;

        #[cfg(feature = "hydrate")]
        impl Device for Browser {
            $( fn $aname<'a>(&'a self, $($aarg: $aty),*) -> Pending<'a, $aret> {
                Box::pin(super::$aname($($aarg),*))
            } )*
            $( fn $nname(&self, $($narg: $nty),*) -> $nret {
                super::$nname($($narg),*)
            } )*
        }

        /// The server while it renders a page: it keeps nothing for anyone.
        #[cfg(not(feature = "hydrate"))]
        struct NotHere;

        #[cfg(not(feature = "hydrate"))]
        impl Device for NotHere {
            $( fn $aname<'a>(&'a self, $(_: $aty),*) -> Pending<'a, $aret> {
                Box::pin(std::future::ready(Err(DeviceError::NotHere)))
            } )*
            $( fn $nname(&self, $(_: $nty),*) -> $nret {
                <$nret>::default()
            } )*
        }
    };
}

device_interface! {
    async {
        /// Stores a newly started inspection (queued to sync).
        fn save_inspection(inspection: &'a LocalInspection) -> ();
        /// The user's inspections kept on the device, newest first.
        fn inspections_of(user_id: Uuid) -> Vec<LocalInspection>;
        /// One of the user's inspections kept on the device (another user's is not found).
        fn inspection(user_id: Uuid, id: Uuid) -> Option<LocalInspection>;
        /// The inspection's findings.
        fn findings_of(inspection_id: Uuid) -> Vec<FindingData>;
        /// Records an answer (a change of its own, queued).
        fn record_finding(user_id: Uuid, finding: &'a FindingData) -> ();
        /// Records typed text: replaces the finding's waiting change while no push has had it.
        fn save_finding_draft(user_id: Uuid, finding: &'a FindingData) -> ();
        /// Finishes the user's inspection: it can no longer change.
        fn finish_inspection(user_id: Uuid, id: Uuid) -> LocalInspection;
        /// The inspection's interview notes.
        fn interviews_of(inspection_id: Uuid) -> Vec<InterviewData>;
        /// Records an interview note and forgets its draft.
        fn record_interview(user_id: Uuid, interview: &'a InterviewData) -> ();
        /// Keeps the interview note being written.
        fn save_interview_draft(user_id: Uuid, inspection_id: Uuid, draft: &'a InterviewDraft) -> ();
        /// The interview note being written, if any.
        fn interview_draft(user_id: Uuid, inspection_id: Uuid) -> Option<InterviewDraft>;
        /// The inspection's photos.
        fn photos_of(inspection_id: Uuid) -> Vec<StoredPhoto>;
        /// Stores a photo with the finding that names it.
        fn add_photo(user_id: Uuid, finding: &'a FindingData, photo: &'a StoredPhoto) -> ();
        /// Deletes a photo with its mention in the finding.
        fn remove_photo(user_id: Uuid, finding: &'a FindingData, photo_id: Uuid) -> ();
        /// Decodes, shrinks and re-encodes a chosen picture (dropping its metadata).
        fn downscale(file: &'a Blob) -> Downscaled;
        /// The user's photos still waiting for the server.
        fn waiting_photos(user_id: Uuid) -> Vec<WaitingPhoto>;
        /// Marks a photo refused (or, with `None`, to be tried again).
        fn set_photo_refusal(id: Uuid, reason: Option<String>) -> ();
        /// Deletes a photo the server never had.
        fn forget_photo(id: Uuid) -> ();
        /// Queues a reply to the buddy trust with its new photos (taken for `item_code`).
        fn send_reply(
            user_id: Uuid,
            reply: &'a domain::review::ReplyData,
            item_code: &'a str,
            photos: &'a [StoredPhoto],
        ) -> ();
        /// The user's replies still waiting to sync, oldest first.
        fn waiting_replies(user_id: Uuid) -> Vec<WaitingReply>;
        /// Queues a self-assessment or peer review rating to sync.
        fn record_assessment(
            user_id: Uuid,
            source: domain::assessment::AssessmentSource,
            data: &'a domain::assessment::AssessmentData,
        ) -> ();
        /// How many of the user's changes wait to sync.
        fn outbox_count(user_id: Uuid) -> usize;
        /// How many changes wait on the device, whoever made them.
        fn outbox_total() -> usize;
        /// The user's waiting changes, oldest first.
        fn queued_of(user_id: Uuid) -> Vec<Queued>;
        /// Deletes a waiting change the server never acknowledged.
        fn discard_change(seq: f64) -> ();
        /// Marks a change refused (or, with `None`, to be sent again).
        fn set_refusal(seq: f64, reason: Option<String>) -> ();
        /// The user's records the server acknowledged, newest first.
        fn synced_of(user_id: Uuid) -> Vec<SyncedRecord>;
        /// How much the device holds; with `ask`, first asks the browser to keep it.
        fn storage_state(ask: bool) -> Option<StorageState>;
        /// Keeps a verifier of the password the server just accepted, for offline sign-in.
        fn remember_account(user: &'a UserInfo, password: &'a str) -> ();
        /// Checks an email and password against what the device kept.
        fn check_on_device(email: &'a str, password: &'a str) -> Result<UserInfo, OfflineRefusal>;
        /// Offline sign-in: the check above, refused for a while after too many failures.
        fn sign_in_on_device(email: &'a str, password: &'a str) -> Result<UserInfo, OfflineRefusal>;
        /// Every account kept for offline sign-in, to ask the server about.
        fn held_accounts() -> Vec<domain::api::HeldAccount>;
        /// Keeps the server's days and drops the offline sign-ins it did not say may stay.
        fn follow_offline_sign_in(
            asked: &'a [domain::api::HeldAccount],
            answer: &'a domain::api::OfflineSignIn,
        ) -> ();
        /// Forgets the offline sign-in of whoever last signed out here.
        fn forget_last_user() -> ();
        /// Whether this user can unlock here (a verifier is kept for them).
        fn can_unlock(user: &'a UserInfo) -> bool;
        /// Keeps a copy of a server answer under `key`, for offline use.
        fn keep_copy(key: &'a str, value: &'a serde_json::Value) -> ();
        /// The copy kept under `key`, if any.
        fn copy_of(key: &'a str) -> Option<serde_json::Value>;
        /// Pulls the user's wards and checklists into the kept copies (only when they changed)
        /// and returns the checklists.
        fn pull_copies(user_id: Uuid) -> Vec<ChecklistTemplate>;
        /// Forgets what of the user's work the device no longer needs as they sign out, and
        /// says what stays.
        fn forget_at_sign_out(user_id: Uuid) -> String;
        /// Whom the user may hand the inspection to (asks the server).
        fn hand_over_choices(user_id: Uuid, inspection_id: Uuid) -> domain::hand_over::HandOverChoices;
        /// Hands the user's open inspection to `to` once all of it has synced, and forgets
        /// the device's copy.
        fn hand_over_inspection(user_id: Uuid, inspection_id: Uuid, to: Uuid) -> ();
        /// Posts form fields to the server and reads the answer; `Err` when unreachable.
        fn post_form(url: &'a str, fields: &'a [(&'a str, &'a str)]) -> Posted;
    }
    now {
        /// A link that shows a stored photo (revoke it when done).
        fn object_url(blob: &Blob) -> Option<String>;
        /// Starts a User Timing measurement; hand the mark to `end_timing`.
        fn start_timing(name: &str) -> Option<String>;
        /// Ends a measurement begun with `start_timing`.
        fn end_timing(name: &str, mark: Option<String>) -> ();
        /// The user signed in on this device.
        fn device_user() -> Option<UserInfo>;
        /// Records who uses the device now.
        fn start_device_session(user: &UserInfo) -> ();
        /// Forgets who uses the device (their work and account stay).
        fn end_device_session() -> ();
        /// Remembers that a sign-out still has to reach the server.
        fn set_sign_out_pending(pending: bool) -> ();
        /// Whether a sign-out still has to reach the server.
        fn sign_out_pending() -> bool;
        /// Whether the screen is locked.
        fn is_locked() -> bool;
        /// Counts a wrong password at the lock screen; how many since it was last unlocked.
        fn note_unlock_failure() -> u32;
        /// Forgets the lock screen's wrong passwords.
        fn clear_unlock_failures() -> ();
        /// Locks or unlocks the screen.
        fn set_locked(locked: bool) -> ();
        /// Notes that the user did something just now.
        fn touch() -> ();
        /// Whether the user has been idle for longer than the lock allows.
        fn idle_too_long() -> bool;
        /// Minutes without a touch before the device locks.
        fn lock_minutes() -> u32;
        /// Sets the idle time before the device locks.
        fn set_lock_minutes(minutes: u32) -> ();
        /// Whether the user's offline copies are missing or a few minutes old.
        fn copies_are_stale(user_id: Uuid) -> bool;
        /// Notes that the user's offline copies were just fetched.
        fn mark_copies_fresh(user_id: Uuid) -> ();
        /// Starts the sync engine for the signed-in user, reporting through `signals`.
        fn start_sync(user_id: Uuid, signals: SyncSignals) -> ();
        /// Syncs shortly, so that a burst of changes goes in one push.
        fn sync_soon() -> ();
        /// Syncs now ("Sync now").
        fn sync_now() -> ();
        /// The email of whoever last signed out here, until someone signs in.
        fn last_signed_out() -> Option<String>;
        /// What the last user to sign out left on the device, until someone signs in.
        fn left_behind() -> Option<String>;
        /// Loads `url` as a whole new page.
        fn go_to(url: &str) -> ();
        /// Copies typed text synchronously, for a page that is going away (see `rescue`).
        fn rescue_text(user_id: Uuid, inspection_id: Uuid, text: &RescuedText) -> ();
        /// The text rescued for the user's inspection when a page last went away.
        fn rescued_texts(user_id: Uuid, inspection_id: Uuid) -> Vec<RescuedText>;
        /// Forgets a field's rescued text (see [`ForgetCopy`] for which).
        fn forget_rescued(
            user_id: Uuid,
            inspection_id: Uuid,
            text: &RescuedText,
            which: ForgetCopy,
        ) -> ();
    }
}

/// The device the page runs on, as provided to every component.
#[derive(Clone, Copy)]
pub struct ThisDevice(&'static dyn Device);

impl std::ops::Deref for ThisDevice {
    type Target = dyn Device;

    fn deref(&self) -> &Self::Target {
        self.0
    }
}

/// Provides the device to the app (called once, by the root).
pub fn provide_device() {
    #[cfg(feature = "hydrate")]
    provide_context(ThisDevice(&Browser));
    #[cfg(not(feature = "hydrate"))]
    provide_context(ThisDevice(&NotHere));
}

/// The device the page runs on (call while building a component, not in an event handler).
pub fn use_device() -> ThisDevice {
    expect_context::<ThisDevice>()
}
