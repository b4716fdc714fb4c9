//! Crosswalks between framework versions, as data: which items of one framework (for example
//! the single assessment framework's quality statements) each item or prompt of another (the
//! 2017 KLOEs) corresponds to, and the query readiness uses to count evidence recorded under one
//! framework when reading another.
//!
//! Evidence is recorded against whichever framework a team works in, but readiness can be read
//! in any of them, so evidence has to travel between frameworks. CQC publishes no mapping, so
//! the links are ReadyWard's own and live in `domain/data/crosswalks/*.json` (each file says so
//! in its `source`). This module only parses, checks and indexes them: adding a framework and
//! its crosswalk is a data change plus one line in `BUILT_IN`.
//!
//! Meaning of a file: a link from a KLOE names every statement the KLOE as a whole touches; a
//! link from a prompt narrows that for evidence recorded against the prompt (and must stay
//! within its KLOE's link); a prompt without a link uses its KLOE's. Read backwards, a statement
//! counts for every KLOE whose link names it.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::code::{ItemCode, SubjectCode};
use crate::framework::{Catalogue, Framework};

/// One crosswalk file: links from the items (and, where finer, prompts) of framework `from` to
/// the items of framework `to`, many to many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crosswalk {
    pub id: String,
    pub version: String,
    /// The framework whose items and prompts the links start from, e.g. `cqc-kloe-2017`.
    pub from: String,
    /// The framework whose items the links name, e.g. `cqc-saf-2024`.
    pub to: String,
    /// Who made the mapping and from what (ours: no official mapping was found).
    pub source: String,
    /// How to read the links, and their caveats.
    #[serde(default)]
    pub notes: String,
    pub links: Vec<Link>,
}

/// One link: an item or prompt of the `from` framework and the items of `to` it counts for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// A KLOE (`S1`) or one of its prompts (`S1.8`).
    pub from: SubjectCode,
    /// Quality statements (`QS-S7`); never empty.
    pub to: Vec<ItemCode>,
    /// Why a link that is not obvious was chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why a crosswalk was refused at start-up.
#[derive(Debug, Error, PartialEq)]
pub enum CrosswalkError {
    #[error("crosswalk file {file}: {reason}")]
    Parse { file: String, reason: String },
    #[error("crosswalk {id}: {reason}")]
    Invalid { id: String, reason: String },
}

impl Crosswalk {
    /// Parses one crosswalk file and checks its shape (the codes are checked against the
    /// frameworks by [`Crosswalk::validate`]).
    pub fn from_json(file: &str, json: &str) -> Result<Crosswalk, CrosswalkError> {
        let crosswalk: Crosswalk =
            serde_json::from_str(json).map_err(|e| CrosswalkError::Parse {
                file: file.to_owned(),
                reason: e.to_string(),
            })?;
        crosswalk.check_shape()?;
        Ok(crosswalk)
    }

    fn invalid(&self, reason: String) -> CrosswalkError {
        CrosswalkError::Invalid {
            id: self.id.clone(),
            reason,
        }
    }

    /// Checks that need no framework: one link per code, no empty or repeated targets.
    fn check_shape(&self) -> Result<(), CrosswalkError> {
        if self.id.trim().is_empty() {
            return Err(self.invalid("the id is empty".to_owned()));
        }
        if self.from == self.to {
            return Err(self.invalid(format!("links {} to itself", self.from)));
        }
        if self.source.trim().is_empty() {
            return Err(self.invalid("the source is empty: say who made the mapping".to_owned()));
        }
        let mut seen = HashSet::new();
        for link in &self.links {
            if !seen.insert(link.from.as_str()) {
                return Err(self.invalid(format!("{} has more than one link", link.from)));
            }
            if link.to.is_empty() {
                return Err(self.invalid(format!("{} links to nothing", link.from)));
            }
            let mut targets = HashSet::new();
            for target in &link.to {
                if !targets.insert(target.as_str()) {
                    return Err(self.invalid(format!("{} names {target} twice", link.from)));
                }
            }
        }
        Ok(())
    }

