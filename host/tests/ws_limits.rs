//! WebSocket places cannot be held forever: a silent client is dropped at the idle timeout while one answering pings stays, one address cannot take every place, oversized messages and foreign origins are refused.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use liqhost::api::StaticSource;
use liqhost::config::ApiConfig;
use liqhost::pipeline::SymbolView;
use liqhost::service::http::{serve_router, HttpLimits};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Client = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// The public API over one fixed symbol, served as the host serves it (peer addresses included).
async fn serve(config: ApiConfig) -> SocketAddr {
    let views: BTreeMap<String, Arc<SymbolView>> = [("BTC".to_string(), Arc::new(SymbolView { symbol: "BTC".into(), ..Default::default() }))].into();
    let router = liqhost::api::router(Arc::new(StaticSource { views }), &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve_router(listener, router, HttpLimits::of(&config), std::future::pending()));
    addr
}

async fn stats(addr: SocketAddr) -> Value {
    reqwest::get(format!("http://{addr}/ws/stats")).await.unwrap().json().await.unwrap()
}

/// A connection from `source` (a loopback address of this machine) to `/ws`.
async fn connect_from(source: &str, addr: SocketAddr) -> Result<Client, tungstenite::Error> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    tokio_tungstenite::client_async(format!("ws://{addr}/ws"), MaybeTlsStream::Plain(stream)).await.map(|(ws, _)| ws)
}

fn refused_status(result: Result<Client, tungstenite::Error>) -> u16 {
    match result {
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("refused without an HTTP answer: {other}"),
        Ok(_) => 101,
    }
}

/// True once the server has closed `ws` (a close, an error or the end of the stream).
async fn closed(ws: &mut Client, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return false,
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_client_is_dropped_at_the_idle_timeout_and_one_answering_pings_stays() {
    let config = ApiConfig { ws_ping_interval_ms: 300, ws_idle_timeout_ms: 1_200, ..ApiConfig::default() };
    let addr = serve(config).await;
    // Reads (so its library answers each ping with a pong) but never sends an op.
    let mut reader = connect_from("127.0.0.1", addr).await.unwrap();
    let pings = tokio::spawn(async move {
        let mut pings = 0;
        while let Some(Ok(message)) = reader.next().await {
            if matches!(message, Message::Ping(_)) {
                pings += 1;
            }
        }
        pings
    });
    // Never reads nor writes: no pong ever goes back.
    let mut silent = connect_from("127.0.0.1", addr).await.unwrap();
    let opened = Instant::now();
    assert_eq!(stats(addr).await["connections"], 2);
    let mut dropped_after = None;
    while opened.elapsed() < Duration::from_secs(6) {
        let s = stats(addr).await;
        if s["closed_idle"] == 1 && s["connections"] == 1 {
            dropped_after = Some(opened.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let s = stats(addr).await;
    println!("silent client dropped {dropped_after:.2?} after connecting (idle timeout 1.2 s, pings every 0.3 s); {s}");
    let dropped_after = dropped_after.unwrap_or_else(|| panic!("the silent client still holds its place after 6 s: {s}"));
    assert!(dropped_after >= Duration::from_millis(1_000), "not before the idle timeout ({dropped_after:?})");
    assert!(closed(&mut silent, Duration::from_secs(2)).await, "the silent client's socket is closed");
    // The reader, answering pings, outlives the idle timeout several times.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let s = stats(addr).await;
    assert_eq!((s["connections"].as_u64(), s["closed_idle"].as_u64()), (Some(1), Some(1)), "the pinged reader stays: {s}");
    assert!(!pings.is_finished());
    pings.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_place() {
    let config = ApiConfig { ws_max_connections: 6, ws_max_per_address: 3, ..ApiConfig::default() };
    let addr = serve(config).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect_from("127.0.0.1", addr).await.expect("within the per-address bound"));
    }
    let fourth = refused_status(connect_from("127.0.0.1", addr).await);
    assert_eq!(fourth, 429, "a fourth connection from one address is refused");
    // Other clients still get places, up to the global bound.
    for source in ["127.0.0.2", "127.0.0.2", "127.0.0.3"] {
        held.push(connect_from(source, addr).await.expect("another address gets a place"));
    }
    assert_eq!(refused_status(connect_from("127.0.0.4", addr).await), 503, "the global bound still holds");
    let s = stats(addr).await;
    println!("3 per address, 6 in all: {s}");
    assert_eq!((s["connections"].as_u64(), s["refused_per_address"].as_u64(), s["refused_connections"].as_u64()), (Some(6), Some(1), Some(1)), "{s}");
    // A closed connection gives its address's place back.
    let first = held.remove(0);
    drop(first);
    let mut again = None;
    for _ in 0..100 {
        if let Ok(ws) = connect_from("127.0.0.1", addr).await {
            again = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(again.is_some(), "the place came back when a connection closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_messages_close_the_connection_and_foreign_origins_are_refused() {
    let config = ApiConfig { ws_max_message_bytes: 1024, ws_allowed_origins: vec!["https://dash.example.com".into()], ..ApiConfig::default() };
    let addr = serve(config).await;

    // A message under the bound is an op (answered); one over it closes the connection.
    let mut ws = connect_from("127.0.0.1", addr).await.unwrap();
    ws.send(Message::text(format!(r#"{{"op":"subscribe","symbol":"BTC","channel":"v2","pad":"{}"}}"#, "x".repeat(800)))).await.unwrap();
    let reply = loop {
        let Some(Ok(Message::Text(text))) = ws.next().await else { panic!("an answer to the op") };
        break serde_json::from_str::<Value>(&text).unwrap();
    };
    assert_eq!(reply["type"], "ack", "{reply}");
    ws.send(Message::text("x".repeat(2_000))).await.unwrap();
    assert!(closed(&mut ws, Duration::from_secs(3)).await, "a 2000-byte message closes the connection (bound 1024)");

    // Origins: a listed one, none (not a browser) and the page's own host pass; others get 403.
    let with_origin = |origin: &'static str| {
        let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
        request.headers_mut().insert("origin", origin.parse().unwrap());
        request
    };
    assert!(tokio_tungstenite::connect_async(with_origin("https://dash.example.com")).await.is_ok());
    assert!(tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.is_ok());
    let own = Box::leak(format!("http://{addr}").into_boxed_str());
    assert!(tokio_tungstenite::connect_async(with_origin(own)).await.is_ok(), "the dashboard's own origin");
    let foreign = match tokio_tungstenite::connect_async(with_origin("https://evil.example")).await {
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        other => panic!("a foreign origin was not refused: {:?}", other.map(|_| ())),
    };
    assert_eq!(foreign, 403);
    assert_eq!(stats(addr).await["refused_origin"], 1);
}
