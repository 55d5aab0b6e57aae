//! The calibrated weights file: a versioned JSON document, with migration from older formats.
//!
//! Format 2 (written): `{"format": 2, "symbol": "BTC", "tiers": [5, 10, ...], "weights":
//! [...], "bias_pct": 0.0, "minute": 29000000, "calibrations": 3}`.
//!
//! Format 1 (read, migrated): the predecessor's shape, a leverage → weight map without a
//! format field, `{"weights": {"5": 1.0, "10": 0.9, ...}, "bias": 0.001}`. Migration maps it
//! onto the current ladder: tiers the file lacks get 0, tiers the ladder lacks are dropped,
//! disabled tiers are forced to 0, the rest is normalised. A file whose weights do not fit
//! the ladder (another tier list in format 2) is migrated the same way, so a ladder edit
//! never strands learned weights.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;

/// The format this build writes.
pub const WEIGHTS_FORMAT: u32 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsFile {
    pub format: u32,
    pub symbol: String,
    pub tiers: Vec<u32>,
    pub weights: Vec<f64>,
    pub bias_pct: f64,
    /// The minute of the calibration that produced these weights.
    pub minute: i64,
    pub calibrations: u64,
}

/// Why a weights file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum WeightsError {
    #[error("reading the weights file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the weights file is not valid JSON of a known format: {0}")]
    Parse(String),
    #[error("the weights file has format {0}, newer than this build reads ({WEIGHTS_FORMAT})")]
    Newer(u32),
    #[error("the weights file holds no usable weight for this ladder (all zero, negative or not finite)")]
    Unusable,
}

/// The predecessor's format.
#[derive(Deserialize)]
struct FormatV1 {
    weights: BTreeMap<String, f64>,
    #[serde(default)]
    bias: f64,
}

/// Maps weights by tier onto `tiers`, zeroes `disabled`, normalises; None if nothing is left.
fn fit(by_tier: &BTreeMap<u32, f64>, tiers: &[u32], disabled: &[u32]) -> Option<Vec<f64>> {
    let mut w: Vec<f64> = tiers
        .iter()
        .map(|t| if disabled.contains(t) { 0.0 } else { by_tier.get(t).copied().unwrap_or(0.0) })
        .collect();
    if w.iter().any(|x| !x.is_finite() || *x < 0.0) {
        return None;
    }
    let sum: f64 = w.iter().sum();
    if sum <= 0.0 {
        return None;
    }
    // Already normalised (up to rounding): keep the exact bits that were saved.
    if (sum - 1.0).abs() > crate::pipeline::NORMALISED_TOLERANCE {
        w.iter_mut().for_each(|x| *x /= sum);
    }
    Some(w)
}

