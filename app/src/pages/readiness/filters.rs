//! The heatmap's filters, read from and written to the address (`?as_of=&site=&flagged=1...`),
//! so a filtered view can be bookmarked, exported as CSV and printed as it stands, and works
//! before the page's wasm has loaded (a plain GET form).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// How far the heatmap is expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Wards,
    Services,
    Sites,
}

impl Depth {
    fn parse(text: &str) -> Depth {
        match text {
            "services" => Depth::Services,
            "sites" => Depth::Sites,
            _ => Depth::Wards,
        }
    }
}

/// What the board chose to look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    /// The trust shown (a buddy reviewer sees each granted trust on its own).
    pub trust: Option<Uuid>,
    pub as_of: Option<String>,
    pub since: Option<String>,
    pub framework: Option<String>,
    pub site: Option<Uuid>,
    pub service: Option<Uuid>,
    /// One key question's column only (with the overall).
    pub key_question: Option<String>,
    pub flagged_only: bool,
    /// Only rows with a cell below this confidence (0-1).
    pub confidence_below: Option<f64>,
    pub depth: Depth,
}

impl Filters {
    /// The query string that reproduces these filters (for CSV and print links).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |k: &str, v: String| parts.push(format!("{k}={}", urlencode(&v)));
        if let Some(v) = self.trust {
            add("trust", v.to_string());
        }
        if let Some(v) = &self.as_of {
            add("as_of", v.clone());
        }
        if let Some(v) = &self.since {
            add("since", v.clone());
        }
        if let Some(v) = &self.framework {
            add("framework", v.clone());
        }
        if let Some(v) = self.site {
            add("site", v.to_string());
        }
        if let Some(v) = self.service {
            add("service", v.to_string());
        }
        if let Some(v) = &self.key_question {
            add("kq", v.clone());
        }
        if self.flagged_only {
            add("flagged", "1".to_owned());
        }
        if let Some(v) = self.confidence_below {
            add("confidence_below", v.to_string());
        }
        match self.depth {
            Depth::Wards => {}
            Depth::Services => add("depth", "services".to_owned()),
            Depth::Sites => add("depth", "sites".to_owned()),
        }
        parts.join("&")
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Filters {
    /// Reads filters from query parameters by name (the page's address, or the CSV route's).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Filters {
        let text = |k: &str| {
            get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Filters {
            trust: text("trust").and_then(|s| s.parse().ok()),
            as_of: text("as_of"),
            since: text("since"),
            framework: text("framework"),
            site: text("site").and_then(|s| s.parse().ok()),
            service: text("service").and_then(|s| s.parse().ok()),
            key_question: text("kq"),
            flagged_only: text("flagged").is_some(),
            confidence_below: text("confidence_below")
                .and_then(|s| s.parse().ok())
                .filter(|c: &f64| (0.0..=1.0).contains(c)),
            depth: Depth::parse(&text("depth").unwrap_or_default()),
        }
    }
}

impl Filters {
    /// The same view of another trust: its date, framework and depth, none of the first
    /// trust's sites or services.
    pub fn for_trust(&self, trust: Uuid) -> Filters {
        Filters {
            trust: Some(trust),
            site: None,
            service: None,
            ..self.clone()
        }
    }
}

/// The filters in the address, reactive.
pub fn use_filters() -> Memo<Filters> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        Filters::from_query(|k| q.get(k))
    })
}
