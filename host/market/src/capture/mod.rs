//! Capture files: read ours and cryptofeed's legacy text and JSONL recordings (plain or zstd), write ours.
//!
//! # Layout
//! - `reader`: `open` detects the format and iterates records; a bad line is an `Err` item.
//! - `native`: our records (a header line, then the raw frame, length-prefixed).
//! - `legacy`: cryptofeed's v1 text lines (`<url> <-> <ts>`, `<ts>: <json>`, `<url> -> <ts>: <json>`).
//! - `jsonl`: cryptofeed's v2 JSONL records (`{"t": "recv", "conn": ..., "ts": ..., "data": ...}`).
//! - `writer`: `CaptureWriter`, our records through zstd, rotated by size and age.
//! - `rotation`: the rotation and retention policy (shared with the host's log files).
//!
//! Host-only: absent on wasm targets, where zstd's C library does not build.

#![cfg(not(target_family = "wasm"))]

mod jsonl;
mod legacy;
mod native;
mod reader;
mod rotation;
mod writer;

#[cfg(test)]
pub(crate) mod tests;

pub use reader::{open, Records};
pub use rotation::{numbered_files, Rotation};
pub use writer::CaptureWriter;

/// What a record is. `Header` opens a JSONL recording; `Send` is a frame we sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Header,
    Connect,
    Send,
    Recv,
    Http,
}

/// One recorded event of a connection.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptureRecord {
    /// Local receive time, unix seconds.
    pub ts: f64,
    /// Connection id (`BINANCE_FUTURES.ws.1`); a header's is its exchange.
    pub conn: String,
    pub kind: RecordKind,
    /// Connect / Send: the WebSocket address; Http: the requested URL.
    pub url: Option<String>,
    /// Recv / Send: the frame text; Http: the response body; Header: the header's JSON text;
    /// Connect: empty.
    pub data: String,
}

impl CaptureRecord {
    /// The record's fields borrowed.
    pub fn view(&self) -> RecordView<'_> {
        RecordView { ts: self.ts, conn: &self.conn, kind: self.kind, url: self.url.as_deref(), data: &self.data }
    }
}

/// A record's fields borrowed, from a `CaptureRecord` or from a buffer holding many records'
/// texts (replay hands records between threads that way: one allocation per batch).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordView<'a> {
    pub ts: f64,
    pub conn: &'a str,
    pub kind: RecordKind,
    pub url: Option<&'a str>,
    pub data: &'a str,
}

/// Why a capture could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("capture i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The compressed stream is corrupt or truncated; nothing after this point can be read.
    #[error("zstd stream: {0}")]
    Zstd(std::io::Error),
    /// One line did not parse; the iterator goes on with the next one.
    #[error("line {line}: {reason}")]
    BadLine { line: usize, reason: String },
}

/// The zstd frame magic number, little-endian on disk.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
