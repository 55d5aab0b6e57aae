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

use serde::Deserialize;

use super::{CaptureRecord, RecordKind};

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
