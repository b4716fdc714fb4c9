//! Who uses the device, in a real browser (headless Chromium via wasm-bindgen-test): the
//! offline verifier accepts only the right password and never stores the password, the
//! session and lock survive in the browser's storage, kept copies read back, and typed text
//! rescued from a page that went away is kept per field until that text is stored.
#![allow(clippy::unwrap_used)]

// These tests need a browser: a native build stops here rather than pass having run nothing.
#[cfg(not(target_arch = "wasm32"))]
compile_error!(
    "the device store tests run in a browser: cargo test -p app --target \
     wasm32-unknown-unknown --no-default-features --features hydrate"
);

use app::device::{self, OfflineRefusal};
use domain::Role;
use domain::api::UserInfo;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn user(email: &str) -> UserInfo {
    UserInfo {
        id: Uuid::now_v7(),
        email: email.into(),
        name: "Sam Inspector".into(),
        role: Role::WardInspector,
        trust_id: Uuid::now_v7(),
        trust_name: "Northfield".into(),
        must_change_password: false,
    }
}

#[wasm_bindgen_test]
async fn offline_sign_in_ends_when_the_server_says_so_or_its_days_are_up() {
    use domain::api::OfflineSignIn;
    let kept = user("kept@demo.nhs.test");
    let revoked = user("revoked@demo.nhs.test");
    for u in [&kept, &revoked] {
        device::remember_account(u, "a passphrase for today")
            .await
            .unwrap();
    }
    let held = device::held_accounts().await.unwrap();
    for u in [&kept, &revoked] {
        assert!(held.iter().any(|h| h.user_id == u.id));
    }
    // A verifier made after the question (a sign-in meanwhile) is not the one asked about.
    let renewed = user("renewed@demo.nhs.test");
    device::remember_account(&renewed, "a passphrase for today")
        .await
        .unwrap();
    // The server keeps one (the other changed password, or was deactivated).
    let answer = OfflineSignIn {
        days: 14,
        keep: held
            .iter()
            .map(|h| h.user_id)
            .filter(|id| *id != revoked.id)
            .collect(),
    };
    device::follow_offline_sign_in(&held, &answer)
        .await
        .unwrap();
    assert!(matches!(
        device::check_on_device(&revoked.email, "a passphrase for today").await,
        Ok(Err(OfflineRefusal::UnknownHere))
    ));
    assert!(matches!(
        device::check_on_device(&renewed.email, "a passphrase for today").await,
        Ok(Ok(_))
    ));
    assert!(matches!(
        device::check_on_device(&kept.email, "a passphrase for today").await,
        Ok(Ok(_))
    ));
    // Once the server's days are up, the verifier is refused and dropped.
    device::follow_offline_sign_in(&held, &OfflineSignIn { days: 0, ..answer })
        .await
        .unwrap();
    assert!(matches!(
        device::check_on_device(&kept.email, "a passphrase for today").await,
        Ok(Err(OfflineRefusal::UnknownHere))
    ));
    assert!(!device::can_unlock(&kept).await.unwrap());
    // Later tests keep the usual days, and every account still kept.
    let everyone = device::held_accounts().await.unwrap();
    let keep = everyone.iter().map(|h| h.user_id).collect();
    device::follow_offline_sign_in(&everyone, &OfflineSignIn { days: 14, keep })
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn only_the_password_that_signed_in_here_opens_the_device() {
    let sam = user("Sam.Inspector@demo.nhs.test");
    device::remember_account(&sam, "correct horse battery")
        .await
        .unwrap();

    // Email matching ignores case; the user comes back whole.
    let back = device::check_on_device("sam.inspector@demo.nhs.test", "correct horse battery")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.id, sam.id);
    assert!(matches!(
        device::check_on_device(&sam.email, "correct horse battery!").await,
        Ok(Err(OfflineRefusal::Wrong))
    ));
    assert!(matches!(
        device::check_on_device("someone.else@demo.nhs.test", "correct horse battery").await,
        Ok(Err(OfflineRefusal::UnknownHere))
    ));
    assert!(device::can_unlock(&sam).await.unwrap());

    // Signing in again with a new password replaces the verifier.
    device::remember_account(&sam, "a brand new passphrase")
        .await
        .unwrap();
    assert!(matches!(
        device::check_on_device(&sam.email, "correct horse battery").await,
        Ok(Err(OfflineRefusal::Wrong))
    ));
    assert!(matches!(
        device::check_on_device(&sam.email, "a brand new passphrase").await,
        Ok(Ok(_))
    ));
}

