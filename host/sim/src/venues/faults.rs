//! Per-connection fault injection: what to skip, repeat, swap or truncate, and when to
//! disconnect or stall. Pure (time is passed in), so each fault is tested exactly.
//!
//! Faults act on data messages only (never on acks, pongs or snapshots) and never on the
//! model. Counting rules, so that `liquidations_sent` equals what a client received:
//! - gap: every n-th book delta for this connection is not sent (its sequence ids jump);
//! - duplicate: every n-th data message is sent twice in a row, except liquidation
//!   messages, which carry no id a client could deduplicate on;
//! - reorder: every n-th data message is held back and sent right after the next one
//!   (dropped if the connection ends or stalls first);
//! - malformed: every n-th data message is preceded by a truncated copy (invalid JSON);
//! - disconnect: the connection is closed `disconnect_every_s` after it opened;
//! - stall: every `stall_every_s` (from the open, then from the end of the last stall)
//!   nothing is sent and nothing is read, so pings go unanswered, for `stall_for_s`;
//!   data published meanwhile is dropped. Clearing `stall_every_s` ends a stall early.

use std::time::Duration;

use tokio::time::Instant;

use crate::config::FaultConfig;

/// A data message on its way to one client.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub text: String,
    /// A book delta (gaps skip only these).
    pub delta: bool,
    /// (symbol index, liquidations in the message), counted once it is written.
    pub liquidations: Option<(usize, u32)>,
}

/// A message to write now; `counts` is set on the one copy that counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Wire {
    pub text: String,
    pub counts: Option<(usize, u32)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Timed {
    Disconnect,
    Stall(Duration),
}

#[derive(Debug)]
pub struct FaultInjector {
    opened: Instant,
    stall_anchor: Instant,
    deltas: u64,
    messages: u64,
    held: Vec<Wire>,
}

fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or(Duration::ZERO)
}

fn hits(every: Option<u64>, count: u64) -> bool {
    matches!(every, Some(n) if n > 0 && count.is_multiple_of(n))
}

impl FaultInjector {
    pub fn new(now: Instant) -> Self {
        FaultInjector { opened: now, stall_anchor: now, deltas: 0, messages: 0, held: Vec::new() }
    }

