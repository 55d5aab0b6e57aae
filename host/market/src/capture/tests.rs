//! Capture readers on the real cryptofeed sample and on files written here.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::*;

/// The real Binance USD-M capture shipped beside the repository (see its README.md).
pub(crate) fn sample(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/cryptofeed-binance-futures-2021-07-22")).join(name)
}

fn read_all(path: &Path) -> Vec<Result<CaptureRecord, CaptureError>> {
    open(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display())).collect()
}

fn ok_records(path: &Path) -> Vec<CaptureRecord> {
    read_all(path).into_iter().map(|r| r.expect("record")).collect()
}

/// `sushiusdt@depth@100ms` → `depth@100ms`, read from the frame text.
fn stream_type(frame: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(frame).expect("frame is JSON");
    let stream = v["stream"].as_str().expect("stream name");
    stream.split_once('@').expect("symbol@type").1.to_string()
}

#[test]
fn reads_the_real_legacy_websocket_capture() {
    let records = ok_records(&sample("BINANCE_FUTURES.ws.1.0"));
    let connect = &records[0];
    assert_eq!(connect.kind, RecordKind::Connect);
    assert_eq!(connect.conn, "BINANCE_FUTURES.ws.1");
    assert!(connect.url.as_deref().unwrap().starts_with("wss://fstream.binance.com/stream?streams=sushiusdt@aggTrade/"));
    assert_eq!(connect.ts, 1626992740.179554);

    let mut per_stream = BTreeMap::new();
    for r in &records[1..] {
        assert_eq!(r.kind, RecordKind::Recv);
        assert!(r.ts > 1626992740.0 && r.data.starts_with("{\"stream\":"), "{r:?}");
        *per_stream.entry(stream_type(&r.data)).or_insert(0) += 1;
    }
    let want =
        BTreeMap::from([("aggTrade".to_string(), 91), ("bookTicker".into(), 613), ("depth@100ms".into(), 764), ("kline_1m".into(), 67)]);
    assert_eq!(per_stream, want);
}

#[test]
fn reads_the_real_legacy_http_capture() {
    let records = ok_records(&sample("BINANCE_FUTURES.http.0.0"));
    // The README also mentions exchangeInfo, but the file holds only the four snapshots.
    assert_eq!(records.len(), 4);
    let symbols: Vec<&str> = records.iter().map(|r| r.url.as_deref().unwrap().split("symbol=").nth(1).unwrap()).collect();
    assert_eq!(symbols, ["SUSHIUSDT&limit=1000", "AKROUSDT&limit=1000", "KEEPUSDT&limit=1000", "CTKUSDT&limit=1000"]);
    for r in &records {
        assert_eq!((r.kind, r.conn.as_str()), (RecordKind::Http, "BINANCE_FUTURES.http.0"));
        assert!(r.data.starts_with("{\"lastUpdateId\":") && r.data.ends_with("]]}"), "body of {:?}", r.url);
    }
    assert_eq!(records[0].ts, 1626992741.301402);
}

fn sample_records() -> Vec<CaptureRecord> {
    let rec = |ts, conn: &str, kind, url: Option<&str>, data: &str| CaptureRecord {
        ts,
        conn: conn.into(),
        kind,
        url: url.map(Into::into),
        data: data.into(),
    };
    vec![
        rec(
            1700000000.5,
            "liqhost",
            RecordKind::Header,
            None,
            r#"{"config":{"binance":["BTC"]},"exchange":"liqhost","format":2,"recorded":1700000000.5,"t":"header"}"#,
        ),
        rec(1700000001.25, "binance.ws.1", RecordKind::Connect, Some("wss://fstream.binance.com/stream?streams=btcusdt@aggTrade"), ""),
        rec(
            1700000001.5,
            "bybit.ws.1",
            RecordKind::Send,
            Some("wss://stream.bybit.com/v5/public/linear"),
            r#"{"op":"subscribe","args":["publicTrade.BTCUSDT"]}"#,
        ),
        rec(1700000002.125, "binance.ws.1", RecordKind::Recv, None, "{\"stream\":\"x\",\"data\":{\"s\":\"ü: \\\"quoted\\\"\\n\"}}"),
        rec(
            1700000003.0,
            "binance.http.0",
            RecordKind::Http,
            Some("https://fapi.binance.com/fapi/v1/openInterest?symbol=BTCUSDT"),
            r#"{"openInterest":"1","time":1}"#,
        ),
    ]
}

