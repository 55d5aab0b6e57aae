//! Our own capture records: a one-line header per record, then the frame's raw bytes, length-prefixed.
//!
//! ```text
//! liqhost-capture 1
//! recv 1700000000.25 binance.ws.1 61
//! {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT"}}
//! http 1700000000.5 binance.http.0 25 https://fapi.binance.com/fapi/v1/openInterest?symbol=BTCUSDT
//! {"openInterest":"10659.5"}
//! ```
//!
//! Why not cryptofeed's JSONL: there every frame is a JSON string inside a JSON object, so
//! every quote of the frame is escaped and a replay spent half its time unescaping. Here the
//! payload is stored as received and read back with one copy; the length prefix makes frames
//! with newlines safe. `zstdcat` shows a file as text.

use std::io::{BufRead, Read};


use super::{CaptureError, CaptureRecord, RecordKind};

/// The first line of every file in this format.
pub const MAGIC_LINE: &str = "liqhost-capture 1";

/// A record header never gets near this; anything longer is not a header.
const MAX_HEADER_LINE: usize = 16 << 10;

/// A payload larger than this is a corrupt length, not a frame (venue frames are < 10 MB).
const MAX_PAYLOAD: usize = 256 << 20;

fn kind_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Header => "header",
        RecordKind::Connect => "connect",
        RecordKind::Send => "send",
        RecordKind::Recv => "recv",
        RecordKind::Http => "http",
    }
}

fn kind_of(name: &str) -> Option<RecordKind> {
    Some(match name {
        "header" => RecordKind::Header,
        "connect" => RecordKind::Connect,
        "send" => RecordKind::Send,
        "recv" => RecordKind::Recv,
        "http" => RecordKind::Http,
        _ => return None,
    })
}

/// A header field without spaces or line breaks (a connection id or a URL), `-` if empty.
fn field(s: &str, out: &mut Vec<u8>) {
    if s.is_empty() {
        out.push(b'-');
        return;
    }
    for &b in s.as_bytes() {
        out.push(if b.is_ascii_whitespace() { b'_' } else { b });
    }
}

/// Appends `record` to `buf`: its header line, the payload, a closing newline.
pub fn write(record: &CaptureRecord, buf: &mut Vec<u8>) {
    use std::io::Write;
    let _ = write!(buf, "{} {} ", kind_name(record.kind), record.ts);
    field(&record.conn, buf);
    let _ = write!(buf, " {}", record.data.len());
    if let Some(url) = &record.url {
        buf.push(b' ');
        field(url, buf);
    }
    buf.push(b'\n');
    buf.extend_from_slice(record.data.as_bytes());
    buf.push(b'\n');
}

/// A parsed header line: the record without its payload, and the payload's length.
fn parse_header(line: &str) -> Result<(CaptureRecord, usize), String> {
    let mut parts = line.splitn(5, ' ');
    let mut next = |what: &str| parts.next().filter(|p| !p.is_empty()).ok_or_else(|| format!("record header without {what}"));
    let kind_text = next("a kind")?;
    let kind = kind_of(kind_text).ok_or_else(|| format!("unknown record kind `{}`", kind_text.chars().take(16).collect::<String>()))?;
    let ts = match next("a time")?.parse::<f64>() {
        Ok(ts) if ts.is_finite() => ts,
        _ => return Err("bad record time".into()),
    };
    let conn = next("a connection")?;
    let len: usize = next("a length")?.parse().map_err(|_| "bad payload length".to_string())?;
    if len > MAX_PAYLOAD {
        return Err(format!("payload length {len} over the {MAX_PAYLOAD}-byte limit"));
    }
    let url = parts.next().map(str::to_string);
    let conn = if conn == "-" { String::new() } else { conn.to_string() };
    Ok((CaptureRecord { ts, conn, kind, url, data: String::new() }, len))
}

/// Reads records after the magic line. A bad record is one `Err` item: reading skips to the
/// next line that parses as a record header and goes on from there.
pub struct NativeRecords {
    src: Box<dyn BufRead + Send>,
    /// Line number of the next header, counting from the magic line as 1.
    line: usize,
    buf: Vec<u8>,
    done: bool,
    /// The good record found by a resync, returned after the error that caused it.
    pending: Option<CaptureRecord>,
    /// An I/O failure met during a resync, returned after the error that caused it.
    failed: Option<CaptureError>,
    /// An error to map the reader's failures with (zstd or plain I/O).
    io_error: fn(std::io::Error) -> CaptureError,
}