#[wasm_bindgen_test]
fn the_session_and_the_lock_are_kept_on_the_device() {
    let sam = user("sam@demo.nhs.test");
    device::start_device_session(&sam);
    assert_eq!(device::device_user().map(|u| u.id), Some(sam.id));
    assert!(!device::is_locked());
    assert!(!device::idle_too_long());

    device::set_locked(true);
    assert!(device::is_locked());
    device::set_locked(false);
    assert!(!device::is_locked());

    device::set_lock_minutes(1);
    assert_eq!(device::lock_minutes(), 1);
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let long_ago = js_sys::Date::now() - 61_000.0;
    storage
        .set_item("readyward.last_active", &long_ago.to_string())
        .unwrap();
    assert!(device::idle_too_long());
    device::set_lock_minutes(device::DEFAULT_LOCK_MINUTES);
    assert!(!device::idle_too_long());

    device::end_device_session();
    assert!(device::device_user().is_none());
}

#[wasm_bindgen_test]
async fn copies_of_server_answers_read_back() {
    let key = format!("units:{}", Uuid::now_v7());
    assert_eq!(device::copy_of(&key).await.unwrap(), None);
    device::keep_copy(&key, &serde_json::json!(["Ward 10"]))
        .await
        .unwrap();
    // Whole numbers come back as whole numbers, so typed answers (versions) read back.
    let newer =
        serde_json::json!([{"name": "Ward 10", "version": 3}, {"name": "Ward 7", "version": 12}]);
    device::keep_copy(&key, &newer).await.unwrap();
    let back = device::copy_of(&key).await.unwrap();
    assert_eq!(back, Some(newer));
    let versions: Vec<i32> = back
        .unwrap_or_default()
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| serde_json::from_value(w["version"].clone()).ok())
        .collect();
    assert_eq!(versions, vec![3, 12]);
}

#[wasm_bindgen_test]
fn rescued_text_is_kept_per_field_until_that_text_is_stored() {
    use device::{ForgetCopy, InterviewDraft, RescuedText};
    let (user_id, inspection_id) = (Uuid::now_v7(), Uuid::now_v7());
    let note = |code: &str, text: &str| RescuedText::Note {
        code: code.into(),
        text: text.into(),
    };
    let interview = RescuedText::Interview(InterviewDraft {
        interviewee: domain::inspection::Interviewee::Staff,
        item_codes: vec!["S1".into()],
        note: "Knew the escalation route".into(),
    });
    device::rescue_text(user_id, inspection_id, &note("S1.5", "Fridge log"));
    device::rescue_text(user_id, inspection_id, &note("S1.5", "Fridge log missing"));
    device::rescue_text(user_id, inspection_id, &note("S1.8", "Bay 2"));
    device::rescue_text(user_id, inspection_id, &interview);

    // One copy per field, the latest text of each; other users and inspections see none.
    let mut kept = device::rescued_texts(user_id, inspection_id);
    kept.sort_by_key(|t| format!("{t:?}"));
    assert_eq!(
        kept,
        vec![
            interview.clone(),
            note("S1.5", "Fridge log missing"),
            note("S1.8", "Bay 2")
        ]
    );
    assert!(device::rescued_texts(Uuid::now_v7(), inspection_id).is_empty());
    assert!(device::rescued_texts(user_id, Uuid::now_v7()).is_empty());

    // A commit of older text leaves the newer copy; a commit of the same text forgets it,
    // and only that field's.
    let holding = ForgetCopy::Holding;
    device::forget_rescued(user_id, inspection_id, &note("S1.5", "Fridge log"), holding);
    assert_eq!(device::rescued_texts(user_id, inspection_id).len(), 3);
    let stored = note("S1.5", "Fridge log missing");
    device::forget_rescued(user_id, inspection_id, &stored, holding);
    device::forget_rescued(user_id, inspection_id, &interview, holding);
    assert_eq!(
        device::rescued_texts(user_id, inspection_id),
        vec![note("S1.8", "Bay 2")]
    );

    // Newer text being saved: an older copy goes (put back, it would undo the newer text),
    // a copy of that same text stays until the save commits.
    let newer = note("S1.8", "Bay 2 sharps bin full");
    device::forget_rescued(
        user_id,
        inspection_id,
        &note("S1.8", "Bay 2"),
        ForgetCopy::OtherThan,
    );
    assert_eq!(device::rescued_texts(user_id, inspection_id).len(), 1);
    device::forget_rescued(user_id, inspection_id, &newer, ForgetCopy::OtherThan);
    assert!(device::rescued_texts(user_id, inspection_id).is_empty());

    // An interview recorded: its copy goes whatever it holds.
    device::rescue_text(user_id, inspection_id, &interview);
    let blank = RescuedText::Interview(InterviewDraft {
        interviewee: domain::inspection::Interviewee::Staff,
        item_codes: Vec::new(),
        note: String::new(),
    });
    device::forget_rescued(user_id, inspection_id, &blank, ForgetCopy::Any);
    assert!(device::rescued_texts(user_id, inspection_id).is_empty());

    // A copy that cannot be read is dropped, not kept for ever.
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let key = format!("readyward:rescue:{user_id}:{inspection_id}:interview");
    storage.set_item(&key, "{not json").unwrap();
    assert!(device::rescued_texts(user_id, inspection_id).is_empty());
    assert_eq!(storage.get_item(&key).unwrap(), None);
}
