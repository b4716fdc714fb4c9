//! What the calibration page shows a trust admin: the pairs, how far each agreed, and which
//! assessors and prompts agree poorly across pairs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Agreement, Reading};
use crate::code::{ItemCode, PromptCode};
use crate::inspection::Response;

/// One of a pair, and the inspection that is their half once they start it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Half {
    pub user_id: Uuid,
    pub name: String,
    pub inspection_id: Option<Uuid>,
    pub finished: bool,
}

/// Where a pair stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairStatus {
    /// The window is open (or not yet) and at least one has not finished.
    Waiting,
    /// Both finished: their answers are compared.
    Complete,
    /// The window closed before both finished.
    Lapsed,
}

/// An agreement with what it means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    pub agreement: Agreement,
    pub reading: Reading,
}

/// A KLOE or quality statement's agreement within a pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemJudged {
    pub code: ItemCode,
    pub title: String,
    pub judged: Judged,
}

/// A prompt the two answered differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Differing {
    pub prompt: PromptCode,
    pub text: String,
    pub first: Response,
    pub second: Response,
}

/// A pair's comparison once both finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairResult {
    /// `None` when they answered no prompt in common.
    pub overall: Option<Judged>,
    pub by_item: Vec<ItemJudged>,
    pub differing: Vec<Differing>,
}

/// One pair as the admin sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairView {
    pub id: Uuid,
    pub unit_name: String,
    pub template_name: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub first: Half,
    pub second: Half,
    pub status: PairStatus,
    pub result: Option<PairResult>,
}

/// An assessor's agreement with their partners over every completed pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessorJudged {
    pub user_id: Uuid,
    pub name: String,
    pub pairs: u32,
    pub judged: Judged,
}

/// A prompt across completed pairs: how often the two answered it differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptSpread {
    pub prompt: PromptCode,
    pub text: String,
    pub pairs: u32,
    pub differing: u32,
}

/// A choice in the pairing form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: Uuid,
    pub name: String,
}

/// Everything on the calibration page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationOverview {
    /// Newest window first.
    pub pairs: Vec<PairView>,
    /// Poorest agreement first.
    pub assessors: Vec<AssessorJudged>,
    /// Prompts answered differently in at least one pair, most often first.
    pub prompts: Vec<PromptSpread>,
    pub wards: Vec<Choice>,
    pub checklists: Vec<Choice>,
    pub inspectors: Vec<Choice>,
    /// Where the words come from.
    pub rules_note: String,
}

/// What a trust admin asks for when pairing two inspectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairRequest {
    pub unit_id: Uuid,
    pub template_id: Uuid,
    pub first_user_id: Uuid,
    pub second_user_id: Uuid,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
}
