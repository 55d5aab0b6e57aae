//! Opens a capture file of any supported format and iterates its records line by line.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::native::{NativeRecords, MAGIC_LINE};
use super::{jsonl, legacy, CaptureError, CaptureRecord, ZSTD_MAGIC};

/// Records of one capture file, in file order.
pub type Records = Box<dyn Iterator<Item = Result<CaptureRecord, CaptureError>> + Send>;

/// Opens `path`: zstd-compressed or not (by magic number), then our own format (by its first
/// line), JSONL or cryptofeed's legacy text (by the first non-empty line). A line that does not parse is an `Err` item and reading
/// goes on; a broken zstd stream or an I/O error is the last item.
pub fn open(path: &Path) -> Result<Records, CaptureError> {
    let mut file = BufReader::with_capacity(1 << 16, File::open(path)?);
    let compressed = file.fill_buf()?.starts_with(&ZSTD_MAGIC);
    let mut src: Box<dyn BufRead + Send> = if compressed {
        let decoder = zstd::stream::read::Decoder::with_buffer(file).map_err(CaptureError::Zstd)?;
        Box::new(BufReader::with_capacity(1 << 16, decoder))
    } else {
        Box::new(file)
    };
    let io_error = if compressed { CaptureError::Zstd } else { CaptureError::Io };
    let magic = format!("{MAGIC_LINE}\n");
    if src.fill_buf().map_err(io_error)?.starts_with(magic.as_bytes()) {
        src.consume(magic.len());
        return Ok(Box::new(NativeRecords::new(src, io_error)));
    }
    Ok(Box::new(Lines { src, compressed, conn: legacy::conn_id(path), format: None, line: 0, buf: Vec::new(), done: false }))
}

#[derive(Clone, Copy)]
enum Format {
    Jsonl,
    Legacy,
}

/// JSONL when the first record is an object with a `t` field; cryptofeed's legacy lines
/// start with a URL, a timestamp or `configuration:`.
fn detect(line: &str) -> Format {
    if line.trim_start().starts_with('{') && line.contains("\"t\"") {
        Format::Jsonl
    } else {
        Format::Legacy
    }
}

struct Lines {
    src: Box<dyn BufRead + Send>,
    compressed: bool,
    /// The connection id legacy records get: legacy files hold one connection each.
    conn: String,
    format: Option<Format>,
    line: usize,
    buf: Vec<u8>,
    done: bool,
}

impl Iterator for Lines {
    type Item = Result<CaptureRecord, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buf.clear();
            match self.src.read_until(b'\n', &mut self.buf) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    self.line += 1;
                    let Ok(text) = std::str::from_utf8(&self.buf) else {
                        return Some(Err(CaptureError::BadLine { line: self.line, reason: "not UTF-8".into() }));
                    };
                    let text = text.trim_end_matches(['\n', '\r']);
                    if text.trim().is_empty() {
                        continue;
                    }
                    let format = *self.format.get_or_insert_with(|| detect(text));
                    let record = match format {
                        Format::Jsonl => jsonl::parse(text),
                        Format::Legacy => legacy::parse(text, &self.conn),
                    };
                    return Some(record.map_err(|reason| CaptureError::BadLine { line: self.line, reason }));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(if self.compressed { CaptureError::Zstd(e) } else { CaptureError::Io(e) }));
                }
            }
        }
        None
    }
}
