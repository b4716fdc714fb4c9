//! The codes that name parts of a framework, as types: a prompt (`S1.8`), a KLOE or quality
//! statement (`S1`), and what a finding or interview is about (either of those). Each is a
//! string on the wire (`serde(transparent)`), so devices and stored JSON are unchanged; in code
//! a prompt's code cannot be passed where a KLOE's is meant.

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

macro_rules! code {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The code as an owned string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(code: &str) -> Self {
                Self(code.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(code: String) -> Self {
                Self(code)
            }
        }

        impl From<&String> for $name {
            fn from(code: &String) -> Self {
                Self(code.clone())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

code!(
    /// A prompt's code in a framework: one thing to look for (`S1.8`).
    PromptCode
);

code!(
    /// A KLOE's (2017) or quality statement's (2024) code (`S1`).
    ItemCode
);

code!(
    /// What a finding or interview is about: a prompt, or a KLOE or quality statement as a
    /// whole. Which one is read from the framework (`Framework::has_code`).
    SubjectCode
);

impl SubjectCode {
    /// The KLOE or quality statement this is about: a prompt's item (`S1.8` -> `S1`), or the
    /// item itself. Prompts are numbered under their item (checked when a framework loads).
    pub fn item(&self) -> ItemCode {
        ItemCode(
            self.0
                .split_once('.')
                .map_or(&*self.0, |(item, _)| item)
                .to_owned(),
        )
    }
}

impl From<PromptCode> for SubjectCode {
    fn from(code: PromptCode) -> Self {
        Self(code.0)
    }
}

impl From<ItemCode> for SubjectCode {
    fn from(code: ItemCode) -> Self {
        Self(code.0)
    }
}

impl PartialEq<PromptCode> for SubjectCode {
    fn eq(&self, other: &PromptCode) -> bool {
        self.0 == other.0
    }
}

impl PartialEq<ItemCode> for SubjectCode {
    fn eq(&self, other: &ItemCode) -> bool {
        self.0 == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::{ItemCode, PromptCode, SubjectCode};

    #[test]
    fn a_subject_names_its_item() {
        assert_eq!(SubjectCode::from("S1.8").item(), ItemCode::from("S1"));
        assert_eq!(SubjectCode::from("QS-S1.2").item(), ItemCode::from("QS-S1"));
        assert_eq!(SubjectCode::from("W3").item(), ItemCode::from("W3"));
    }

    #[test]
    fn codes_are_plain_strings_on_the_wire() {
        let code = PromptCode::from("S1.8");
        assert_eq!(
            serde_json::to_string(&code).ok().as_deref(),
            Some("\"S1.8\"")
        );
        let back = serde_json::from_str::<SubjectCode>("\"S1\"").unwrap_or_default();
        assert_eq!(back, ItemCode::from("S1"));
        assert_eq!(back, "S1");
    }

    #[test]
    fn a_subject_is_a_prompt_or_an_item() {
        let prompt = PromptCode::from("S1.8");
        assert_eq!(SubjectCode::from(prompt.clone()), prompt);
        assert!(SubjectCode::from(prompt).starts_with("S1"));
    }
}
