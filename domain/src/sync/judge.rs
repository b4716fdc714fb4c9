//! The one rule for what a pushed change may do, used by the server's push and the device's
//! own write path alike, so the tablet never shows as saved what the server would refuse.
//!
//! Judging is pure: the caller reads what it holds of the records a batch names ([`Wanted`]
//! says which, so a store reads them in one go per batch, not per change), and [`judge`] decides
//! each change in order, updating that picture as if the change had been applied so the next
//! change of the batch sees it.

use std::borrow::Cow;
use std::collections::HashMap;

use uuid::Uuid;

use super::{Mutation, PushResult, PushStatus, kind};
use crate::Catalogue;
use crate::inspection::{FindingData, InspectionData, InspectionStatus, InterviewData};

/// Longest note or interview text accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;
/// Most photos one finding may name.
pub const MAX_PHOTOS_PER_FINDING: usize = 50;

/// What a mutation asks for, once parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Inspection(InspectionData),
    Finding(FindingData),
    Interview(InterviewData),
}

impl Change {
    /// The record it writes.
    pub fn record_id(&self) -> Uuid {
        match self {
            Change::Inspection(d) => d.id,
            Change::Finding(f) => f.id,
            Change::Interview(i) => i.id,
        }
    }

    /// The inspection the record belongs to (an inspection belongs to itself).
    pub fn inspection_id(&self) -> Uuid {
        match self {
            Change::Inspection(d) => d.id,
            Change::Finding(f) => f.inspection_id,
            Change::Interview(i) => i.inspection_id,
        }
    }
}

/// One pushed mutation and what it asks for, or why it can never be applied whatever is held.
#[derive(Debug, Clone, PartialEq)]
pub struct PushItem {
    pub mutation: Mutation,
    pub change: Result<Change, String>,
}

impl PushItem {
    /// Parses a mutation by its kind and checks it against the framework data.
    pub fn checked(catalogue: &Catalogue, mutation: Mutation) -> PushItem {
        PushItem {
            change: check(catalogue, &mutation),
            mutation,
        }
    }
}

/// Who pushes: the records they write belong to their trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pusher {
    pub user_id: Uuid,
    pub trust_id: Uuid,
    pub device_id: Uuid,
}

/// An inspection as held, as far as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldInspection {
    pub trust_id: Uuid,
    /// Who started it.
    pub user_id: Uuid,
    pub status: InspectionStatus,
}

/// A mutation id's first use: its kind and content, and the trust of whoever pushed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Earlier<'a> {
    pub kind: Cow<'a, str>,
    pub data: Cow<'a, serde_json::Value>,
    pub trust_id: Uuid,
}

/// What the store (or the device) holds of the records a batch names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Held<'a> {
    /// Mutation ids already applied.
    pub mutations: HashMap<Uuid, Earlier<'a>>,
    pub inspections: HashMap<Uuid, HeldInspection>,
    /// Findings and interviews, each with the inspection it belongs to.
    pub records: HashMap<Uuid, Uuid>,
    /// Active wards, each with its trust.
    pub units: HashMap<Uuid, Uuid>,
}

/// The ids whose state a batch needs, each list sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wanted {
    pub mutations: Vec<Uuid>,
    pub inspections: Vec<Uuid>,
    /// Findings and interviews.
    pub records: Vec<Uuid>,
    pub units: Vec<Uuid>,
}

impl Wanted {
    /// What judging these items needs to know.
    pub fn of<'a>(items: impl IntoIterator<Item = &'a PushItem>) -> Wanted {
        let mut wanted = Wanted::default();
        for item in items {
            wanted.mutations.push(item.mutation.id);
            let Ok(change) = &item.change else { continue };
            wanted.inspections.push(change.inspection_id());
            match change {
                Change::Inspection(d) => wanted.units.push(d.unit_id),
                Change::Finding(_) | Change::Interview(_) => {
                    wanted.records.push(change.record_id())
                }
            }
        }
        for list in [
            &mut wanted.mutations,
            &mut wanted.inspections,
            &mut wanted.records,
            &mut wanted.units,
        ] {
            list.sort_unstable();
            list.dedup();
        }
        wanted
    }
}

/// What becomes of one mutation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Write it.
    Apply,
    /// Seen before with the same content: nothing to write.
    Duplicate,
    /// Seen before with other content: keep it for review, write nothing.
    Conflict,
    /// Not written, for this reason; the next change of the batch is judged all the same.
    Reject(Refusal),
}

/// Why a change is not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It could not be read, or no held state could make it valid; the text says why.
    Invalid(String),
    /// An inspection of a ward that is not the pusher's trust's (or not an active ward).
    WardElsewhere,
    /// A change to another trust's inspection.
    InspectionElsewhere,
    /// A change to an inspection someone else owns (started it, or had it handed over): only
    /// its owner pushes changes to it.
    NotYours,
    /// A change id another trust has used: never compared with (or shown next to) its content.
    IdTaken,
    /// A change to a finished inspection.
    Finished,
    /// A finding or interview whose inspection is not held.
    UnknownInspection,
    /// A finding or interview held under another inspection.
    RecordElsewhere,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::Invalid(reason) => reason,
            Refusal::WardElsewhere => "the ward is not one of your trust's",
            Refusal::InspectionElsewhere => "the inspection is not one of your trust's",
            Refusal::NotYours => {
                "the inspection belongs to someone else (started by them or handed over to them): only they can change it"
            }
            Refusal::IdTaken => "this change id is already taken: make a new one",
            Refusal::Finished => "the inspection has been finished and can no longer change",
            Refusal::UnknownInspection => {
                "the inspection is not known: send its inspection.upsert first"
            }
            Refusal::RecordElsewhere => "this record belongs to another inspection",
        })
    }
}