    /// Checks the links against the frameworks they join: every code exists in its framework
    /// (and a target is an item, not a prompt), no code is in both frameworks, every item of
    /// `from` has a link of its own, a prompt's link stays within its item's, and every item of
    /// `to` is reached.
    pub fn validate(&self, catalogue: &Catalogue) -> Result<(), CrosswalkError> {
        let framework = |id: &str| {
            catalogue
                .get(id)
                .ok_or_else(|| self.invalid(format!("framework {id} is not in the catalogue")))
        };
        let from = framework(&self.from)?;
        let to = framework(&self.to)?;

        let to_codes: HashSet<&str> = to
            .prompts()
            .map(|(_, p)| p.code.as_str())
            .chain(to.items().map(|(_, i)| i.code.as_str()))
            .collect();
        let from_codes = from
            .prompts()
            .map(|(_, p)| p.code.as_str())
            .chain(from.items().map(|(_, i)| i.code.as_str()));
        for code in from_codes {
            if to_codes.contains(code) {
                return Err(self.invalid(format!(
                    "{code} is a code in both {} and {}, so evidence about it could not be told apart",
                    self.from, self.to
                )));
            }
        }

        let mut item_links: HashMap<&str, &[ItemCode]> = HashMap::new();
        for link in &self.links {
            let Some(item) = locate(from, &link.from) else {
                return Err(self.invalid(format!(
                    "links from {}, which {} does not have",
                    link.from, self.from
                )));
            };
            for target in &link.to {
                if locate_item(to, target).is_none() {
                    let reason = match locate(to, target) {
                        Some(item) => format!(
                            "links {} to {target}, a prompt of {}: link to {item} instead",
                            link.from, self.to
                        ),
                        None => format!(
                            "links {} to {target}, which {} does not have",
                            link.from, self.to
                        ),
                    };
                    return Err(self.invalid(reason));
                }
            }
            if link.from == *item {
                item_links.insert(item.as_str(), &link.to);
            }
        }

        for (_, item) in from.items() {
            if !item_links.contains_key(item.code.as_str()) {
                return Err(self.invalid(format!(
                    "{} ({}) has no link of its own: every item of {} must map to at least one item of {}",
                    item.code, item.title, self.from, self.to
                )));
            }
        }

        for link in &self.links {
            let item = link.from.item();
            if link.from == *item {
                continue;
            }
            let of_item = item_links.get(item.as_str()).copied().unwrap_or_default();
            if let Some(target) = link.to.iter().find(|t| !of_item.contains(t)) {
                return Err(self.invalid(format!(
                    "{} links to {target}, which its item {item} does not: add {target} to {item}'s link or drop it from {}'s",
                    link.from, link.from
                )));
            }
        }

        for (_, item) in to.items() {
            let reached = item_links
                .values()
                .any(|targets| targets.contains(&item.code));
            if !reached {
                return Err(self.invalid(format!(
                    "no item of {} links to {} ({})",
                    self.from, item.code, item.title
                )));
            }
        }
        Ok(())
    }
}

/// The item a code names in a framework: the item itself, or a prompt's item. `None` when the
/// framework has no such code. Prompts are numbered under their item (checked when a framework
/// loads), so this looks at one item's prompts, not all of them.
fn locate<'f>(framework: &'f Framework, code: &str) -> Option<&'f ItemCode> {
    let item_code = code.split_once('.').map_or(code, |(item, _)| item);
    let (_, item) = framework.items().find(|(_, i)| i.code == item_code)?;
    let found = item_code.len() == code.len() || item.prompts.iter().any(|p| p.code == code);
    found.then_some(&item.code)
}

/// The item with exactly this code (not a prompt).
fn locate_item<'f>(framework: &'f Framework, code: &str) -> Option<&'f ItemCode> {
    framework
        .items()
        .find(|(_, item)| item.code == code)
        .map(|(_, item)| &item.code)
}

/// One crosswalk's links as lookups, built once at load.
#[derive(Debug, Clone, Default)]
struct Index {
    /// A `from` item or prompt -> the `to` items its link names.
    forward: HashMap<String, Vec<ItemCode>>,
    /// A `to` item -> the `from` items whose links (their own or a prompt's) name it, in the
    /// order the file lists them.
    reverse: HashMap<ItemCode, Vec<ItemCode>>,
}

impl Index {
    fn new(crosswalk: &Crosswalk) -> Index {
        let mut index = Index::default();
        for link in &crosswalk.links {
            index.forward.insert(link.from.to_string(), link.to.clone());
            let item = link.from.item();
            for target in &link.to {
                let back = index.reverse.entry(target.clone()).or_default();
                if !back.contains(&item) {
                    back.push(item.clone());
                }
            }
        }
        index
    }
}

