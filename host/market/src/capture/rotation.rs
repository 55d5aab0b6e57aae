//! When a growing file is rotated (size, age) and how many rotated files are kept: one policy for captures and logs.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Rotation and retention. The disk a rotated series can take is bounded by
/// `keep_files × (max_file_bytes + one write)`, whatever the run's length.
#[derive(Clone, Debug, PartialEq)]
pub struct Rotation {
    /// Start a new file once the current one reaches this size.
    pub max_file_bytes: u64,
    /// Start a new file once the current one is this old (checked on every write).
    pub max_file_age: Option<Duration>,
    /// Files kept, the current one included; older ones are deleted at each rotation.
    pub keep_files: usize,
}

impl Rotation {
    /// Size-only rotation that keeps everything (the recorder's historical behaviour).
    pub fn by_size(max_file_bytes: u64) -> Self {
        Rotation { max_file_bytes: max_file_bytes.max(1), max_file_age: None, keep_files: usize::MAX }
    }

    /// Whether a file of `bytes` opened at `opened` is due for rotation.
    pub fn due(&self, bytes: u64, opened: Instant) -> bool {
        bytes >= self.max_file_bytes || self.max_file_age.is_some_and(|age| opened.elapsed() >= age)
    }

    /// Deletes the oldest of `files` (oldest first, current last) beyond `keep_files`;
    /// returns the deleted paths. A file that cannot be deleted is kept in the list.
    pub fn prune(&self, files: &mut VecDeque<PathBuf>) -> Vec<PathBuf> {
        let mut removed = Vec::new();
        let mut kept = VecDeque::new();
        while files.len() + kept.len() > self.keep_files.max(1) {
            let Some(oldest) = files.pop_front() else { break };
            if files.is_empty() {
                kept.push_back(oldest); // never the current file
                break;
            }
            match std::fs::remove_file(&oldest) {
                Ok(()) => removed.push(oldest),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => removed.push(oldest),
                Err(_) => kept.push_back(oldest),
            }
        }
        while let Some(k) = kept.pop_back() {
            files.push_front(k);
        }
        removed
    }
}

/// Files named `{prefix}.{NNNN}{suffix}` in `dir`, by number; numbering may have gaps
/// (retention deletes the oldest), so the next number is the highest plus one.
pub fn numbered_files(dir: &std::path::Path, prefix: &str, suffix: &str) -> Vec<(usize, PathBuf)> {
    let mut found: Vec<(usize, PathBuf)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    let n = name.strip_prefix(prefix)?.strip_prefix('.')?.strip_suffix(suffix)?.parse().ok()?;
                    Some((n, e.path()))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_files_are_found_in_order_across_gaps() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["c.0003.log", "c.0010.log", "c.0004.log", "other.0001.log", "c.x.log"] {
            std::fs::write(dir.path().join(n), b"").unwrap();
        }
        let found: Vec<usize> = numbered_files(dir.path(), "c", ".log").into_iter().map(|(n, _)| n).collect();
        assert_eq!(found, vec![3, 4, 10]);
    }

    #[test]
    fn pruning_keeps_the_newest_files_and_never_the_current_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut files: VecDeque<PathBuf> = (0..5).map(|i| dir.path().join(format!("f{i}"))).collect();
        for f in &files {
            std::fs::write(f, b"x").unwrap();
        }
        let r = Rotation { max_file_bytes: 1, max_file_age: None, keep_files: 2 };
        let removed = r.prune(&mut files);
        assert_eq!(removed.len(), 3);
        assert_eq!(files.iter().map(|p| p.file_name().unwrap().to_str().unwrap()).collect::<Vec<_>>(), vec!["f3", "f4"]);
        assert!(!dir.path().join("f0").exists() && dir.path().join("f4").exists());
        let r1 = Rotation { keep_files: 0, ..r };
        r1.prune(&mut files);
        assert_eq!(files.len(), 1, "the current file stays");
    }

    #[test]
    fn a_file_is_due_by_size_or_by_age() {
        let r = Rotation { max_file_bytes: 10, max_file_age: Some(Duration::from_millis(20)), keep_files: 3 };
        let now = Instant::now();
        assert!(!r.due(9, now));
        assert!(r.due(10, now));
        std::thread::sleep(Duration::from_millis(25));
        assert!(r.due(0, now));
        assert!(!Rotation::by_size(10).due(9, now));
    }
}