#[test]
fn round_trips_records_through_the_writer_and_reader() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = CaptureWriter::create(dir.path(), "cap", 1 << 20).unwrap();
    for r in sample_records() {
        writer.record(&r).unwrap();
    }
    let files = writer.finish().unwrap();
    assert_eq!(files, [dir.path().join("cap.0000.lqc.zst")]);
    assert_eq!(ok_records(&files[0]), sample_records());
}

#[test]
fn rotates_by_compressed_size_and_repeats_the_header_in_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = CaptureWriter::create(dir.path(), "rot", 4096).unwrap();
    let header = sample_records().remove(0);
    writer.record(&header).unwrap();
    // Varied payloads so zstd cannot shrink them to nothing.
    let frames: Vec<CaptureRecord> = (0..20_000u64)
        .map(|i| CaptureRecord {
            ts: 1700000000.0 + i as f64 / 1000.0,
            conn: "binance.ws.1".into(),
            kind: RecordKind::Recv,
            url: None,
            data: format!("{{\"u\":{},\"p\":\"{}\"}}", i.wrapping_mul(2654435761) % 1_000_003, i * 7919 % 104729),
        })
        .collect();
    for f in &frames {
        writer.record(f).unwrap();
    }
    assert!(writer.files().len() >= 3, "expected rotations, got {:?}", writer.files());
    let files = writer.finish().unwrap();

    let mut read = Vec::new();
    for (i, path) in files.iter().enumerate() {
        assert!(path.ends_with(format!("rot.{i:04}.lqc.zst")), "{path:?}");
        let records = ok_records(path);
        assert_eq!(records[0], header, "file {i} opens with the header");
        read.extend(records.into_iter().skip(1));
    }
    assert_eq!(read, frames);

    // A second writer with the same prefix continues the numbering.
    let again = CaptureWriter::create(dir.path(), "rot", 4096).unwrap();
    assert!(again.files()[0].ends_with(format!("rot.{:04}.lqc.zst", files.len())));
}

fn write_file(path: &Path, text: &str, compress: bool) {
    let bytes = if compress { zstd::encode_all(text.as_bytes(), 3).unwrap() } else { text.as_bytes().to_vec() };
    std::fs::File::create(path).unwrap().write_all(&bytes).unwrap();
}

#[test]
fn reports_a_corrupt_line_and_reads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let one = b"{\"t\":\"recv\",\"conn\":\"c\",\"ts\":1.0,\"data\":\"one\"}\n" as &[u8];
    let three = b"{\"t\":\"recv\",\"conn\":\"c\",\"ts\":3.0,\"data\":\"three\"}\n" as &[u8];
    let native = |middle: &[u8]| [b"liqhost-capture 1\nrecv 1 c 3\none\n" as &[u8], middle, b"recv 3 c 5\nthree\n"].concat();
    let cases: [(&str, &str, Vec<u8>, &[usize]); 6] = [
        // TC0: JSONL with a truncated record in the middle
        ("TC0: jsonl", "a.jsonl", [one, b"{\"t\":\"recv\",\"conn\":\"c\",\"ts\":2.\n", three].concat(), &[2]),
        // TC1: legacy text with a bad timestamp in the middle
        ("TC1: legacy", "B.ws.1.0", b"1.0: one\nnot-a-time: {}\n3.0: three\n".to_vec(), &[2]),
        // TC2: JSONL with an unknown record type, then a line that is not UTF-8
        ("TC2: jsonl types", "c.jsonl", [one, b"{\"t\":\"bogus\"}\n", b"\xff\xfe\n", three].concat(), &[2, 3]),
        // TC3: ours, an unknown record kind: the reader skips to the next record header
        ("TC3: native kind", "d.lqc", native(b"bogus 2 c 3\ntwo\n"), &[4]),
        // TC4: ours, a length too short for its payload
        ("TC4: native length", "e.lqc", native(b"recv 2 c 1\ntwo\n"), &[4]),
        // TC5: ours, a header that is not UTF-8 and one without a length
        ("TC5: native header", "f.lqc", native(b"\xff\xfe\nrecv 2 c\n"), &[4]),
    ];
    for (label, name, bytes, bad_lines) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let items = read_all(&path);
        let good: Vec<&str> = items.iter().filter_map(|r| r.as_ref().ok()).map(|r| r.data.as_str()).collect();
        assert_eq!(good, ["one", "three"], "{label}");
        let bad: Vec<usize> = items
            .iter()
            .filter_map(|r| match r {
                Err(CaptureError::BadLine { line, .. }) => Some(*line),
                _ => None,
            })
            .collect();
        assert_eq!(bad, bad_lines, "{label}: {items:?}");
    }
}

