//! The one rule for what a pushed change may do, used by the server's push and the device's
//! own write path alike, so the tablet never shows as saved what the server would refuse.
//!
//! Judging is pure: the caller reads what it holds of the records a batch names ([`Wanted`]
//! says which, so a store reads them in one go per batch, not per change), and [`judge`] decides
//! each change in order, updating that picture as if the change had been applied so the next
//! change of the batch sees it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::{Mutation, PushResult, PushStatus, kind};
use crate::assessment::{AssessmentData, AssessmentSource, MAX_JUSTIFICATION_CHARS};
use crate::inspection::{FindingData, InspectionData, InspectionStatus, InterviewData};
use crate::rating::Rating;
use crate::review::ReplyData;
use crate::{Catalogue, Role};

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
    /// A self-assessment or peer review rating.
    Assessment(AssessmentSource, AssessmentData),
    /// A reply to a reviewer's doubt about a finding.
    Reply(ReplyData),
}

impl Change {
    /// The record it writes.
    pub fn record_id(&self) -> Uuid {
        match self {
            Change::Inspection(d) => d.id,
            Change::Finding(f) => f.id,
            Change::Interview(i) => i.id,
            Change::Assessment(_, a) => a.id,
            Change::Reply(r) => r.id,
        }
    }

    /// The inspection the record belongs to (an inspection belongs to itself); `None` for a
    /// rating, which belongs to a ward or a trust.
    pub fn inspection_id(&self) -> Option<Uuid> {
        match self {
            Change::Inspection(d) => Some(d.id),
            Change::Finding(f) => Some(f.inspection_id),
            Change::Interview(i) => Some(i.inspection_id),
            Change::Reply(r) => Some(r.inspection_id),
            Change::Assessment(..) => None,
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

/// Who pushes: the records they write belong to their trust (a peer review, to the trust
/// reviewed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pusher {
    pub user_id: Uuid,
    pub trust_id: Uuid,
    pub device_id: Uuid,
    pub role: Role,
    /// The day of the push in England: grants and evidence dates are judged against it.
    pub today: NaiveDate,
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
    /// Findings, interviews and replies, each with the inspection it belongs to.
    pub records: HashMap<Uuid, Uuid>,
    /// Active wards, each with its trust.
    pub units: HashMap<Uuid, Uuid>,
    /// Ratings already held, by record id.
    pub assessments: HashMap<Uuid, HeldAssessment>,
    /// The pusher's review grants (trust, first day, last day), when a batch carries a peer
    /// review.
    pub grants: Vec<(Uuid, NaiveDate, NaiveDate)>,
    /// Of the records a batch replies about, the findings a reviewer has challenged or called
    /// insufficient (at any time: a reply written offline may cross the verdict that settles it).
    pub doubted: HashSet<Uuid>,
}

/// A rating as held, as far as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldAssessment {
    pub source: AssessmentSource,
    /// Who recorded it: only they may correct it.
    pub user_id: Uuid,
}

/// The ids whose state a batch needs, each list sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wanted {
    pub mutations: Vec<Uuid>,
    pub inspections: Vec<Uuid>,
    /// Findings, interviews and replies.
    pub records: Vec<Uuid>,
    pub units: Vec<Uuid>,
    /// Ratings.
    pub assessments: Vec<Uuid>,
    /// Whether the pusher's review grants are needed.
    pub grants: bool,
    /// Whether the batch carries replies (which need `Held::doubted`).
    pub doubts: bool,
}

