//! cryptofeed's v2 capture records, one JSON object per line (`cryptofeed/capture.py`):
//!
//! ```text
//! {"t":"header","format":2,"exchange":"KRAKEN","config":{...},"candle_interval":null,"recorded":1618678132.3}
//! {"t":"connect","conn":"KRAKEN.ws.1","ts":1618678132.368,"addr":"wss://ws.kraken.com"}
//! {"t":"send","conn":"KRAKEN.ws.1","ts":1618678132.83,"addr":"wss://ws.kraken.com","data":"{...}"}
//! {"t":"recv","conn":"KRAKEN.ws.1","ts":1618678132.91,"data":"{...}"}
//! {"t":"http","conn":"KRAKEN.http.0","ts":1618678132.35,"url":"https://...","data":"{...}"}
//! ```
//!
//! Payloads are JSON strings; binary frames (`"b64"`) are not supported (none of our venues
//! sends them) and read as a bad line.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{CaptureRecord, RecordKind};

/// The capture format version cryptofeed's reader checks in the header.
pub const FORMAT_VERSION: u64 = 2;

#[derive(Deserialize)]
struct Line<'a> {
    /// Borrowed: it never has escapes, and this runs once per record.
    t: &'a str,
    conn: Option<String>,
    ts: Option<f64>,
    addr: Option<String>,
    url: Option<String>,
    data: Option<String>,
    b64: Option<serde::de::IgnoredAny>,
    // header fields
    exchange: Option<String>,
    recorded: Option<f64>,
}

pub fn parse(text: &str) -> Result<CaptureRecord, String> {
    let line: Line = serde_json::from_str(text).map_err(|e| format!("not a capture record: {e}"))?;
    let kind = match line.t {
        "header" => {
            let ts = line.recorded.or(line.ts).unwrap_or(0.0);
            let conn = line.exchange.or(line.conn).unwrap_or_default();
            return Ok(CaptureRecord { ts, conn, kind: RecordKind::Header, url: None, data: text.to_string() });
        }
        "connect" => RecordKind::Connect,
        "send" => RecordKind::Send,
        "recv" => RecordKind::Recv,
        "http" => RecordKind::Http,
        other => return Err(format!("unknown record type `{}`", other.chars().take(16).collect::<String>())),
    };
    let conn = line.conn.ok_or("no `conn`")?;
    let ts = line.ts.ok_or("no `ts`")?;
    let url = match kind {
        RecordKind::Http => Some(line.url.ok_or("http record without `url`")?),
        RecordKind::Connect => Some(line.addr.ok_or("connect record without `addr`")?),
        _ => line.addr,
    };
    let data = match (kind, line.data) {
        (_, Some(data)) => data,
        (RecordKind::Connect, None) => String::new(),
        (_, None) if line.b64.is_some() => return Err("binary (b64) frames are not supported".into()),
        (_, None) => return Err("no `data`".into()),
    };
    Ok(CaptureRecord { ts, conn, kind, url, data })
}

#[derive(Serialize)]
struct Out<'a> {
    t: &'static str,
    conn: &'a str,
    ts: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    addr: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a str>,
}

/// Appends `record` as one JSON line (with its newline) to `buf`.
pub fn write(record: &CaptureRecord, buf: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    let url = record.url.as_deref();
    let out = match record.kind {
        RecordKind::Header => {
            serde_json::to_writer(&mut *buf, &header(record))?;
            buf.push(b'\n');
            return Ok(());
        }
        RecordKind::Connect => Out { t: "connect", conn: &record.conn, ts: record.ts, addr: url, url: None, data: None },
        RecordKind::Send => Out { t: "send", conn: &record.conn, ts: record.ts, addr: url, url: None, data: Some(&record.data) },
        RecordKind::Recv => Out { t: "recv", conn: &record.conn, ts: record.ts, addr: None, url: None, data: Some(&record.data) },
        RecordKind::Http => Out { t: "http", conn: &record.conn, ts: record.ts, addr: None, url, data: Some(&record.data) },
    };
    serde_json::to_writer(&mut *buf, &out)?;
    buf.push(b'\n');
    Ok(())
}

/// A header keeps the object it carries (so a header read from a cryptofeed file is written
/// back unchanged) and gains what cryptofeed's reader needs: `t`, `format`, `exchange`,
/// `recorded`. Data that is not an object becomes the header's `config`.
fn header(record: &CaptureRecord) -> Map<String, Value> {
    let mut object = match serde_json::from_str::<Value>(&record.data) {
        Ok(Value::Object(object)) => object,
        Ok(config) => Map::from_iter([("config".to_string(), config)]),
        Err(_) if record.data.trim().is_empty() => Map::new(),
        Err(_) => Map::from_iter([("config".to_string(), Value::String(record.data.clone()))]),
    };
    object.insert("t".into(), "header".into());
    object.entry("format").or_insert(FORMAT_VERSION.into());
    object.entry("exchange").or_insert(record.conn.clone().into());
    object.entry("recorded").or_insert(serde_json::Number::from_f64(record.ts).map_or(Value::Null, Value::Number));
    object
}
