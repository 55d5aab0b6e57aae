//! Optional tuning of the hit tolerance (`enable_tolerance_tuning`).

use super::constants::{HIT_BUCKET_TOLERANCE, MIN_TUNED_TOLERANCE_BUCKETS, MIN_TUNING_EVENTS, TOLERANCE_COVERAGE};

/// The tolerance after a window, from its matched events' bucket distances.
///
/// The smallest distance covering `TOLERANCE_COVERAGE` (90 %) of the matched events, plus
/// one bucket of margin, within `[MIN_TUNED_TOLERANCE_BUCKETS, HIT_BUCKET_TOLERANCE]`.
/// Matching only ever sees distances up to the tolerance in force, so a tolerance widens
/// again by one bucket per window while the matched events crowd its edge. With fewer than
/// `MIN_TUNING_EVENTS` matched events the tolerance stays as it is.
pub fn tuned_tolerance(current: u32, distances: &[u64]) -> u32 {
    let total: u64 = distances.iter().sum();
    if total < MIN_TUNING_EVENTS {
        return current;
    }
    let mut covered = 0;
    for (d, count) in distances.iter().enumerate() {
        covered += count;
        if covered as f64 >= TOLERANCE_COVERAGE * total as f64 {
            return (d as u32 + 1).clamp(MIN_TUNED_TOLERANCE_BUCKETS, HIT_BUCKET_TOLERANCE);
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrows_to_the_ninetieth_percentile_plus_one_and_never_widens_past_four() {
        // 100 events: 80 at distance 0, 15 at 1, 5 at 2: 90 % is reached at 1 -> 2 buckets
        assert_eq!(tuned_tolerance(4, &[80, 15, 5, 0, 0]), 2);
        // crowding the edge of a narrowed tolerance widens it by one
        assert_eq!(tuned_tolerance(2, &[5, 5, 90, 0, 0]), 3);
        // at the full tolerance it cannot go further
        assert_eq!(tuned_tolerance(4, &[0, 0, 0, 0, 50]), HIT_BUCKET_TOLERANCE);
        // all exact hits still keep one bucket for rounding
        assert_eq!(tuned_tolerance(4, &[50, 0, 0, 0, 0]), 1);
        // too few events: unchanged
        assert_eq!(tuned_tolerance(3, &[10, 0, 0, 0, 0]), 3);
    }
}