#[test]
fn our_records_keep_payloads_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let rec = |conn: &str, url: Option<&str>, data: &str| CaptureRecord { ts: 1.5, conn: conn.into(), kind: RecordKind::Recv, url: url.map(Into::into), data: data.into() };
    // TC0: a payload with line breaks and a header look-alike; TC1: an empty payload;
    // TC2: an empty connection id; TC3: multi-byte UTF-8.
    let kept = [rec("a.ws.1", None, "{\n\"x\": 1}\nrecv 9 c 3\n"), rec("a.ws.1", None, ""), rec("", None, "{}"), rec("a.ws.1", None, "ü €")];
    // TC4: spaces and line breaks in a connection id or URL become `_` (fields of the header line).
    let sanitised = rec("my conn", Some("https://x/a b\nc"), "{}");
    let mut writer = CaptureWriter::create(dir.path(), "raw", 1 << 20).unwrap();
    for r in kept.iter().chain([&sanitised]) {
        writer.record(r).unwrap();
    }
    let files = writer.finish().unwrap();
    let read = ok_records(&files[0]);
    assert_eq!(read[..4], kept);
    assert_eq!((read[4].conn.as_str(), read[4].url.as_deref()), ("my_conn", Some("https://x/a_b_c")));
    let text = String::from_utf8(zstd::decode_all(std::fs::File::open(&files[0]).unwrap()).unwrap()).unwrap();
    assert!(text.starts_with("liqhost-capture 1\nrecv 1.5 a.ws.1 21\n{\n\"x\""), "{text}");
}