impl Wanted {
    /// What judging these items needs to know.
    pub fn of<'a>(items: impl IntoIterator<Item = &'a PushItem>) -> Wanted {
        let mut wanted = Wanted::default();
        for item in items {
            wanted.mutations.push(item.mutation.id);
            let Ok(change) = &item.change else { continue };
            wanted.inspections.extend(change.inspection_id());
            match change {
                Change::Inspection(d) => wanted.units.push(d.unit_id),
                Change::Finding(_) | Change::Interview(_) => {
                    wanted.records.push(change.record_id())
                }
                Change::Assessment(source, a) => {
                    wanted.assessments.push(a.id);
                    wanted.units.extend(a.unit_id);
                    wanted.grants |= *source == AssessmentSource::PeerReview;
                }
                Change::Reply(r) => {
                    wanted.records.extend([r.id, r.record_id]);
                    wanted.doubts = true;
                }
            }
        }
        for list in [
            &mut wanted.mutations,
            &mut wanted.inspections,
            &mut wanted.records,
            &mut wanted.units,
            &mut wanted.assessments,
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
    /// The pusher's role may not record this kind; the text says who may.
    Role(&'static str),
    /// A peer review of a ward or trust the reviewer holds no grant for today.
    NoGrant(GrantState),
    /// A rating recorded by someone else: only its author corrects it.
    RatingNotYours,
    /// A rating whose evidence is dated after today.
    EvidenceInFuture,
    /// A reply about a finding that is not held (or not under the inspection it names).
    UnknownFinding,
    /// A reply id already used: a reply, once sent, stays as sent.
    ReplySent,
    /// A reply about a record no reviewer has doubted: there is nothing to answer.
    NotDoubted,
}

/// Why a reviewer's grant does not cover today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantState {
    /// No grant for that trust at all (or the ward is not known).
    None,
    /// The newest grant for that trust ended on this day.
    Ended(NaiveDate),
    /// The next grant for that trust starts on this day.
    Starts(NaiveDate),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoGrant(GrantState::Ended(day)) => {
                return write!(
                    f,
                    "your review grant for this trust ended on {}: ask the trust for a new one",
                    day.format("%-d %B %Y")
                );
            }
            Refusal::NoGrant(GrantState::Starts(day)) => {
                return write!(
                    f,
                    "your review grant for this trust starts on {}",
                    day.format("%-d %B %Y")
                );
            }
            _ => {}
        }
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
            Refusal::Role(who) => who,
            Refusal::NoGrant(_) => "you hold no review grant for this ward's trust",
            Refusal::RatingNotYours => {
                "this rating was recorded by someone else: record a new one instead"
            }
            Refusal::EvidenceInFuture => "the evidence date is after today",
            Refusal::UnknownFinding => "the finding replied about is not known",
            Refusal::ReplySent => "this reply was sent already: write another one instead",
            Refusal::NotDoubted => {
                "no reviewer has challenged this finding or called it insufficient: there is \
                 nothing to reply to"
            }
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
            // The ward's trust: the pusher's own, or the trust a reviewer reviews.
            let trust_id = held
                .units
                .get(&d.unit_id)
                .copied()
                .unwrap_or(pusher.trust_id);
            held.inspections.insert(
                d.id,
                HeldInspection {
                    trust_id,
                    user_id,
                    status: d.status,
                },
            );
        }
        Change::Finding(f) => {
            held.records.insert(f.id, f.inspection_id);
        }
        Change::Interview(i) => {
            held.records.insert(i.id, i.inspection_id);
        }
        Change::Reply(r) => {
            held.records.insert(r.id, r.inspection_id);
        }
        Change::Assessment(source, a) => {
            held.assessments.insert(
                a.id,
                HeldAssessment {
                    source: *source,
                    user_id: pusher.user_id,
                },
            );
        }
    }
    Verdict::Apply
}

