//! The subject of an event in the stream: `<prefix>.<venue>.<symbol>.<kind>`.
//!
//! One subject per venue, symbol and kind: a reader filters what it needs, and order is
//! kept per subject. A book's snapshots and diffs share the `book` subject, since a diff
//! only means something after the snapshot before it.

use liqhost_market::MarketEvent;

/// The subject's last token for each kind.
pub fn kind_token(event: &MarketEvent) -> &'static str {
    match event {
        MarketEvent::Book(_) => "book",
        MarketEvent::BookTicker(_) => "book_ticker",
        MarketEvent::Trade(_) => "trade",
        MarketEvent::Liquidation(_) => "liquidation",
        MarketEvent::OpenInterest(_) => "open_interest",
        MarketEvent::MarkPrice(_) => "mark_price",
        MarketEvent::LongShortRatio(_) => "long_short_ratio",
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("symbol `{0}` cannot be a subject token (empty, or `.`, `*`, `>` or a space in it)")]
pub struct BadSymbol(pub String);

/// The event's subject; a symbol NATS would read as several tokens or a wildcard is refused.
pub fn subject(prefix: &str, event: &MarketEvent) -> Result<String, BadSymbol> {
    let symbol = event.symbol();
    if symbol.is_empty() || symbol.contains(|c: char| c.is_whitespace() || matches!(c, '.' | '*' | '>')) {
        return Err(BadSymbol(symbol.to_string()));
    }
    Ok(format!("{prefix}.{}.{symbol}.{}", event.venue().name(), kind_token(event)))
}

/// Every event of one venue and symbol (`<prefix>.<venue>.<symbol>.>`), for a reader's filter.
pub fn market_filter(prefix: &str, venue: liqhost_market::Venue, symbol: &str) -> String {
    format!("{prefix}.{}.{symbol}.>", venue.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::samples::every_kind;
    use std::sync::Arc;

    #[test]
    fn subjects_name_venue_symbol_and_kind() {
        let subjects: Vec<String> = every_kind().iter().map(|e| subject("lq.ev", e).unwrap()).collect();
        assert_eq!(subjects[0], "lq.ev.binance.BTC.book");
        assert_eq!(subjects[1], subjects[0], "snapshots and diffs of a book share a subject");
        assert_eq!(subjects[3], "lq.ev.bybit.BTC.trade");
        assert_eq!(subjects[4], "lq.ev.okx.BTC.liquidation");
        assert!(subjects.iter().all(|s| s.split('.').count() == 5), "prefix (2 tokens), venue, symbol, kind: {subjects:?}");
    }

    #[test]
    fn a_symbol_that_is_not_one_token_is_refused() {
        for bad in ["", "BTC.X", "B*", ">", "B TC"] {
            let mut event = every_kind().remove(3);
            if let MarketEvent::Trade(t) = &mut event {
                t.symbol = Arc::from(bad);
            }
            assert_eq!(subject("p", &event), Err(BadSymbol(bad.into())));
        }
    }

    #[test]
    fn dated_futures_are_one_token() {
        let mut event = every_kind().remove(3);
        if let MarketEvent::Trade(t) = &mut event {
            t.symbol = Arc::from("BTC-221230");
        }
        assert_eq!(subject("p", &event).unwrap(), "p.bybit.BTC-221230.trade");
    }
}
