//! `GET /readiness`: the board's heatmap. Rows are wards grouped by site and core service (or
//! only the service and site rows), columns the key questions and overall; each cell gives
//! the indicative rating in words and colour, the score, the confidence and flag markers, and
//! opens its drill-down. Filters live in the address so a view can be shared, exported as CSV
//! and printed as the board pack. On a narrow screen each ward becomes a list.

pub mod drill;
pub mod filters;
#[cfg(test)]
mod fixture;
pub mod level_drill;
pub mod rows;
pub mod trust_summary;
pub mod ward_summary;

use domain::Role;
use domain::api::{NamedRef, UserInfo};
use domain::readiness::ward::ReadinessReport;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::org::list_units;
use crate::api::readiness::board_readiness;
use crate::components::form::message;
use crate::components::signed_in::SignedIn;
use crate::pages::rate::trust_rate_href;
use filters::{Depth, Filters, use_filters};
use rows::{CellData, Heatmap, Row, RowKind, flag_label, heatmap};

/// `GET /readiness`.
#[component]
pub fn ReadinessPage() -> impl IntoView {
    view! {
        <Title text="Readiness - ReadyWard" />
        <SignedIn render=|user| view! { <Readiness user /> } />
    }
}

/// What the page shows: the trusts a buddy reviewer switches between, the one shown, and its
/// readiness now and at the "changed since" date (`None` when that trust is not one the
/// caller may see today).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Loaded {
    trusts: Vec<NamedRef>,
    shown: Option<Uuid>,
    reports: Option<(ReadinessReport, Option<ReadinessReport>)>,
}

