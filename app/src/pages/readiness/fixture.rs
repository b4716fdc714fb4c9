//! A small real report for the heatmap's and the drill-downs' tests: one trust, one site, two
//! core services, three wards (one flagged, one with no evidence, one all met).
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::api::NamedRef;
use domain::principles::Principles;
use domain::readiness::rollup::roll_up;
use domain::readiness::rules::ReadinessRules;
use domain::readiness::ward::{ReadinessReport, UnitReadiness, ward_readiness};
use domain::readiness::{Evidence, Kind, Source};
use uuid::Uuid;

use super::filters::Filters;

pub(super) fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

pub(super) fn named(n: u128, name: &str) -> NamedRef {
    NamedRef {
        id: Uuid::from_u128(n),
        name: name.to_owned(),
    }
}

pub(super) fn evidence(source: Source, kind: Kind, points: u8, count: u32) -> Evidence {
    Evidence {
        source,
        kind,
        subject: "S1".to_owned(),
        points,
        on: day(),
        recorded_on: day(),
        count,
        verdict: Default::default(),
        doubtful: false,
    }
}

/// Ward 1 found wanting but self-assessed outstanding (flagged), ward 2 with no evidence,
/// ward 3 in another service all met.
pub(super) fn report(ward1_points: u8) -> ReadinessReport {
    let rules = ReadinessRules::built_in().unwrap();
    let principles = Principles::built_in().unwrap();
    let catalogue = domain::Catalogue::built_in().unwrap();
    let framework = catalogue.get("cqc-kloe-2017").unwrap();
    let ward = |n: u128, service: u128, evidence: Vec<Evidence>| UnitReadiness {
        unit_id: Uuid::from_u128(n),
        unit_name: format!("Ward {n}"),
        site: named(100, "Northfield General"),
        core_service: named(service, &format!("Service {service}")),
        trust: named(1, "Northfield Trust"),
        readiness: ward_readiness(
            &rules,
            &principles,
            framework,
            &evidence,
            &Default::default(),
            day(),
        ),
    };
    let units = vec![
        ward(
            10,
            1000,
            vec![
                evidence(Source::MiniInspection, Kind::Finding, ward1_points, 12),
                evidence(Source::SelfAssessment, Kind::Rating, 4, 1),
            ],
        ),
        ward(11, 1000, Vec::new()),
        ward(
            12,
            1001,
            vec![evidence(Source::MiniInspection, Kind::Finding, 3, 12)],
        ),
    ];
    let roll_up = roll_up(&principles, &rules.bands, &[], &units, &[], &[], &[]);
    ReadinessReport {
        as_of: day(),
        framework_id: framework.id.clone(),
        rules: "readyward-readiness v2".to_owned(),
        key_questions: framework
            .key_questions
            .iter()
            .map(|k| (k.code.clone(), k.title.clone()))
            .collect(),
        indicative: true,
        units,
        roll_up,
    }
}

pub(super) fn filters(query: &[(&str, &str)]) -> Filters {
    Filters::from_query(|k| {
        query
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| (*v).to_owned())
    })
}
