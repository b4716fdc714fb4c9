//! `GET /readiness/levels/{id}?kq=safe`: a core service's, site's or the trust's cell opened
//! up: its indicative rating and the principle that decided it, any notice limiting it, the
//! CQC's published rating beside it, the ratings beneath it (each opening in turn), and what it
//! would take to rise. A trust's Well-led rests on its own trust-level ratings instead.

use domain::api::UserInfo;
use domain::rating::Rating;
use domain::readiness::rollup::{Basis, Level, LevelCell, LevelReadiness};
use domain::readiness::ward::ReadinessReport;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::filters::Filters;
use super::rows::{drill_href, enforcement_label, flag_label, level_href};
use crate::api::readiness::board_readiness;
use crate::components::form::message;
use crate::components::params::use_id_param;
use crate::components::signed_in::SignedIn;
use crate::pages::not_found::NotFound;
use crate::pages::rate::trust_rate_href;

/// `GET /readiness/levels/{id}`.
#[component]
pub fn ReadinessLevelPage() -> impl IntoView {
    view! {
        <Title text="Readiness of a service, site or trust - ReadyWard" />
        <SignedIn render=|user| view! { <LevelDrill user /> } />
    }
}

#[component]
fn LevelDrill(user: UserInfo) -> impl IntoView {
    let id = use_id_param();
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            id(),
            q.get("kq").unwrap_or_else(|| "overall".to_owned()),
            Filters::from_query(|k| q.get(k)),
        )
    };
    // One report serves every cell of the trust: moving between cells asks for nothing new.
    let filters = move || asked().2;
    let report = Resource::new(filters, |f| async move {
        board_readiness(f.as_of.clone(), f.framework.clone(), None, f.trust).await
    });
    view! {
        <Suspense fallback=|| view! { <p>"Working out readiness…"</p> }>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    let (id, kq, filters) = asked();
                    match (report.await, id) {
                        (Ok(report), Some(id)) => {
                            let rate = report.roll_up.trusts.first().and_then(|t| trust_rate_href(&user, t.id));
                            view! { <Opened report id kq filters rate /> }.into_any()
                        }
                        (Ok(_), None) => view! { <NotFound /> }.into_any(),
                        (Err(e), _) => view! { <p class="error-message" role="alert">{message(&e)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// One rating beneath the cell opened, as a row.
struct BelowRow {
    name: String,
    href: String,
    rating: Rating,
    score: Option<f64>,
    /// A ward's confidence and flags; a level's notice or carried-forward CQC rating.
    notes: Vec<String>,
}

/// What a level's cell says beside its rating: a notice limiting it, or the CQC's rating
/// standing for it.
fn level_notes(cell: &LevelCell) -> Vec<String> {
    let mut notes: Vec<String> = cell
        .enforcement
        .map(|e| enforcement_label(e).to_owned())
        .into_iter()
        .collect();
    if let Basis::Published(day) = cell.basis {
        notes.push(format!(
            "CQC rating of {} carried forward",
            day.format("%b %Y")
        ));
    }
    notes
}

fn level_cell<'a>(level: &'a LevelReadiness, code: &str) -> Option<&'a LevelCell> {
    if code == "overall" {
        return Some(&level.overall);
    }
    level.key_questions.iter().find(|c| c.code == code)
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::CoreService => "Core service",
        Level::Site => "Site",
        Level::Trust => "Trust",
    }
}

/// The ratings the cell aggregates: the level's own key questions for its overall, else the
/// same key question one level down.
fn beneath(
    report: &ReadinessReport,
    level: &LevelReadiness,
    kq: &str,
    filters: &Filters,
) -> Vec<BelowRow> {
    let title = |code: &str| {
        report
            .key_questions
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code.to_owned(), |(_, t)| t.clone())
    };
    if kq == "overall" {
        return level
            .key_questions
            .iter()
            .map(|c| BelowRow {
                name: title(&c.code),
                href: level_href(level.id, &c.code, filters),
                rating: c.rating,
                score: c.score,
                notes: level_notes(c),
            })
            .collect();
    }
    let levels_below = |list: &[LevelReadiness]| -> Vec<BelowRow> {
        list.iter()
            .filter(|l| l.parent == Some(level.id))
            .filter_map(|l| {
                let c = level_cell(l, kq)?;
                Some(BelowRow {
                    name: l.name.clone(),
                    href: level_href(l.id, kq, filters),
                    rating: c.rating,
                    score: c.score,
                    notes: level_notes(c),
                })
            })
            .collect()
    };
    match level.level {
        Level::Trust => levels_below(&report.roll_up.sites),
        Level::Site => levels_below(&report.roll_up.core_services),
        Level::CoreService => report
            .units
            .iter()
            .filter(|u| u.core_service.id == level.id)
            .filter_map(|u| {
                let c = u.readiness.key_questions.iter().find(|c| c.code == kq)?;
                Some(BelowRow {
                    name: u.unit_name.clone(),
                    href: drill_href(u.unit_id, kq, filters),
                    rating: c.readiness.rating,
                    score: c.readiness.score,
                    notes: std::iter::once(format!("confidence {:.2}", c.readiness.confidence))
                        .chain(
                            c.readiness
                                .flags
                                .iter()
                                .map(|f| flag_label(f.code).to_owned()),
                        )
                        .collect(),
                })
            })
            .collect(),
    }
}

