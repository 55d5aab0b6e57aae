//! The picture's palette: background, the long/bid and short/ask ramps, the price line.

use std::sync::OnceLock;

/// An 8-bit RGB colour.
pub type Rgb = [u8; 3];

/// Near-black navy: an empty bucket. Dark, so intensity reads as light.
pub const BACKGROUND: Rgb = [8, 8, 16];
/// Full long/bid intensity: azure. Cool colours below price, the usual side of longs.
pub const LONG_FULL: Rgb = [0, 170, 255];
/// Full short/ask intensity: amber, far from azure in hue so the sides never mix up.
pub const SHORT_FULL: Rgb = [255, 120, 0];
/// The price path. No bucket colour can be pure white (a red of 255 needs full short and no
/// long, whose blue is then 0), so the line is always told apart from the heatmap.
pub const PRICE_LINE: Rgb = [255, 255, 255];

/// A bucket's colour: the background plus each side's ramp in proportion to its intensity,
/// added (so a bucket with both sides shows both hues) and clamped. Linear, like the
/// intensities: twice the notional is twice the light above the background.
pub fn blend(long: u8, short: u8) -> Rgb {
    let (l, s) = (f64::from(long) / 255.0, f64::from(short) / 255.0);
    let mut out = BACKGROUND;
    for (c, o) in out.iter_mut().enumerate() {
        let bg = f64::from(BACKGROUND[c]);
        let v = bg + l * (f64::from(LONG_FULL[c]) - bg) + s * (f64::from(SHORT_FULL[c]) - bg);
        *o = v.round().clamp(0.0, 255.0) as u8;
    }
    out
}

/// [`blend`] of every (long, short) pair, at `long * 256 + short`: a picture has millions
/// of pixels and only 65536 possible colours, so each is computed once per process.
pub fn blend_table() -> &'static [Rgb] {
    static TABLE: OnceLock<Vec<Rgb>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=u16::MAX)
            .map(|i| blend((i >> 8) as u8, (i & 0xff) as u8))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps_run_from_the_background_to_each_side_full() {
        assert_eq!(blend(0, 0), BACKGROUND);
        assert_eq!(blend(255, 0), LONG_FULL);
        assert_eq!(blend(0, 255), SHORT_FULL);
        // half long: 8 + 0.5 * (0 - 8) = 4 (3.98 for 128/255), 8 + (128/255) * 162 = 89.3, 16 + (128/255) * 239 = 136.0
        assert_eq!(blend(128, 0), [4, 89, 136]);
    }

    #[test]
    fn no_intensity_pair_paints_the_price_line_colour_and_the_table_agrees() {
        let table = blend_table();
        for long in 0..=255u8 {
            for short in 0..=255u8 {
                let c = blend(long, short);
                assert_ne!(c, PRICE_LINE, "{long} {short}");
                assert_eq!(table[usize::from(long) * 256 + usize::from(short)], c);
            }
        }
    }
}