    /// When the next timed fault is due, if any.
    pub fn next_deadline(&self, cfg: &FaultConfig) -> Option<Instant> {
        let disconnect = cfg.disconnect_every_s.map(|s| self.opened + secs(s));
        let stall = cfg.stall_every_s.filter(|_| cfg.stall_for_s > 0.0).map(|s| self.stall_anchor + secs(s));
        match (disconnect, stall) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The timed fault due at `now`, if any (disconnect first).
    pub fn due(&self, now: Instant, cfg: &FaultConfig) -> Option<Timed> {
        if cfg.disconnect_every_s.is_some_and(|s| now >= self.opened + secs(s)) {
            return Some(Timed::Disconnect);
        }
        match cfg.stall_every_s {
            Some(s) if cfg.stall_for_s > 0.0 && now >= self.stall_anchor + secs(s) => Some(Timed::Stall(secs(cfg.stall_for_s))),
            _ => None,
        }
    }

    /// A stall ended at `now`: the next one is counted from here, and a held message is stale.
    pub fn stall_ended(&mut self, now: Instant) {
        self.stall_anchor = now;
        self.held.clear();
    }

    /// Shapes one data message into what to write now, in order.
    pub fn shape(&mut self, msg: Outgoing, cfg: &FaultConfig, out: &mut Vec<Wire>) {
        if msg.delta {
            self.deltas += 1;
            if hits(cfg.gap_every_n, self.deltas) {
                return;
            }
        }
        self.messages += 1;
        let n = self.messages;
        let mut group = Vec::with_capacity(3);
        if hits(cfg.malformed_every_n, n) {
            group.push(Wire { text: truncated(&msg.text), counts: None });
        }
        let duplicate = hits(cfg.duplicate_every_n, n) && msg.liquidations.is_none();
        if duplicate {
            group.push(Wire { text: msg.text.clone(), counts: None });
        }
        group.push(Wire { text: msg.text, counts: msg.liquidations });
        if hits(cfg.reorder_every_n, n) && self.held.is_empty() {
            self.held = group;
            return;
        }
        out.extend(group);
        out.append(&mut self.held);
    }
}

/// The first half of a message: never valid JSON, since the closing bracket is gone.
fn truncated(text: &str) -> String {
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(i: u32, delta: bool, liq: bool) -> Outgoing {
        Outgoing { text: format!("{{\"n\":{i}}}"), delta, liquidations: liq.then_some((0, 1)) }
    }

    fn run(cfg: &FaultConfig, msgs: Vec<Outgoing>) -> Vec<Wire> {
        let mut f = FaultInjector::new(Instant::now());
        let mut out = Vec::new();
        for m in msgs {
            f.shape(m, cfg, &mut out);
        }
        out
    }

    fn texts(wires: &[Wire]) -> Vec<&str> {
        wires.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn no_faults_pass_everything_through_in_order() {
        let out = run(&FaultConfig::default(), (1..=4).map(|i| msg(i, i % 2 == 0, false)).collect());
        assert_eq!(texts(&out), ["{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"]);
    }

    #[test]
    fn a_gap_skips_every_nth_book_delta_only() {
        let cfg = FaultConfig { gap_every_n: Some(2), ..Default::default() };
        // Deltas are 1, 2, 4, 5; the 2nd and 4th delta (2 and 5) are skipped; 3 is no delta.
        let out = run(&cfg, vec![msg(1, true, false), msg(2, true, false), msg(3, false, false), msg(4, true, false), msg(5, true, false)]);
        assert_eq!(texts(&out), ["{\"n\":1}", "{\"n\":3}", "{\"n\":4}"]);
    }

    #[test]
    fn a_duplicate_repeats_every_nth_message_but_never_a_liquidation() {
        let cfg = FaultConfig { duplicate_every_n: Some(2), ..Default::default() };
        let out = run(&cfg, vec![msg(1, false, false), msg(2, false, false), msg(3, false, false), msg(4, false, true)]);
        assert_eq!(texts(&out), ["{\"n\":1}", "{\"n\":2}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"]);
        assert_eq!(out.iter().filter(|w| w.counts.is_some()).count(), 1);
    }

    #[test]
    fn a_reorder_swaps_every_nth_message_with_the_next() {
        let cfg = FaultConfig { reorder_every_n: Some(2), ..Default::default() };
        let out = run(&cfg, (1..=5).map(|i| msg(i, false, false)).collect());
        assert_eq!(texts(&out), ["{\"n\":1}", "{\"n\":3}", "{\"n\":2}", "{\"n\":5}", "{\"n\":4}"]);
    }

    #[test]
    fn a_malformed_frame_precedes_every_nth_message_and_does_not_count() {
        let cfg = FaultConfig { malformed_every_n: Some(2), ..Default::default() };
        let out = run(&cfg, vec![msg(1, false, true), msg(2, false, true)]);
        assert_eq!(texts(&out), ["{\"n\":1}", "{\"n", "{\"n\":2}"]);
        assert!(serde_json::from_str::<serde_json::Value>(&out[1].text).is_err());
        assert_eq!(out.iter().map(|w| w.counts.map_or(0, |c| c.1)).sum::<u32>(), 2);
    }

    #[test]
    fn disconnects_and_stalls_fall_due_on_their_schedule() {
        let t0 = Instant::now();
        let cfg = FaultConfig { disconnect_every_s: Some(10.0), stall_every_s: Some(3.0), stall_for_s: 2.0, ..Default::default() };
        let mut f = FaultInjector::new(t0);
        assert_eq!(f.next_deadline(&cfg), Some(t0 + Duration::from_secs(3)));
        assert_eq!(f.due(t0 + Duration::from_secs(2), &cfg), None);
        assert_eq!(f.due(t0 + Duration::from_secs(3), &cfg), Some(Timed::Stall(Duration::from_secs(2))));
        f.stall_ended(t0 + Duration::from_secs(5));
        assert_eq!(f.next_deadline(&cfg), Some(t0 + Duration::from_secs(8)));
        f.stall_ended(t0 + Duration::from_secs(10));
        assert_eq!(f.next_deadline(&cfg), Some(t0 + Duration::from_secs(10)));
        assert_eq!(f.due(t0 + Duration::from_secs(10), &cfg), Some(Timed::Disconnect));
        assert_eq!(FaultInjector::new(t0).next_deadline(&FaultConfig::default()), None);
    }
}
