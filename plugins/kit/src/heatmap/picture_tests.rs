//! Picture tests: the PNG decodes, has the asked size, shows buckets by price and the price line where src is.

use std::io::Cursor;

use super::colour::{BACKGROUND, LONG_FULL, PRICE_LINE, SHORT_FULL};
use super::picture::{
    frames_of_column, picture, MAX_PICTURE_FRAMES, MAX_PICTURE_HEIGHT, MAX_PICTURE_WIDTH,
};
use super::Frame;
use crate::types::{EngineError, Grid};

/// A decoded picture: width, height, RGB rows top first.
struct Decoded {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Decoded {
    fn at(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Rows of column `x` painted in the price-line colour.
    fn line_rows(&self, x: u32) -> Vec<u32> {
        (0..self.height)
            .filter(|&y| self.at(x, y) == PRICE_LINE)
            .collect()
    }
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut reader = png::Decoder::new(Cursor::new(bytes))
        .read_info()
        .expect("a PNG header");
    let mut rgb = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut rgb).expect("PNG image data");
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Rgb, png::BitDepth::Eight)
    );
    rgb.truncate(info.buffer_size());
    Decoded {
        width: info.width,
        height: info.height,
        rgb,
    }
}

/// Buckets 100, 110, ..., 140 (extents 95..145), dark but for the given (bucket, long, short).
fn frame(src: f64, grid: Grid, lit: &[(usize, u8, u8)]) -> Frame {
    let n = grid.buckets as usize;
    let (mut long, mut short) = (vec![0; n], vec![0; n]);
    for &(i, l, s) in lit {
        long[i] = l;
        short[i] = s;
    }
    Frame {
        ts: 0.0,
        src,
        grid,
        long,
        short,
    }
}

const GRID: Grid = Grid {
    price_min: 100.0,
    step: 10.0,
    buckets: 5,
};

#[test]
fn draws_frames_as_column_bands_with_the_price_line_at_each_src() {
    let frames = [
        frame(120.0, GRID, &[(0, 255, 0), (4, 0, 255)]),
        frame(130.0, GRID, &[]),
        frame(110.0, GRID, &[(2, 255, 255)]),
    ];
    let png = picture(&frames, 6, 50).unwrap();
    let d = decode(&png);
    assert_eq!((d.width, d.height), (6, 50));
    // axis 145 (top) .. 95 (bottom) over 50 rows: 1 USD per row, row = floor(145 - price)
    // src 120 -> row 25, 130 -> row 15, 110 -> row 35; two columns per frame, and the first
    // column of a band joins the previous frame's row
    let expected: [Vec<u32>; 6] = [
        vec![25],
        vec![25],
        (15..=25).collect(),
        vec![15],
        (15..=35).collect(),
        vec![35],
    ];
    for (x, rows) in expected.iter().enumerate() {
        assert_eq!(&d.line_rows(x as u32), rows, "column {x}");
    }
    // bucket 100 spans 95..105 -> rows 40..=49; bucket 140 spans 135..145 -> rows 0..=9
    for y in 40..50 {
        assert_eq!(
            (d.at(0, y), d.at(1, y), d.at(2, y)),
            (LONG_FULL, LONG_FULL, BACKGROUND),
            "row {y}"
        );
    }
    for y in 0..10 {
        assert_eq!(d.at(1, y), SHORT_FULL, "row {y}");
    }
    // frame 2, bucket 120 (115..125 -> rows 20..=29) with both sides full: the blend
    assert_eq!(d.at(5, 22), super::colour::blend(255, 255));
    assert_eq!(d.at(5, 30), BACKGROUND);
}

#[test]
fn places_frames_of_different_grids_by_price() {
    let wide = Grid {
        price_min: 200.0,
        step: 20.0,
        buckets: 2,
    }; // 200, 220 (extents 190..230)
    let frames = [
        frame(120.0, GRID, &[(0, 255, 0)]),
        frame(215.0, wide, &[(1, 0, 255)]),
    ];
    let d = decode(&picture(&frames, 2, 135).unwrap());
    // axis 230 .. 95 over 135 rows: row = floor(230 - price)
    // frame 0: bucket 100 (95..105) -> rows 125..=134; src 120 -> row 110
    // frame 1: bucket 220 (210..230) -> rows 0..=19; src 215 -> row 15, joined to row 110
    assert_eq!(d.line_rows(0), vec![110]);
    assert_eq!(d.line_rows(1), (15..=110).collect::<Vec<u32>>());
    assert!((125..135).all(|y| d.at(0, y) == LONG_FULL) && d.at(0, 124) == BACKGROUND);
    // rows 15..=19 are under the line, which is drawn over the buckets
    assert!((0..15).all(|y| d.at(1, y) == SHORT_FULL));
    assert_eq!((d.at(1, 20), d.at(0, 5)), (PRICE_LINE, BACKGROUND));
}

