//! The admin API: refused without the token, swaps and rollback live, A/B experiments, bad uploads refused.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use liqhost::admin::AdminSettings;
use liqhost::plugin::EngineKind;
use liqhost::service::Service;
use serde_json::Value;
use sha2::Digest;

const TOKEN: &str = "test-admin-token-2f9c";

/// The admin API of `service` on a port-0 listener, running until the test ends.
fn start_admin(service: Arc<Service>, max_upload_bytes: usize) -> SocketAddr {
    common::start_admin(service, TOKEN, max_upload_bytes)
}

/// A blocking client of one admin server.
struct Admin {
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    addr: SocketAddr,
}

impl Admin {
    fn new(addr: SocketAddr) -> Admin {
        Admin { rt: tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap(), http: reqwest::Client::new(), addr }
    }

    /// A call with `authorization` as the header's value (None: no header); (status, JSON body).
    fn raw(&self, method: &str, path: &str, authorization: Option<&str>, body: Option<Vec<u8>>) -> (u16, Value) {
        self.rt.block_on(async {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let mut request = self.http.request(method, format!("http://{}{path}", self.addr));
            if let Some(a) = authorization {
                request = request.header("authorization", a);
            }
            if let Some(b) = body {
                request = request.header("content-type", "application/wasm").body(b);
            }
            let response = request.send().await.expect("the admin API answers");
            let status = response.status().as_u16();
            let bytes = response.bytes().await.unwrap();
            let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
            (status, json)
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<Vec<u8>>) -> (u16, Value) {
        self.raw(method, path, Some(&format!("Bearer {TOKEN}")), body)
    }

    fn ok(&self, method: &str, path: &str, body: Option<Vec<u8>>) -> Value {
        let (status, json) = self.call(method, path, body);
        assert!(status == 200 || status == 201, "{method} {path}: {status} {json}");
        json
    }

    /// The slot row of (symbol, engine) in `GET /admin/slots`.
    fn slot(&self, symbol: &str, engine: &str) -> Value {
        let slots = self.ok("GET", "/admin/slots", None);
        slots["slots"].as_array().unwrap().iter().find(|s| s["symbol"] == symbol && s["engine"] == engine).cloned().unwrap_or_else(|| panic!("no {symbol} {engine} in {slots}"))
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every admin endpoint, with an upload where it takes one.
fn endpoints() -> Vec<(&'static str, &'static str, Option<Vec<u8>>)> {
    let upload = || Some(wasm("calibrator_eager"));
    vec![
        ("GET", "/admin/slots", None),
        ("POST", "/admin/slots/BTC/calibrator/swap", upload()),
        ("POST", "/admin/slots/BTC/calibrator/swap?component=calibrator_eager", None),
        ("POST", "/admin/slots/BTC/calibrator/rollback", None),
        ("GET", "/admin/experiments", None),
        ("POST", "/admin/experiments/BTC/calibrator", upload()),
        ("POST", "/admin/experiments/BTC/calibrator?component=calibrator_eager&from=fresh", None),
        ("GET", "/admin/experiments/BTC/calibrator", None),
        ("DELETE", "/admin/experiments/BTC/calibrator", None),
        ("POST", "/admin/experiments/BTC/calibrator/promote", None),
        ("GET", "/admin/no-such-endpoint", None),
        ("PUT", "/admin/slots", None),
    ]
}

/// A host without feeds: BTC with a zone manager and a calibrator, calibrator_eager beside them.
fn quiet_host() -> (Sandbox, Arc<Service>) {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager"), ("calibrator", "calibrator"), ("calibrator_eager", "calibrator_eager")]);
    let mut config = sandbox.config(&[("BTC", "zone_manager")]);
    config.plugins.watch = false;
    let (service, _) = start_host(config, None);
    (sandbox, service)
}

#[test]
fn every_admin_call_is_refused_without_the_right_token() {
    let (_sandbox, service) = quiet_host();
    let before = service.view("BTC").unwrap().slot(EngineKind::Calibrator).unwrap().primary.content_hash.clone();
    let admin = Admin::new(start_admin(service.clone(), 16 << 20));
    let (longer, basic) = (format!("Bearer {TOKEN}x"), format!("Basic {TOKEN}"));
    let wrong = [None, Some("Bearer nope"), Some(longer.as_str()), Some(basic.as_str()), Some(TOKEN), Some("Bearer ")];
    for (method, path, body) in endpoints() {
        for auth in &wrong {
            let (status, json) = admin.raw(method, path, *auth, body.clone());
            assert_eq!(status, 401, "{method} {path} with {auth:?}: {json}");
            assert_eq!(json["status"], 401);
            assert!(json["error"].as_str().unwrap().contains("Bearer"), "{json}");
        }
    }
    let view = service.view("BTC").unwrap();
    let slot = view.slot(EngineKind::Calibrator).unwrap();
    assert_eq!(slot.primary.content_hash, before, "no refused call changed the slot");
    assert!(slot.shadow.is_none() && slot.counters.swaps == 0);
    // With the token the same server answers.
    assert_eq!(admin.call("GET", "/admin/slots", None).0, 200);

    // No token configured: the admin API is not started; the environment's token wins over the config's.
    let mut config = liqhost::config::AdminConfig::default();
    assert!(AdminSettings::from_config(&config).is_none(), "no default token");
    config.token = Some("from-config".into());
    assert_eq!(AdminSettings::from_config(&config).unwrap().token, "from-config");
    std::env::set_var(liqhost::admin::TOKEN_ENV, "from-env");
    assert_eq!(AdminSettings::from_config(&config).unwrap().token, "from-env");
    std::env::remove_var(liqhost::admin::TOKEN_ENV);
    service.shutdown();
}

#[test]
fn bad_uploads_and_bad_names_get_4xx_json_and_change_nothing() {
    let (sandbox, service) = quiet_host();
    let admin = Admin::new(start_admin(service.clone(), 16 << 20));
    let small = Admin::new(start_admin(service.clone(), 64 * 1024));
    let before = admin.slot("BTC", "calibrator");
    let swap = "/admin/slots/BTC/calibrator/swap";
    let cases: Vec<(&str, &Admin, &str, String, Option<Vec<u8>>, u16, &str)> = vec![
        // TC0: garbage bytes
        ("garbage", &admin, "POST", swap.into(), Some(b"definitely not a wasm component".to_vec()), 422, "not a valid wasm component"),
        // TC1: a component of another world
        ("wrong world", &admin, "POST", swap.into(), Some(wasm("wrong_world")), 422, "wrong world"),
        // TC2: a real engine, but not a calibrator
        ("zone manager on a calibrator slot", &admin, "POST", swap.into(), Some(wasm("zone_manager")), 422, "wrong world"),
        // TC3: larger than max_upload_bytes
        ("oversize", &small, "POST", swap.into(), Some(wasm("calibrator_eager")), 413, "larger than"),
        ("oversize experiment", &small, "POST", "/admin/experiments/BTC/calibrator".into(), Some(wasm("calibrator_eager")), 413, "larger than"),
        // TC4: names that are not plain stems
        ("traversal", &admin, "POST", format!("{swap}?component=../calibrator"), None, 400, "plain file stem"),
        ("absolute", &admin, "POST", format!("{swap}?component=%2Fetc%2Fpasswd"), None, 400, "plain file stem"),
        ("extension", &admin, "POST", format!("{swap}?component=calibrator.wasm"), None, 400, "plain file stem"),
        ("missing file", &admin, "POST", format!("{swap}?component=no_such_build"), None, 404, "no component"),
        ("stem and body", &admin, "POST", format!("{swap}?component=calibrator_eager"), Some(wasm("calibrator_eager")), 400, "not both"),
        ("neither", &admin, "POST", swap.into(), None, 400, "no component"),
        ("unknown parameter", &admin, "POST", format!("{swap}?path=x"), None, 400, "query parameters"),
        ("from on a swap", &admin, "POST", format!("{swap}?component=calibrator_eager&from=fresh"), None, 400, "experiments only"),
        ("bad from", &admin, "POST", "/admin/experiments/BTC/calibrator?component=calibrator_eager&from=later".into(), None, 400, "`from`"),
        // TC5: bad targets
        ("unknown symbol", &admin, "POST", "/admin/slots/DOGE/calibrator/swap?component=calibrator_eager".into(), None, 400, "unknown symbol"),
        ("unknown engine", &admin, "POST", "/admin/slots/BTC/oracle/swap?component=calibrator_eager".into(), None, 400, "unknown engine"),
        ("engine without a slot", &admin, "POST", "/admin/slots/BTC/heatmap/rollback".into(), None, 404, "no heatmap slot"),
        // TC6: nothing to do
        ("same version", &admin, "POST", format!("{swap}?component=calibrator"), None, 409, "already running"),
        ("nothing to roll back", &admin, "POST", "/admin/slots/BTC/calibrator/rollback".into(), None, 409, "no previous version"),
        ("no experiment to promote", &admin, "POST", "/admin/experiments/BTC/calibrator/promote".into(), None, 404, "no experiment"),
        ("no experiment to read", &admin, "GET", "/admin/experiments/BTC/calibrator".into(), None, 404, "no experiment"),
        ("no experiment to stop", &admin, "DELETE", "/admin/experiments/BTC/calibrator".into(), None, 404, "no experiment"),
        ("wrong method", &admin, "GET", swap.into(), None, 405, "method"),
    ];
    let dir = sandbox.dir.path().to_string_lossy().into_owned();
    for (label, client, method, path, body, status, needle) in cases {
        let (got, json) = client.call(method, &path, body);
        assert_eq!(got, status, "{label}: {json}");
        assert_eq!(json["status"], status, "{label}: {json}");
        let error = json["error"].as_str().unwrap_or_else(|| panic!("{label}: no error message: {json}"));
        assert!(error.contains(needle), "{label}: {error:?} lacks {needle:?}");
        assert!(!error.contains(&dir) && !error.contains("/tmp") && !error.contains(".rs:"), "{label}: a path leaked: {error}");
    }
    let after = admin.slot("BTC", "calibrator");
    assert_eq!(after["primary"]["content_hash"], before["primary"]["content_hash"], "nothing changed");
    assert_eq!(after["counters"]["swaps"], 0);
    assert!(after["shadow"].is_null());
    service.shutdown();
}

const ENGINES: [(&str, &str); 6] = [
    ("entry_inference", "entry_inference"),
    ("calibrator", "calibrator"),
    ("zone_manager", "zone_manager"),
    ("heatmap", "heatmap"),
    ("calibrator_eager", "calibrator_eager"),
    ("zone_manager_wide", "zone_manager_wide"),
];

#[test]
fn swaps_roll_back_and_experiments_run_live_without_touching_the_feeds() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(liqhost_sim::SimConfig::standard(41, 240.0))).unwrap();
    let sandbox = Sandbox::new(&ENGINES);
    let (service, _) = start_host(sim_config(&sim, &sandbox, &["BTC", "ETH"]), None);
    let admin = Admin::new(start_admin(service.clone(), 16 << 20));
    wait_until("calibrators fed on both symbols", Duration::from_secs(90), || {
        ["BTC", "ETH"].iter().all(|s| {
            let v = service.view(s).unwrap();
            v.products.counters.minutes >= 2 && v.products.calibrator.as_ref().is_some_and(|c| c.total_events > 0)
        })
    });
    // (venue, connects, reconnects, stalls)
    let connections = |service: &Service| service.feed_stats().iter().map(|(v, f)| (*v, f.connects, f.reconnects, f.stalls)).collect::<Vec<_>>();
    let feeds_before = connections(&service);
    assert_eq!(feeds_before.len(), 3);
    let eth_before = admin.slot("ETH", "calibrator");
    assert_eq!(admin.slot("BTC", "calibrator")["primary"]["version"], "0.1.0");

    // A swap by upload changes the version live (symbol in another spelling).
    let fast = wasm("calibrator_eager");
    let answer = admin.ok("POST", "/admin/slots/btc/calibrator/swap", Some(fast.clone()));
    assert_eq!((answer["swap"]["to_version"].as_str(), answer["swap"]["origin"].as_str()), (Some("0.2.0"), Some("admin")), "{answer}");
    let slot = admin.slot("BTC", "calibrator");
    assert_eq!(slot["primary"]["version"], "0.2.0");
    assert_eq!(slot["primary"]["content_hash"], sha256_hex(&fast));
    assert_eq!(slot["primary"]["source"], "upload");
    assert_eq!(admin.slot("ETH", "calibrator")["primary"]["content_hash"], eth_before["primary"]["content_hash"], "ETH untouched");
    let calls = slot["primary"]["counters"]["calls"].as_u64().unwrap();
    wait_until("the swapped calibrator to take calls", Duration::from_secs(30), || {
        admin.slot("BTC", "calibrator")["primary"]["counters"]["calls"].as_u64().unwrap() > calls + 5
    });

    // Rollback restores it.
    let answer = admin.ok("POST", "/admin/slots/BTC/calibrator/rollback", None);
    assert_eq!(answer["swap"]["to_version"], "0.1.0", "{answer}");
    let slot = admin.slot("BTC", "calibrator");
    assert_eq!(slot["primary"]["version"], "0.1.0");
    assert_eq!(slot["primary"]["content_hash"], eth_before["primary"]["content_hash"]);
    assert_eq!(slot["counters"]["rollbacks"], 1);
    assert_eq!(connections(&service), feeds_before, "the feeds were not reconnected by the swap and the rollback");

    // An experiment: calibrator_eager shadows calibrator from its state.
    let started = admin.ok("POST", "/admin/experiments/BTC/calibrator?component=calibrator_eager", None);
    assert_eq!(started["experiment"]["candidate_version"], "0.2.0", "{started}");
    assert_eq!(admin.call("POST", "/admin/experiments/BTC/calibrator?component=calibrator_eager", None).0, 409, "one experiment at a time");
    let listed = admin.ok("GET", "/admin/experiments", None);
    assert_eq!(listed["experiments"][0]["shadow_version"], "0.2.0", "{listed}");
    assert_eq!(listed["experiments"][0]["started"]["from"], "primary");
    let mut report = Value::Null;
    // calibrator_eager closes a window every 15 simulated minutes (under 4 s here): its own weights then show.
    wait_until("the shadow to take calls and propose weights", Duration::from_secs(90), || {
        report = admin.ok("GET", "/admin/experiments/BTC/calibrator", None);
        report["shadow"]["calls"].as_u64().unwrap_or(0) >= 20 && report["started"]["shadow_proposal"].is_object()
    });
    let cal = &report["calibrator"];
    for side in ["primary", "shadow"] {
        let hit = cal[side]["hit_rate"].as_f64().unwrap_or_else(|| panic!("{side} hit rate: {report}"));
        assert!((0.0..=1.0).contains(&hit), "{side}: {hit}");
        assert!(cal[side]["total_events"].as_u64().unwrap() > 0, "{report}");
        assert!(report[side]["mean_call_ns"].as_u64().unwrap() > 0 && report[side]["memory_bytes"].as_u64().unwrap() > 0, "{report}");
    }
    let (wp, ws) = (cal["primary"]["weights"].as_array().unwrap(), cal["shadow"]["weights"].as_array().unwrap());
    assert!(!wp.is_empty() && wp.len() == ws.len() && wp.len() == cal["tiers"].as_array().unwrap().len(), "{report}");
    let drift = cal["drift"].as_f64().unwrap_or_else(|| panic!("drift: {report}"));
    assert!((0.0..=1.0).contains(&drift), "{drift}");
    // The shadow's weights are its own proposal (a shadow adopts the primary's weights every minute).
    let proposal: Vec<f64> = serde_json::from_value(report["started"]["shadow_proposal"]["weights"].clone()).unwrap();
    assert_eq!(ws.iter().map(|w| w.as_f64().unwrap()).collect::<Vec<_>>(), proposal);
    let primary: Vec<f64> = wp.iter().map(|w| w.as_f64().unwrap()).collect();
    let tv = 0.5 * primary.iter().zip(&proposal).map(|(a, b)| (a - b).abs()).sum::<f64>();
    assert!((drift - tv).abs() < 1e-9, "drift is the total-variation distance: {drift} vs {tv}");
    assert!(report["rows"].as_array().unwrap().iter().any(|r| r["figure"] == "hit rate" && r["primary"].is_number() && r["shadow"].is_number()));
    assert_eq!(report["started"]["from"], "primary");

    // Promote: the candidate becomes the primary; the experiment is over.
    let promoted = admin.ok("POST", "/admin/experiments/BTC/calibrator/promote", None);
    assert_eq!(promoted["promote"]["to_version"], "0.2.0", "{promoted}");
    let slot = admin.slot("BTC", "calibrator");
    assert_eq!(slot["primary"]["version"], "0.2.0");
    assert!(slot["shadow"].is_null());
    assert_eq!(admin.call("GET", "/admin/experiments/BTC/calibrator", None).0, 404);

    // The other engines' comparisons: zone quality, heatmap divergence, entry-inference costs.
    admin.ok("POST", "/admin/experiments/BTC/zone-manager?component=zone_manager_wide&from=fresh", None);
    admin.ok("POST", "/admin/experiments/BTC/heatmap?component=heatmap", None);
    admin.ok("POST", "/admin/experiments/BTC/entry_inference?component=entry_inference", None);
    let zones = admin.ok("GET", "/admin/experiments/BTC/zone-manager", None);
    assert!(zones["zones"]["primary"]["median_lifespan_minutes"].is_number() && zones["zones"]["shadow"]["swept_rate"].is_number(), "{zones}");
    assert_eq!(zones["started"]["from"], "fresh");
    let heat = admin.ok("GET", "/admin/experiments/BTC/heatmap", None);
    let divergence = heat["divergence"][0]["value"].as_f64().unwrap_or_else(|| panic!("heatmap divergence: {heat}"));
    assert!((0.0..=1.0).contains(&divergence), "{heat}");
    let ei = admin.ok("GET", "/admin/experiments/BTC/entry-inference", None);
    assert!(ei["notes"][0].as_str().unwrap().contains("liqhost ab"), "{ei}");
    assert!(ei["rows"].as_array().unwrap().iter().any(|r| r["figure"] == "mean call (µs)" && r["shadow"].is_number()), "{ei}");
    for engine in ["zone-manager", "heatmap", "entry-inference"] {
        assert_eq!(admin.ok("DELETE", &format!("/admin/experiments/BTC/{engine}"), None)["stopped"], true);
        assert!(admin.slot("BTC", engine)["shadow"].is_null());
    }

    // Over the whole run a loaded machine can stall a feed (no frame for 3 s) and it then
    // reconnects; every reconnect must be such a stall, none caused by the admin calls.
    let after = connections(&service);
    for ((venue, _, r0, s0), (_, _, r1, s1)) in feeds_before.iter().zip(&after) {
        assert!(r1 - r0 <= s1 - s0, "{venue}: reconnects not explained by stalls: {feeds_before:?} -> {after:?}");
    }
    service.shutdown();
    rt.block_on(sim.shutdown());
}
