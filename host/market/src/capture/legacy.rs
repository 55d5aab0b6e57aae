//! cryptofeed's v1 raw-data text: one connection per file, one record per line.
//!
//! As written by `AsyncFileCallback` (`cryptofeed/util/async_file.py`):
//! - `configuration: {json}` (the feed configuration, metadata files)
//! - `<addr> <-> <ts>` (connect), `<addr> <- <ts>: <data>` (send)
//! - `<ts>: <data>` (received frame), `<url> -> <ts>: <body>` (HTTP answer,
//!   later versions append ` header: {json}`)
//!
//! Payloads contain ": " too, so only the first separator after the timestamp counts.

use std::path::Path;

use super::{CaptureRecord, RecordKind};

/// `BINANCE_FUTURES.ws.1.0` → `BINANCE_FUTURES.ws.1`: cryptofeed names files
/// `<conn id>.<rotation>`.
pub fn conn_id(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.strip_suffix(".zst").unwrap_or(name);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_string()
}

pub fn parse(line: &str, conn: &str) -> Result<CaptureRecord, String> {
    let record = |ts, kind, url: Option<&str>, data: &str| CaptureRecord {
        ts,
        conn: conn.to_string(),
        kind,
        url: url.map(str::to_string),
        data: data.to_string(),
    };
    if let Some(config) = line.strip_prefix("configuration: ") {
        return Ok(record(0.0, RecordKind::Header, None, config));
    }
    if line.starts_with(|c: char| c.is_ascii_digit()) {
        let (ts, data) = stamped(line)?;
        return Ok(record(ts, RecordKind::Recv, None, data));
    }
    // An address has no spaces: the first space ends it.
    let (addr, rest) = line.split_once(' ').ok_or("no address separator")?;
    if let Some(ts) = rest.strip_prefix("<-> ") {
        Ok(record(seconds(ts)?, RecordKind::Connect, Some(addr), ""))
    } else if let Some(rest) = rest.strip_prefix("<- ") {
        let (ts, data) = stamped(rest)?;
        Ok(record(ts, RecordKind::Send, Some(addr), data))
    } else if let Some(rest) = rest.strip_prefix("-> ") {
        let (ts, body) = stamped(rest)?;
        Ok(record(ts, RecordKind::Http, Some(addr), without_headers(body)))
    } else {
        Err("unknown line shape".into())
    }
}

/// `<ts>: <payload>`, split at the first ": ".
fn stamped(s: &str) -> Result<(f64, &str), String> {
    let (ts, data) = s.split_once(": ").ok_or("no `: ` after the timestamp")?;
    Ok((seconds(ts)?, data))
}

fn seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(ts) if ts.is_finite() => Ok(ts),
        _ => Err(format!("bad timestamp `{}`", s.chars().take(32).collect::<String>())),
    }
}

/// Drops the ` header: {json}` suffix later cryptofeed versions put after an HTTP body.
fn without_headers(body: &str) -> &str {
    match body.rsplit_once(" header: ") {
        Some((body, headers)) if headers.trim_start().starts_with('{') => body,
        _ => body,
    }
}
