//! `GET /readiness/wards/{id}?kq=safe`: one heatmap cell opened up: the three sources side by
//! side with their scores, counts and dates, the flags' reasons, what the confidence rests on,
//! the findings (notes and photos) and ratings behind it, the KLOEs (or quality statements)
//! beneath, the trend over the last six months, and what it would take to reach the next
//! rating.

use domain::rating::Rating;
use domain::readiness::Source;
use domain::readiness::detail::{CellEvidence, FindingEvidence};
use domain::readiness::rules::ReadinessRules;
use domain::readiness::ward::UnitReadiness;
use domain::readiness::{Readiness, SourceScore};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::readiness::{TrendPoint, readiness_cell, readiness_trend};
use crate::components::form::message;
use crate::components::params::use_id_param;
use crate::components::photo_thumbs::{MayGovernEvidence, PhotoThumbs};
use crate::components::signed_in::SignedIn;
use crate::components::verdict::VerdictTag;
use crate::pages::not_found::NotFound;

/// `GET /readiness/wards/{id}`.
#[component]
pub fn ReadinessDrillPage() -> impl IntoView {
    view! {
        <Title text="Readiness of a ward - ReadyWard" />
        <SignedIn render=|user| {
            if user.role.can_administer() {
                provide_context(MayGovernEvidence);
            }
            view! { <Drill /> }
        } />
    }
}