/// Whether a change may be written given what is held, or why not.
fn allowed(held: &Held<'_>, pusher: &Pusher, change: &Change) -> Result<(), Refusal> {
    let inspection_id = match change {
        Change::Assessment(source, a) => return assessment_allowed(held, pusher, *source, a),
        Change::Reply(r) => return reply_allowed(held, pusher, r),
        Change::Inspection(d) => d.id,
        Change::Finding(f) => f.inspection_id,
        Change::Interview(i) => i.inspection_id,
    };
    // A buddy reviewer inspects the wards of a trust that granted them access, with that
    // trust's checklists: the inspection is the reviewed trust's, the independent source.
    let reviewing = pusher.role == Role::BuddyReviewer;
    if !pusher.role.can_inspect() && !reviewing {
        return Err(Refusal::Role(ROLE_NO_INSPECTIONS));
    }
    if let Change::Inspection(d) = change {
        let ward_trust = held.units.get(&d.unit_id).copied();
        if reviewing {
            match ward_trust {
                None => return Err(Refusal::WardElsewhere),
                Some(own) if own == pusher.trust_id => {
                    return Err(Refusal::Role(ROLE_REVIEWS_OTHERS));
                }
                Some(reviewed) => {
                    grant_covers(&held.grants, reviewed, pusher.today).map_err(Refusal::NoGrant)?
                }
            }
            // An inspection stays with the trust it began in.
            if let Some(i) = held.inspections.get(&d.id)
                && Some(i.trust_id) != ward_trust
            {
                return Err(Refusal::WardElsewhere);
            }
        } else if ward_trust != Some(pusher.trust_id) {
            return Err(Refusal::WardElsewhere);
        }
    }
    match held.inspections.get(&inspection_id) {
        Some(i) if reviewing => {
            grant_covers(&held.grants, i.trust_id, pusher.today).map_err(Refusal::NoGrant)?;
            if i.user_id != pusher.user_id {
                return Err(Refusal::NotYours);
            }
            if i.status == InspectionStatus::Submitted {
                return Err(Refusal::Finished);
            }
        }
        Some(i) if i.trust_id != pusher.trust_id => return Err(Refusal::InspectionElsewhere),
        Some(i) if i.user_id != pusher.user_id => return Err(Refusal::NotYours),
        Some(i) if i.status == InspectionStatus::Submitted => return Err(Refusal::Finished),
        Some(_) => {}
        None if matches!(change, Change::Inspection(_)) => {}
        None => return Err(Refusal::UnknownInspection),
    }
    // A record never moves to another inspection.
    match held.records.get(&change.record_id()) {
        Some(owner) if *owner != inspection_id => Err(Refusal::RecordElsewhere),
        _ => Ok(()),
    }
}

const ROLE_REPLY: &str =
    "only the trust's inspectors and admins reply about the evidence they submitted";
const ROLE_REVIEWS_ONLY: &str = "a buddy reviewer records peer reviews and inspections of the trusts they review; the self-assessment is the trust's own staff's";
const ROLE_NO_INSPECTIONS: &str = "only the trust's inspectors and admins, and buddy reviewers with a current grant, record inspections";
const ROLE_REVIEWS_OTHERS: &str = "a buddy reviewer inspects the trusts they review, not their own";
const ROLE_SELF_ASSESSMENT: &str =
    "only ward inspectors and trust administrators record the trust's self-assessment";
const ROLE_PEER_REVIEW: &str = "only a buddy reviewer with a current grant records peer review; your own trust's ratings are its self-assessment";

/// Whether a rating may be written: a self-assessment by the trust's own inspectors and
/// admins of its own wards (or itself); a peer review by a buddy reviewer of a trust that
/// granted them access for today; a correction only by the rating's author.
fn assessment_allowed(
    held: &Held<'_>,
    pusher: &Pusher,
    source: AssessmentSource,
    a: &AssessmentData,
) -> Result<(), Refusal> {
    let trust = match a.unit_id {
        Some(unit) => held.units.get(&unit).copied(),
        None => a.trust_id,
    };
    match source {
        AssessmentSource::SelfAssessment => {
            if !pusher.role.can_inspect() {
                return Err(Refusal::Role(if pusher.role == Role::BuddyReviewer {
                    ROLE_REVIEWS_ONLY
                } else {
                    ROLE_SELF_ASSESSMENT
                }));
            }
            if trust != Some(pusher.trust_id) {
                return Err(Refusal::WardElsewhere);
            }
        }
        AssessmentSource::PeerReview => {
            if pusher.role != Role::BuddyReviewer || trust == Some(pusher.trust_id) {
                return Err(Refusal::Role(ROLE_PEER_REVIEW));
            }
            let trust = trust.ok_or(Refusal::NoGrant(GrantState::None))?;
            grant_covers(&held.grants, trust, pusher.today).map_err(Refusal::NoGrant)?;
        }
    }
    if a.evidence_date > pusher.today {
        return Err(Refusal::EvidenceInFuture);
    }
    match held.assessments.get(&a.id) {
        Some(h) if h.user_id != pusher.user_id || h.source != source => {
            Err(Refusal::RatingNotYours)
        }
        _ => Ok(()),
    }
}