/// Every crosswalk the product knows, indexed for [`Crosswalks::items_for`].
#[derive(Debug, Clone)]
pub struct Crosswalks {
    crosswalks: Vec<Crosswalk>,
    indexes: Vec<Index>,
}

/// The crosswalk files built into the binary: (file name, contents). A new framework's
/// crosswalk is one more line here.
const BUILT_IN: [(&str, &str); 1] = [(
    "cqc-kloe-2017--cqc-saf-2024.json",
    include_str!("../data/crosswalks/cqc-kloe-2017--cqc-saf-2024.json"),
)];

impl Crosswalks {
    /// Parses the built-in crosswalk files. Check them with [`Crosswalks::validate`] once the
    /// catalogue is loaded.
    pub fn built_in() -> Result<Crosswalks, CrosswalkError> {
        Crosswalks::from_files(&BUILT_IN)
    }

    /// Parses crosswalk files given as (file name, contents).
    pub fn from_files(files: &[(&str, &str)]) -> Result<Crosswalks, CrosswalkError> {
        let crosswalks = files
            .iter()
            .map(|(file, json)| Crosswalk::from_json(file, json))
            .collect::<Result<Vec<_>, _>>()?;
        Crosswalks::new(crosswalks)
    }

    /// Indexes parsed crosswalks. At most one crosswalk may join any two frameworks (in either
    /// direction), so a lookup never has two answers.
    pub fn new(crosswalks: Vec<Crosswalk>) -> Result<Crosswalks, CrosswalkError> {
        let mut ids = HashSet::new();
        let mut pairs = HashSet::new();
        for crosswalk in &crosswalks {
            if !ids.insert(crosswalk.id.as_str()) {
                return Err(crosswalk.invalid("the id is used by another crosswalk".to_owned()));
            }
            let pair = if crosswalk.from < crosswalk.to {
                (crosswalk.from.as_str(), crosswalk.to.as_str())
            } else {
                (crosswalk.to.as_str(), crosswalk.from.as_str())
            };
            if !pairs.insert(pair) {
                return Err(crosswalk.invalid(format!(
                    "another crosswalk already joins {} and {}",
                    crosswalk.from, crosswalk.to
                )));
            }
        }
        let indexes = crosswalks.iter().map(Index::new).collect();
        Ok(Crosswalks {
            crosswalks,
            indexes,
        })
    }

    /// Checks every crosswalk against the frameworks it joins (see [`Crosswalk::validate`]).
    pub fn validate(&self, catalogue: &Catalogue) -> Result<(), CrosswalkError> {
        self.crosswalks
            .iter()
            .try_for_each(|crosswalk| crosswalk.validate(catalogue))
    }

    /// All crosswalks, in a stable order.
    pub fn all(&self) -> &[Crosswalk] {
        &self.crosswalks
    }

