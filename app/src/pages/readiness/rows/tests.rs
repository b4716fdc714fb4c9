//! The heatmap's rows from a real report: grouping, each filter, "changed since" and the text
//! a cell exports as.
#![allow(clippy::unwrap_used)]

use uuid::Uuid;

use super::*;
use crate::pages::readiness::fixture::{filters, report};

fn names(map: &Heatmap) -> Vec<String> {
    map.sites
        .iter()
        .flat_map(|(_, rows)| {
            rows.iter()
                .map(|r| format!("{} {}", r.kind.label(), r.name))
        })
        .collect()
}

#[test]
fn wards_sit_under_their_service_under_their_site_with_six_columns() {
    let map = heatmap(&report(1), None, &filters(&[]));
    assert_eq!(map.columns.len(), 6);
    assert_eq!(map.columns[5].0, "overall");
    assert_eq!(
        names(&map),
        [
            "Site Northfield General",
            "Core service Service 1000",
            "Ward Ward 10",
            "Ward Ward 11",
            "Core service Service 1001",
            "Ward Ward 12",
        ]
    );
    assert_eq!(map.trusts.len(), 1);
    let ward10 = &map.sites[0].1[2];
    assert!(!ward10.cells[0].flags.is_empty());
    assert_eq!(
        ward10.cells[0].href.as_deref(),
        Some("/readiness/wards/00000000-0000-0000-0000-00000000000a?kq=safe")
    );
}

#[test]
fn each_filter_narrows_what_is_shown() {
    let r = report(1);
    // Ward 10's Safe is flagged (optimistic self-assessment), ward 11's never observed;
    // ward 12's was inspected enough and agrees with itself.
    let flagged = heatmap(&r, None, &filters(&[("flagged", "1"), ("kq", "safe")]));
    assert_eq!(
        names(&flagged),
        [
            "Site Northfield General",
            "Core service Service 1000",
            "Ward Ward 10",
            "Ward Ward 11"
        ]
    );
    let safe = heatmap(&r, None, &filters(&[("kq", "safe")]));
    let codes: Vec<&str> = safe.columns.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["safe", "overall"]);
    assert_eq!(safe.sites[0].1[2].cells.len(), 2);
    let sites = heatmap(&r, None, &filters(&[("depth", "sites")]));
    assert_eq!(names(&sites), ["Site Northfield General"]);
    let services = heatmap(&r, None, &filters(&[("depth", "services")]));
    assert_eq!(names(&services).len(), 3);
    let one = heatmap(
        &r,
        None,
        &filters(&[("service", "00000000-0000-0000-0000-0000000003e9")]),
    );
    assert_eq!(
        names(&one),
        [
            "Site Northfield General",
            "Core service Service 1001",
            "Ward Ward 12"
        ]
    );
    // Ward 11 has no evidence, so its confidence is 0: below any threshold.
    let unsure = heatmap(
        &r,
        None,
        &filters(&[("confidence_below", "0.01"), ("kq", "safe")]),
    );
    assert!(names(&unsure).contains(&"Ward Ward 11".to_owned()));
    assert!(!names(&unsure).contains(&"Ward Ward 12".to_owned()));
}

#[test]
fn a_cell_that_moved_since_the_chosen_date_says_what_it_was() {
    let map = heatmap(
        &report(3),
        Some(&report(1)),
        &filters(&[("since", "2026-05-01")]),
    );
    let ward10 = &map.sites[0].1[2];
    // Found wanting, then met: from Requires improvement to Good.
    assert_eq!(ward10.cells[0].before, Some(Rating::RequiresImprovement));
    assert_eq!(ward10.cells[0].rating, Rating::Good);
    let ward12 = &map.sites[0].1[5];
    assert_eq!(ward12.cells[0].before, None);
    assert!(cell_text(&ward10.cells[0]).contains("was Requires improvement"));
}

#[test]
fn a_cell_exports_as_one_line_of_words() {
    let map = heatmap(&report(1), None, &filters(&[]));
    let text = cell_text(&map.sites[0].1[2].cells[0]);
    assert!(
        text.starts_with("Requires improvement") || text.starts_with("Inadequate"),
        "{text}"
    );
    assert!(text.contains("confidence"), "{text}");
    assert!(text.contains("self-assessment optimistic"), "{text}");
    assert_eq!(
        cell_text(&map.sites[0].1[3].cells[0]),
        "Not rated (confidence 0.00; never observed)"
    );
}

#[test]
fn filters_survive_the_round_trip_through_the_address() {
    let f = filters(&[
        ("as_of", "2026-06-01"),
        ("flagged", "1"),
        ("kq", "safe"),
        ("depth", "sites"),
    ]);
    let again = Filters::from_query(|k| {
        f.query()
            .split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.to_owned())
    });
    assert_eq!(again, f);
}

#[test]
fn every_level_cell_opens_keeping_the_day_framework_and_trust_not_the_narrowing() {
    let trust = "00000000-0000-0000-0000-0000000000ff";
    let f = filters(&[
        ("as_of", "2026-06-01"),
        ("framework", "cqc-saf-2024"),
        ("trust", trust),
        ("flagged", "1"),
        ("kq", "safe"),
    ]);
    let map = heatmap(&report(1), None, &f);
    let site = &map.sites[0].1[0];
    assert_eq!(site.kind, RowKind::Site);
    let href = site.cells[0].href.clone().unwrap_or_default();
    assert_eq!(
        href,
        format!(
            "/readiness/levels/{}?kq=safe&trust={trust}&as_of=2026-06-01&framework=cqc-saf-2024",
            site.id
        )
    );
    let overall = map.trusts[0].cells.last().and_then(|c| c.href.clone());
    assert!(overall.is_some_and(|h| h.contains("kq=overall")));
}

#[test]
fn another_trust_keeps_the_day_and_drops_the_first_trusts_sites() {
    let f = filters(&[
        ("as_of", "2026-06-01"),
        ("site", "00000000-0000-0000-0000-000000000001"),
        ("depth", "services"),
    ]);
    let other: Uuid = "00000000-0000-0000-0000-0000000000ee"
        .parse()
        .unwrap_or_default();
    let switched = f.for_trust(other);
    assert_eq!(switched.trust, Some(other));
    assert_eq!(switched.site, None);
    assert_eq!(switched.as_of.as_deref(), Some("2026-06-01"));
    assert_eq!(switched.depth, Depth::Services);
}
