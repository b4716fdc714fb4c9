//! Checklist templates: which framework prompts an inspection asks, in which order, for which
//! ward types. Templates are versioned; an inspection records the exact version it used.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::code::PromptCode;
use crate::framework::Framework;
use crate::org::WardType;

/// The built-in ward walk-round checklist every trust can use.
pub const DEFAULT_TEMPLATE_ID: Uuid = Uuid::from_u128(0x0197_a000_0000_7000_8000_0000_0000_0001);
/// Its name on screens.
pub const DEFAULT_TEMPLATE_NAME: &str = "Ward walk-round (CQC key lines of enquiry)";
/// The framework it is built from.
pub const DEFAULT_TEMPLATE_FRAMEWORK: &str = "cqc-kloe-2017";

/// One version of a checklist template, as `GET /api/v1/templates` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistTemplate {
    pub id: Uuid,
    pub version: i32,
    pub name: String,
    pub framework_id: String,
    /// Ward types it is meant for; empty means every ward type.
    pub ward_types: Vec<String>,
    /// The prompts to ask, in order.
    pub prompt_codes: Vec<PromptCode>,
    /// The built-in walk-round checklist (not editable by trusts).
    pub built_in: bool,
    /// The trust whose own checklist it is; `None` for the built-in walk-round. A buddy
    /// reviewer's device holds the checklists of each trust they review, and offers a ward
    /// only its own trust's.
    #[serde(default)]
    pub trust_id: Option<Uuid>,
}

impl ChecklistTemplate {
    /// Whether it may be used on a ward of `trust`: built-in, or that trust's own.
    pub fn usable_in(&self, trust: Uuid) -> bool {
        self.trust_id.is_none_or(|t| t == trust)
    }
}

/// A template as an admin submits it; a new version when `id` names an existing template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateDraft {
    pub id: Option<Uuid>,
    pub name: String,
    pub framework_id: String,
    pub ward_types: Vec<String>,
    pub prompt_codes: Vec<PromptCode>,
}

/// The prompts of the built-in walk-round: every prompt a ward walk-round can observe, in
/// framework order.
pub fn walk_round_prompts(framework: &Framework) -> Vec<PromptCode> {
    framework
        .prompts()
        .filter(|(_, p)| p.ward_observable)
        .map(|(_, p)| p.code.clone())
        .collect()
}

impl TemplateDraft {
    /// Checks a draft against its framework; the error is a sentence for the admin.
    pub fn validate(&self, framework: Option<&Framework>) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("Enter a name for the checklist".to_owned());
        }
        if self.name.chars().count() > 120 {
            return Err("Enter a checklist name of at most 120 characters".to_owned());
        }
        let framework = framework.ok_or("Choose a framework")?;
        if self.prompt_codes.is_empty() {
            return Err("Choose at least one prompt".to_owned());
        }
        let mut seen = std::collections::HashSet::new();
        for code in &self.prompt_codes {
            if !framework.prompts().any(|(_, p)| &p.code == code) {
                return Err(format!("{code} is not a prompt of {}", framework.title));
            }
            if !seen.insert(code) {
                return Err(format!("{code} is chosen twice"));
            }
        }
        if let Some(bad) = self
            .ward_types
            .iter()
            .find(|w| WardType::parse(w).is_none())
        {
            return Err(format!("{bad} is not a ward type"));
        }
        Ok(())
    }
}

/// Whether a template suits a ward of this type.
pub fn suits(template: &ChecklistTemplate, ward_type: &str) -> bool {
    template.ward_types.is_empty() || template.ward_types.iter().any(|w| w == ward_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalogue;

    fn kloe() -> Framework {
        match Catalogue::built_in().map(|c| c.get(DEFAULT_TEMPLATE_FRAMEWORK).cloned()) {
            Ok(Some(f)) => f,
            other => panic!("framework missing: {other:?}"),
        }
    }

    fn draft(codes: &[&str]) -> TemplateDraft {
        TemplateDraft {
            id: None,
            name: "Medicines check".into(),
            framework_id: DEFAULT_TEMPLATE_FRAMEWORK.into(),
            ward_types: vec!["surgical".into()],
            prompt_codes: codes.iter().map(|c| PromptCode::from(*c)).collect(),
        }
    }

    #[test]
    fn the_walk_round_asks_only_observable_prompts_in_order() {
        let f = kloe();
        let codes = walk_round_prompts(&f);
        assert!(codes.len() >= 20);
        assert!(codes.iter().any(|c| c == "S1.8"));
        let all: Vec<PromptCode> = f.prompts().map(|(_, p)| p.code.clone()).collect();
        let positions: Vec<usize> = codes
            .iter()
            .filter_map(|c| all.iter().position(|a| a == c))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn drafts_are_checked_against_the_framework() {
        let f = kloe();
        assert_eq!(draft(&["S4.1", "S1.8"]).validate(Some(&f)), Ok(()));
        assert!(draft(&[]).validate(Some(&f)).is_err());
        assert!(
            draft(&["S1.8", "S1.8"])
                .validate(Some(&f))
                .is_err_and(|e| e.contains("twice"))
        );
        assert!(
            draft(&["Z9.9"])
                .validate(Some(&f))
                .is_err_and(|e| e.contains("Z9.9"))
        );
        assert!(draft(&["S1.8"]).validate(None).is_err());
        let mut bad_type = draft(&["S1.8"]);
        bad_type.ward_types = vec!["garage".into()];
        assert!(bad_type.validate(Some(&f)).is_err());
    }
}