/// How the cell's rating was reached, in a sentence.
fn basis_words(cell: &LevelCell, below: &str) -> String {
    use domain::principles::Rule::*;
    match cell.basis {
        Basis::Aggregated(rule) => {
            let why = match rule {
                NothingRated => format!("none of the {below} beneath is rated yet"),
                InadequateThreshold => format!("enough of the {below} beneath are Inadequate"),
                RequiresImprovementThreshold => {
                    format!("enough of the {below} beneath Require improvement or worse")
                }
                OutstandingThreshold => format!(
                    "enough of the {below} beneath are Outstanding and none is below Good"
                ),
                Good => "none of the other principles applied".to_owned(),
            };
            let rated = match cell.rated_below {
                1 => format!("1 rated {}", singular(below)),
                n => format!("{n} rated {below}"),
            };
            format!("Aggregated from {rated} by the CQC's ratings principles: {why}.")
        }
        Basis::TrustEvidence if cell.rating == Rating::NotRated => "The CQC rates a trust's Well-led as a whole, not from its sites, and nobody has rated this trust's Well-led at trust level yet.".to_owned(),
        Basis::TrustEvidence => "The CQC rates a trust's Well-led as a whole: this comes from the trust-level self-assessment and peer review, not from the sites.".to_owned(),
        Basis::OnlySite => "The trust has one site, so its Well-led is that site's.".to_owned(),
        Basis::Published(day) => format!(
            "Nothing new was observed beneath it, so the CQC's published rating of {} carries forward.",
            day.format("%-d %B %Y")
        ),
    }
}

/// "wards" -> "ward": the nouns `Opened` names the ratings beneath with.
fn singular(plural: &str) -> &str {
    plural.strip_suffix('s').unwrap_or(plural)
}

/// The lede's score: a mean of the ratings beneath, or the trust-level ratings' own score.
fn score_words(cell: &LevelCell) -> Option<String> {
    let score = cell.score?;
    Some(match cell.basis {
        Basis::TrustEvidence => format!(" with a score of {score:.0}%"),
        _ => format!(" with a mean score of {score:.0}% beneath it"),
    })
}