impl NativeRecords {
    pub fn new(src: Box<dyn BufRead + Send>, io_error: fn(std::io::Error) -> CaptureError) -> Self {
        NativeRecords { src, line: 1, buf: Vec::with_capacity(4096), done: false, pending: None, failed: None, io_error }
    }

    /// The next line into `buf` without its line break; `Ok(false)` at the end.
    fn read_line(&mut self) -> std::io::Result<bool> {
        self.buf.clear();
        let n = (&mut self.src).take(MAX_HEADER_LINE as u64).read_until(b'\n', &mut self.buf)?;
        self.line += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        }
        Ok(n > 0)
    }

    /// One record: header, payload, newline.
    fn read_record(&mut self) -> std::io::Result<Option<Result<CaptureRecord, String>>> {
        if !self.read_line()? {
            return Ok(None);
        }
        let parsed = std::str::from_utf8(&self.buf).map_err(|_| "record header is not UTF-8".to_string()).and_then(parse_header);
        let (mut record, len) = match parsed {
            Ok(p) => p,
            Err(reason) => return Ok(Some(Err(reason))),
        };
        match self.read_payload(len)? {
            Ok(text) => record.data = text,
            Err(reason) => return Ok(Some(Err(reason))),
        }
        Ok(Some(Ok(record)))
    }

    /// `len` bytes of payload and the line break after them.
    fn read_payload(&mut self, len: usize) -> std::io::Result<Result<String, String>> {
        let mut data = Vec::with_capacity(len + 1);
        // Usually the whole payload is in the reader's buffer: one copy, nothing zeroed.
        let buffered = self.src.fill_buf()?;
        if buffered.len() > len {
            data.extend_from_slice(&buffered[..=len]);
            self.src.consume(len + 1);
        } else {
            data.resize(len + 1, 0);
            if let Err(e) = self.src.read_exact(&mut data) {
                return if e.kind() == std::io::ErrorKind::UnexpectedEof { Ok(Err("truncated payload at the end of the file".into())) } else { Err(e) };
            }
        }
        self.line += newlines(&data);
        if data.pop() != Some(b'\n') {
            return Ok(Err("payload not followed by a line break (bad length)".into()));
        }
        Ok(String::from_utf8(data).map_err(|_| "payload is not UTF-8".to_string()))
    }

    /// After a bad record: skips lines until one parses as a record header followed by its
    /// payload, and returns that record; `None` at the end of the file.
    fn resync(&mut self) -> std::io::Result<Option<Result<CaptureRecord, String>>> {
        loop {
            if !self.read_line()? {
                return Ok(None);
            }
            let Ok(line) = std::str::from_utf8(&self.buf) else { continue };
            if let Ok((mut record, len)) = parse_header(line) {
                if let Ok(text) = self.read_payload(len)? {
                    record.data = text;
                    return Ok(Some(Ok(record)));
                }
            }
        }
    }
}

/// Line breaks in `bytes` (line numbers of later records count payload lines too).
fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

impl Iterator for NativeRecords {
    type Item = Result<CaptureRecord, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(record) = self.pending.take() {
            return Some(Ok(record));
        }
        if let Some(error) = self.failed.take() {
            return Some(Err(error));
        }
        if self.done {
            return None;
        }
        let line = self.line + 1;
        match self.read_record() {
            Ok(Some(Ok(record))) => Some(Ok(record)),
            Ok(Some(Err(reason))) => {
                // Report this one; the record after it is the next good header found.
                match self.resync() {
                    Ok(Some(Ok(record))) => self.pending = Some(record),
                    Ok(_) => self.done = true,
                    Err(e) => {
                        self.done = true;
                        self.failed = Some((self.io_error)(e));
                    }
                }
                Some(Err(CaptureError::BadLine { line, reason }))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err((self.io_error)(e)))
            }
        }
    }
}
