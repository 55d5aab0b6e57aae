//! What is exposed: the public slot list shows names and versions only (the admin API keeps the rest), a remote admin bind needs an explicit opt-in, a short admin token is refused at start.

mod common;

use std::sync::Arc;

use common::*;
use liqhost::config::AdminConfig;
use liqhost::service::Service;
use serde_json::Value;

const TOKEN: &str = "exposure-test-token-0123";

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap_or_else(|| panic!("an object: {v}")).keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn the_public_slot_list_shows_names_and_versions_only_and_the_admin_list_keeps_everything() {
    let sandbox = Sandbox::new(&STANDARD_ENGINES);
    let mut config = sandbox.config(&[("BTC", "zone_manager")]);
    config.plugins.watch = false;
    let (service, addr) = start_host(config, None);
    let admin = start_admin(service.clone(), TOKEN, 1 << 20);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (public, private): (Value, Value) = rt.block_on(async {
        let public = reqwest::get(format!("http://{addr}/plugins")).await.unwrap().json().await.unwrap();
        let private = reqwest::Client::new().get(format!("http://{admin}/admin/slots")).bearer_auth(TOKEN).send().await.unwrap().json().await.unwrap();
        (public, private)
    });
    let slots = public.as_array().unwrap();
    assert_eq!(slots.len(), 4, "{public}");
    for slot in slots {
        assert_eq!(keys(slot), ["engine", "primary", "shadow", "symbol"], "{slot}");
        assert_eq!(keys(&slot["primary"]), ["name", "version"], "no hash, source, sizes or counters: {slot}");
        assert!(slot["shadow"].is_null());
    }
    println!("public /plugins item: {}", slots[0]);
    let first = &private["slots"][0];
    assert!(first["primary"]["content_hash"].as_str().is_some_and(|h| h.len() == 64) && first["counters"].is_object(), "the admin list keeps everything: {first}");
    service.shutdown();
}

#[test]
fn a_remote_admin_bind_needs_allow_remote_and_a_short_token_is_refused_at_start() {
    assert!(std::env::var_os(liqhost::admin::TOKEN_ENV).is_none(), "the test sets tokens through the config");
    let sandbox = Sandbox::new(&[]);
    let mut config = sandbox.config(&[("BTC", "zone_manager")]);
    config.plugins.watch = false;
    config.storage.persist = false;
    let service = Arc::new(Service::start(config, None).unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let start = |bind: &str, token: &str, allow_remote: bool| {
            let config = AdminConfig { bind: bind.into(), token: Some(token.into()), allow_remote, ..AdminConfig::default() };
            let service = service.clone();
            async move { liqhost::admin::start(&config, service).await }
        };
        let remote = start("0.0.0.0:0", TOKEN, false).await.err().expect("a non-loopback bind is refused without allow_remote").to_string();
        println!("refused: {remote}");
        assert!(remote.contains("allow_remote") && remote.contains("0.0.0.0:0"), "{remote}");

        let short = start("127.0.0.1:0", "s3cret-token", false).await.err().expect("a 12-byte token is refused").to_string();
        println!("refused: {short}");
        assert!(short.contains("12 bytes") && short.contains("at least 16") && !short.contains("s3cret"), "{short}");

        let opted_in = start("0.0.0.0:0", TOKEN, true).await.expect("allow_remote opts in").expect("a token: started");
        assert!(opted_in.addr.ip().is_unspecified());
        opted_in.stop().await;
        let local = start("127.0.0.1:0", TOKEN, false).await.unwrap().expect("loopback with a long token starts");
        local.stop().await;
    });
    service.shutdown();
}