#[component]
fn Opened(
    report: ReadinessReport,
    id: Uuid,
    kq: String,
    filters: Filters,
    rate: Option<String>,
) -> impl IntoView {
    let roll_up = &report.roll_up;
    let Some(level) = roll_up
        .trusts
        .iter()
        .chain(&roll_up.sites)
        .chain(&roll_up.core_services)
        .find(|l| l.id == id)
        .cloned()
    else {
        return view! { <NotFound /> }.into_any();
    };
    let Some(cell) = level_cell(&level, &kq).cloned() else {
        return view! { <NotFound /> }.into_any();
    };
    let title = if kq == "overall" {
        "Overall".to_owned()
    } else {
        report
            .key_questions
            .iter()
            .find(|(c, _)| *c == kq)
            .map_or(kq.clone(), |(_, t)| t.clone())
    };
    let below_noun = match (kq == "overall", level.level) {
        (true, _) => "key questions",
        (false, Level::Trust) => "sites",
        (false, Level::Site) => "core services",
        (false, Level::CoreService) => "wards",
    };
    let rows = beneath(&report, &level, &kq, &filters);
    let parent = level
        .parent
        .and_then(|p| {
            roll_up
                .trusts
                .iter()
                .chain(&roll_up.sites)
                .find(|l| l.id == p)
        })
        .map(|p| p.name.clone());
    let as_at = report.as_of.format("%-d %B %Y").to_string();
    let back = format!("/readiness?{}", filters.query());
    let plan = cell
        .what_it_takes
        .as_ref()
        .map(|p| p.sentence(&format!("{title} at {}", level.name)));
    let trust_rated = matches!(cell.basis, Basis::TrustEvidence);
    let show_table = !trust_rated && !rows.is_empty();
    view! {
        <Title text=format!("{title} at {} - ReadyWard", level.name) />
        <nav aria-label="Breadcrumb" class="breadcrumb">
            <a href=back>"Readiness"</a>
        </nav>
        <span class="caption">
            {level_name(level.level)}
            {parent.map(|p| format!(", {p}"))}
        </span>
        <h1>{title.clone()} " at " {level.name.clone()}</h1>
        <p class="lede">
            <span class=format!("rating rating--{}", cell.rating.as_str())>{cell.rating.label()}</span>
            " (indicative)"
            {score_words(&cell)}
            ", as at " {as_at}
        </p>
        <dl class="summary-list">
            <div class="summary-list__row">
                <dt>"How it was reached"</dt>
                <dd>{basis_words(&cell, below_noun)}</dd>
            </div>
            {cell.enforcement.map(|e| view! {
                <div class="summary-list__row">
                    <dt>"Enforcement"</dt>
                    <dd>"A " {enforcement_label(e)} " limits this rating until it is lifted."</dd>
                </div>
            })}
            {cell.published.map(|(rating, day)| view! {
                <div class="summary-list__row">
                    <dt>"Last published by the CQC"</dt>
                    <dd>{rating.label()} " (report of " {day.format("%-d %B %Y").to_string()} ")"</dd>
                </div>
            })}
            {plan.map(|p| view! {
                <div class="summary-list__row">
                    <dt>"What it would take"</dt>
                    <dd>{p}</dd>
                </div>
            })}
        </dl>
        {trust_rated.then(|| view! {
            <p>
                "The trust-level Well-led ratings are recorded by the trust's inspectors and administrators, and by its buddy reviewers."
            </p>
            {rate.map(|href| view! {
                <a class="button button--secondary" href=href>"Rate the trust's Well-led"</a>
            })}
        })}
        {show_table.then(|| view! {
            <table class="table" id="beneath">
                <caption>"The " {below_noun} " beneath"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Indicative rating"</th>
                    <th scope="col">"Score"</th>
                    <th scope="col">"Notes"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let notes = r.notes;
                        view! {
                            <tr>
                                <th scope="row"><a href=r.href>{r.name}</a></th>
                                <td><span class=format!("rating rating--{}", r.rating.as_str())>{r.rating.label()}</span></td>
                                <td>{r.score.map_or("-".to_owned(), |s| format!("{s:.0}%"))}</td>
                                <td>{if notes.is_empty() { "-".to_owned() } else { notes.join(", ") }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
    .into_any()
}

#[cfg(test)]
mod tests;
