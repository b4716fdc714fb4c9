//! The inspection model: an inspection of a ward, its findings and interview notes, and the
//! rules that turn a checklist into prompts and answers into counts.
//!
//! The tablet and the server both use these types and functions, so a checklist reads and
//! counts the same on the device, on the server and in a board report.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::code::{ItemCode, PromptCode, SubjectCode};
use crate::framework::Framework;

/// Whether an inspection can still change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    InProgress,
    /// Finished: nothing of it may change any more.
    Submitted,
}

impl InspectionStatus {
    /// The stable code, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            InspectionStatus::InProgress => "in_progress",
            InspectionStatus::Submitted => "submitted",
        }
    }

    /// Reads a stored code back; anything unknown reads as finished, the safe side.
    pub fn from_code(code: &str) -> InspectionStatus {
        if code == "in_progress" {
            InspectionStatus::InProgress
        } else {
            InspectionStatus::Submitted
        }
    }
}

/// `inspection.upsert`: an inspection of one ward against one checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionData {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub framework_id: String,
    pub template_id: Option<Uuid>,
    pub template_version: Option<i32>,
    pub started_at: DateTime<Utc>,
    pub status: InspectionStatus,
}

/// An inspector's answer to a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Met,
    PartiallyMet,
    NotMet,
    NotApplicable,
}

impl Response {
    /// Every answer, in the order the form offers them.
    pub const ALL: [Response; 4] = [
        Response::Met,
        Response::PartiallyMet,
        Response::NotMet,
        Response::NotApplicable,
    ];

    /// The words on the radio button.
    pub fn label(self) -> &'static str {
        match self {
            Response::Met => "Met",
            Response::PartiallyMet => "Partially met",
            Response::NotMet => "Not met",
            Response::NotApplicable => "Not applicable",
        }
    }

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Response::Met => "met",
            Response::PartiallyMet => "partially_met",
            Response::NotMet => "not_met",
            Response::NotApplicable => "not_applicable",
        }
    }

    /// Reads a stored code back.
    pub fn from_code(code: &str) -> Option<Response> {
        Response::ALL.into_iter().find(|r| r.as_str() == code)
    }
}

/// `finding.record`: the current answer and note for one prompt of an inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingData {
    pub id: Uuid,
    pub inspection_id: Uuid,
    /// The prompt answered (`S1.8`), or a KLOE (`S1`) for a finding about it as a whole.
    pub item_code: SubjectCode,
    pub response: Option<Response>,
    pub note: String,
    pub photo_ids: Vec<Uuid>,
    pub observed_at: DateTime<Utc>,
}

/// A finding as the server holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingView {
    pub id: Uuid,
    pub item_code: SubjectCode,
    pub response: Option<Response>,
    pub note: String,
    pub photo_ids: Vec<Uuid>,
    pub observed_at: DateTime<Utc>,
}

/// Who an interview was with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Interviewee {
    Staff,
    Patient,
    Relative,
}

impl Interviewee {
    /// Every kind of interviewee, in the order the form offers them.
    pub const ALL: [Interviewee; 3] = [
        Interviewee::Staff,
        Interviewee::Patient,
        Interviewee::Relative,
    ];

    /// The words on the radio button.
    pub fn label(self) -> &'static str {
        match self {
            Interviewee::Staff => "Staff member",
            Interviewee::Patient => "Patient",
            Interviewee::Relative => "Relative or carer",
        }
    }

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Interviewee::Staff => "staff",
            Interviewee::Patient => "patient",
            Interviewee::Relative => "relative",
        }
    }

    /// Reads a stored code back.
    pub fn from_code(code: &str) -> Option<Interviewee> {
        Interviewee::ALL.into_iter().find(|i| i.as_str() == code)
    }
}

/// `interview.record`: notes of a conversation, tagged to the KLOEs it informs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterviewData {
    pub id: Uuid,
    pub inspection_id: Uuid,
    pub interviewee: Interviewee,
    pub item_codes: Vec<SubjectCode>,
    pub note: String,
    pub observed_at: DateTime<Utc>,
}