/// Whether a reply may be written: about a finding a reviewer doubted, by the owner of its
/// inspection, in their own trust, once (the finding itself never changes, finished or not).
fn reply_allowed(held: &Held<'_>, pusher: &Pusher, r: &ReplyData) -> Result<(), Refusal> {
    if !pusher.role.can_inspect() {
        return Err(Refusal::Role(ROLE_REPLY));
    }
    if held.records.get(&r.record_id) != Some(&r.inspection_id) {
        return Err(Refusal::UnknownFinding);
    }
    match held.inspections.get(&r.inspection_id) {
        None => return Err(Refusal::UnknownFinding),
        Some(i) if i.trust_id != pusher.trust_id => return Err(Refusal::InspectionElsewhere),
        Some(i) if i.user_id != pusher.user_id => return Err(Refusal::NotYours),
        Some(_) => {}
    }
    if held.records.contains_key(&r.id) {
        return Err(Refusal::ReplySent);
    }
    if !held.doubted.contains(&r.record_id) {
        return Err(Refusal::NotDoubted);
    }
    Ok(())
}

/// Whether one of the grants covers `trust` on `today`, or how it falls short.
pub fn grant_covers(
    grants: &[(Uuid, NaiveDate, NaiveDate)],
    trust: Uuid,
    today: NaiveDate,
) -> Result<(), GrantState> {
    let of_trust = || grants.iter().filter(|(t, ..)| *t == trust);
    if of_trust().any(|(_, starts, ends)| *starts <= today && today <= *ends) {
        return Ok(());
    }
    if let Some(next) = of_trust()
        .map(|(_, starts, _)| *starts)
        .filter(|s| *s > today)
        .min()
    {
        return Err(GrantState::Starts(next));
    }
    Err(of_trust()
        .map(|(_, _, ends)| *ends)
        .max()
        .map_or(GrantState::None, GrantState::Ended))
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
        kind::SELF_ASSESSMENT_RECORD => {
            check_assessment(catalogue, m, AssessmentSource::SelfAssessment)
        }
        kind::PEER_REVIEW_RECORD => check_assessment(catalogue, m, AssessmentSource::PeerReview),
        kind::EVIDENCE_REPLY => {
            let r: ReplyData = parse(m)?;
            match r.problem() {
                Some(problem) => Err(problem),
                None => Ok(Change::Reply(r)),
            }
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

/// A rating names a KLOE or quality statement (a Well-led one when it rates the trust), one of
/// the four ratings and a justification.
fn check_assessment(
    catalogue: &Catalogue,
    m: &Mutation,
    source: AssessmentSource,
) -> Result<Change, String> {
    let a: AssessmentData = parse(m)?;
    let key_question = catalogue
        .all()
        .iter()
        .flat_map(|f| f.items())
        .find(|(_, item)| item.code == a.item_code)
        .map(|(kq, _)| kq.code.as_str())
        .ok_or_else(|| format!("unknown KLOE or quality statement {}", a.item_code))?;
    if a.rating == Rating::NotRated {
        return Err(
            "a rating must be outstanding, good, requires_improvement or inadequate".to_owned(),
        );
    }
    if a.justification.trim().is_empty() {
        return Err("a rating needs a justification".to_owned());
    }
    if a.justification.chars().count() > MAX_JUSTIFICATION_CHARS {
        return Err(format!(
            "justifications are limited to {MAX_JUSTIFICATION_CHARS} characters"
        ));
    }
    if a.unit_id.is_none() {
        if a.trust_id.is_none() {
            return Err("a rating of the trust (no unit_id) needs its trust_id".to_owned());
        }
        if key_question != "well_led" {
            return Err(
                "only Well-led is rated for the trust as a whole; rate wards for the rest"
                    .to_owned(),
            );
        }
    }
    Ok(Change::Assessment(source, a))
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
mod assessment_tests;
#[cfg(test)]
mod reply_tests;
#[cfg(test)]
mod tests;
