//! What the heatmap shows, worked out from a readiness report and the filters, with no view
//! code: the page renders it, and the CSV export writes the very same rows, so the file holds
//! what is on screen.

use domain::principles::Enforcement;
use domain::principles::what_it_takes::WhatItTakes;
use domain::rating::Rating;
use domain::readiness::rollup::{LevelCell, LevelReadiness};
use domain::readiness::ward::{Cell, ReadinessReport, UnitReadiness};
use domain::readiness::{Flag, Readiness};
use uuid::Uuid;

use super::filters::{Depth, Filters};

/// One cell as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct CellData {
    pub code: String,
    pub rating: Rating,
    pub score: Option<f64>,
    /// Wards only: levels above aggregate ratings, not evidence.
    pub confidence: Option<f64>,
    pub flags: Vec<Flag>,
    pub enforcement: Option<Enforcement>,
    /// The last published CQC rating and its report date (core services), and whether it
    /// stands as the rating because nothing new was observed.
    pub published: Option<(Rating, chrono::NaiveDate, bool)>,
    /// The rating at the "changed since" date, where it differs.
    pub before: Option<Rating>,
    /// Where the drill-down for this cell is.
    pub href: Option<String>,
}

/// Which level a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Trust,
    Site,
    Service,
    Ward,
}

impl RowKind {
    /// The level in words, for the CSV and screen readers.
    pub fn label(self) -> &'static str {
        match self {
            RowKind::Trust => "Trust",
            RowKind::Site => "Site",
            RowKind::Service => "Core service",
            RowKind::Ward => "Ward",
        }
    }
}

/// One row: a ward, core service, site or the trust, and its cells in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    pub id: Uuid,
    pub name: String,
    pub cells: Vec<CellData>,
}

/// The heatmap: its columns, the trust rows, and each site's rows (a table per site, so the
/// printed pack puts one site on a page).
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// (code, title) of each column, the key questions shown then "overall".
    pub columns: Vec<(String, String)>,
    pub trusts: Vec<Row>,
    pub sites: Vec<(String, Vec<Row>)>,
    /// What it would take for the trust's and the sites' ratings shown to rise, in sentences.
    pub plans: Vec<String>,
}

fn ward_cell(cell: &Cell, unit: Uuid, filters: &Filters, before: Option<&Readiness>) -> CellData {
    let r = &cell.readiness;
    CellData {
        code: cell.code.clone(),
        rating: r.rating,
        score: r.score,
        confidence: Some(r.confidence),
        flags: r.flags.clone(),
        enforcement: None,
        published: None,
        before: before.map(|b| b.rating).filter(|b| *b != r.rating),
        href: Some(drill_href(unit, &cell.code, filters)),
    }
}

/// The drill-down of a ward's cell, keeping the date and framework in view.
pub fn drill_href(unit: Uuid, code: &str, filters: &Filters) -> String {
    let mut href = format!("/readiness/wards/{unit}?kq={code}");
    if let Some(as_of) = &filters.as_of {
        href.push_str(&format!("&as_of={as_of}"));
    }
    if let Some(framework) = &filters.framework {
        href.push_str(&format!("&framework={framework}"));
    }
    href
}

/// The drill-down of a core service's, site's or trust's cell, keeping the filters in view.
pub fn level_href(level: Uuid, code: &str, filters: &Filters) -> String {
    let mut href = format!("/readiness/levels/{level}?kq={code}");
    let rest = Filters {
        site: None,
        service: None,
        key_question: None,
        flagged_only: false,
        confidence_below: None,
        since: None,
        depth: Depth::Wards,
        ..filters.clone()
    }
    .query();
    if !rest.is_empty() {
        href.push('&');
        href.push_str(&rest);
    }
    href
}

