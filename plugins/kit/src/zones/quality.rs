//! Quality metrics over ended zones: the predecessor's acceptance gate, always computed.

use serde::{Deserialize, Serialize};


/// Mirrors WIT `quality`: figures over the remembered ended zones (at most
/// `lifespan_history` of the most recent). With none ended every figure is 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// Ended zones remembered.
    pub ended: u32,
    /// Median of (end minute - created minute); the mean of the middle two when even.
    /// Over 20 wanted.
    pub median_lifespan_minutes: f64,
    /// Swept / ended. Over 0.40 wanted.
    pub swept_rate: f64,
    /// Ended zones whose peak notional reached `strong_zone_notional_usd`.
    pub strong_ended: u32,
    /// Strong zones that ended without ever being touched / strong ended. Under 0.30 wanted.
    pub strong_vanished_before_touch: f64,
}

/// What the history remembers of an ended zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct EndedZone {
    pub lifespan_minutes: i64,
    pub swept: bool,
    pub strong: bool,
    pub touched: bool,
}

/// Quality figures over an ended-zone history.
pub(super) fn quality_of<'a>(ended: impl Iterator<Item = &'a EndedZone>) -> Quality {
    let ended: Vec<&EndedZone> = ended.collect();
    if ended.is_empty() {
        return Quality::default();
    }
    let mut lifespans: Vec<i64> = ended.iter().map(|z| z.lifespan_minutes).collect();
    lifespans.sort_unstable();
    let mid = lifespans.len() / 2;
    let median = if lifespans.len() % 2 == 1 {
        lifespans[mid] as f64
    } else {
        (lifespans[mid - 1] as f64 + lifespans[mid] as f64) / 2.0
    };
    let swept = ended.iter().filter(|z| z.swept).count();
    let strong = ended.iter().filter(|z| z.strong).count();
    let strong_untouched = ended.iter().filter(|z| z.strong && !z.touched).count();
    Quality {
        ended: u32::try_from(ended.len()).unwrap_or(u32::MAX),
        median_lifespan_minutes: median,
        swept_rate: swept as f64 / ended.len() as f64,
        strong_ended: u32::try_from(strong).unwrap_or(u32::MAX),
        strong_vanished_before_touch: if strong == 0 {
            0.0
        } else {
            strong_untouched as f64 / strong as f64
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(lifespan_minutes: i64, swept: bool, strong: bool, touched: bool) -> EndedZone {
        EndedZone {
            lifespan_minutes,
            swept,
            strong,
            touched,
        }
    }

    #[test]
    fn gives_zeros_when_nothing_ended() {
        assert_eq!(quality_of([].iter()), Quality::default());
    }

    #[test]
    fn takes_the_middle_lifespan_of_an_odd_count() {
        let history = [
            ended(30, true, false, true),
            ended(5, false, true, false),
            ended(12, false, true, true),
        ];
        let q = quality_of(history.iter());
        assert_eq!(q.median_lifespan_minutes, 12.0);
        assert_eq!(q.swept_rate, 1.0 / 3.0);
        assert_eq!(q.strong_ended, 2);
        assert_eq!(q.strong_vanished_before_touch, 0.5);
    }
}
