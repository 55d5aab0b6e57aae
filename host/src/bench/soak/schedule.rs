//! The soak's seeded schedule: which fault starts at which simulated minute and for how long, and when the host is killed.

use liqhost_sim::FaultConfig;

/// One kind of injected trouble.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Every venue connection closed two seconds after it opens.
    FeedDisconnects,
    /// Venue connections go silent (no data, no pong) for 2.5 s every 1.5 s.
    FeedStalls,
    /// Every 25th data message is preceded by a truncated copy.
    MalformedFrames,
    /// Every 300th book delta is not sent (sequence gaps, resyncs).
    BookGaps,
    /// BTC's calibrator swapped to the other calibrator build (a good swap).
    CalibratorSwap,
    /// Bytes that are no component put in place of BTC's calibrator.
    BrokenComponent,
    /// ETH's zone manager swapped to a build that sleeps in every minute call.
    SleepingComponent,
    /// ETH's zone manager swapped to a build that allocates without bound.
    HungryComponent,
}

impl Fault {
    const ALL: [Fault; 8] = [
        Fault::FeedDisconnects,
        Fault::FeedStalls,
        Fault::MalformedFrames,
        Fault::BookGaps,
        Fault::CalibratorSwap,
        Fault::BrokenComponent,
        Fault::SleepingComponent,
        Fault::HungryComponent,
    ];

    /// The simulator's faults while this one lasts (none for plugin faults).
    pub fn feed_faults(self) -> Option<FaultConfig> {
        let none = FaultConfig::default();
        match self {
            Fault::FeedDisconnects => Some(FaultConfig { disconnect_every_s: Some(2.0), ..none }),
            Fault::FeedStalls => Some(FaultConfig { stall_every_s: Some(1.5), stall_for_s: 2.5, ..none }),
            Fault::MalformedFrames => Some(FaultConfig { malformed_every_n: Some(25), ..none }),
            Fault::BookGaps => Some(FaultConfig { gap_every_n: Some(300), ..none }),
            _ => None,
        }
    }
}

/// A fault from `at` (simulated minutes since the start) for `minutes`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub at: u64,
    pub minutes: u64,
    pub fault: Fault,
}

/// xorshift64: the schedule is the same for the same seed.
struct Draw(u64);

impl Draw {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

/// Faults over `minutes`: one starts every 6 to 14 simulated minutes and lasts 4 to 10; at
/// most one feed fault and one plugin fault at a time (each ends before its kind starts again).
pub fn faults(seed: u64, minutes: u64) -> Vec<Step> {
    let mut draw = Draw(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let (mut at, mut out) = (3, Vec::new());
    let (mut feed_free, mut plugin_free) = (0, 0);
    while at < minutes {
        let fault = Fault::ALL[draw.next(Fault::ALL.len() as u64) as usize];
        let lasts = 4 + draw.next(7);
        let free = if fault.feed_faults().is_some() { &mut feed_free } else { &mut plugin_free };
        if at >= *free {
            out.push(Step { at, minutes: lasts, fault });
            *free = at + lasts;
        }
        at += 6 + draw.next(9);
    }
    out
}

/// Kills: about every 30 simulated minutes (25 to 35), never in the first 10 or the last 5.
pub fn kills(seed: u64, minutes: u64) -> Vec<u64> {
    let mut draw = Draw(seed.wrapping_mul(0xbf58_476d_1ce4_e5b9) | 1);
    let mut at = 25 + draw.next(11);
    let mut out = Vec::new();
    while at + 5 < minutes {
        out.push(at.max(10));
        at += 25 + draw.next(11);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_seeded_spaced_and_never_overlaps_a_kind() {
        let steps = faults(7, 720);
        assert_eq!(steps, faults(7, 720), "same seed, same schedule");
        assert_ne!(steps, faults(8, 720));
        assert!(steps.len() >= 40, "{} faults in 12 hours", steps.len());
        for kind in Fault::ALL {
            assert!(steps.iter().any(|s| s.fault == kind), "{kind:?} never injected");
        }
        for (i, a) in steps.iter().enumerate() {
            for b in &steps[i + 1..] {
                let same_kind = a.fault.feed_faults().is_some() == b.fault.feed_faults().is_some();
                assert!(!same_kind || b.at >= a.at + a.minutes, "{a:?} overlaps {b:?}");
            }
        }
        let k = kills(7, 720);
        assert!((20..=29).contains(&k.len()), "{} kills in 12 hours", k.len());
        assert!(k.windows(2).all(|w| (25..=35).contains(&(w[1] - w[0]))), "{k:?}");
        assert!(kills(7, 30).is_empty() || kills(7, 30)[0] >= 10);
    }
}
