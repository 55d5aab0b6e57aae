//! Names from config and admin calls that become file and directory names: plain names only.

use anyhow::ensure;

/// Longest name accepted; plugin files are named after crates (`calibrator_eager`).
pub const MAX_NAME_CHARS: usize = 64;

/// Letters, digits, `_` and `-`, 1 to [`MAX_NAME_CHARS`]. Anything else (a `/`, a `..`, a
/// dot, an extension) is refused, so a component stem names a file directly inside the
/// plugins dir and a symbol a directory directly inside the data dir.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME_CHARS && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A config error naming `what` and the value when `name` is not plain.
pub(super) fn check(what: &str, name: &str) -> anyhow::Result<()> {
    ensure!(
        is_plain_name(name),
        "{what} {name:?} is not a plain name: letters, digits, `_` and `-` only (at most {MAX_NAME_CHARS}), without a path or an extension"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn plain_names_only() {
        for ok in ["BTC", "1000PEPE", "calibrator_eager", "zm-btc2"] {
            assert!(is_plain_name(ok), "{ok}");
        }
        for bad in ["", "../x", "a/b", "calibrator.wasm", "..", ".hidden", "a b", "x\\y", "é", &"a".repeat(65)] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_symbol_key_or_an_engine_stem_with_a_path_is_a_config_error_naming_it() {
        let cases = [
            ("[symbols.\"../x\"]\n", "\"../X\""),
            ("[symbols.\"BTC/ETH\"]\n", "\"BTC/ETH\""),
            ("[symbols.\"\"]\n", "\"\""),
            ("[symbols.BTC.engines]\nzone-manager = \"plugins/zone_manager\"\n", "\"plugins/zone_manager\""),
            ("[symbols.ETH.engines]\ncalibrator = \"../calibrator\"\n", "\"../calibrator\""),
            ("[symbols.SOL.engines]\nheatmap = \"heatmap.wasm\"\n", "\"heatmap.wasm\""),
        ];
        for (text, named) in cases {
            let error = format!("{:#}", Config::parse(text).expect_err(text));
            assert!(error.contains(named) && error.contains("not a plain name"), "{text}: {error}");
        }
        let error = format!("{:#}", Config::parse("[symbols.BTC.engines]\nzone-manager = \"a/b\"\n").unwrap_err());
        assert!(error.contains("symbol BTC") && error.contains("engines.zone-manager"), "{error}");
        let ok = Config::parse("[symbols.btc.engines]\nzone-manager = \"zm_btc-2\"\n").unwrap();
        assert_eq!(ok.symbols["BTC"].component_stem(crate::plugin::EngineKind::ZoneManager), "zm_btc-2");
    }

    #[test]
    fn two_keys_naming_one_symbol_are_refused() {
        let error = format!("{:#}", Config::parse("[symbols.btc]\n[symbols.BTC]\n").unwrap_err());
        assert!(error.contains("BTC") && error.contains("twice"), "{error}");
    }
}