    /// The items of framework `framework_id` that evidence about `subject` counts for, when
    /// readiness is read in that framework. `subject` is an item or prompt code of any framework
    /// in `catalogue`:
    /// - in `framework_id` itself: its item (a prompt -> the item it is numbered under);
    /// - in a framework a crosswalk links from, to `framework_id`: the prompt's own link if it
    ///   has one, else its item's link;
    /// - in a framework a crosswalk links to, from `framework_id`: every item whose link names
    ///   the subject's item, in the crosswalk's order.
    ///
    /// An unknown framework or subject, or one no crosswalk joins, gives nothing.
    pub fn items_for(
        &self,
        catalogue: &Catalogue,
        framework_id: &str,
        subject: &str,
    ) -> Vec<ItemCode> {
        let Some(wanted) = catalogue.get(framework_id) else {
            return Vec::new();
        };
        if let Some(item) = locate(wanted, subject) {
            return vec![item.clone()];
        }
        for (crosswalk, index) in self.crosswalks.iter().zip(&self.indexes) {
            if crosswalk.to == framework_id {
                if let Some(item) = catalogue
                    .get(&crosswalk.from)
                    .and_then(|from| locate(from, subject))
                {
                    return index
                        .forward
                        .get(subject)
                        .or_else(|| index.forward.get(item.as_str()))
                        .cloned()
                        .unwrap_or_default();
                }
            } else if crosswalk.from == framework_id
                && let Some(item) = catalogue
                    .get(&crosswalk.to)
                    .and_then(|to| locate(to, subject))
            {
                return index.reverse.get(item).cloned().unwrap_or_default();
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const KLOE: &str = "cqc-kloe-2017";
    const SAF: &str = "cqc-saf-2024";

    fn catalogue() -> Catalogue {
        Catalogue::built_in().unwrap()
    }

    fn built_in() -> Crosswalks {
        Crosswalks::built_in().unwrap()
    }

    fn codes(items: &[ItemCode]) -> Vec<&str> {
        items.iter().map(ItemCode::as_str).collect()
    }

    /// The built-in crosswalk, with `links` put through `edit`.
    fn edited(edit: impl FnOnce(&mut Vec<Link>)) -> Crosswalk {
        let mut crosswalk = built_in().all()[0].clone();
        edit(&mut crosswalk.links);
        crosswalk
    }

    fn reason_of(err: Option<CrosswalkError>) -> String {
        match err {
            Some(CrosswalkError::Invalid { reason, .. }) => reason,
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    #[test]
    fn the_built_in_crosswalk_validates_and_says_it_is_ours() {
        let crosswalks = built_in();
        assert_eq!(crosswalks.validate(&catalogue()), Ok(()));
        let crosswalk = &crosswalks.all()[0];
        assert_eq!(
            (crosswalk.from.as_str(), crosswalk.to.as_str()),
            (KLOE, SAF)
        );
        assert!(crosswalk.source.contains("no"), "{}", crosswalk.source);
        assert!(crosswalk.source.contains("ReadyWard"));
    }

    #[test]
    fn safeguarding_maps_into_safe_statements() {
        let (c, x) = (catalogue(), built_in());
        let s1 = x.items_for(&c, SAF, "S1");
        assert!(s1.iter().any(|i| i == "QS-S3"), "{s1:?}");
        assert!(s1.iter().all(|i| i.starts_with("QS-S")), "{s1:?}");
    }

    #[test]
    fn a_statement_maps_back_to_every_kloe_that_links_to_it() {
        let (c, x) = (catalogue(), built_in());
        assert_eq!(codes(&x.items_for(&c, KLOE, "QS-S3")), ["S1", "E6"]);
        // A statement's prompt counts as its statement.
        assert_eq!(codes(&x.items_for(&c, KLOE, "QS-S7.1")), ["S1"]);
        assert_eq!(codes(&x.items_for(&c, KLOE, "QS-C5")), ["W3", "W7"]);
    }

    #[test]
    fn a_prompt_link_overrides_its_kloes_link() {
        let (c, x) = (catalogue(), built_in());
        assert_eq!(codes(&x.items_for(&c, SAF, "S1.8")), ["QS-S7"]);
        assert_eq!(codes(&x.items_for(&c, SAF, "E6.6")), ["QS-S4"]);
        // S1.1 has no link of its own: it counts wherever S1 does.
        assert_eq!(x.items_for(&c, SAF, "S1.1"), x.items_for(&c, SAF, "S1"));
    }

    #[test]
    fn a_subject_of_the_framework_being_read_maps_to_its_own_item() {
        let (c, x) = (catalogue(), built_in());
        assert_eq!(codes(&x.items_for(&c, KLOE, "S1")), ["S1"]);
        assert_eq!(codes(&x.items_for(&c, KLOE, "S1.8")), ["S1"]);
        assert_eq!(codes(&x.items_for(&c, SAF, "QS-W8.2")), ["QS-W8"]);
    }

    #[test]
    fn unknown_subjects_and_frameworks_map_to_nothing() {
        let (c, x) = (catalogue(), built_in());
        for subject in ["S99", "S1.99", "QS-S1.9", "", ".", "S1."] {
            assert!(x.items_for(&c, SAF, subject).is_empty(), "{subject}");
            assert!(x.items_for(&c, KLOE, subject).is_empty(), "{subject}");
        }
        assert!(x.items_for(&c, "cqc-2031", "S1").is_empty());
    }

    #[test]
    fn every_code_of_either_framework_counts_somewhere_in_the_other() {
        let (c, x) = (catalogue(), built_in());
        for (from, to) in [(KLOE, SAF), (SAF, KLOE)] {
            let framework = c.get(from).unwrap();
            let items = framework.items().map(|(_, i)| i.code.to_string());
            let prompts = framework.prompts().map(|(_, p)| p.code.to_string());
            for code in items.chain(prompts) {
                assert!(!x.items_for(&c, to, &code).is_empty(), "{code} in {to}");
            }
        }
    }

    #[test]
    fn reading_backwards_is_the_inverse_of_reading_forwards() {
        let (c, x) = (catalogue(), built_in());
        let kloes: Vec<ItemCode> = c
            .get(KLOE)
            .unwrap()
            .items()
            .map(|(_, i)| i.code.clone())
            .collect();
        let statements: Vec<ItemCode> = c
            .get(SAF)
            .unwrap()
            .items()
            .map(|(_, i)| i.code.clone())
            .collect();
        for kloe in &kloes {
            for statement in &statements {
                assert_eq!(
                    x.items_for(&c, SAF, kloe).contains(statement),
                    x.items_for(&c, KLOE, statement).contains(kloe),
                    "{kloe} <-> {statement}"
                );
            }
        }
    }

    #[test]
    fn an_unknown_code_is_refused() {
        let json = r#"{"id":"x","version":"1","from":"cqc-kloe-2017","to":"cqc-saf-2024",
            "source":"test","links":[{"from":"S1","to":["QS-S99"]}]}"#;
        let crosswalk = Crosswalk::from_json("x.json", json).unwrap();
        let reason = reason_of(crosswalk.validate(&catalogue()).err());
        assert!(
            reason.contains("QS-S99") && reason.contains("does not have"),
            "{reason}"
        );

        let unknown_from = edited(|links| links[0].from = SubjectCode::from("S1.99"));
        let reason = reason_of(unknown_from.validate(&catalogue()).err());
        assert!(reason.contains("S1.99"), "{reason}");
    }

    #[test]
    fn an_uncovered_kloe_is_refused() {
        let json = r#"{"id":"x","version":"1","from":"cqc-kloe-2017","to":"cqc-saf-2024",
            "source":"test","links":[{"from":"S1","to":["QS-S3"]}]}"#;
        let crosswalk = Crosswalk::from_json("x.json", json).unwrap();
        let reason = reason_of(crosswalk.validate(&catalogue()).err());
        assert!(
            reason.starts_with("S2 ") && reason.contains("no link"),
            "{reason}"
        );
        let err = crosswalk
            .validate(&catalogue())
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.starts_with("crosswalk x: S2")));
    }

    #[test]
    fn an_unreached_statement_is_refused() {
        let crosswalk = edited(|links| {
            for link in links.iter_mut() {
                link.to.retain(|t| t != "QS-W8");
            }
        });
        let reason = reason_of(crosswalk.validate(&catalogue()).err());
        assert!(reason.contains("QS-W8"), "{reason}");
    }

    #[test]
    fn a_link_to_a_prompt_or_outside_its_kloe_is_refused() {
        let to_prompt = edited(|links| links[0].to = vec![ItemCode::from("QS-S3.1")]);
        let reason = reason_of(to_prompt.validate(&catalogue()).err());
        assert!(reason.contains("link to QS-S3 instead"), "{reason}");

        let wider = edited(|links| {
            if let Some(link) = links.iter_mut().find(|l| l.from == "S1.8") {
                link.to.push(ItemCode::from("QS-W8"));
            }
        });
        let reason = reason_of(wider.validate(&catalogue()).err());
        assert!(
            reason.contains("S1.8") && reason.contains("QS-W8"),
            "{reason}"
        );
    }

    #[test]
    fn malformed_files_are_refused() {
        let base =
            r#""id":"x","version":"1","from":"cqc-kloe-2017","to":"cqc-saf-2024","source":"t""#;
        let twice = format!(
            r#"{{{base},"links":[{{"from":"S1","to":["QS-S3"]}},{{"from":"S1","to":["QS-S5"]}}]}}"#
        );
        let reason = reason_of(Crosswalk::from_json("x.json", &twice).err());
        assert!(reason.contains("S1 has more than one link"), "{reason}");

        let empty = format!(r#"{{{base},"links":[{{"from":"S1","to":[]}}]}}"#);
        assert!(Crosswalk::from_json("x.json", &empty).is_err());

        let surprise = format!(r#"{{{base},"links":[],"surprise":1}}"#);
        let err = Crosswalk::from_json("x.json", &surprise).err();
        assert!(matches!(err, Some(CrosswalkError::Parse { .. })), "{err:?}");
    }

    #[test]
    fn two_crosswalks_joining_the_same_frameworks_are_refused() {
        let one = built_in().all()[0].clone();
        let mut other = one.clone();
        other.id = "the-other-way".to_owned();
        std::mem::swap(&mut other.from, &mut other.to);
        let reason = reason_of(Crosswalks::new(vec![one, other]).err());
        assert!(reason.contains("already joins"), "{reason}");
    }
}