#[test]
fn reads_a_cryptofeed_zstd_jsonl_recording() {
    // TC0: the record shapes of cryptofeed's capture.py docstring
    let text = r#"{"t":"header","format":2,"exchange":"BINANCE_FUTURES","config":{"trades":["BTC-USDT-PERP"]},"candle_interval":null,"recorded":1618678132.3}
{"t":"connect","conn":"BINANCE_FUTURES.ws.1","addr":"wss://fstream.binance.com/stream?streams=btcusdt@aggTrade","ts":1618678132.368}
{"t":"send","conn":"BINANCE_FUTURES.ws.1","ts":1618678132.83,"addr":"wss://fstream.binance.com","data":"{\"method\":\"SUBSCRIBE\"}"}

{"t":"recv","conn":"BINANCE_FUTURES.ws.1","ts":1618678132.91,"data":"{\"stream\":\"btcusdt@aggTrade\",\"data\":{}}"}
{"t":"recv","conn":"HUOBI.ws.1","ts":1618678133.02,"b64":"H4sIAAAA"}
{"t":"http","conn":"BINANCE_FUTURES.http.0","ts":1618678132.35,"url":"https://fapi.binance.com/fapi/v1/exchangeInfo","data":"{\"symbols\":[]}","headers":{"x":"y"}}
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("BINANCE_FUTURES.jsonl.zst");
    write_file(&path, text, true);
    let items = read_all(&path);
    assert_eq!(items.len(), 6);
    let kinds: Vec<Option<RecordKind>> = items.iter().map(|r| r.as_ref().ok().map(|r| r.kind)).collect();
    use RecordKind::*;
    assert_eq!(kinds, [Some(Header), Some(Connect), Some(Send), Some(Recv), None, Some(Http)]);
    let r: Vec<&CaptureRecord> = items.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!((r[0].conn.as_str(), r[0].ts), ("BINANCE_FUTURES", 1618678132.3));
    assert!(r[0].data.contains("\"config\""));
    assert_eq!(r[1].url.as_deref(), Some("wss://fstream.binance.com/stream?streams=btcusdt@aggTrade"));
    assert_eq!((r[2].url.as_deref(), r[2].data.as_str()), (Some("wss://fstream.binance.com"), r#"{"method":"SUBSCRIBE"}"#));
    assert_eq!(r[3].data, r#"{"stream":"btcusdt@aggTrade","data":{}}"#);
    assert_eq!((r[4].url.as_deref(), r[4].data.as_str()), (Some("https://fapi.binance.com/fapi/v1/exchangeInfo"), r#"{"symbols":[]}"#));
    assert!(matches!(items[4], Err(CaptureError::BadLine { line: 6, .. })), "{:?}", items[4]);
}

#[test]
fn reads_a_zstd_compressed_legacy_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("BINANCE_FUTURES.ws.1.0.zst");
    let text = std::fs::read_to_string(sample("BINANCE_FUTURES.ws.1.0")).unwrap();
    write_file(&path, &text, true);
    let records = ok_records(&path);
    assert_eq!(records.len(), 1536);
    assert_eq!(records, ok_records(&sample("BINANCE_FUTURES.ws.1.0")));
}

#[test]
fn ends_a_truncated_zstd_file_with_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..5000)
        .map(|i| format!("{{\"t\":\"recv\",\"conn\":\"c\",\"ts\":{i}.5,\"data\":\"frame {i} {}\"}}\n", i * 7919 % 104729))
        .collect();
    let mut bytes = zstd::encode_all(text.as_bytes(), 3).unwrap();
    bytes.truncate(bytes.len() * 2 / 3);
    let path = dir.path().join("cut.jsonl.zst");
    std::fs::write(&path, bytes).unwrap();
    let items = read_all(&path);
    let (last, complete) = items.split_last().unwrap();
    assert!(matches!(last, Err(CaptureError::Zstd(_))), "{last:?}");
    assert!(complete.len() > 100 && complete.iter().all(|r| r.is_ok()), "{} complete records", complete.len());
}

#[test]
fn reads_every_legacy_line_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("BYBIT.ws.3.0");
    let text = concat!(
        "configuration: {\"l2_book\": [\"BTC-USDT-PERP\"]}\n",
        "wss://stream.bybit.com/v5/public/linear <-> 1700000000.5\n",
        "wss://stream.bybit.com/v5/public/linear <- 1700000000.75: {\"op\": \"subscribe\"}\n",
        "1700000001.0: {\"topic\": \"a: b\"}\n",
        "https://api.bybit.com/v5/market/tickers?symbol=BTCUSDT -> 1700000002.0: {\"k\": \"v\"} header: {\"Date\": \"x\"}\n",
    );
    std::fs::write(&path, text).unwrap();
    let got: Vec<(RecordKind, f64, Option<String>, String)> =
        ok_records(&path).into_iter().map(|r| (r.kind, r.ts, r.url, r.data)).collect();
    let ws = Some("wss://stream.bybit.com/v5/public/linear".to_string());
    let want = vec![
        // TC0: feed configuration
        (RecordKind::Header, 0.0, None, r#"{"l2_book": ["BTC-USDT-PERP"]}"#.to_string()),
        // TC1: connect
        (RecordKind::Connect, 1700000000.5, ws.clone(), String::new()),
        // TC2: a sent frame
        (RecordKind::Send, 1700000000.75, ws, r#"{"op": "subscribe"}"#.to_string()),
        // TC3: a received frame whose payload contains ": "
        (RecordKind::Recv, 1700000001.0, None, r#"{"topic": "a: b"}"#.to_string()),
        // TC4: an HTTP answer with the response headers appended
        (
            RecordKind::Http,
            1700000002.0,
            Some("https://api.bybit.com/v5/market/tickers?symbol=BTCUSDT".into()),
            r#"{"k": "v"}"#.to_string(),
        ),
    ];
    assert_eq!(got, want);
    assert!(ok_records(&path).iter().all(|r| r.conn == "BYBIT.ws.3"));
}

#[test]
fn fails_to_open_a_missing_file() {
    assert!(matches!(open(Path::new("/nonexistent/capture.jsonl")), Err(CaptureError::Io(_))));
}
