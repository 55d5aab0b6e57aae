//! The JetStream message id (`Nats-Msg-Id`) of an event, built from the venue's own identities.
//!
//! Redundant ingest nodes publish the same event independently; JetStream stores the first
//! copy and drops the others when their ids match within the stream's duplicate window. So
//! the id must be equal for two copies of one event and differ between distinct events,
//! using only what the venue sent (never the local clock or the ingest node).
//!
//! - Book updates: the venue's update ids (`first_id`, `last_id`) and exchange time, and
//!   whether it is a snapshot. A REST snapshot fetched by each node separately is a
//!   different snapshot (other ids), so each node's is kept; a reader resets on each.
//! - Book tickers: the venue's update id and time.
//! - Liquidations, open interest, mark prices, long/short ratios: exchange time and every
//!   value (floats written exactly, shortest round-trip form). A revised value at the same
//!   time is another event.
//! - Trades: the venue's trade id (`Trade::trade_id`: Binance's aggregate id, OKX's
//!   `tradeId`, Bybit's UUID hashed) and exchange time. A trade whose frame carried no id
//!   falls back to price, quantity, taker side and exchange millisecond, so two distinct
//!   such trades equal in all of these (same-size fills in one millisecond) would get one id
//!   and the second be dropped as a duplicate.

use std::fmt::Write;

use liqhost_market::{MarketEvent, OiAmount, PositionSide, TakerSide};

use super::subject::kind_token;

/// `<venue>.<symbol>.<kind>.<identity…>`: the kind and market are in it, so equal numbers
/// of different markets never collide.
pub fn msg_id(event: &MarketEvent) -> String {
    let mut id = format!("{}.{}.{}", event.venue().name(), event.symbol(), kind_token(event));
    // Writing into a String cannot fail.
    let _ = match event {
        MarketEvent::Book(b) => {
            write!(id, ".{}.{}.{}.{}", if b.snapshot { "s" } else { "d" }, b.first_id, b.last_id, b.ts_ms)
        }
        MarketEvent::BookTicker(t) => write!(id, ".{}.{}", t.update_id, t.ts_ms),
        MarketEvent::Trade(t) => match t.trade_id {
            Some(trade_id) => write!(id, ".t{trade_id}.{}", t.ts_ms),
            None => write!(id, ".{}.{}.{}.{}", t.ts_ms, taker(t.taker), t.price, t.qty),
        },
        MarketEvent::Liquidation(l) => write!(id, ".{}.{}.{}.{}.{}", l.ts_ms, side(l.side), l.price, l.qty, l.notional_usd),
        MarketEvent::OpenInterest(o) => match o.amount {
            OiAmount::Coins(c) => write!(id, ".{}.c{}", o.ts_ms, c),
            OiAmount::Usd(u) => write!(id, ".{}.u{}", o.ts_ms, u),
        },
        MarketEvent::MarkPrice(m) => write!(id, ".{}.{}.{:?}.{:?}", m.ts_ms, m.mark, m.index, m.funding_rate),
        MarketEvent::LongShortRatio(r) => write!(id, ".{}.{:?}.{}", r.ts_ms, r.kind, r.long_short_ratio),
    };
    id
}

fn taker(side: TakerSide) -> &'static str {
    match side {
        TakerSide::Buy => "b",
        TakerSide::Sell => "s",
    }
}

fn side(side: PositionSide) -> &'static str {
    match side {
        PositionSide::Long => "l",
        PositionSide::Short => "s",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::samples::{every_kind, feed_like};
    use crate::cluster::wire;
    use std::collections::HashSet;

    #[test]
    fn two_copies_of_an_event_get_one_id() {
        for event in every_kind().into_iter().chain(feed_like(500)) {
            // A copy as another ingest node has it: decoded from its own bytes, no shared memory.
            let copy = wire::decode(&wire::encode(&event)).unwrap();
            assert_eq!(msg_id(&event), msg_id(&copy));
        }
    }

    #[test]
    fn distinct_events_get_distinct_ids() {
        let events: Vec<MarketEvent> = every_kind().into_iter().chain(feed_like(5_000)).collect();
        let ids: HashSet<String> = events.iter().map(msg_id).collect();
        assert_eq!(ids.len(), events.len());
    }

    #[test]
    fn a_book_snapshot_and_a_diff_with_the_same_ids_differ() {
        let kinds = every_kind();
        assert_ne!(msg_id(&kinds[0]), msg_id(&kinds[1]));
    }

    #[test]
    fn each_identity_field_changes_the_id() {
        let MarketEvent::Book(book) = every_kind().remove(1) else { unreachable!() };
        let base = msg_id(&MarketEvent::Book(book.clone()));
        let changed = [
            MarketEvent::Book(liqhost_market::BookUpdate { first_id: book.first_id + 1, ..book.clone() }),
            MarketEvent::Book(liqhost_market::BookUpdate { last_id: book.last_id + 1, ..book.clone() }),
            MarketEvent::Book(liqhost_market::BookUpdate { ts_ms: book.ts_ms + 1, ..book.clone() }),
            MarketEvent::Book(liqhost_market::BookUpdate { symbol: "ETH".into(), ..book.clone() }),
            MarketEvent::Book(liqhost_market::BookUpdate { venue: liqhost_market::Venue::Bybit, ..book.clone() }),
        ];
        for event in changed {
            assert_ne!(msg_id(&event), base);
        }
    }

    /// Two fills equal in price, size, side and millisecond are told apart by the venue's
    /// trade id; without one (the caveat of the module header) they are one id.
    #[test]
    fn trades_are_told_apart_by_the_venues_id_and_collide_without_it() {
        let trade = every_kind().remove(3);
        let MarketEvent::Trade(with_id) = trade.clone() else { unreachable!() };
        assert!(with_id.trade_id.is_some());
        assert_eq!(msg_id(&trade), msg_id(&trade.clone()), "two copies of one trade");
        let second_fill = MarketEvent::Trade(liqhost_market::Trade { trade_id: with_id.trade_id.map(|i| i + 1), ..with_id.clone() });
        assert_ne!(msg_id(&trade), msg_id(&second_fill), "another fill, same fields, its own id");
        let t = liqhost_market::Trade { trade_id: None, ..with_id };
        let trade = MarketEvent::Trade(t.clone());
        assert_eq!(msg_id(&trade), msg_id(&MarketEvent::Trade(t.clone())), "without ids two equal fills collide");
        let other_size = MarketEvent::Trade(liqhost_market::Trade { qty: t.qty * 2.0, ..t.clone() });
        let other_side = MarketEvent::Trade(liqhost_market::Trade { taker: TakerSide::Buy, ..t.clone() });
        assert_ne!(msg_id(&other_size), msg_id(&MarketEvent::Trade(t.clone())));
        assert_ne!(msg_id(&other_side), msg_id(&MarketEvent::Trade(t)));
    }
}
