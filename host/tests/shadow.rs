//! Shadow (A/B) slots: the shadow sees the primary's events in the same order; promote keeps its state.

mod common;

use common::*;
use liqhost::pipeline::Msg;
use liqhost::domain::zm::ZoneQuery;
use liqhost::plugin::{Call, EngineKind, LoadedComponent, Output};

#[test]
fn shadow_sees_identical_events_and_promote_keeps_its_state() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let (service, _) = start_host(sandbox.config(&[("BTC", "zone_manager"), ("ETH", "zone_manager")]), None);
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=100).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 100);

    let wide = LoadedComponent::load(service.runtime(), EngineKind::ZoneManager, &wasm("zone_manager_wide"), "zone_manager_wide.wasm").unwrap();
    ask(&btc, |reply| Msg::StartShadow { kind: EngineKind::ZoneManager, component: wide, from_primary_state: true, reply }).unwrap();
    send_minutes(&btc, (101..=400).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 400);

    let view = btc.view();
    let (primary, shadow) = (view.progress[&EngineKind::ZoneManager], view.shadow_progress[&EngineKind::ZoneManager]);
    assert_eq!(primary, shadow, "same events, same order (events, last seq, out of order)");
    assert_eq!((shadow.events, shadow.last_seq, shadow.out_of_order), (400, 400, 0));

    let query = ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None };
    let (p, s) = ask(&btc, |reply| Msg::Read { kind: EngineKind::ZoneManager, call: Call::Zones { query: query.clone() }, reply }).unwrap();
    let (Output::Zones(primary_zones), Some(Output::Zones(shadow_zones))) = (p, s) else { panic!("zones from both") };
    assert_ne!(primary_zones, shadow_zones, "two different builds produce different zones (kept apart)");
    assert_eq!(btc.view().zones, primary_zones, "only the primary's output is published");

    let record = ask(&btc, |reply| Msg::Promote { kind: EngineKind::ZoneManager, reply }).unwrap();
    assert_eq!((record.to_version.as_str(), record.origin.as_str()), ("0.2.0", "promote"));
    let (after, shadow_after) = ask(&btc, |reply| Msg::Read { kind: EngineKind::ZoneManager, call: Call::Zones { query }, reply }).unwrap();
    assert_eq!(after, Output::Zones(shadow_zones), "the promoted version kept the shadow's own state");
    assert!(shadow_after.is_none());
    send_minutes(&btc, [minute(401, 60_000.0)]);
    wait_for_events(&btc, 401);
    assert_eq!(btc.view().slot(EngineKind::ZoneManager).unwrap().primary.version, "0.2.0");
    service.shutdown();
}
