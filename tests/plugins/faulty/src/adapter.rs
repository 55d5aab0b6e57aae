//! The misbehaving engine behind the `zone-manager` interface.

use std::cell::RefCell;

wit_bindgen::generate!({ world: "zone-manager-engine", path: "../../../wit" });

use exports::liqhost::engines::zone_manager::{self as wit, Guest, GuestEngine};
use liqhost::engines::host::{log, LogLevel};
use liqhost::engines::types::{EngineConfig, EngineError, EngineInfo, Grid, Progress};

const LOOP_FOREVER: u32 = 666;
const ALLOCATE_FOREVER: u32 = 777;
const PANIC: u32 = 888;
/// Logs `FLOOD_LINES` lines in one call, as a runaway guest would.
const LOG_FLOOD: u32 = 555;
const FLOOD_LINES: u32 = 10_000;
const MAGIC: &[u8] = b"FAULTY";

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct State {
    events: u64,
    last_seq: u64,
    out_of_order: u64,
    inherited_bytes: usize,
}

struct Component;

impl Guest for Component {
    type Engine = Engine;

    fn info() -> EngineInfo {
        EngineInfo {
            name: "faulty".into(),
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
        let state = match state.strip_prefix(MAGIC) {
            Some(json) => serde_json::from_slice(json).map_err(|e| EngineError::BadState(e.to_string()))?,
            None => State { inherited_bytes: state.len(), ..State::default() },
        };
        Ok(wit::Engine::new(Engine(RefCell::new(state))))
    }

    fn configure(&self, _config: EngineConfig) -> Result<(), EngineError> {
        Ok(())
    }

    fn save_state(&self) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend(serde_json::to_vec(&*self.0.borrow()).expect("state serializes"));
        bytes
    }

    fn progress(&self) -> Progress {
        let s = self.0.borrow();
        Progress { events: s.events, last_seq: s.last_seq, out_of_order: s.out_of_order }
    }

    fn on_minute(&self, input: wit::MinuteInput) -> Result<wit::MinuteReport, EngineError> {
        for level in &input.levels {
            match level.leverage {
                LOOP_FOREVER => {
                    let mut x = 0u64;
                    loop {
                        x = std::hint::black_box(x.wrapping_add(1));
                    }
                }
                ALLOCATE_FOREVER => {
                    let mut hoard: Vec<Vec<u8>> = Vec::new();
                    loop {
                        hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
                    }
                }
                PANIC => panic!("fixture panic on purpose"),
                LOG_FLOOD => {
                    for i in 0..FLOOD_LINES {
                        log(LogLevel::Warn, &format!("flood line {i}"));
                    }
                }
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
        if grid.buckets == PANIC {
            panic!("fixture panic on purpose, in a read");
        }
        let n = grid.buckets as usize;
        wit::ZoneHeatmap { grid, long_usd: vec![0.0; n], short_usd: vec![0.0; n] }
    }

    fn quality(&self) -> wit::Quality {
        wit::Quality { ended: 0, median_lifespan_minutes: 0.0, swept_rate: 0.0, strong_ended: 0, strong_vanished_before_touch: 0.0 }
    }
}

export!(Component);