#[test]
fn a_column_showing_several_frames_keeps_the_brightest_of_each_row() {
    let frames = [
        frame(120.0, GRID, &[(0, 100, 0)]),
        frame(130.0, GRID, &[(0, 255, 0)]),
        frame(110.0, GRID, &[]),
        frame(140.0, GRID, &[]),
    ];
    let d = decode(&picture(&frames, 2, 50).unwrap());
    assert_eq!(d.at(0, 45), LONG_FULL);
    // column 0: src rows 25 and 15; column 1: 35 and 5, joined to 15
    assert_eq!(d.line_rows(0), (15..=25).collect::<Vec<u32>>());
    assert_eq!(d.line_rows(1), (5..=35).collect::<Vec<u32>>());
}

#[test]
fn splits_columns_between_frames_evenly() {
    let bands = |w: u32, n: usize| {
        (0..w)
            .map(|x| frames_of_column(x, w, n))
            .collect::<Vec<_>>()
    };
    assert_eq!(bands(6, 3), vec![0..1, 0..1, 1..2, 1..2, 2..3, 2..3]);
    assert_eq!(bands(2, 4), vec![0..2, 2..4]);
    // 3 columns, 2 frames: x * 2 / 3 = 0, 0, 1 -> frame 0 gets two columns
    assert_eq!(bands(3, 2), vec![0..1, 0..1, 1..2]);
}

#[test]
fn renders_the_largest_allowed_picture() {
    let full = Grid {
        price_min: 50_000.0,
        step: 20.0,
        buckets: 1000,
    };
    let frames: Vec<Frame> = (0..1440)
        .map(|t| {
            let src = 60_000.0 + 500.0 * (t as f64 / 100.0).sin();
            let lit: Vec<(usize, u8, u8)> = (0..1000)
                .step_by(7)
                .map(|i| (i, (i % 256) as u8, (t % 256) as u8))
                .collect();
            frame(src, full, &lit)
        })
        .collect();
    let d = decode(&picture(&frames, MAX_PICTURE_WIDTH, MAX_PICTURE_HEIGHT).unwrap());
    assert_eq!((d.width, d.height), (MAX_PICTURE_WIDTH, MAX_PICTURE_HEIGHT));
    assert!(
        (0..d.width).all(|x| !d.line_rows(x).is_empty()),
        "the price line runs across"
    );
}

#[test]
fn refuses_no_frames_bad_frames_and_oversized_pictures() {
    let ok = frame(120.0, GRID, &[]);
    let short = Frame {
        short: vec![0; 4],
        ..ok.clone()
    };
    let zero_src = Frame {
        src: 0.0,
        ..ok.clone()
    };
    let many = vec![ok.clone(); MAX_PICTURE_FRAMES + 1];
    let one = std::slice::from_ref(&ok);
    let cases: [(&str, &[Frame], u32, u32, &str); 8] = [
        ("TC0: no frames", &[], 10, 10, "at least one frame"),
        ("TC1: width 0", one, 0, 10, "size"),
        ("TC2: height 0", one, 10, 0, "size"),
        ("TC3: too wide", one, MAX_PICTURE_WIDTH + 1, 10, "size"),
        ("TC4: too tall", one, 10, MAX_PICTURE_HEIGHT + 1, "size"),
        ("TC5: too many frames", &many, 10, 10, "frames, at most"),
        (
            "TC6: short list of the wrong length",
            &[ok.clone(), short],
            10,
            10,
            "frame 1",
        ),
        ("TC7: src 0", &[zero_src], 10, 10, "frame 0"),
    ];
    for (label, frames, w, h, needle) in cases {
        match picture(frames, w, h) {
            Err(EngineError::InvalidInput(m)) => assert!(m.contains(needle), "{label}: {m}"),
            other => panic!("{label}: {other:?}"),
        }
    }
}
