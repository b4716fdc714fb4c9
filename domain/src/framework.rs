//! The CQC assessment frameworks as data: types, the built-in catalogue, and its checks.
//!
//! The content lives in `domain/data/frameworks/*.json` (one file per framework version). This
//! module only parses and validates it, so a change in CQC wording is a data change, never code.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::code::{ItemCode, PromptCode};

/// The five key questions, in CQC's order. Framework files must use exactly these codes.
pub const KEY_QUESTION_CODES: [&str; 5] = ["safe", "effective", "caring", "responsive", "well_led"];

/// One framework version, e.g. `cqc-kloe-2017`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub title: String,
    pub version: String,
    /// Which publication the content paraphrases.
    pub source: String,
    /// Caveats for readers of the data (what `sectors` and `confirmed` mean).
    pub notes: String,
    pub key_questions: Vec<KeyQuestion>,
    /// The six evidence categories (single assessment framework only).
    #[serde(default)]
    pub evidence_categories: Vec<EvidenceCategory>,
}

/// Safe, effective, caring, responsive or well-led, with its items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyQuestion {
    pub code: String,
    pub title: String,
    pub question: String,
    pub items: Vec<Item>,
}

/// A key line of enquiry (2017) or a quality statement (2024).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: ItemCode,
    pub title: String,
    /// True only where the wording was checked against CQC's published page.
    pub confirmed: bool,
    pub prompts: Vec<Prompt>,
}

/// One thing to look for, in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    pub code: PromptCode,
    pub text: String,
    /// Can a team walking a ward check this by looking, reading ward records or asking?
    pub ward_observable: bool,
    /// Sectors the prompt applies to; empty means every healthcare sector.
    pub sectors: Vec<String>,
    /// True only where checked against CQC's published page.
    pub confirmed: bool,
}

/// A source of evidence in the single assessment framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceCategory {
    pub code: String,
    pub title: String,
}

/// A framework's id, title and version: what `GET /api/v1/frameworks` lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrameworkSummary {
    pub id: String,
    pub title: String,
    pub version: String,
}

/// Why a framework file was refused at start-up.
#[derive(Debug, Error, PartialEq)]
pub enum FrameworkError {
    #[error("framework file {file}: {reason}")]
    Parse { file: String, reason: String },
    #[error("framework {id}: {reason}")]
    Invalid { id: String, reason: String },
}

impl Framework {
    /// Parses and checks one framework file.
    pub fn from_json(file: &str, json: &str) -> Result<Framework, FrameworkError> {
        let framework: Framework =
            serde_json::from_str(json).map_err(|e| FrameworkError::Parse {
                file: file.to_owned(),
                reason: e.to_string(),
            })?;
        framework.validate()?;
        Ok(framework)
    }

    /// Its listing entry.
    pub fn summary(&self) -> FrameworkSummary {
        FrameworkSummary {
            id: self.id.clone(),
            title: self.title.clone(),
            version: self.version.clone(),
        }
    }

    /// Every item of every key question, in order.
    pub fn items(&self) -> impl Iterator<Item = (&KeyQuestion, &Item)> {
        self.key_questions
            .iter()
            .flat_map(|kq| kq.items.iter().map(move |item| (kq, item)))
    }

    /// Every prompt, in order, with the item it belongs to.
    pub fn prompts(&self) -> impl Iterator<Item = (&Item, &Prompt)> {
        self.items()
            .flat_map(|(_, item)| item.prompts.iter().map(move |p| (item, p)))
    }

    /// Finds an item or prompt code (`S1` or `S1.8`).
    pub fn has_code(&self, code: &str) -> bool {
        self.items()
            .any(|(_, item)| item.code == code || item.prompts.iter().any(|p| p.code == code))
    }

