//! The WIT calibrator interface over a counter and a window clock.

use std::cell::RefCell;

wit_bindgen::generate!({
    world: "calibrator-engine",
    path: "../../../wit",
});

use exports::liqhost::engines::calibrator::{self as wit, Guest, GuestEngine};
use liqhost::engines::types::{EngineConfig, EngineError, EngineInfo, Liquidation, Progress};

/// Minutes per window, as the standard calibrator's default.
const WINDOW_MINUTES: u32 = 30;
const MAGIC: &[u8] = b"HIGHEST";

struct Component;

impl Guest for Component {
    type Engine = Engine;

    fn info() -> EngineInfo {
        EngineInfo { name: "highest-tier-calibrator".into(), version: env!("CARGO_PKG_VERSION").into(), world: "calibrator".into(), state_schema: 1, min_state_schema: 1 }
    }
}

#[derive(Default)]
struct State {
    tiers: u32,
    events: u64,
    last_seq: u64,
    out_of_order: u64,
    snapshots: u64,
    since_window: u32,
    calibrations: u32,
}

impl State {
    /// Everything on the last tier (the ladder is ascending: the highest leverage).
    fn proposal(&self) -> Vec<f64> {
        let mut w = vec![0.0; self.tiers as usize];
        if let Some(last) = w.last_mut() {
            *last = 1.0;
        }
        w
    }

    fn seen(&mut self, seq: u64) {
        self.events += 1;
        if seq <= self.last_seq && self.last_seq > 0 {
            self.out_of_order += 1;
        }
        self.last_seq = self.last_seq.max(seq);
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        for x in [u64::from(self.tiers), self.events, self.last_seq, self.out_of_order, self.snapshots, u64::from(self.since_window), u64::from(self.calibrations)] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    fn from_bytes(bytes: &[u8]) -> Option<State> {
        let rest = bytes.strip_prefix(MAGIC)?;
        if rest.len() != 7 * 8 {
            return None;
        }
        let x: Vec<u64> = rest.chunks(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
        Some(State { tiers: x[0] as u32, events: x[1], last_seq: x[2], out_of_order: x[3], snapshots: x[4], since_window: x[5] as u32, calibrations: x[6] as u32 })
    }
}

struct Engine(RefCell<State>);

fn tiers(config: &EngineConfig) -> u32 {
    config.ladder.tiers.len() as u32
}

impl GuestEngine for Engine {
    fn create(_symbol: String, config: EngineConfig) -> Result<wit::Engine, EngineError> {
        Ok(wit::Engine::new(Engine(RefCell::new(State { tiers: tiers(&config), ..State::default() }))))
    }

    fn restore(_symbol: String, config: EngineConfig, state: Vec<u8>) -> Result<wit::Engine, EngineError> {
        let mut s = State::from_bytes(&state).ok_or_else(|| EngineError::BadState("not a highest-tier-calibrator state".into()))?;
        s.tiers = tiers(&config);
        Ok(wit::Engine::new(Engine(RefCell::new(s))))
    }

    fn configure(&self, config: EngineConfig) -> Result<(), EngineError> {
        self.0.borrow_mut().tiers = tiers(&config);
        Ok(())
    }

    fn save_state(&self) -> Vec<u8> {
        self.0.borrow().bytes()
    }

    fn progress(&self) -> Progress {
        let s = self.0.borrow();
        Progress { events: s.events, last_seq: s.last_seq, out_of_order: s.out_of_order }
    }

    fn on_liquidations(&self, events: Vec<Liquidation>) -> Result<(), EngineError> {
        let mut s = self.0.borrow_mut();
        for e in &events {
            s.seen(e.seq);
        }
        Ok(())
    }

    fn on_minute(&self, snapshot: wit::MinuteSnapshot) -> Result<Option<wit::Calibration>, EngineError> {
        let mut s = self.0.borrow_mut();
        s.seen(snapshot.seq);
        s.snapshots += 1;
        s.since_window += 1;
        if s.since_window < WINDOW_MINUTES {
            return Ok(None);
        }
        s.since_window = 0;
        s.calibrations += 1;
        Ok(Some(wit::Calibration {
            minute: snapshot.minute,
            weights: s.proposal(),
            bias_pct: 0.0,
            entropy: 0.0,
            entropy_floor: 0.0,
            updated: true,
            exposed_tiers: 0,
            buffer: None,
        }))
    }

    fn stats(&self) -> wit::CalibratorStats {
        let s = self.0.borrow();
        wit::CalibratorStats {
            total_events: s.events.saturating_sub(s.snapshots),
            snapshots: s.snapshots,
            pending_events: 0,
            minutes_since_calibration: s.since_window,
            calibrations: s.calibrations,
            hit_rate: 0.0,
            weights: s.proposal(),
            bias_pct: 0.0,
            processed_events: s.events.saturating_sub(s.snapshots),
            matched_events: 0,
            unmatched_events: s.events.saturating_sub(s.snapshots),
            filtered_events: 0,
            dropped_over_cap: 0,
            remembered_levels: 0,
            vol_scale: 1.0,
            tolerance_buckets: 0,
        }
    }
}

export!(Component);