fn level_cell(cell: &LevelCell, before: Option<&LevelCell>, href: String) -> CellData {
    CellData {
        code: cell.code.clone(),
        rating: cell.rating,
        score: cell.score,
        confidence: None,
        flags: Vec::new(),
        enforcement: cell.enforcement,
        published: cell.published.map(|(rating, day)| {
            let stands = matches!(cell.basis, domain::readiness::rollup::Basis::Published(_));
            (rating, day, stands)
        }),
        before: before.map(|b| b.rating).filter(|b| *b != cell.rating),
        href: Some(href),
    }
}

fn shown(code: &str, filters: &Filters) -> bool {
    code == "overall" || filters.key_question.as_deref().is_none_or(|kq| kq == code)
}

fn ward_row(ward: &UnitReadiness, before: Option<&UnitReadiness>, filters: &Filters) -> Row {
    let w = &ward.readiness;
    let mut cells: Vec<CellData> = w
        .key_questions
        .iter()
        .filter(|c| shown(&c.code, filters))
        .map(|c| {
            let then = before.and_then(|b| {
                b.readiness
                    .key_questions
                    .iter()
                    .find(|x| x.code == c.code)
                    .map(|x| &x.readiness)
            });
            ward_cell(c, ward.unit_id, filters, then)
        })
        .collect();
    let overall = Cell {
        code: "overall".to_owned(),
        readiness: w.overall.readiness.clone(),
    };
    let then = before.map(|b| &b.readiness.overall.readiness);
    cells.push(ward_cell(&overall, ward.unit_id, filters, then));
    Row {
        kind: RowKind::Ward,
        id: ward.unit_id,
        name: ward.unit_name.clone(),
        cells,
    }
}

fn level_row(
    kind: RowKind,
    level: &LevelReadiness,
    before: Option<&LevelReadiness>,
    filters: &Filters,
) -> Row {
    let mut cells: Vec<CellData> = level
        .key_questions
        .iter()
        .filter(|c| shown(&c.code, filters))
        .map(|c| {
            let then = before.and_then(|b| b.key_questions.iter().find(|x| x.code == c.code));
            level_cell(c, then, level_href(level.id, &c.code, filters))
        })
        .collect();
    cells.push(level_cell(
        &level.overall,
        before.map(|b| &b.overall),
        level_href(level.id, "overall", filters),
    ));
    Row {
        kind,
        id: level.id,
        name: level.name.clone(),
        cells,
    }
}

/// Whether a ward row passes the "flagged only" and "confidence below" filters.
fn ward_passes(row: &Row, filters: &Filters) -> bool {
    let flagged = !filters.flagged_only
        || row
            .cells
            .iter()
            .any(|c| c.flags.iter().any(|f| f.code.warns()));
    let unsure = filters.confidence_below.is_none_or(|limit| {
        row.cells
            .iter()
            .any(|c| c.confidence.is_some_and(|v| v < limit))
    });
    flagged && unsure
}