    fn validate(&self) -> Result<(), FrameworkError> {
        let invalid = |reason: String| FrameworkError::Invalid {
            id: self.id.clone(),
            reason,
        };
        let codes: Vec<&str> = self.key_questions.iter().map(|k| k.code.as_str()).collect();
        if codes != KEY_QUESTION_CODES {
            return Err(invalid(format!(
                "key questions must be {KEY_QUESTION_CODES:?} in that order, found {codes:?}"
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for (_, item) in self.items() {
            if !seen.insert(item.code.as_str()) {
                return Err(invalid(format!("item code {} appears twice", item.code)));
            }
            for prompt in &item.prompts {
                let prefix_ok = prompt
                    .code
                    .strip_prefix(item.code.as_str())
                    .is_some_and(|rest| rest.starts_with('.'));
                if !prefix_ok {
                    return Err(invalid(format!(
                        "prompt {} is not numbered under item {}",
                        prompt.code, item.code
                    )));
                }
                if !seen.insert(prompt.code.as_str()) {
                    return Err(invalid(format!(
                        "prompt code {} appears twice",
                        prompt.code
                    )));
                }
                if prompt.text.trim().is_empty() {
                    return Err(invalid(format!("prompt {} has no text", prompt.code)));
                }
            }
        }
        Ok(())
    }
}

/// Every framework version the product knows, loaded once at start-up.
#[derive(Debug, Clone)]
pub struct Catalogue {
    frameworks: Vec<Framework>,
}

/// The framework files built into the binary: (file name, contents).
const BUILT_IN: [(&str, &str); 2] = [
    (
        "cqc-kloe-2017.json",
        include_str!("../data/frameworks/cqc-kloe-2017.json"),
    ),
    (
        "cqc-saf-2024.json",
        include_str!("../data/frameworks/cqc-saf-2024.json"),
    ),
];

impl Catalogue {
    /// Parses and checks the built-in framework files.
    pub fn built_in() -> Result<Catalogue, FrameworkError> {
        let frameworks = BUILT_IN
            .iter()
            .map(|(file, json)| Framework::from_json(file, json))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Catalogue { frameworks })
    }

    /// All frameworks, in a stable order.
    pub fn all(&self) -> &[Framework] {
        &self.frameworks
    }

    /// One framework by id.
    pub fn get(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        match Catalogue::built_in() {
            Ok(c) => c,
            Err(e) => panic!("built-in frameworks must load: {e}"),
        }
    }

    #[test]
    fn kloe_2017_has_the_27_kloes_in_order() {
        let c = catalogue();
        let kloe = c.get("cqc-kloe-2017").map(|f| {
            f.items()
                .map(|(_, i)| i.code.to_string())
                .collect::<Vec<_>>()
        });
        let expected: Vec<String> = [("S", 6), ("E", 6), ("C", 3), ("R", 4), ("W", 8)]
            .iter()
            .flat_map(|(p, n)| (1..=*n).map(move |i| format!("{p}{i}")))
            .collect();
        assert_eq!(kloe, Some(expected));
    }

    #[test]
    fn saf_2024_has_34_statements_and_six_evidence_categories() {
        let c = catalogue();
        let saf = c.get("cqc-saf-2024");
        assert_eq!(saf.map(|f| f.items().count()), Some(34));
        assert_eq!(saf.map(|f| f.evidence_categories.len()), Some(6));
        let per_question: Vec<usize> = saf
            .map(|f| f.key_questions.iter().map(|k| k.items.len()).collect())
            .unwrap_or_default();
        assert_eq!(per_question, vec![8, 6, 5, 7, 8]);
        assert!(saf.is_some_and(|f| f.has_code("QS-W8")));
    }

    #[test]
    fn ward_walk_round_prompts_exist() {
        let c = catalogue();
        let kloe = c.get("cqc-kloe-2017");
        let observable = kloe.map(|f| f.prompts().filter(|(_, p)| p.ward_observable).count());
        assert!(
            observable.unwrap_or(0) >= 20,
            "observable prompts: {observable:?}"
        );
        assert!(kloe.is_some_and(|f| f.has_code("S1.8")));
    }

    #[test]
    fn a_misnumbered_prompt_is_refused() {
        let json = r#"{"id":"x","title":"x","version":"1","source":"s","notes":"n","key_questions":[
            {"code":"safe","title":"Safe","question":"?","items":[{"code":"S1","title":"t","confirmed":false,
              "prompts":[{"code":"S2.1","text":"t","ward_observable":true,"sectors":[],"confirmed":false}]}]},
            {"code":"effective","title":"E","question":"?","items":[]},
            {"code":"caring","title":"C","question":"?","items":[]},
            {"code":"responsive","title":"R","question":"?","items":[]},
            {"code":"well_led","title":"W","question":"?","items":[]}]}"#;
        let err = Framework::from_json("x.json", json).err();
        assert!(
            matches!(err, Some(FrameworkError::Invalid { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = Framework::from_json("x.json", r#"{"id":"x","surprise":1}"#).err();
        assert!(matches!(err, Some(FrameworkError::Parse { .. })));
    }
}
