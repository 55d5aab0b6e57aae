//! Instruments answers of the three venues, from their documented samples.

use super::*;

// Docs: binance-derivatives usds-margined-futures market-data rest-api Exchange-Information,
// "Response Example" (BLZUSDT, abridged: rate limits and assets cut). Added to it: a quarterly
// future, a symbol settling after its delisting and one announced (statuses the docs list).
const EXCHANGE_INFO: &str = r#"{"exchangeFilters":[],"rateLimits":[{"interval":"MINUTE","intervalNum":1,"limit":2400,"rateLimitType":"REQUEST_WEIGHT"}],
 "serverTime":1565613908500,"assets":[{"asset":"USDT","marginAvailable":true,"autoAssetExchange":0}],
 "symbols":[{"symbol":"BLZUSDT","pair":"BLZUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,"onboardDate":1598252400000,
  "status":"TRADING","maintMarginPercent":"2.5000","requiredMarginPercent":"5.0000","baseAsset":"BLZ","quoteAsset":"USDT","marginAsset":"USDT",
  "pricePrecision":5,"quantityPrecision":0,"baseAssetPrecision":8,"quotePrecision":8,"underlyingType":"COIN","underlyingSubType":["STORAGE"],
  "settlePlan":0,"triggerProtect":"0.15","filters":[{"filterType":"PRICE_FILTER","maxPrice":"300","minPrice":"0.0001","tickSize":"0.0001"},
  {"filterType":"LOT_SIZE","maxQty":"10000000","minQty":"1","stepSize":"1"},{"filterType":"MARKET_LOT_SIZE","maxQty":"590119","minQty":"1","stepSize":"1"},
  {"filterType":"MAX_NUM_ORDERS","limit":200},{"filterType":"MAX_NUM_ALGO_ORDERS","limit":100},{"filterType":"MIN_NOTIONAL","notional":"5.0"},
  {"filterType":"PERCENT_PRICE","multiplierUp":"1.1500","multiplierDown":"0.8500","multiplierDecimal":4}],
  "OrderType":["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET","TRAILING_STOP_MARKET"],
  "timeInForce":["GTC","IOC","FOK","GTX"],"liquidationFee":"0.010000","marketTakeBound":"0.30"},
 {"symbol":"BTCUSDT_250926","pair":"BTCUSDT","contractType":"CURRENT_QUARTER","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT",
  "filters":[{"filterType":"PRICE_FILTER","maxPrice":"809484","minPrice":"576.3","tickSize":"0.1"}]},
 {"symbol":"OLDUSDT","pair":"OLDUSDT","contractType":"PERPETUAL","status":"SETTLING","baseAsset":"OLD","quoteAsset":"USDT","filters":[]},
 {"symbol":"NEWUSDT","pair":"NEWUSDT","contractType":"PERPETUAL","status":"PENDING_TRADING","baseAsset":"NEW","quoteAsset":"USDT",
  "filters":[{"filterType":"PRICE_FILTER","tickSize":"0.00001"}]}],"timezone":"UTC"}"#;

fn by_symbol<'a>(listed: &'a [Listed], name: &str) -> &'a Listed {
    listed.iter().find(|l| l.venue_symbol == name).unwrap_or_else(|| panic!("{name} missing"))
}

