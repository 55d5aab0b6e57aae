//! OKX REST: instruments (`ctVal`), open interest, order book.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use liqhost_market::Venue;
use serde_json::{json, Value};

use super::{oi_json, okx_levels, V};
use crate::venues::listing::Listing;
use crate::venues::server::{json, json_text, Shared};

type Params = Query<BTreeMap<String, String>>;

fn okx_error(code: &str, msg: &str) -> Response {
    json(StatusCode::BAD_REQUEST, json!({"code": code, "msg": msg, "data": []}))
}

/// The instruments asked for: all, or the one `instId` (None if it is unknown).
fn selected(q: &BTreeMap<String, String>, shared: &Shared) -> Option<Vec<usize>> {
    match q.get("instId") {
        Some(id) => shared.symbol_index(Venue::Okx, id).map(|i| vec![i]),
        None => Some((0..shared.symbols().len()).filter(|i| shared.listings.trading(*i)).collect()),
    }
}

/// `GET /api/v5/public/instruments?instType=SWAP|FUTURES[&instId=..]`: the contract specs
/// (`ctVal`) and state (`preopen` announced, `live`); a delisted swap is left out. The
/// simulator lists no dated futures: that answer is empty.
pub(super) async fn instruments(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    match q.get("instType").map(String::as_str) {
        Some("SWAP") => {}
        Some("FUTURES") => return json(StatusCode::OK, json!({"code": "0", "msg": "", "data": []})),
        _ => return okx_error("51000", "Parameter instType error"),
    }
    let which: Vec<usize> = match q.get("instId") {
        Some(id) => match shared.symbols().iter().position(|s| Venue::Okx.venue_symbol(s).eq_ignore_ascii_case(id)) {
            Some(i) => vec![i],
            None => return okx_error("51001", "Instrument ID does not exist"),
        },
        None => (0..shared.symbols().len()).collect(),
    };
    let m = shared.market();
    let data: Vec<Value> = which
        .into_iter()
        .filter_map(|i| {
            let state = match shared.listings.get(i) {
                Listing::Pending => "preopen",
                Listing::Trading => "live",
                Listing::Delisted => return None,
            };
            let s = &m.symbols[i];
            let family = format!("{}-USDT", s.name());
            Some(json!({
                "alias": "", "baseCcy": "", "category": "1", "ctMult": "1", "ctType": "linear",
                "ctVal": s.inst.venues[V].ct_val_text, "ctValCcy": s.name(), "expTime": "",
                "instFamily": family, "instId": Venue::Okx.venue_symbol(s.name()), "instType": "SWAP",
                "lever": "100", "listTime": "1573557408000", "lotSz": "1", "maxLmtSz": "100000000",
                "maxMktSz": "10000", "minSz": "1", "optType": "", "quoteCcy": "", "settleCcy": "USDT",
                "state": state, "stk": "", "tickSz": s.inst.price_text(1), "uly": family,
            }))
        })
        .collect();
    json(StatusCode::OK, json!({"code": "0", "msg": "", "data": data}))
}

/// `GET /api/v5/public/open-interest?instType=SWAP[&instId=..]`.
pub(super) async fn open_interest(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    if q.get("instType").map(String::as_str) != Some("SWAP") {
        return okx_error("51000", "Parameter instType error");
    }
    let Some(which) = selected(&q, &shared) else {
        return okx_error("51001", "Instrument ID does not exist");
    };
    let m = shared.market();
    let ts = m.clock.now_ms();
    let data: Vec<String> = which.into_iter().map(|i| oi_json(&m.symbols[i], ts)).collect();
    json_text(StatusCode::OK, format!(r#"{{"code":"0","msg":"","data":[{}]}}"#, data.join(",")))
}

/// `GET /api/v5/market/books?instId=..&sz=..`.
pub(super) async fn books(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let Some(i) = q.get("instId").and_then(|id| shared.symbol_index(Venue::Okx, id)) else {
        return okx_error("51001", "Instrument ID does not exist");
    };
    let sz: usize = q.get("sz").and_then(|n| n.parse().ok()).unwrap_or(1);
    let m = shared.market();
    let ts = m.clock.now_ms();
    let s = &m.symbols[i];
    let (bids, asks) = s.venues[V].book.top(sz.max(1));
    json_text(
        StatusCode::OK,
        format!(r#"{{"code":"0","msg":"","data":[{{"asks":{},"bids":{},"ts":"{ts}"}}]}}"#, okx_levels(&s.inst, &asks), okx_levels(&s.inst, &bids)),
    )
}