impl Verdict {
    /// The push result a device receives for this verdict.
    pub fn result(&self, mutation_id: Uuid) -> PushResult {
        let (status, error) = match self {
            Verdict::Apply => (PushStatus::Applied, None),
            Verdict::Duplicate => (PushStatus::Duplicate, None),
            Verdict::Conflict => (
                PushStatus::Conflict,
                Some(
                    "this change id was used before for other content; kept for review".to_owned(),
                ),
            ),
            Verdict::Reject(refusal) => (PushStatus::Rejected, Some(refusal.to_string())),
        };
        PushResult {
            id: mutation_id,
            status,
            error,
        }
    }
}

/// Judges one mutation against what is held. An applied change updates `held` as the store
/// will, so the rest of the batch is judged against the state it leaves.
pub fn judge<'a>(held: &mut Held<'a>, pusher: &Pusher, item: &'a PushItem) -> Verdict {
    let m = &item.mutation;
    if let Some(earlier) = held.mutations.get(&m.id) {
        if earlier.trust_id != pusher.trust_id {
            return Verdict::Reject(Refusal::IdTaken);
        }
        return if earlier.kind == m.kind.as_str() && *earlier.data == m.data {
            Verdict::Duplicate
        } else {
            Verdict::Conflict
        };
    }
    let change = match &item.change {
        Ok(change) => change,
        Err(reason) => return Verdict::Reject(Refusal::Invalid(reason.clone())),
    };
    if let Err(refusal) = allowed(held, pusher, change) {
        return Verdict::Reject(refusal);
    }
    held.mutations.insert(
        m.id,
        Earlier {
            kind: Cow::Borrowed(&m.kind),
            data: Cow::Borrowed(&m.data),
            trust_id: pusher.trust_id,
        },
    );
    match change {
        Change::Inspection(d) => {
            let user_id = held
                .inspections
                .get(&d.id)
                .map_or(pusher.user_id, |i| i.user_id);
            held.inspections.insert(
                d.id,
                HeldInspection {
                    trust_id: pusher.trust_id,
                    user_id,
                    status: d.status,
                },
            );
        }
        Change::Finding(_) | Change::Interview(_) => {
            held.records
                .insert(change.record_id(), change.inspection_id());
        }
    }
    Verdict::Apply
}

/// Whether a change may be written given what is held, or why not.
fn allowed(held: &Held<'_>, pusher: &Pusher, change: &Change) -> Result<(), Refusal> {
    if let Change::Inspection(d) = change
        && held.units.get(&d.unit_id) != Some(&pusher.trust_id)
    {
        return Err(Refusal::WardElsewhere);
    }
    match held.inspections.get(&change.inspection_id()) {
        Some(i) if i.trust_id != pusher.trust_id => return Err(Refusal::InspectionElsewhere),
        Some(i) if i.user_id != pusher.user_id => return Err(Refusal::NotYours),
        Some(i) if i.status == InspectionStatus::Submitted => return Err(Refusal::Finished),
        Some(_) => {}
        None if matches!(change, Change::Inspection(_)) => {}
        None => return Err(Refusal::UnknownInspection),
    }
    // A record never moves to another inspection.
    match held.records.get(&change.record_id()) {
        Some(owner) if *owner != change.inspection_id() => Err(Refusal::RecordElsewhere),
        _ => Ok(()),
    }
}

/// Parses a mutation by its kind and checks what can be checked without any held state.
pub fn check(catalogue: &Catalogue, m: &Mutation) -> Result<Change, String> {
    match m.kind.as_str() {
        kind::INSPECTION_UPSERT => {
            let d: InspectionData = parse(m)?;
            if catalogue.get(&d.framework_id).is_none() {
                return Err(format!("unknown framework {}", d.framework_id));
            }
            Ok(Change::Inspection(d))
        }
        kind::FINDING_RECORD => {
            let f: FindingData = parse(m)?;
            if !known_code(catalogue, &f.item_code) {
                return Err(format!("unknown prompt or item code {}", f.item_code));
            }
            if f.photo_ids.len() > MAX_PHOTOS_PER_FINDING {
                return Err(format!(
                    "a finding may name at most {MAX_PHOTOS_PER_FINDING} photos"
                ));
            }
            note_fits(&f.note)?;
            Ok(Change::Finding(f))
        }
        kind::INTERVIEW_RECORD => {
            let i: InterviewData = parse(m)?;
            if let Some(code) = i.item_codes.iter().find(|c| !known_code(catalogue, c)) {
                return Err(format!("unknown item code {code}"));
            }
            if i.note.trim().is_empty() {
                return Err("an interview note needs some text".to_owned());
            }
            note_fits(&i.note)?;
            Ok(Change::Interview(i))
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

fn parse<T: serde::de::DeserializeOwned>(m: &Mutation) -> Result<T, String> {
    T::deserialize(&m.data).map_err(|e| format!("the data of {} is not valid: {e}", m.kind))
}

fn known_code(catalogue: &Catalogue, code: &str) -> bool {
    catalogue.all().iter().any(|f| f.has_code(code))
}

fn note_fits(note: &str) -> Result<(), String> {
    if note.chars().count() > MAX_NOTE_CHARS {
        Err(format!("notes are limited to {MAX_NOTE_CHARS} characters"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
