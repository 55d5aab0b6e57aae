//! The four engine kinds: their names, worlds and default component files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the four engines a symbol's pipeline runs. The order is the minute cycle's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EngineKind {
    EntryInference,
    Calibrator,
    ZoneManager,
    Heatmap,
}

impl EngineKind {
    pub const ALL: [EngineKind; 4] =
        [EngineKind::EntryInference, EngineKind::Calibrator, EngineKind::ZoneManager, EngineKind::Heatmap];

    /// The name used in config, URLs and `info().world`.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::EntryInference => "entry-inference",
            EngineKind::Calibrator => "calibrator",
            EngineKind::ZoneManager => "zone-manager",
            EngineKind::Heatmap => "heatmap",
        }
    }

    /// The component file stem cargo produces for the standard build (`<crate_name>.wasm`).
    pub fn default_file_stem(self) -> &'static str {
        match self {
            EngineKind::EntryInference => "entry_inference",
            EngineKind::Calibrator => "calibrator",
            EngineKind::ZoneManager => "zone_manager",
            EngineKind::Heatmap => "heatmap",
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EngineKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EngineKind::ALL
            .into_iter()
            .find(|k| k.name() == s || k.default_file_stem() == s)
            .ok_or_else(|| format!("unknown engine `{s}` (expected one of entry-inference, calibrator, zone-manager, heatmap)"))
    }
}