/// A photo a finding names, and whether the server holds it yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoHeld {
    pub id: Uuid,
    pub held: bool,
}

/// `GET /api/v1/inspections/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionView {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// Who ran it.
    pub user_id: Uuid,
    pub framework_id: String,
    pub template_id: Option<Uuid>,
    pub template_version: Option<i32>,
    pub started_at: DateTime<Utc>,
    pub status: InspectionStatus,
    pub findings: Vec<FindingView>,
    pub interviews: Vec<InterviewData>,
    /// Every photo the findings name, and whether the server holds it yet.
    pub photos: Vec<PhotoHeld>,
}

/// A prompt as an inspection asks it, with the KLOE and key question it belongs to: copied
/// from the framework when the inspection starts, so the inspection reads the same offline
/// and after the framework data changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistPrompt {
    pub code: PromptCode,
    pub text: String,
    pub item_code: ItemCode,
    pub item_title: String,
    pub key_question: String,
    pub key_question_title: String,
}

/// The prompts a checklist names, in the checklist's order, found in the framework; a code
/// the framework does not hold is left out.
pub fn checklist_prompts(framework: &Framework, codes: &[PromptCode]) -> Vec<ChecklistPrompt> {
    codes
        .iter()
        .filter_map(|code| {
            framework.items().find_map(|(kq, item)| {
                item.prompts
                    .iter()
                    .find(|p| &p.code == code)
                    .map(|p| ChecklistPrompt {
                        code: p.code.clone(),
                        text: p.text.clone(),
                        item_code: item.code.clone(),
                        item_title: item.title.clone(),
                        key_question: kq.code.clone(),
                        key_question_title: kq.title.clone(),
                    })
            })
        })
        .collect()
}

/// A key question with the checklist's prompts under it, by KLOE.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub code: String,
    pub title: String,
    pub items: Vec<ItemGroup>,
}

/// A KLOE (or quality statement) with the checklist's prompts under it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemGroup {
    pub code: ItemCode,
    pub title: String,
    pub prompts: Vec<ChecklistPrompt>,
}

/// Groups prompts by key question, then KLOE, each in order of first appearance.
pub fn sections(prompts: &[ChecklistPrompt]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for p in prompts {
        let at = match sections.iter().position(|s| s.code == p.key_question) {
            Some(at) => at,
            None => {
                sections.push(Section {
                    code: p.key_question.clone(),
                    title: p.key_question_title.clone(),
                    items: Vec::new(),
                });
                sections.len() - 1
            }
        };
        let items = &mut sections[at].items;
        match items.iter_mut().find(|i| i.code == p.item_code) {
            Some(item) => item.prompts.push(p.clone()),
            None => items.push(ItemGroup {
                code: p.item_code.clone(),
                title: p.item_title.clone(),
                prompts: vec![p.clone()],
            }),
        }
    }
    sections
}

impl Section {
    /// The codes of its prompts, in order.
    pub fn prompt_codes(&self) -> Vec<PromptCode> {
        self.items
            .iter()
            .flat_map(|i| i.prompts.iter().map(|p| p.code.clone()))
            .collect()
    }
}

/// How a set of prompts was answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub met: usize,
    pub partially_met: usize,
    pub not_met: usize,
    pub not_applicable: usize,
    pub unanswered: usize,
}