#[component]
fn Drill() -> impl IntoView {
    let id = use_id_param();
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            id(),
            q.get("kq").unwrap_or_else(|| "overall".to_owned()),
            q.get("as_of").filter(|s| !s.is_empty()),
            q.get("framework").filter(|s| !s.is_empty()),
        )
    };
    let trend = Resource::new(asked, |(id, _, as_of, framework)| async move {
        match id {
            Some(id) => readiness_trend(id, as_of, framework).await.map(Some),
            None => Ok(None),
        }
    });
    let evidence = Resource::new(asked, |(id, kq, as_of, framework)| async move {
        match id {
            Some(id) => readiness_cell(id, kq, as_of, framework).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p>"Working out readiness…"</p> }>
            {move || Suspend::new(async move {
                let (_, _, as_of, framework) = asked();
                let (trend, evidence) = (trend.await, evidence.await);
                match trend.and_then(|t| evidence.map(|e| (t, e))) {
                    Ok((Some(points), Some(evidence))) if !points.is_empty() => {
                        view! { <Cell points evidence as_of framework /> }.into_any()
                    }
                    Ok(_) => view! { <NotFound /> }.into_any(),
                    Err(e) if message(&e).contains("not found") || message(&e).contains("Not found") => {
                        view! { <NotFound /> }.into_any()
                    }
                    Err(e) => view! { <p class="error-message" role="alert">{message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The cell of `ward` named `code` ("overall" or a key question's code).
fn cell_of<'a>(ward: &'a UnitReadiness, code: &str) -> Option<&'a Readiness> {
    if code == "overall" {
        return Some(&ward.readiness.overall.readiness);
    }
    ward.readiness
        .key_questions
        .iter()
        .find(|c| c.code == code)
        .map(|c| &c.readiness)
}

#[component]
fn Cell(
    points: Vec<TrendPoint>,
    evidence: CellEvidence,
    as_of: Option<String>,
    framework: Option<String>,
) -> impl IntoView {
    let Some(last) = points.last().cloned() else {
        return view! { <NotFound /> }.into_any();
    };
    let ward = last.ward;
    let kq = evidence.code.clone();
    let Some(cell) = cell_of(&ward, &kq).cloned() else {
        return view! { <NotFound /> }.into_any();
    };
    let title = evidence.title.clone();
    let back = {
        let mut href = "/readiness".to_owned();
        let mut parts = vec![format!("trust={}", ward.trust.id)];
        if let Some(a) = &as_of {
            parts.push(format!("as_of={a}"));
        }
        if let Some(f) = &framework {
            parts.push(format!("framework={f}"));
        }
        href.push('?');
        href.push_str(&parts.join("&"));
        href
    };
    // The items beneath, in the framework's order, as the server named them.
    let cells = if kq == "overall" {
        &ward.readiness.key_questions
    } else {
        &ward.readiness.items
    };
    let beneath: Vec<(String, Readiness)> = evidence
        .items
        .iter()
        .filter_map(|(code, item_title)| {
            let cell = cells.iter().find(|c| &c.code == code)?;
            let label = if kq == "overall" {
                item_title.clone()
            } else {
                format!("{code} {item_title}")
            };
            Some((label, cell.readiness.clone()))
        })
        .collect();
    let rule = (kq == "overall").then(|| {
        format!(
            "The overall rating aggregates the five key questions' ratings by the CQC's ratings principles ({}).",
            rule_words(ward.readiness.overall.rule)
        )
    });
    let as_at = last.as_of.format("%-d %B %Y").to_string();
    let rules = ReadinessRules::built_in().ok();
    let next = rules
        .as_ref()
        .map(|r| next_step(r, &cell))
        .unwrap_or_default();
    view! {
        <Title text=format!("{title} at {} - ReadyWard", ward.unit_name) />
        <nav aria-label="Breadcrumb" class="breadcrumb">
            <a href=back>"Readiness"</a>
        </nav>
        <span class="caption">{ward.site.name.clone()} ", " {ward.core_service.name.clone()}</span>
        <h1>{title.clone()} " at " {ward.unit_name.clone()}</h1>
        <p class="lede">
            <span class=format!("rating rating--{}", cell.rating.as_str())>{cell.rating.label()}</span>
            " (indicative) "
            {cell.score.map(|s| format!("with a score of {s:.0}%"))}
            ", as at " {as_at}
        </p>
        <dl class="summary-list">
            <div class="summary-list__row">
                <dt>"Confidence"</dt>
                <dd>{format!("{:.2}", cell.confidence)} ": " {cell.confidence_words.clone()}</dd>
            </div>
            <div class="summary-list__row">
                <dt>"What it would take"</dt>
                <dd>{next}</dd>
            </div>
        </dl>
        {rule.map(|r| view! { <p>{r}</p> })}
        <h2>"Flags"</h2>
        {if cell.flags.is_empty() {
            view! { <p>"No flags: nothing here needs a closer look."</p> }.into_any()
        } else {
            view! {
                <ul class="flag-list">
                    {cell.flags.iter().map(|f| view! {
                        <li>
                            <strong>{super::rows::flag_label(f.code)}</strong>
                            ": " {f.reason.clone()}
                        </li>
                    }).collect_view()}
                </ul>
            }
                .into_any()
        }}
        <h2>"The three sources"</h2>
        <Sources readiness=cell.clone() rules=rules />
        <Evidence evidence past=as_of.is_some() />
        <h2>{if kq == "overall" { "The key questions" } else { "Beneath it" }}</h2>
        <Beneath rows=beneath overall=kq == "overall" />
        <h2>"Trend over six months"</h2>
        <Trend points kq=kq.clone() />
        <p>
            <a href=format!("/wards/{}", ward.unit_id)>"Open the ward's page"</a>
        </p>
    }
    .into_any()
}

fn rule_words(rule: domain::principles::Rule) -> &'static str {
    use domain::principles::Rule::*;
    match rule {
        NothingRated => "nothing below was rated",
        InadequateThreshold => "enough key questions are Inadequate",
        RequiresImprovementThreshold => "enough key questions Require improvement or worse",
        OutstandingThreshold => "enough key questions are Outstanding and none is below Good",
        Good => "none of the other principles applied",
    }
}

/// The next rating up and the score it needs, from the rules file's bands.
fn next_step(rules: &ReadinessRules, cell: &Readiness) -> String {
    let b = &rules.bands;
    let (next, floor) = match cell.rating {
        Rating::NotRated => {
            return "Evidence: a mini-inspection, a self-assessment or a peer review.".to_owned();
        }
        Rating::Outstanding => return "Nothing: this is the best rating.".to_owned(),
        Rating::Good => (Rating::Outstanding, b.outstanding),
        Rating::RequiresImprovement => (Rating::Good, b.good),
        Rating::Inadequate => (Rating::RequiresImprovement, b.requires_improvement),
    };
    let now = cell.score.unwrap_or_default();
    let mut text = format!(
        "{} needs a score of {floor}% (now {now:.0}%).",
        next.label()
    );
    if next == Rating::Outstanding {
        text.push_str(
            " Meeting every prompt is Good: only evidence of outstanding practice, an outstanding self-assessment or peer rating lifts a score above it.",
        );
    }
    text
}

fn source_row(
    name: &'static str,
    s: &SourceScore,
    rules: Option<&ReadinessRules>,
) -> impl IntoView + use<> {
    let rating = s
        .score
        .zip(rules)
        .map(|(score, r)| r.rating_of(score).label());
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td>{s.score.map_or("No evidence".to_owned(), |v| format!("{v:.0}%"))}</td>
            <td>{rating.unwrap_or("Not rated")}</td>
            <td>{s.count}</td>
            <td>{s.newest.map_or("None".to_owned(), |d| d.format("%-d %b %Y").to_string())}</td>
        </tr>
    }
}

#[component]
fn Sources(readiness: Readiness, rules: Option<ReadinessRules>) -> impl IntoView {
    let rules = rules.as_ref();
    let s = readiness.sources;
    view! {
        <table class="table">
            <caption class="visually-hidden">"Each source's score, rating, evidence counted and newest date"</caption>
            <thead>
                <tr>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Score"</th>
                    <th scope="col">"Indicative rating"</th>
                    <th scope="col">"Evidence counted"</th>
                    <th scope="col">"Newest"</th>
                </tr>
            </thead>
            <tbody>
                {source_row("Mini-inspections", &s.mini_inspection, rules)}
                {source_row("Self-assessment", &s.self_assessment, rules)}
                {source_row("Peer review (buddy trust)", &s.peer_review, rules)}
            </tbody>
        </table>
    }
}

/// Who a piece of evidence came from, in words.
fn source_words(source: Source) -> &'static str {
    match source {
        Source::MiniInspection => "Mini-inspection",
        Source::SelfAssessment => "Self-assessment",
        Source::PeerReview => "Peer review (buddy trust)",
    }
}

/// The ratings and findings behind the cell: what was not in place first, with notes and
/// photos.
#[component]
fn Evidence(
    evidence: CellEvidence,
    /// Read as at a past day: answers and ratings stand as they were, notes and photos as
    /// they are now (they are not kept day by day).
    past: bool,
) -> impl IntoView {
    let CellEvidence {
        findings,
        more_findings,
        ratings,
        ..
    } = evidence;
    let ratings = (!ratings.is_empty()).then(|| {
        view! {
            <h2>"Ratings"</h2>
            <table class="table">
                <caption class="visually-hidden">"Self-assessment and peer review ratings counted here, newest evidence first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Rated"</th>
                        <th scope="col">"Rating"</th>
                        <th scope="col">"Evidence dated"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"What it rests on"</th>
                    </tr>
                </thead>
                <tbody>
                    {ratings.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{source_words(r.source)}</th>
                            <td>{r.item}</td>
                            <td><span class=format!("rating rating--{}", r.rating.as_str())>{r.rating.label()}</span></td>
                            <td>{r.evidence_date.format("%-d %b %Y").to_string()}</td>
                            <td>{r.by}</td>
                            <td>{r.justification}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    let shown = findings.len();
    view! {
        {ratings}
        <h2>"Findings"</h2>
        {if findings.is_empty() {
            view! { <p>"No finding counts here yet: nobody has observed it on a mini-inspection."</p> }.into_any()
        } else {
            view! {
                <p>{format!("{shown} shown, what was not in place first.")}
                    {(more_findings > 0).then(|| format!(" {more_findings} more findings are counted but not listed."))}
                    {past.then_some(" Each answer is shown as it stood then; its note and photos as they are today.")}
                </p>
                <ul class="evidence-list">
                    {findings.into_iter().map(|f| {
                        let alt = format!("Photo with the finding on {}", f.prompt);
                        view! {
                            <li class="evidence-list__item">
                                <p class="evidence-list__head">
                                    <span class=format!("answer answer--{}", f.response.as_str())>{f.response.label()}</span>
                                    " " <strong>{f.prompt.clone()}</strong> " " {f.prompt_text.clone()}
                                </p>
                                <p class="hint">
                                    {source_words(f.source)} ", " {f.observed_on.format("%-d %B %Y").to_string()}
                                    <VerdictTag verdict=f.verdict />
                                </p>
                                <FindingNote finding=f.clone() />
                                <PhotoThumbs ids=f.photo_ids.clone() alt=alt.clone() />
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}

#[component]
fn Beneath(rows: Vec<(String, Readiness)>, overall: bool) -> impl IntoView {
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">{if overall { "Key question" } else { "KLOE or quality statement" }}</th>
                    <th scope="col">"Rating"</th>
                    <th scope="col">"Score"</th>
                    <th scope="col">"Findings"</th>
                    <th scope="col">"Flags"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|(code, r)| {
                        let flags: Vec<&str> = r.flags.iter().map(|f| super::rows::flag_label(f.code)).collect();
                        view! {
                            <tr>
                                <th scope="row">{code}</th>
                                <td>{r.rating.label()}</td>
                                <td>{r.score.map_or("-".to_owned(), |s| format!("{s:.0}%"))}</td>
                                <td>{r.findings}</td>
                                <td>{if flags.is_empty() { "None".to_owned() } else { flags.join(", ") }}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// A small line chart of the score, with the same figures in a table for screen readers and
/// print.
#[component]
fn Trend(points: Vec<TrendPoint>, kq: String) -> impl IntoView {
    let series: Vec<(String, Option<f64>, Rating)> = points
        .iter()
        .map(|p| {
            let cell = cell_of(&p.ward, &kq);
            (
                p.as_of.format("%-d %b %Y").to_string(),
                cell.and_then(|c| c.score),
                cell.map_or(Rating::NotRated, |c| c.rating),
            )
        })
        .collect();
    let (w, h, pad) = (600.0_f64, 160.0_f64, 24.0_f64);
    let step = if series.len() > 1 {
        (w - 2.0 * pad) / (series.len() - 1) as f64
    } else {
        0.0
    };
    let y = |score: f64| h - pad - (score - 25.0) / 75.0 * (h - 2.0 * pad);
    let dots: Vec<(f64, f64)> = series
        .iter()
        .enumerate()
        .filter_map(|(i, (_, s, _))| s.map(|s| (pad + step * i as f64, y(s))))
        .collect();
    let line = dots
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let bands = [
        (88.0, "Outstanding"),
        (63.0, "Good"),
        (39.0, "Requires improvement"),
    ];
    view! {
        <figure class="trend">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-labelledby="trend-caption" class="trend__chart">
                {bands.iter().map(|(score, label)| view! {
                    <line x1=pad y1=y(*score) x2=w - pad y2=y(*score) class="trend__band" />
                    <text x=w - pad y=y(*score) - 4.0 text-anchor="end" class="trend__label">{*label}</text>
                }).collect_view()}
                <polyline points=line class="trend__line" />
                {dots.iter().map(|(x, y)| view! { <circle cx=*x cy=*y r="5" class="trend__dot" /> }).collect_view()}
            </svg>
            <figcaption id="trend-caption">"Score at the end of each month and today"</figcaption>
        </figure>
        <table class="table">
            <thead>
                <tr><th scope="col">"As at"</th><th scope="col">"Score"</th><th scope="col">"Rating"</th></tr>
            </thead>
            <tbody>
                {series.into_iter().map(|(day, score, rating)| view! {
                    <tr>
                        <th scope="row">{day}</th>
                        <td>{score.map_or("-".to_owned(), |s| format!("{s:.0}%"))}</td>
                        <td>{rating.label()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A finding's note; a trust admin (see [`MayGovernEvidence`]) also sees a link to redact it.
#[component]
fn FindingNote(finding: FindingEvidence) -> impl IntoView {
    let may_redact = use_context::<MayGovernEvidence>().is_some();
    if finding.note_redacted {
        return view! { <p class="hint">"Note redacted by the trust's administrator."</p> }
            .into_any();
    }
    if finding.note.is_empty() {
        return ().into_any();
    }
    let about = format!("{} {}", finding.prompt, finding.prompt_text);
    view! {
        <p class="evidence-list__note">{finding.note}</p>
        {may_redact.then(|| view! {
            <p><a class="photo-remove" href=format!("/admin/notes/{}", finding.record_id)>
                "Redact note" <span class="visually-hidden">{format!(" about {about}")}</span>
            </a></p>
        })}
    }
    .into_any()
}
