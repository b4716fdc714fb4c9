//! How much evidence of a given age weighs: exactly half every half-life, straight lines in
//! between, in fixed point. Integer arithmetic gives the same weights on the server and in
//! wasm, where `powf` and `exp` may differ in the last bit (and a band edge could flip).

/// The weight of evidence as new as "as at".
pub const FULL: u64 = 1 << 32;

/// The weight of evidence `age_days` old (negative ages count as new).
pub fn weight(age_days: i64, half_life_days: u32) -> u64 {
    let half_life = i64::from(half_life_days.max(1));
    let age = age_days.max(0);
    let halvings = age / half_life;
    if halvings >= 63 {
        return 0;
    }
    let start = FULL >> halvings;
    // From `start` down to `start / 2` across one half-life.
    let into = u64::try_from(age % half_life).unwrap_or(0);
    let span = u64::try_from(half_life).unwrap_or(1);
    start - (start / 2) * into / span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_halves_every_half_life_and_falls_steadily_between() {
        assert_eq!(weight(0, 180), FULL);
        assert_eq!(weight(-3, 180), FULL);
        assert_eq!(weight(180, 180), FULL / 2);
        assert_eq!(weight(360, 180), FULL / 4);
        assert_eq!(weight(90, 180), FULL * 3 / 4);
        let mut last = FULL + 1;
        for age in 0..2000 {
            let w = weight(age, 180);
            assert!(w <= last, "age {age}");
            last = w;
        }
        assert_eq!(weight(i64::MAX, 180), 0);
    }
}