impl WeightsFile {
    /// Parses any known format and fits it to the ladder (`tiers`, `disabled`).
    pub fn parse(text: &str, symbol: &str, tiers: &[u32], disabled: &[u32]) -> Result<WeightsFile, WeightsError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| WeightsError::Parse(e.to_string()))?;
        let (by_tier, bias_pct, minute, calibrations) = match value.get("format").and_then(|f| f.as_u64()) {
            Some(2) => {
                let f: WeightsFile = serde_json::from_value(value).map_err(|e| WeightsError::Parse(e.to_string()))?;
                if f.tiers.len() != f.weights.len() {
                    return Err(WeightsError::Parse(format!("{} tiers but {} weights", f.tiers.len(), f.weights.len())));
                }
                let by_tier = f.tiers.iter().copied().zip(f.weights.iter().copied()).collect();
                (by_tier, f.bias_pct, f.minute, f.calibrations)
            }
            Some(n) if n > WEIGHTS_FORMAT as u64 => return Err(WeightsError::Newer(n as u32)),
            Some(n) => return Err(WeightsError::Parse(format!("unknown format {n}"))),
            None => {
                let v1: FormatV1 = serde_json::from_value(value).map_err(|e| WeightsError::Parse(e.to_string()))?;
                let mut by_tier = BTreeMap::new();
                for (k, w) in v1.weights {
                    let tier = k.trim_end_matches(['x', 'X']).parse::<u32>().map_err(|_| WeightsError::Parse(format!("`{k}` is not a leverage")))?;
                    by_tier.insert(tier, w);
                }
                (by_tier, v1.bias, 0, 0)
            }
        };
        if !bias_pct.is_finite() {
            return Err(WeightsError::Parse("bias is not finite".into()));
        }
        let weights = fit(&by_tier, tiers, disabled).ok_or(WeightsError::Unusable)?;
        Ok(WeightsFile { format: WEIGHTS_FORMAT, symbol: symbol.to_string(), tiers: tiers.to_vec(), weights, bias_pct, minute, calibrations })
    }

    pub fn load(path: &Path, symbol: &str, tiers: &[u32], disabled: &[u32]) -> Result<Option<WeightsFile>, WeightsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, symbol, tiers, disabled).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes atomically (a crash leaves the old file or this one).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).expect("weights serialise");
        write_atomic(path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIERS: [u32; 4] = [5, 10, 20, 50];

    #[test]
    fn format_2_round_trips() {
        let f = WeightsFile { format: 2, symbol: "BTC".into(), tiers: TIERS.to_vec(), weights: vec![0.5, 0.0, 0.25, 0.25], bias_pct: 0.001, minute: 7, calibrations: 2 };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("weights.json");
        f.save(&path).unwrap();
        assert_eq!(WeightsFile::load(&path, "BTC", &TIERS, &[10]).unwrap(), Some(f));
    }

    #[test]
    fn the_predecessors_format_is_migrated_onto_the_ladder() {
        // 5x 2, 10x 1 (disabled → 0), 20x 1, 75x 4 (not on the ladder → dropped), 50x missing → 0.
        // Kept 2 + 1 = 3: [2/3, 0, 1/3, 0].
        let text = r#"{"weights": {"5": 2.0, "10x": 1.0, "20": 1.0, "75": 4.0}, "bias": -0.002}"#;
        let f = WeightsFile::parse(text, "BTC", &TIERS, &[10]).unwrap();
        assert_eq!(f.format, 2);
        assert_eq!(f.tiers, TIERS.to_vec());
        assert!((f.weights[0] - 2.0 / 3.0).abs() < 1e-12 && f.weights[1] == 0.0 && (f.weights[2] - 1.0 / 3.0).abs() < 1e-12 && f.weights[3] == 0.0);
        assert_eq!(f.bias_pct, -0.002);
    }

    #[test]
    fn a_ladder_edit_refits_format_2_weights() {
        let text = r#"{"format":2,"symbol":"BTC","tiers":[5,20],"weights":[0.75,0.25],"bias_pct":0.0,"minute":1,"calibrations":1}"#;
        let f = WeightsFile::parse(text, "BTC", &TIERS, &[]).unwrap();
        assert_eq!(f.weights, vec![0.75, 0.0, 0.25, 0.0]);
    }

    #[test]
    fn broken_newer_and_unusable_files_are_refused_with_a_reason() {
        let cases = [
            ("{\"format\":2,\"symbol\":\"BTC\",\"tiers\":[5", "not valid JSON"),
            (r#"{"format":3,"weights":[]}"#, "format 3, newer"),
            (r#"{"weights": {"5": 0.0, "20": 0.0}}"#, "no usable weight"),
            (r#"{"weights": {"5": -1.0, "20": 2.0}}"#, "no usable weight"),
            (r#"{"weights": {"five": 1.0}}"#, "not a leverage"),
            (r#"{"format":2,"symbol":"BTC","tiers":[5,20],"weights":[1.0],"bias_pct":0.0,"minute":1,"calibrations":1}"#, "1 weights"),
        ];
        for (text, reason) in cases {
            let e = WeightsFile::parse(text, "BTC", &TIERS, &[]).unwrap_err().to_string();
            assert!(e.contains(reason), "{text}: {e}");
        }
    }

    #[test]
    fn a_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(WeightsFile::load(&dir.path().join("nope.json"), "BTC", &TIERS, &[]).unwrap(), None);
    }
}
