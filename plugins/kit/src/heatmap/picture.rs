//! A PNG a person can look at: frames as colour columns over a shared price axis, the price path drawn over them.

use crate::types::{EngineError, Grid};

use super::colour::{blend_table, Rgb, PRICE_LINE};
use super::frame::{invalid, Frame};

/// Widest picture: a full-HD screen (larger is never looked at whole), wide enough for a
/// day of minute frames at one column each. Width, height and frame count together bound
/// the work: the largest picture takes ~0.1-0.2 s in wasm, under the 500 ms call deadline
/// even in a debug host on a busy machine, and ~15 MB of a plugin's 64 MiB.
pub const MAX_PICTURE_WIDTH: u32 = 1920;
/// Tallest picture: a full-HD screen; every bucket of a 1000-bucket frame gets a row.
pub const MAX_PICTURE_HEIGHT: u32 = 1080;
/// Most frames one picture may show: a day of minute frames, the size of a history ring
/// (a longer order-book history is shown with a stride).
pub const MAX_PICTURE_FRAMES: usize = 1440;

/// The vertical axis: price `top` at the top edge of row 0, `bottom` at the bottom edge of
/// the last row. It spans every bucket's extent (a bucket covers its price ± step / 2) and
/// every src of the frames, so frames with different grids share one price scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriceAxis {
    /// Price at the top edge of row 0.
    pub top: f64,
    /// Price at the bottom edge of the last row.
    pub bottom: f64,
    /// Picture height in rows.
    pub rows: u32,
}

impl PriceAxis {
    /// The axis over `frames` (already validated, so every number is finite and steps > 0).
    pub fn over(frames: &[Frame], rows: u32) -> PriceAxis {
        let (mut bottom, mut top) = (f64::INFINITY, f64::NEG_INFINITY);
        for f in frames {
            let half = f.grid.step / 2.0;
            let last = f.grid.price(f.grid.buckets - 1);
            bottom = bottom.min(f.grid.price_min - half).min(f.src);
            top = top.max(last + half).max(f.src);
        }
        PriceAxis { top, bottom, rows }
    }

    /// Price height of one row.
    fn row_height(&self) -> f64 {
        (self.top - self.bottom) / f64::from(self.rows)
    }

    /// The row a price falls in: `floor((top - price) / row_height)`, clamped to the picture.
    pub fn row_of(&self, price: f64) -> u32 {
        let row = ((self.top - price) / self.row_height()).floor();
        row.clamp(0.0, f64::from(self.rows - 1)) as u32
    }

    /// Rows whose price span overlaps `[low, high]`, as an inclusive range.
    fn rows_between(&self, low: f64, high: f64) -> (u32, u32) {
        let h = self.row_height();
        let max = f64::from(self.rows - 1);
        let first = ((self.top - high) / h).floor().clamp(0.0, max) as u32;
        let last = (((self.top - low) / h).ceil() - 1.0).clamp(0.0, max) as u32;
        (first, last.max(first))
    }
}

/// Checks the call: 1..=[`MAX_PICTURE_FRAMES`] valid frames, a size within the limits.
pub fn validate(frames: &[Frame], width: u32, height: u32) -> Result<(), EngineError> {
    if frames.is_empty() {
        return Err(invalid("a picture needs at least one frame".into()));
    }
    if frames.len() > MAX_PICTURE_FRAMES {
        return Err(invalid(format!(
            "{} frames, at most {MAX_PICTURE_FRAMES}",
            frames.len()
        )));
    }
    if !(1..=MAX_PICTURE_WIDTH).contains(&width) || !(1..=MAX_PICTURE_HEIGHT).contains(&height) {
        return Err(invalid(format!(
            "picture size {width}x{height} is outside 1x1..={MAX_PICTURE_WIDTH}x{MAX_PICTURE_HEIGHT}"
        )));
    }
    for (i, f) in frames.iter().enumerate() {
        f.validate()
            .map_err(|e| invalid(format!("frame {i}: {e}")))?;
    }
    Ok(())
}

/// Frames shown by column `x`: `[x * n / width, (x + 1) * n / width)`, at least one. With
/// more columns than frames each frame gets a band of columns; with fewer, a column shows
/// several frames (the brightest of them per row), so no frame is skipped.
pub fn frames_of_column(x: u32, width: u32, n: usize) -> std::ops::Range<usize> {
    let (x, w, n) = (u64::from(x), u64::from(width), n as u64);
    let first = x * n / w;
    let end = ((x + 1) * n / w).max(first + 1);
    first as usize..end as usize
}