#[test]
fn binance_exchange_info_gives_tick_type_and_status() {
    let listed = parse(Venue::Binance, &requests(Venue::Binance)[0], EXCHANGE_INFO).unwrap();
    assert_eq!(listed.len(), 4);
    let blz = by_symbol(&listed, "BLZUSDT");
    let want = Listed {
        venue: Venue::Binance,
        venue_symbol: "BLZUSDT".into(),
        base: "BLZ".into(),
        quote: "USDT".into(),
        kind: ContractKind::Linear,
        perpetual: true,
        tick_size: Some(0.0001),
        contract_size: 1.0,
        status: "TRADING".into(),
        trading: true,
    };
    assert_eq!(blz, &want, "TC0: the documented perpetual");
    assert!(blz.followable());
    let quarter = by_symbol(&listed, "BTCUSDT_250926");
    assert!(quarter.trading && !quarter.perpetual && !quarter.followable(), "TC1: a dated future is not followed");
    assert!(!by_symbol(&listed, "OLDUSDT").followable(), "TC2: settling after a delisting");
    let new = by_symbol(&listed, "NEWUSDT");
    assert!(!new.trading && new.tick_size == Some(0.00001), "TC3: announced, not trading yet");
    for (label, body) in [("TC4: not JSON", "<html>"), ("TC5: bad tick", &EXCHANGE_INFO.replace("\"0.0001\"", "\"tick\"") as &str)] {
        assert!(parse(Venue::Binance, "/fapi/v1/exchangeInfo", body).is_err(), "{label}");
    }
}

#[test]
fn bybit_instruments_give_coins_tick_and_status() {
    let listed = parse(Venue::Bybit, &requests(Venue::Bybit)[0], crate::bybit::tests::INSTRUMENTS).unwrap();
    let btc = by_symbol(&listed, "BTCUSDT");
    assert_eq!((btc.base.as_str(), btc.quote.as_str(), btc.tick_size, btc.kind), ("BTC", "USDT", Some(0.1), ContractKind::Linear), "TC0");
    assert!(btc.perpetual && btc.trading && btc.followable(), "TC0");
    let new = by_symbol(&listed, "NEWUSDT");
    assert!(!new.trading && new.tick_size.is_none(), "TC1: pre-launch, filters not set yet");
    let error = r#"{"retCode":10001,"retMsg":"params error","result":{},"retExtInfo":{},"time":1}"#;
    assert!(parse(Venue::Bybit, "/v5/market/instruments-info?category=linear", error).is_err(), "TC2: an error answer");
    assert_eq!(next_page(Venue::Bybit, crate::bybit::tests::INSTRUMENTS), None, "TC3: one page");
    let paged = crate::bybit::tests::INSTRUMENTS.replace(r#""nextPageCursor":"""#, r#""nextPageCursor":"abc%3D%3D""#);
    assert_eq!(next_page(Venue::Bybit, &paged).as_deref(), Some("abc%3D%3D"), "TC4: more pages");
}

#[test]
fn okx_instruments_give_contract_size_type_and_state() {
    let path = &requests(Venue::Okx)[0];
    let listed = parse(Venue::Okx, path, crate::okx::tests::INSTRUMENTS).unwrap();
    let btc = by_symbol(&listed, "BTC-USDT-SWAP");
    assert_eq!((btc.base.as_str(), btc.quote.as_str(), btc.contract_size, btc.tick_size), ("BTC", "USDT", 0.01, Some(0.1)), "TC0");
    assert!(btc.followable(), "TC0");
    let inverse = by_symbol(&listed, "BTC-USD-SWAP");
    assert_eq!((inverse.kind, inverse.quote.as_str(), inverse.contract_size), (ContractKind::Inverse, "USD", 100.0), "TC1");
    assert!(!inverse.followable(), "TC1: the feeds follow USDT-margined swaps");
    assert!(listed.iter().all(|l| l.venue_symbol != "BTC-USDT" && l.venue_symbol != "NEW-USDT-SWAP"), "TC2: spot and untyped lines left out");
    let futures = r#"{"code":"0","msg":"","data":[{"instId":"BTC-USD-221230","instType":"FUTURES","instFamily":"BTC-USD","ctVal":"100","ctType":"inverse","state":"live","tickSz":"0.1"}]}"#;
    let dated = parse(Venue::Okx, &requests(Venue::Okx)[1], futures).unwrap();
    assert!(dated.len() == 1 && !dated[0].perpetual && dated[0].trading, "TC3: a dated future");
    assert!(parse(Venue::Okx, path, futures).unwrap().is_empty(), "TC4: another type than asked is left out");
    assert!(parse(Venue::Okx, path, r#"{"code":"51000","msg":"Parameter instType error","data":[]}"#).is_err(), "TC5");
}