#[component]
fn Readiness(user: UserInfo) -> impl IntoView {
    let filters = use_filters();
    let reviewer = user.role == Role::BuddyReviewer;
    let own_trust = user.trust_id;
    let report = Resource::new(
        move || filters.get(),
        move |f| async move {
            // A buddy reviewer sees each trust on its own, the first they review unless they
            // chose; everyone else sees their own trust.
            let trusts = if reviewer {
                trusts_seen().await?
            } else {
                Vec::new()
            };
            let shown = f.trust.or_else(|| {
                trusts
                    .iter()
                    .find(|t| t.id != own_trust)
                    .or(trusts.first())
                    .map(|t| t.id)
            });
            if reviewer && !shown.is_some_and(|s| trusts.iter().any(|t| t.id == s)) {
                return Ok(Loaded {
                    trusts,
                    shown,
                    reports: None,
                });
            }
            let read =
                |as_of: Option<String>| board_readiness(as_of, f.framework.clone(), None, shown);
            let now = read(f.as_of.clone()).await?;
            let before = match &f.since {
                Some(since) => Some(read(Some(since.clone())).await?),
                None => None,
            };
            Ok::<_, ServerFnError>(Loaded {
                trusts,
                shown,
                reports: Some((now, before)),
            })
        },
    );
    view! {
        <h1>"Readiness"</h1>
        <Suspense fallback=|| view! { <p>"Working out readiness…"</p> }>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    let filters = filters.get_untracked();
                    match report.await {
                        Ok(Loaded { trusts, shown, reports }) => {
                            let filters = Filters { trust: shown.or(filters.trust), ..filters };
                            // A reviewer who asked for a trust they cannot see is offered
                            // those they can, even when that is only one.
                            let listed = if trusts.is_empty() { "" } else { " The trusts you can see are listed above." };
                            let switch = (trusts.len() > 1 || reports.is_none() && !trusts.is_empty())
                                .then(|| view! { <TrustSwitch trusts shown filters=filters.clone() /> });
                            let board = match reports {
                                Some((now, before)) => {
                                    let rate = now.roll_up.trusts.first().and_then(|t| trust_rate_href(&user, t.id));
                                    view! { <Board report=now before filters rate /> }.into_any()
                                }
                                None => view! {
                                    <p class="inset" role="alert">
                                        "You cannot see this trust's readiness today. Buddy access runs between the dates the reviewed trust's administrators set: ask them to extend it." {listed}
                                    </p>
                                }
                                    .into_any(),
                            };
                            view! { {switch} {board} }.into_any()
                        }
                        Err(e) => {
                            // The trust asked for is the likeliest cause: the form drops it.
                            let filters = Filters { trust: None, ..filters };
                            view! {
                                <FilterForm report=None filters />
                                <p class="error-message" role="alert">{message(&e)}</p>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The trusts whose wards the caller sees (own first), from the units list.
async fn trusts_seen() -> Result<Vec<NamedRef>, ServerFnError> {
    let mut trusts: Vec<NamedRef> = Vec::new();
    for unit in list_units().await? {
        if !trusts.iter().any(|t| t.id == unit.trust.id) {
            trusts.push(unit.trust);
        }
    }
    Ok(trusts)
}

/// Links between the trusts a buddy reviewer sees, the shown one marked as current.
#[component]
fn TrustSwitch(trusts: Vec<NamedRef>, shown: Option<Uuid>, filters: Filters) -> impl IntoView {
    view! {
        <nav class="trust-switch" aria-label="Trusts you can see">
            <h2 class="trust-switch__title">"Trusts you can see"</h2>
            <ul class="trust-switch__list">
                {trusts
                    .into_iter()
                    .map(|t| {
                        let current = Some(t.id) == shown;
                        let href = format!("/readiness?{}", filters.for_trust(t.id).query());
                        view! {
                            <li>
                                <a
                                    class="trust-switch__link"
                                    class:trust-switch__link--current=current
                                    href=href
                                    aria-current=current.then_some("page")
                                >
                                    {t.name}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

fn long_date(day: chrono::NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

#[component]
fn Board(
    report: ReadinessReport,
    before: Option<ReadinessReport>,
    filters: Filters,
    rate: Option<String>,
) -> impl IntoView {
    let map = heatmap(&report, before.as_ref(), &filters);
    let as_of = long_date(report.as_of);
    let since = before.as_ref().map(|b| long_date(b.as_of));
    let query = filters.query();
    let csv = if query.is_empty() {
        "/readiness.csv".to_owned()
    } else {
        format!("/readiness.csv?{query}")
    };
    let empty = map.sites.is_empty();
    view! {
        <p class="lede">
            "Indicative ratings as at " <strong>{as_of.clone()}</strong>
            ": ReadyWard's reading of your evidence, not a CQC rating."
        </p>
        <FilterForm report=Some(report.clone()) filters=filters.clone() />
        <div class="board-actions">
            <a class="button button--secondary" href=csv download="readiness.csv">
                "Download CSV"
            </a>
            <button type="button" class="button button--secondary" on:click=|_| print_page()>
                "Print board pack"
            </button>
            {rate.map(|href| view! {
                <a class="button button--secondary" href=href>"Rate the trust's Well-led"</a>
            })}
        </div>
        {since.map(|s| view! {
            <p class="inset">"Cells marked " <strong>"Changed"</strong> " moved since " {s} "."</p>
        })}
        <Legend />
        <HeatmapTables map as_of empty />
        <p class="hint">"Rules: " {report.rules.clone()} ". Framework: " {report.framework_id.clone()} "."</p>
    }
}

/// Opens the browser's print dialogue (the print stylesheet lays out the board pack).
fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <details class="legend">
            <summary>"How to read a cell"</summary>
            <p>
                "Each cell gives the indicative rating in words, the score (the evidence on the CQC's "
                "four-point scale, as a percentage), how confident ReadyWard is (0 to 1) and any flags. "
                "Wards' ratings come from their evidence; core services, sites and the trust "
                "aggregate the ratings below them as the CQC's ratings principles describe."
            </p>
            <ul class="legend__list">
                <li><span class="rating rating--outstanding">"Outstanding"</span>" 88% and above"</li>
                <li><span class="rating rating--good">"Good"</span>" 63% to 87%"</li>
                <li><span class="rating rating--requires_improvement">"Requires improvement"</span>" 39% to 62%"</li>
                <li><span class="rating rating--inadequate">"Inadequate"</span>" 38% and below"</li>
                <li><span class="rating rating--not_rated">"Not rated"</span>" no evidence yet"</li>
            </ul>
        </details>
    }
}

#[component]
fn FilterForm(report: Option<ReadinessReport>, filters: Filters) -> impl IntoView {
    let sites: Vec<(String, String)> = report
        .as_ref()
        .map(|r| {
            r.roll_up
                .sites
                .iter()
                .map(|s| (s.id.to_string(), s.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let services: Vec<(String, String)> = report
        .as_ref()
        .map(|r| {
            r.roll_up
                .core_services
                .iter()
                .map(|s| {
                    let site = r
                        .roll_up
                        .sites
                        .iter()
                        .find(|x| Some(x.id) == s.parent)
                        .map(|x| x.name.clone())
                        .unwrap_or_default();
                    (s.id.to_string(), format!("{} ({site})", s.name))
                })
                .collect()
        })
        .unwrap_or_default();
    let key_questions = report
        .as_ref()
        .map(|r| r.key_questions.clone())
        .unwrap_or_default();
    let site = filters.site.map(|s| s.to_string()).unwrap_or_default();
    let service = filters.service.map(|s| s.to_string()).unwrap_or_default();
    let kq = filters.key_question.clone().unwrap_or_default();
    let framework = filters.framework.clone().unwrap_or_default();
    let confidence = filters
        .confidence_below
        .map(|c| c.to_string())
        .unwrap_or_default();
    let options = |list: Vec<(String, String)>, chosen: String, any: &'static str| {
        let mut all = vec![(String::new(), any.to_owned())];
        all.extend(list);
        all.into_iter()
            .map(|(value, label)| {
                let selected = value == chosen;
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let clear = match filters.trust {
        Some(t) => format!("/readiness?trust={t}"),
        None => "/readiness".to_owned(),
    };
    view! {
        <form method="get" action="/readiness" class="filters" aria-label="Filters">
            <div class="filters__grid">
                <div class="form-group">
                    <label class="label" for="as_of">"As at"</label>
                    <input class="input input--date" type="date" id="as_of" name="as_of" value=filters.as_of.clone().unwrap_or_default() />
                </div>
                <div class="form-group">
                    <label class="label" for="since">"Changed since"</label>
                    <input class="input input--date" type="date" id="since" name="since" value=filters.since.clone().unwrap_or_default() />
                </div>
                <div class="form-group">
                    <label class="label" for="site">"Site"</label>
                    <select id="site" name="site">{options(sites, site, "All sites")}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="service">"Core service"</label>
                    <select id="service" name="service">{options(services, service, "All core services")}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="kq">"Key question"</label>
                    <select id="kq" name="kq">{options(key_questions, kq, "All five")}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="confidence_below">"Confidence"</label>
                    <select id="confidence_below" name="confidence_below">
                        {options(
                            vec![
                                ("0.5".to_owned(), "Below 0.5".to_owned()),
                                ("0.7".to_owned(), "Below 0.7".to_owned()),
                            ],
                            confidence,
                            "Any",
                        )}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="depth">"Show"</label>
                    <select id="depth" name="depth">
                        <option value="" selected=filters.depth == Depth::Wards>"Wards, services and sites"</option>
                        <option value="services" selected=filters.depth == Depth::Services>"Core services and sites"</option>
                        <option value="sites" selected=filters.depth == Depth::Sites>"Sites only"</option>
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="framework">"Read by"</label>
                    <select id="framework" name="framework">
                        <option value="" selected=framework.is_empty()>"Key lines of enquiry (2017)"</option>
                        <option value="cqc-saf-2024" selected=framework == "cqc-saf-2024">"Quality statements (2024)"</option>
                    </select>
                </div>
            </div>
            <div class="checkbox">
                <input type="checkbox" id="flagged" name="flagged" value="1" checked=filters.flagged_only />
                <label for="flagged">"Only wards with flagged cells"</label>
            </div>
            {filters.trust.map(|t| view! { <input type="hidden" name="trust" value=t.to_string() /> })}
            <button type="submit" class="button">"Apply filters"</button>
            " "
            <a href=clear>"Clear filters"</a>
        </form>
    }
}

#[component]
fn HeatmapTables(map: Heatmap, as_of: String, empty: bool) -> impl IntoView {
    let Heatmap {
        columns,
        trusts,
        sites,
        plans,
    } = map;
    let plans = (!plans.is_empty()).then(|| {
        view! {
            <section aria-labelledby="what-it-takes" class="what-it-takes">
                <h2 id="what-it-takes">"What would it take"</h2>
                <p class="hint">"The fewest ratings beneath that would each have to rise a step, closest to their next band first."</p>
                <ul>{plans.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </section>
        }
    });
    let trust_table = (!trusts.is_empty()).then(|| {
        let name = trusts.first().map(|t| t.name.clone()).unwrap_or_default();
        view! { <Table caption=format!("{name}: the trust as a whole") columns=columns.clone() rows=trusts as_of=as_of.clone() /> }
    });
    view! {
        {trust_table}
        {empty.then(|| view! { <p class="inset">"No wards match these filters."</p> })}
        {sites
            .into_iter()
            .map(|(name, rows)| {
                view! { <Table caption=name columns=columns.clone() rows as_of=as_of.clone() /> }
            })
            .collect_view()}
        {plans}
    }
}

#[component]
fn Table(
    caption: String,
    columns: Vec<(String, String)>,
    rows: Vec<Row>,
    as_of: String,
) -> impl IntoView {
    let titles: Vec<String> = columns.iter().map(|(_, t)| t.clone()).collect();
    view! {
        <section class="heatmap-site">
            <p class="print-only">"Indicative readiness as at " {as_of}</p>
            <table class="heatmap">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Ward or service"</th>
                        {titles.iter().map(|t| view! { <th scope="col">{t.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| view! { <HeatmapRow row titles=titles.clone() /> })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn HeatmapRow(row: Row, titles: Vec<String>) -> impl IntoView {
    let class = match row.kind {
        RowKind::Trust => "heatmap__row heatmap__row--trust",
        RowKind::Site => "heatmap__row heatmap__row--site",
        RowKind::Service => "heatmap__row heatmap__row--service",
        RowKind::Ward => "heatmap__row",
    };
    let name = match row.kind {
        RowKind::Ward => {
            view! { <a href=format!("/wards/{}", row.id)>{row.name.clone()}</a> }.into_any()
        }
        kind => view! {
            <span class="heatmap__level">{kind.label()}</span>
            " "
            {row.name.clone()}
        }
        .into_any(),
    };
    view! {
        <tr class=class>
            <th scope="row">{name}</th>
            {row
                .cells
                .into_iter()
                .zip(titles)
                .map(|(cell, title)| view! { <HeatCell cell title /> })
                .collect_view()}
        </tr>
    }
}

#[component]
fn HeatCell(cell: CellData, title: String) -> impl IntoView {
    let class = format!("heat heat--{}", cell.rating.as_str());
    let score = cell.score.map(|s| format!("{s:.0}%"));
    let confidence = cell.confidence.map(|c| format!("confidence {c:.2}"));
    let warnings: Vec<_> = cell.flags.iter().filter(|f| f.code.warns()).collect();
    let unverified = (warnings.len() < cell.flags.len())
        .then(|| view! { <span class="heat__unverified">"Not verified"</span> });
    let flags = (!warnings.is_empty()).then(|| {
        let names: Vec<&str> = warnings.iter().map(|f| flag_label(f.code)).collect();
        let count = if names.len() == 1 {
            "1 flag".to_owned()
        } else {
            format!("{} flags", names.len())
        };
        view! {
            <span class="heat__flags" title=names.join(", ")>
                <span aria-hidden="true">"⚑ "</span>
                {count}
                <span class="visually-hidden">": " {names.join(", ")}</span>
            </span>
        }
    });
    let notice = cell
        .enforcement
        .map(|e| view! { <span class="heat__notice">{rows::enforcement_label(e)}</span> });
    let published = cell.published.map(|(rating, day, stands)| {
        let how = if stands {
            "CQC rating carried forward"
        } else {
            "CQC published"
        };
        view! {
            <span class="heat__published">
                {how} ": " {rating.label()} " (" {day.format("%b %Y").to_string()} ")"
            </span>
        }
    });
    let changed = cell.before.map(|b| {
        let up = cell.rating.points().unwrap_or(0) > b.points().unwrap_or(0);
        let arrow = if up { "↑" } else { "↓" };
        view! {
            <span class="heat__changed">
                <span aria-hidden="true">{arrow}" "</span>
                "Changed: was " {b.label()}
            </span>
        }
    });
    let body = view! {
        <span class="heat__rating">{cell.rating.label()}</span>
        {score.map(|s| view! { <span class="heat__score">{s}</span> })}
        {confidence.map(|c| view! { <span class="heat__confidence">{c}</span> })}
        {flags}
        {unverified}
        {notice}
        {published}
        {changed}
    };
    let content = match cell.href {
        Some(href) => view! {
            <a class="heat__link" href=href>
                <span class="visually-hidden">{title.clone()} ": "</span>
                {body}
            </a>
        }
        .into_any(),
        None => body.into_any(),
    };
    view! {
        <td class=class data-label=title>
            {content}
        </td>
    }
}