impl Tally {
    /// Counts the answers to `codes`; `answer` says what a prompt's finding holds, if any.
    pub fn of<'a>(
        codes: impl IntoIterator<Item = &'a str>,
        answer: impl Fn(&str) -> Option<Response>,
    ) -> Tally {
        let mut tally = Tally::default();
        for code in codes {
            match answer(code) {
                Some(Response::Met) => tally.met += 1,
                Some(Response::PartiallyMet) => tally.partially_met += 1,
                Some(Response::NotMet) => tally.not_met += 1,
                Some(Response::NotApplicable) => tally.not_applicable += 1,
                None => tally.unanswered += 1,
            }
        }
        tally
    }

    /// How many prompts gave this answer (`None`: not answered yet).
    pub fn count(&self, response: Option<Response>) -> usize {
        match response {
            Some(Response::Met) => self.met,
            Some(Response::PartiallyMet) => self.partially_met,
            Some(Response::NotMet) => self.not_met,
            Some(Response::NotApplicable) => self.not_applicable,
            None => self.unanswered,
        }
    }

    /// Prompts with any answer.
    pub fn answered(&self) -> usize {
        self.total() - self.unanswered
    }

    /// Prompts counted.
    pub fn total(&self) -> usize {
        self.met + self.partially_met + self.not_met + self.not_applicable + self.unanswered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalogue;

    fn kloe_2017() -> Framework {
        let catalogue = Catalogue::built_in().expect("built-in frameworks load");
        catalogue
            .get("cqc-kloe-2017")
            .expect("the 2017 framework is built in")
            .clone()
    }

    #[test]
    fn a_checklist_keeps_its_own_order_and_drops_unknown_codes() {
        let framework = kloe_2017();
        let (_, last) = framework.prompts().last().expect("prompts");
        let (_, first) = framework.prompts().next().expect("prompts");
        let codes = vec![last.code.clone(), "Z9.9".into(), first.code.clone()];
        let prompts = checklist_prompts(&framework, &codes);
        let got: Vec<&str> = prompts.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(got, vec![last.code.as_str(), first.code.as_str()]);
        assert_eq!(prompts[1].key_question, "safe");
        assert!(prompts[1].code.starts_with(prompts[1].item_code.as_str()));
    }

    fn prompt(code: &str, item: &str, kq: &str) -> ChecklistPrompt {
        ChecklistPrompt {
            code: code.into(),
            text: format!("Look at {code}"),
            item_code: item.into(),
            item_title: format!("KLOE {item}"),
            key_question: kq.to_owned(),
            key_question_title: kq.to_uppercase(),
        }
    }

    #[test]
    fn prompts_group_by_key_question_then_kloe_in_first_seen_order() {
        let prompts = [
            prompt("E1.1", "E1", "effective"),
            prompt("S1.1", "S1", "safe"),
            prompt("E1.2", "E1", "effective"),
            prompt("S2.1", "S2", "safe"),
            prompt("S1.2", "S1", "safe"),
        ];
        let got = sections(&prompts);
        let shape: Vec<(String, Vec<(String, usize)>)> = got
            .iter()
            .map(|s| {
                let items = s
                    .items
                    .iter()
                    .map(|i| (i.code.to_string(), i.prompts.len()))
                    .collect();
                (s.code.clone(), items)
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("effective".to_owned(), vec![("E1".to_owned(), 2)]),
                (
                    "safe".to_owned(),
                    vec![("S1".to_owned(), 2), ("S2".to_owned(), 1)]
                ),
            ]
        );
        assert_eq!(got[1].prompt_codes(), vec!["S1.1", "S1.2", "S2.1"]);
    }

    #[test]
    fn a_tally_counts_each_answer_and_the_unanswered() {
        let answer = |code: &str| match code {
            "a" => Some(Response::Met),
            "b" => Some(Response::NotMet),
            "c" => Some(Response::NotApplicable),
            "d" => Some(Response::Met),
            _ => None,
        };
        let tally = Tally::of(["a", "b", "c", "d", "e"], answer);
        assert_eq!(tally.count(Some(Response::Met)), 2);
        assert_eq!(tally.count(Some(Response::PartiallyMet)), 0);
        assert_eq!(tally.count(None), 1);
        assert_eq!((tally.answered(), tally.total()), (4, 5));
    }

    #[test]
    fn codes_read_back() {
        for r in Response::ALL {
            assert_eq!(Response::from_code(r.as_str()), Some(r));
            let json = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        for i in Interviewee::ALL {
            assert_eq!(Interviewee::from_code(i.as_str()), Some(i));
        }
        for s in [InspectionStatus::InProgress, InspectionStatus::Submitted] {
            assert_eq!(InspectionStatus::from_code(s.as_str()), s);
            let json = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(
            InspectionStatus::from_code("??"),
            InspectionStatus::Submitted
        );
    }
}
