//! PNG encoding of the picture through the `png` crate (pure Rust, builds for wasm32-wasip2).
//!
//! Why a crate rather than a hand-written encoder: a few lines of stored (uncompressed)
//! deflate would do for validity, but a 1440 x 600 picture would then be 2.6 MB on every
//! request; the `png` crate's deflate shrinks a heatmap (long runs of one colour) by one to
//! two orders of magnitude, is maintained by image-rs, and its decoder is what the tests
//! read the pictures back with.
//!
//! Why `Compression::Fastest` (fdeflate's ultra-fast mode with the Up filter): measured in
//! wasm, the adaptive filter of `Fast` made encoding about three times slower for pictures
//! of similar size, and it gains little here: rows inside one bucket repeat exactly, which
//! the Up filter turns into zeros.

use crate::types::EngineError;

/// `rgb` (rows top first, 3 bytes per pixel) as PNG bytes: 8-bit RGB, fastest compression.
pub fn encode_rgb(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, EngineError> {
    let failed =
        |e: png::EncodingError| EngineError::InvalidInput(format!("png encoding failed: {e}"));
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fastest);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(rgb).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}