/// Rows lit by each bucket of a grid, computed once per distinct grid (history frames
/// mostly share one, so the price arithmetic is not redone for each of them).
struct BucketRows {
    grid: Option<Grid>,
    rows: Vec<(u32, u32)>,
}

impl BucketRows {
    fn of(&mut self, grid: &Grid, axis: &PriceAxis) -> &[(u32, u32)] {
        if self.grid.as_ref() != Some(grid) {
            let half = grid.step / 2.0;
            self.rows = (0..grid.buckets)
                .map(|i| axis.rows_between(grid.price(i) - half, grid.price(i) + half))
                .collect();
            self.grid = Some(*grid);
        }
        &self.rows
    }
}

/// One column's colour per row: for each frame, each bucket lights the rows its price
/// extent overlaps; a row keeps the brightest bucket of each side (so zoomed out, a narrow
/// peak still shows), then the two intensities are blended.
fn column(frames: &[Frame], axis: &PriceAxis, cache: &mut BucketRows) -> Vec<Rgb> {
    let rows = axis.rows as usize;
    let (mut long, mut short) = (vec![0u8; rows], vec![0u8; rows]);
    for f in frames {
        let lit = cache.of(&f.grid, axis);
        for ((&l, &s), &(first, last)) in f.long.iter().zip(&f.short).zip(lit) {
            if l == 0 && s == 0 {
                continue;
            }
            for y in first as usize..=last as usize {
                long[y] = long[y].max(l);
                short[y] = short[y].max(s);
            }
        }
    }
    let table = blend_table();
    long.iter()
        .zip(&short)
        .map(|(&l, &s)| table[usize::from(l) * 256 + usize::from(s)])
        .collect()
}

/// The picture as RGB rows, top row first (validated input).
pub fn raster(frames: &[Frame], width: u32, height: u32) -> Vec<u8> {
    let axis = PriceAxis::over(frames, height);
    // Consecutive columns showing the same frames (a frame's band) share one colour column.
    let mut bands: Vec<(std::ops::Range<usize>, Vec<Rgb>)> = Vec::new();
    let mut band_of_column = Vec::with_capacity(width as usize);
    let mut cache = BucketRows {
        grid: None,
        rows: Vec::new(),
    };
    for x in 0..width {
        let range = frames_of_column(x, width, frames.len());
        if bands.last().is_none_or(|(r, _)| *r != range) {
            let colours = column(&frames[range.clone()], &axis, &mut cache);
            bands.push((range, colours));
        }
        band_of_column.push(bands.len() - 1);
    }
    let w = width as usize;
    let mut pixels = vec![0u8; w * height as usize * 3];
    // Row by row, so the writes run through memory in order.
    for (y, row) in pixels.chunks_exact_mut(w * 3).enumerate() {
        for (pixel, &band) in row.chunks_exact_mut(3).zip(&band_of_column) {
            pixel.copy_from_slice(&bands[band].1[y]);
        }
    }
    // The price path: in each column a vertical run over its frames' src rows, joined to
    // the previous column's last src row so the line is unbroken.
    let mut previous_src_row: Option<u32> = None;
    for (x, &band) in band_of_column.iter().enumerate() {
        let src_rows: Vec<u32> = frames[bands[band].0.clone()]
            .iter()
            .map(|f| axis.row_of(f.src))
            .collect();
        let joined = src_rows.iter().chain(previous_src_row.as_ref());
        let (low, high) = joined.fold((u32::MAX, 0), |(lo, hi), &r| (lo.min(r), hi.max(r)));
        for y in low as usize..=high as usize {
            let at = (y * w + x) * 3;
            pixels[at..at + 3].copy_from_slice(&PRICE_LINE);
        }
        previous_src_row = src_rows.last().copied();
    }
    pixels
}

/// The PNG of `frames` at `width` x `height` (see the [module docs](super)).
pub fn picture(frames: &[Frame], width: u32, height: u32) -> Result<Vec<u8>, EngineError> {
    validate(frames, width, height)?;
    super::encode::encode_rgb(&raster(frames, width, height), width, height)
}
