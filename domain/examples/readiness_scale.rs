//! The readiness engine at national scale: a benchmark, not a test (figures in BENCHMARKS.md).
//!
//! `cargo run --release -p domain --example readiness_scale [trusts] [wards] [findings]`
//! (defaults 200 trusts x 100 wards x 800 findings, about 16 million: a year of monthly
//! mini-inspections across the 27 KLOEs). Builds the whole synthetic data set in memory, then
//! times a full recompute (every ward's cells on every core, then each trust's roll-up) and the
//! recompute after a sync batch of 100 findings (that ward, then its trust's roll-up), and
//! prints the peak memory used.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use domain::Catalogue;
use domain::api::NamedRef;
use domain::crosswalk::Crosswalks;
use domain::framework::Framework;
use domain::principles::Principles;
use domain::readiness::rollup::{RollUp, TrustWellLed, roll_up};
use domain::readiness::rules::ReadinessRules;
use domain::readiness::ward::{UnitReadiness, WardReadiness, ward_readiness};
use domain::readiness::{Evidence, Kind, Source, assess};
use uuid::Uuid;

/// Fixed pseudo-random numbers (xorshift): the same data set on every run.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A trust's wards and, in the same order, each ward's evidence.
struct Trust {
    id: Uuid,
    units: Vec<UnitReadiness>,
    evidence: Vec<Vec<Evidence>>,
}

struct Engine<'a> {
    rules: ReadinessRules,
    principles: Principles,
    framework: &'a Framework,
    items_of: HashMap<String, Vec<String>>,
    titles: Vec<(String, String)>,
    today: NaiveDate,
}

impl Engine<'_> {
    fn ward(&self, evidence: &[Evidence]) -> WardReadiness {
        ward_readiness(
            &self.rules,
            &self.principles,
            self.framework,
            evidence,
            &self.items_of,
            self.today,
        )
    }

    fn roll_up(&self, trust: &Trust) -> RollUp {
        let well_led = [TrustWellLed {
            trust_id: trust.id,
            readiness: assess(&self.rules, &[], self.today),
        }];
        roll_up(
            &self.principles,
            &self.rules.bands,
            &self.titles,
            &trust.units,
            &[],
            &[],
            &well_led,
        )
    }
}

fn named(name: String) -> NamedRef {
    NamedRef {
        id: Uuid::now_v7(),
        name,
    }
}

/// One ward's year: `findings` answers to prompts spread over twelve monthly rounds.
fn findings(
    prompts: &[String],
    findings: usize,
    today: NaiveDate,
    draw: &mut Draw,
) -> Vec<Evidence> {
    let chance = 55 + draw.below(40);
    (0..findings)
        .map(|n| {
            let round = (n * 12 / findings.max(1)) as u64;
            let on = today - Days::new(round * 30 + 2);
            let roll = draw.below(100);
            let points = if roll < chance {
                3
            } else if roll < chance + (100 - chance) / 2 {
                2
            } else {
                1
            };
            Evidence {
                source: Source::MiniInspection,
                kind: Kind::Finding,
                subject: prompts[draw.below(prompts.len() as u64) as usize].clone(),
                points,
                on,
                recorded_on: on,
                count: 1,
                verdict: Default::default(),
                doubtful: false,
            }
        })
        .collect()
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = |n: usize, default: usize| {
        std::env::args()
            .nth(n)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (trusts, wards_per_trust, per_ward) = (arg(1, 200), arg(2, 100), arg(3, 800));
    let catalogue = Catalogue::built_in()?;
    let crosswalks = Crosswalks::built_in()?;
    let framework = catalogue
        .get("cqc-kloe-2017")
        .ok_or("the KLOE framework is missing")?;
    let prompts: Vec<String> = framework
        .prompts()
        .map(|(_, p)| p.code.to_string())
        .collect();
    let items_of = prompts
        .iter()
        .map(|p| {
            let items = crosswalks.items_for(&catalogue, &framework.id, p);
            (
                p.clone(),
                items.into_iter().map(|i| i.into_string()).collect(),
            )
        })
        .collect();
    let engine = Engine {
        rules: ReadinessRules::built_in()?,
        principles: Principles::built_in()?,
        framework,
        items_of,
        titles: framework
            .key_questions
            .iter()
            .map(|kq| (kq.code.clone(), kq.title.clone()))
            .collect(),
        today: NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("bad day")?,
    };

    let started = Instant::now();
    let mut draw = Draw(0x5ca1_e000_0000_0001);
    let mut nation: Vec<Trust> = Vec::with_capacity(trusts);
    for t in 0..trusts {
        let trust = named(format!("Trust {t}"));
        let mut units = Vec::with_capacity(wards_per_trust);
        let mut evidence = Vec::with_capacity(wards_per_trust);
        for w in 0..wards_per_trust {
            evidence.push(findings(&prompts, per_ward, engine.today, &mut draw));
            units.push(UnitReadiness {
                unit_id: Uuid::now_v7(),
                unit_name: format!("Ward {w}"),
                site: named(format!("Site {}", w / 25)),
                core_service: named(format!("Service {}", w / 5 % 5)),
                trust: trust.clone(),
                readiness: engine.ward(&[]),
            });
        }
        nation.push(Trust {
            id: trust.id,
            units,
            evidence,
        });
    }
    let total: usize = nation
        .iter()
        .flat_map(|t| t.evidence.iter())
        .map(Vec::len)
        .sum();
    println!(
        "{trusts} trusts x {wards_per_trust} wards, {total} findings built in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Full recompute: every ward on every core, then each trust's roll-up.
    let started = Instant::now();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = nation.len().div_ceil(cores);
    std::thread::scope(|scope| {
        for part in nation.chunks_mut(chunk.max(1)) {
            let engine = &engine;
            scope.spawn(move || {
                for trust in part {
                    for (unit, evidence) in trust.units.iter_mut().zip(&trust.evidence) {
                        unit.readiness = engine.ward(evidence);
                    }
                    std::hint::black_box(engine.roll_up(trust));
                }
            });
        }
    });
    println!(
        "full recompute on {cores} cores: {:.2} s; peak memory {}",
        started.elapsed().as_secs_f64(),
        peak_memory()
    );

    // A sync batch of 100 findings on one ward: that ward, then its trust's roll-up.
    let trust = nation.first_mut().ok_or("no trusts")?;
    let (mut ward_times, mut times) = (Vec::new(), Vec::new());
    for round in 0..200 {
        let at = round % trust.units.len();
        let batch = findings(&prompts, 100, engine.today, &mut draw);
        trust.evidence[at].extend(batch);
        let started = Instant::now();
        trust.units[at].readiness = engine.ward(&trust.evidence[at]);
        ward_times.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(engine.roll_up(trust));
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ward_times.sort_by(f64::total_cmp);
    times.sort_by(f64::total_cmp);
    println!(
        "recompute after a sync batch of 100 findings, 200 runs: the ward p50 {:.2} ms; \
         the ward and its trust's roll-up p50 {:.2} ms, p99 {:.2} ms",
        ward_times[ward_times.len() / 2],
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );
    Ok(())
}
