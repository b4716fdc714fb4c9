//! Kappa, percent agreement and PABAK on published worked examples, and the edge cases where
//! kappa alone misleads or is undefined.
#![allow(clippy::unwrap_used)]

use super::{CalibrationRules, PairedAnswer, agreement, compare};
use crate::code::PromptCode;
use crate::inspection::Response;

/// Pairs from a contingency table: `table[i][j]` items the first assessor put in `i` and the
/// second in `j`.
fn from_table(table: &[&[u32]]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (i, row) in table.iter().enumerate() {
        for (j, &count) in row.iter().enumerate() {
            pairs.extend(std::iter::repeat_n((i, j), count as usize));
        }
    }
    pairs
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.0005
}

#[test]
fn the_textbook_two_by_two_gives_kappa_0_4() {
    // 50 proposals, two readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15 (Cohen's kappa
    // worked example as usually taught): po 0.70, pe 0.50, kappa 0.40.
    let a = agreement(&from_table(&[&[20, 5], &[10, 15]]), 2).unwrap();
    assert_eq!(a.prompts, 50);
    assert!(close(a.percent, 0.70));
    assert!(close(a.kappa.unwrap(), 0.40));
    assert!(close(a.pabak, 0.40));
}

#[test]
fn same_agreement_different_margins_give_different_kappas() {
    // po 0.60 in both: kappa 0.1304 and 0.2593.
    let a = agreement(&from_table(&[&[45, 15], &[25, 15]]), 2).unwrap();
    let b = agreement(&from_table(&[&[25, 35], &[5, 35]]), 2).unwrap();
    assert!(close(a.percent, 0.60) && close(b.percent, 0.60));
    assert!(close(a.kappa.unwrap(), 0.1304));
    assert!(close(b.kappa.unwrap(), 0.2593));
}

#[test]
fn high_agreement_low_kappa_is_why_pabak_stands_beside_it() {
    // Feinstein and Cicchetti (J Clin Epidemiol 1990;43:543-549): both tables agree on 85 of
    // 100, kappa 0.70 with balanced answers but 0.32 when most answers are one way; PABAK is
    // 0.70 for both.
    let balanced = agreement(&from_table(&[&[40, 9], &[6, 45]]), 2).unwrap();
    let skewed = agreement(&from_table(&[&[80, 10], &[5, 5]]), 2).unwrap();
    assert!(close(balanced.percent, 0.85) && close(skewed.percent, 0.85));
    assert!(close(balanced.kappa.unwrap(), 0.6995));
    assert!(close(skewed.kappa.unwrap(), 0.3182));
    assert!(close(balanced.pabak, 0.70) && close(skewed.pabak, 0.70));
}

#[test]
fn three_categories_as_in_fleiss() {
    // Fleiss's diagnoses by two psychiatrists (Statistical Methods for Rates and Proportions,
    // kappa chapter), as counts of 100: po 0.89, pe 0.66, kappa 0.68.
    let a = agreement(&from_table(&[&[75, 1, 4], &[5, 4, 1], &[0, 0, 10]]), 3).unwrap();
    assert!(close(a.percent, 0.89));
    assert!(close(a.kappa.unwrap(), 0.6765));
    assert!(close(a.pabak, (3.0 * 0.89 - 1.0) / 2.0));
}

#[test]
fn one_answer_throughout_leaves_kappa_undefined_and_pabak_full() {
    let a = agreement(&[(1, 1); 12], 4).unwrap();
    assert_eq!(a.kappa, None);
    assert!(close(a.percent, 1.0) && close(a.pabak, 1.0));
    // Each kept to one answer, but not the same one: no agreement, and kappa says so.
    let b = agreement(&[(1, 2); 12], 4).unwrap();
    assert_eq!(b.kappa, Some(0.0));
    assert!(close(b.pabak, -1.0 / 3.0));
    assert_eq!(agreement::<u8>(&[], 4), None);
}

#[test]
fn a_pair_is_compared_per_kloe_and_its_differences_named() {
    let answer = |prompt: &str, first, second| PairedAnswer {
        prompt: PromptCode::from(prompt),
        first,
        second,
    };
    let found = compare(&[
        answer("S1.1", Response::Met, Response::Met),
        answer("S1.2", Response::Met, Response::PartiallyMet),
        answer("S2.1", Response::NotMet, Response::NotMet),
        answer("S2.2", Response::Met, Response::Met),
    ]);
    let overall = found.overall.unwrap();
    assert_eq!(overall.prompts, 4);
    assert!(close(overall.percent, 0.75));
    let items: Vec<_> = found
        .by_item
        .iter()
        .map(|(i, a)| (i.as_str(), a.prompts))
        .collect();
    assert_eq!(items, vec![("S1", 2), ("S2", 2)]);
    assert!(close(found.by_item[1].1.percent, 1.0));
    assert_eq!(found.differing.len(), 1);
    assert_eq!(found.differing[0].prompt, "S1.2");
}

#[test]
fn readings_use_kappa_or_pabak_where_it_is_undefined() {
    let rules = CalibrationRules::built_in().unwrap();
    let textbook = agreement(&from_table(&[&[20, 5], &[10, 15]]), 2).unwrap();
    let reading = rules.read(&textbook);
    assert_eq!(reading.words, "fair");
    assert!(reading.poor && !reading.too_few);
    let unanimous = agreement(&[(0, 0); 3], 4).unwrap();
    let reading = rules.read(&unanimous);
    assert_eq!(reading.words, "almost perfect, but only 3 prompts");
    assert!(!reading.poor && reading.too_few);
}

#[test]
fn rules_whose_bands_do_not_fall_are_refused() {
    let json = r#"{"id":"x","version":"1","note":"","poor_below":0.4,"min_prompts":1,
        "bands":[{"from":0.2,"words":"a"},{"from":0.5,"words":"b"},{"from":-1,"words":"c"}]}"#;
    assert!(CalibrationRules::from_json(json).is_err());
}
