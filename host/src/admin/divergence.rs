//! Distances between two variants' outputs: weights, heatmaps, frames and pictures.

use crate::domain::{Frame, Grid};

/// Total-variation distance between two weight vectors, each normalised to sum 1 first
/// (0: the same mix, 1: disjoint). Negative or non-finite entries count as 0.
pub fn tv_distance(a: &[f64], b: &[f64]) -> f64 {
    let (a, b) = (to_distribution(a), to_distribution(b));
    let n = a.len().max(b.len());
    0.5 * (0..n).map(|i| (a.get(i).unwrap_or(&0.0) - b.get(i).unwrap_or(&0.0)).abs()).sum::<f64>()
}

fn to_distribution(v: &[f64]) -> Vec<f64> {
    let clean: Vec<f64> = v.iter().map(|x| if x.is_finite() && *x > 0.0 { *x } else { 0.0 }).collect();
    let sum: f64 = clean.iter().sum();
    if sum > 0.0 {
        clean.iter().map(|x| x / sum).collect()
    } else {
        clean
    }
}

/// L1 distance between two heatmaps (long and short per bucket over their grids), each
/// normalised to sum 1 over both sides: 0 when they put the same share of notional in
/// every bucket, 2 when they share none. Buckets are matched by price, so grids that
/// start at different prices but share a step compare where they overlap (the rest
/// counts as empty); grids of different steps give `None`.
pub fn heatmap_l1(a: (&Grid, &[f64], &[f64]), b: (&Grid, &[f64], &[f64])) -> Option<f64> {
    let (ga, gb) = (a.0, b.0);
    if (ga.step - gb.step).abs() > 1e-9 * ga.step.abs().max(1.0) || ga.step <= 0.0 {
        return None;
    }
    let total = |long: &[f64], short: &[f64]| long.iter().chain(short).filter(|x| x.is_finite() && **x > 0.0).sum::<f64>();
    let (ta, tb) = (total(a.1, a.2), total(b.1, b.2));
    // Index of a's bucket 0 in b's grid (exact: grids are index-based multiples of the step).
    let offset = ((ga.price_min - gb.price_min) / ga.step).round() as i64;
    let share = |v: f64, t: f64| if t > 0.0 && v.is_finite() && v > 0.0 { v / t } else { 0.0 };
    let mut sum = 0.0;
    for (side_a, side_b) in [(a.1, b.1), (a.2, b.2)] {
        let mut seen_b = vec![false; side_b.len()];
        for (i, x) in side_a.iter().enumerate() {
            let j = i as i64 + offset;
            let y = if j >= 0 && (j as usize) < side_b.len() {
                seen_b[j as usize] = true;
                side_b[j as usize]
            } else {
                0.0
            };
            sum += (share(*x, ta) - share(y, tb)).abs();
        }
        sum += side_b.iter().zip(&seen_b).filter(|(_, seen)| !**seen).map(|(y, _)| share(*y, tb)).sum::<f64>();
    }
    Some(sum)
}

/// Mean absolute intensity difference of two frame sequences, in [0, 1] (255 = 1),
/// aligned from their newest frame back. Frames whose grids differ count as fully
/// different over the larger one. `None` when either side has no frame.
pub fn frames_divergence(a: &[impl AsRef<Frame>], b: &[impl AsRef<Frame>]) -> Option<f64> {
    let n = a.len().min(b.len());
    if n == 0 {
        return None;
    }
    let (mut diff, mut count) = (0.0, 0.0);
    for (fa, fb) in a[a.len() - n..].iter().zip(&b[b.len() - n..]) {
        let (fa, fb) = (fa.as_ref(), fb.as_ref());
        if fa.grid != fb.grid || fa.long.len() != fb.long.len() || fa.short.len() != fb.short.len() {
            let len = fa.long.len().max(fb.long.len()) + fa.short.len().max(fb.short.len());
            diff += len as f64;
            count += len as f64;
            continue;
        }
        for (x, y) in fa.long.iter().zip(&fb.long).chain(fa.short.iter().zip(&fb.short)) {
            diff += f64::from(x.abs_diff(*y)) / 255.0;
            count += 1.0;
        }
    }
    (count > 0.0).then(|| diff / count)
}

/// Mean absolute pixel difference of two PNGs, in [0, 1]; 1 when they do not decode to
/// the same size and layout.
pub fn picture_divergence(a: &[u8], b: &[u8]) -> Result<f64, String> {
    let (pa, pb) = (decode(a)?, decode(b)?);
    if pa.0 != pb.0 || pa.1.len() != pb.1.len() {
        return Ok(1.0);
    }
    if pa.1.is_empty() {
        return Ok(0.0);
    }
    let sum: u64 = pa.1.iter().zip(&pb.1).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    Ok(sum as f64 / (255.0 * pa.1.len() as f64))
}

/// ((width, height, color type), pixel bytes).
type Decoded = ((u32, u32, png::ColorType), Vec<u8>);

fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().map_err(|e| format!("picture does not decode: {e}"))?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("picture too large")?];
    let info = reader.next_frame(&mut buf).map_err(|e| format!("picture does not decode: {e}"))?;
    buf.truncate(info.buffer_size());
    Ok(((info.width, info.height, info.color_type), buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tv_distance_is_half_the_l1_of_normalised_weights() {
        assert_eq!(tv_distance(&[1.0, 1.0], &[2.0, 2.0]), 0.0);
        assert!((tv_distance(&[1.0, 0.0], &[0.0, 1.0]) - 1.0).abs() < 1e-12);
        assert!((tv_distance(&[0.5, 0.5, 0.0], &[0.25, 0.5, 0.25]) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn heatmap_l1_matches_buckets_by_price() {
        let (g100, g110) = (Grid { price_min: 100.0, step: 10.0, buckets: 3 }, Grid { price_min: 110.0, step: 10.0, buckets: 3 });
        let a = (&g100, &[0.0, 1.0, 0.0][..], &[0.0, 0.0, 1.0][..]);
        assert_eq!(heatmap_l1(a, a), Some(0.0));
        // The same notional at the same prices, on a grid starting one bucket later: identical.
        let b = (&g110, &[1.0, 0.0, 0.0][..], &[0.0, 1.0, 0.0][..]);
        assert_eq!(heatmap_l1(a, b), Some(0.0));
        let c = (&g100, &[1.0, 0.0, 0.0][..], &[0.0, 0.0, 0.0][..]);
        assert!((heatmap_l1(a, c).unwrap() - 2.0).abs() < 1e-12, "disjoint");
        let g5 = Grid { price_min: 100.0, step: 5.0, buckets: 3 };
        assert_eq!(heatmap_l1(a, (&g5, a.1, a.2)), None);
    }

    #[test]
    fn frame_divergence_is_a_mean_intensity_difference() {
        let grid = Grid { price_min: 0.0, step: 1.0, buckets: 2 };
        let f = |l: u8| Frame { ts: 0.0, src: 1.0, grid, long: vec![l, 0], short: vec![0, 0] };
        let (a, b) = (vec![std::sync::Arc::new(f(255))], vec![std::sync::Arc::new(f(0))]);
        assert!((frames_divergence(&a, &b).unwrap() - 0.25).abs() < 1e-12);
        assert_eq!(frames_divergence(&a, &a), Some(0.0));
        let none: [std::sync::Arc<Frame>; 0] = [];
        assert_eq!(frames_divergence(&none, &a), None);
    }
}
