//! Two predictors scored on the same liquidations, compared with an interval and a verdict: shadow better, shadow worse, or not distinguishable yet.
//!
//! Scores come in blocks of consecutive minutes (an hour by default): each block's mean
//! log score per predictor, and the block's difference (shadow − primary). A prediction
//! scores the liquidations of the hour after it, so minute-by-minute differences are
//! strongly correlated; hour blocks are nearly independent, and resampling them gives an
//! honest interval (a block bootstrap). The verdict waits for `MIN_BLOCKS` blocks with
//! liquidations, and is "better" or "worse" only when the whole 95 % interval is on one
//! side of zero.

use serde::{Deserialize, Serialize};

use super::skill::{bootstrap_mean, Interval};
use super::totals::ScoreTotals;

/// Blocks with pairs before a verdict can be given: fewer say too little whatever their interval.
pub const MIN_BLOCKS: usize = 3;
/// Completed blocks kept (a month of hours): bounds the memory of a long experiment.
pub const MAX_BLOCKS: usize = 720;
const RESAMPLES: u32 = 2000;
const SEED: u64 = 23;

/// One block's sums: log score and the pairs behind it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub log_score_sum: f64,
    pub pairs: u64,
}

/// A scorer's totals cut into blocks of `block_minutes` closed minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreBlocks {
    block_minutes: u32,
    minutes_in_block: u32,
    /// Totals at the start of the current block.
    at_block_start: Block,
    done: std::collections::VecDeque<Block>,
}

impl ScoreBlocks {
    pub fn new(block_minutes: u32) -> Self {
        ScoreBlocks { block_minutes: block_minutes.max(1), minutes_in_block: 0, at_block_start: Block::default(), done: Default::default() }
    }

    /// Call after every closed minute with the scorer's totals then.
    pub fn after_minute(&mut self, totals: &ScoreTotals) {
        self.minutes_in_block += 1;
        if self.minutes_in_block < self.block_minutes {
            return;
        }
        let now = Block { log_score_sum: totals.log_score_sum, pairs: totals.pairs };
        let block = Block { log_score_sum: now.log_score_sum - self.at_block_start.log_score_sum, pairs: now.pairs - self.at_block_start.pairs };
        if self.done.len() == MAX_BLOCKS {
            self.done.pop_front();
        }
        self.done.push_back(block);
        self.at_block_start = now;
        self.minutes_in_block = 0;
    }

    pub fn blocks(&self) -> impl ExactSizeIterator<Item = &Block> {
        self.done.iter()
    }
}

/// What the comparison says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    ShadowBetter,
    ShadowWorse,
    NotDistinguishableYet,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::ShadowBetter => "shadow better",
            Verdict::ShadowWorse => "shadow worse",
            Verdict::NotDistinguishableYet => "not distinguishable yet",
        }
    }
}

/// Shadow − primary over the blocks both scored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    /// Mean per-block difference of mean log scores, with its 95 % block-bootstrap interval.
    pub difference: Option<Interval>,
    /// Blocks with pairs behind it, and the pairs (primary's count).
    pub blocks: usize,
    pub pairs: u64,
    pub verdict: Verdict,
}