/// The rows the filters leave, grouped by site in the report's order.
pub fn heatmap(
    report: &ReadinessReport,
    before: Option<&ReadinessReport>,
    filters: &Filters,
) -> Heatmap {
    let mut columns: Vec<(String, String)> = report
        .key_questions
        .iter()
        .filter(|(code, _)| shown(code, filters))
        .cloned()
        .collect();
    columns.push(("overall".to_owned(), "Overall".to_owned()));
    let before_ward = |id: Uuid| before.and_then(|b| b.units.iter().find(|u| u.unit_id == id));
    let before_level = |list: fn(&ReadinessReport) -> &Vec<LevelReadiness>, id: Uuid| {
        before.and_then(|b| list(b).iter().find(|l| l.id == id))
    };
    let trusts = report
        .roll_up
        .trusts
        .iter()
        .map(|t| {
            level_row(
                RowKind::Trust,
                t,
                before_level(|r| &r.roll_up.trusts, t.id),
                filters,
            )
        })
        .collect();
    let mut sites = Vec::new();
    for site in &report.roll_up.sites {
        if filters.site.is_some_and(|s| s != site.id) {
            continue;
        }
        let mut rows = Vec::new();
        for service in report
            .roll_up
            .core_services
            .iter()
            .filter(|s| s.parent == Some(site.id))
        {
            if filters.service.is_some_and(|s| s != service.id) {
                continue;
            }
            let wards: Vec<Row> = report
                .units
                .iter()
                .filter(|u| u.core_service.id == service.id)
                .map(|u| ward_row(u, before_ward(u.unit_id), filters))
                .filter(|row| ward_passes(row, filters))
                .collect();
            let filtering = filters.flagged_only || filters.confidence_below.is_some();
            if filtering && wards.is_empty() {
                continue;
            }
            if filters.depth != Depth::Sites {
                let then = before_level(|r| &r.roll_up.core_services, service.id);
                rows.push(level_row(RowKind::Service, service, then, filters));
            }
            if filters.depth == Depth::Wards {
                rows.extend(wards);
            }
        }
        if rows.is_empty() && filters.depth != Depth::Sites {
            continue;
        }
        let then = before_level(|r| &r.roll_up.sites, site.id);
        rows.insert(0, level_row(RowKind::Site, site, then, filters));
        sites.push((site.name.clone(), rows));
    }
    let mut plans = Vec::new();
    let shown_sites: Vec<&LevelReadiness> = report
        .roll_up
        .sites
        .iter()
        .filter(|s| filters.site.is_none_or(|id| id == s.id))
        .collect();
    for level in report.roll_up.trusts.iter().chain(shown_sites) {
        for cell in level
            .key_questions
            .iter()
            .filter(|c| shown(&c.code, filters))
            .chain([&level.overall])
        {
            let Some(plan) = &cell.what_it_takes else {
                continue;
            };
            if matches!(plan, WhatItTakes::AlreadyBest | WhatItTakes::NothingRated) {
                continue;
            }
            let title = columns
                .iter()
                .find(|(code, _)| *code == cell.code)
                .map_or(cell.code.clone(), |(_, t)| t.clone());
            plans.push(plan.sentence(&format!("{title} at {}", level.name)));
        }
    }
    Heatmap {
        columns,
        trusts,
        sites,
        plans,
    }
}

/// A cell as one line of text (CSV): "Good 72% (confidence 0.64; 2 flags)".
pub fn cell_text(cell: &CellData) -> String {
    let mut text = cell.rating.label().to_owned();
    if let Some(score) = cell.score {
        text.push_str(&format!(" {score:.0}%"));
    }
    let mut notes = Vec::new();
    if let Some(c) = cell.confidence {
        notes.push(format!("confidence {c:.2}"));
    }
    if !cell.flags.is_empty() {
        let codes: Vec<&str> = cell.flags.iter().map(|f| flag_label(f.code)).collect();
        notes.push(codes.join(", "));
    }
    if let Some(e) = cell.enforcement {
        notes.push(enforcement_label(e).to_owned());
    }
    if let Some((rating, day, stands)) = cell.published {
        let how = if stands {
            "carried forward"
        } else {
            "published"
        };
        notes.push(format!("{how}: {} ({day})", rating.label()));
    }
    if let Some(before) = cell.before {
        notes.push(format!("was {}", before.label()));
    }
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join("; ")));
    }
    text
}

/// A flag's short name, for cells and the CSV.
pub fn flag_label(code: domain::readiness::FlagCode) -> &'static str {
    use domain::readiness::FlagCode::*;
    match code {
        SourcesDisagree => "sources disagree",
        SelfAssessmentOptimistic => "self-assessment optimistic",
        Stale => "stale",
        ThinEvidence => "thin evidence",
        NeverObserved => "never observed",
        UnverifiedEvidence => "not verified",
        PoorlyCalibrated => "assessors agree poorly",
    }
}

/// An enforcement action in words.
pub fn enforcement_label(e: Enforcement) -> &'static str {
    match e {
        Enforcement::RequirementNotice => "requirement notice",
        Enforcement::WarningNotice => "warning notice",
    }
}

#[cfg(test)]
mod tests;
