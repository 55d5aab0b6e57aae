//! Reads one capture file or a directory of them, merged into one stream ordered by receive time.

use std::iter::Peekable;
use std::path::{Path, PathBuf};

use liqhost_market::capture::{self, CaptureError, CaptureRecord};

type Source = Peekable<Box<dyn Iterator<Item = Result<CaptureRecord, CaptureError>> + Send>>;

/// Capture files under `path` (the path itself if it is a file), sorted by name.
pub fn capture_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.') && !name.starts_with("LICENSE") && !name.ends_with(".md") && !name.ends_with(".json")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A k-way merge of the files' records by `ts` (files are each in time order). Bad lines
/// come through as `Err` items and reading goes on.
pub struct Merged {
    sources: Vec<Source>,
}

impl Merged {
    pub fn open(files: &[PathBuf]) -> Result<Merged, CaptureError> {
        let sources = files.iter().map(|f| capture::open(f).map(|r| r.peekable())).collect::<Result<_, _>>()?;
        Ok(Merged { sources })
    }
}

impl Iterator for Merged {
    type Item = Result<CaptureRecord, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut best: Option<(usize, f64)> = None;
        for (i, s) in self.sources.iter_mut().enumerate() {
            match s.peek() {
                // Errors first: they carry no time and should be reported where they occur.
                Some(Err(_)) => return s.next(),
                Some(Ok(r)) if best.is_none_or(|(_, t)| r.ts < t) => best = Some((i, r.ts)),
                _ => {}
            }
        }
        best.and_then(|(i, _)| self.sources[i].next())
    }
}
