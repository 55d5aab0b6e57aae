//! The sleeping engine behind the `zone-manager` interface.

use std::cell::RefCell;

wit_bindgen::generate!({ world: "zone-manager-engine", path: "../../../wit" });

use exports::liqhost::engines::zone_manager::{self as wit, Guest, GuestEngine};
use liqhost::engines::types::{EngineConfig, EngineError, EngineInfo, Grid, Progress};

const SLEEP_BRIEFLY: u32 = 998;
const SLEEP_AN_HOUR: u32 = 999;
const MAGIC: &[u8] = b"SLEEPY";

#[derive(Default)]
struct State {
    events: u64,
    last_seq: u64,
    out_of_order: u64,
}

impl State {
    /// `SLEEPY` + three little-endian u64.
    fn encode(&self) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        for n in [self.events, self.last_seq, self.out_of_order] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        bytes
    }

    fn decode(bytes: &[u8]) -> Option<State> {
        let rest = bytes.strip_prefix(MAGIC).filter(|r| r.len() == 24)?;
        let n = |i: usize| u64::from_le_bytes(rest[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        Some(State { events: n(0), last_seq: n(1), out_of_order: n(2) })
    }
}

struct Component;

impl Guest for Component {
    type Engine = Engine;

    fn info() -> EngineInfo {
        EngineInfo {
            name: "sleepy".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            world: "zone-manager".into(),
            state_schema: 1,
            min_state_schema: 1,
        }
    }
}

struct Engine(RefCell<State>);

impl GuestEngine for Engine {
    fn create(_symbol: String, _config: EngineConfig) -> Result<wit::Engine, EngineError> {
        Ok(wit::Engine::new(Engine(RefCell::new(State::default()))))
    }

    fn restore(_symbol: String, _config: EngineConfig, state: Vec<u8>) -> Result<wit::Engine, EngineError> {
        let state = State::decode(&state).unwrap_or_default();
        Ok(wit::Engine::new(Engine(RefCell::new(state))))
    }

    fn configure(&self, _config: EngineConfig) -> Result<(), EngineError> {
        Ok(())
    }

    fn save_state(&self) -> Vec<u8> {
        self.0.borrow().encode()
    }

    fn progress(&self) -> Progress {
        let s = self.0.borrow();
        Progress { events: s.events, last_seq: s.last_seq, out_of_order: s.out_of_order }
    }

    fn on_minute(&self, input: wit::MinuteInput) -> Result<wit::MinuteReport, EngineError> {
        for level in &input.levels {
            match level.leverage {
                SLEEP_BRIEFLY => std::thread::sleep(std::time::Duration::from_millis(1)),
                SLEEP_AN_HOUR => std::thread::sleep(std::time::Duration::from_secs(3600)),
                _ => {}
            }
        }
        let mut s = self.0.borrow_mut();
        if s.events > 0 && input.seq <= s.last_seq {
            s.out_of_order += 1;
            return Err(EngineError::InvalidInput("sequence number not increasing".into()));
        }
        s.events += 1;
        s.last_seq = input.seq;
        Ok(wit::MinuteReport { created: 0, reinforced: 0, swept: 0, expired: 0, active: 0 })
    }

    fn zones(&self, _query: wit::ZoneQuery) -> Vec<liqhost::engines::types::Zone> {
        Vec::new()
    }

    fn summary(&self) -> wit::Summary {
        let empty = || wit::SideSummary { count: 0, total_weight: 0.0, total_notional_usd: 0.0, strongest: None, nearest: None };
        wit::Summary { minute: 0, price: 0.0, long: empty(), short: empty() }
    }

    fn heatmap(&self, grid: Grid, _query: wit::ZoneQuery, _min_notional_usd: f64) -> wit::ZoneHeatmap {
        let n = grid.buckets as usize;
        wit::ZoneHeatmap { grid, long_usd: vec![0.0; n], short_usd: vec![0.0; n] }
    }

    fn quality(&self) -> wit::Quality {
        wit::Quality { ended: 0, median_lifespan_minutes: 0.0, swept_rate: 0.0, strong_ended: 0, strong_vanished_before_touch: 0.0 }
    }
}

export!(Component);