/// Compares two block series of the same minutes (the newest blocks of the shorter one).
pub fn compare(primary: &ScoreBlocks, shadow: &ScoreBlocks) -> Comparison {
    let n = primary.done.len().min(shadow.done.len());
    let skip = |b: &ScoreBlocks| b.done.len() - n;
    let diffs: Vec<(f64, u64)> = primary
        .done
        .iter()
        .skip(skip(primary))
        .zip(shadow.done.iter().skip(skip(shadow)))
        .filter(|(a, b)| a.pairs > 0 && b.pairs > 0)
        .map(|(a, b)| (b.log_score_sum / b.pairs as f64 - a.log_score_sum / a.pairs as f64, a.pairs))
        .collect();
    let values: Vec<f64> = diffs.iter().map(|d| d.0).collect();
    let difference = bootstrap_mean(&values, RESAMPLES, SEED);
    let verdict = match difference {
        Some(i) if diffs.len() >= MIN_BLOCKS && i.lo > 0.0 => Verdict::ShadowBetter,
        Some(i) if diffs.len() >= MIN_BLOCKS && i.hi < 0.0 => Verdict::ShadowWorse,
        _ => Verdict::NotDistinguishableYet,
    };
    Comparison { difference, blocks: diffs.len(), pairs: diffs.iter().map(|d| d.1).sum(), verdict }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(sum: f64, pairs: u64) -> ScoreTotals {
        ScoreTotals { log_score_sum: sum, pairs, ..ScoreTotals::default() }
    }

    /// Feeds `per_block` (sum, pairs) increments, one block of two minutes each.
    fn blocks(per_block: &[(f64, u64)]) -> ScoreBlocks {
        let mut b = ScoreBlocks::new(2);
        let (mut sum, mut pairs) = (0.0, 0);
        for (s, p) in per_block {
            b.after_minute(&totals(sum, pairs));
            sum += s;
            pairs += p;
            b.after_minute(&totals(sum, pairs));
        }
        b
    }

    #[test]
    fn blocks_hold_the_increments_of_their_minutes() {
        let b = blocks(&[(-10.0, 5), (-3.0, 1)]);
        let got: Vec<Block> = b.blocks().copied().collect();
        assert_eq!(got, vec![Block { log_score_sum: -10.0, pairs: 5 }, Block { log_score_sum: -3.0, pairs: 1 }]);
    }

    #[test]
    fn a_shadow_better_in_every_block_is_declared_better() {
        // primary -2 nats per pair, shadow -1.5 to -1.7: every difference positive
        let primary = blocks(&[(-20.0, 10), (-40.0, 20), (-10.0, 5), (-30.0, 15)]);
        let shadow = blocks(&[(-15.0, 10), (-34.0, 20), (-8.0, 5), (-24.0, 15)]);
        let c = compare(&primary, &shadow);
        assert_eq!(c.verdict, Verdict::ShadowBetter);
        assert_eq!((c.blocks, c.pairs), (4, 50));
        // block differences 0.5, 0.3, 0.4, 0.4: mean 0.4
        assert!((c.difference.unwrap().estimate - 0.4).abs() < 1e-12);
        assert_eq!(compare(&shadow, &primary).verdict, Verdict::ShadowWorse);
    }

    #[test]
    fn mixed_or_too_few_blocks_are_not_distinguishable_yet() {
        let primary = blocks(&[(-20.0, 10), (-20.0, 10), (-20.0, 10), (-20.0, 10)]);
        let shadow = blocks(&[(-15.0, 10), (-25.0, 10), (-14.0, 10), (-26.0, 10)]);
        assert_eq!(compare(&primary, &shadow).verdict, Verdict::NotDistinguishableYet);
        let (p2, s2) = (blocks(&[(-20.0, 10), (-20.0, 10)]), blocks(&[(-10.0, 10), (-10.0, 10)]));
        let c = compare(&p2, &s2);
        assert_eq!((c.verdict, c.blocks), (Verdict::NotDistinguishableYet, 2), "two blocks are too few");
    }

    #[test]
    fn blocks_without_liquidations_are_left_out() {
        let primary = blocks(&[(0.0, 0), (-20.0, 10)]);
        let shadow = blocks(&[(0.0, 0), (-10.0, 10)]);
        assert_eq!(compare(&primary, &shadow).blocks, 1);
    }

    #[test]
    fn the_series_is_bounded() {
        let mut b = ScoreBlocks::new(1);
        for m in 0..(MAX_BLOCKS as u64 + 10) {
            b.after_minute(&totals(-(m as f64), m));
        }
        assert_eq!(b.blocks().len(), MAX_BLOCKS);
    }
}
