use liqhost_sim::model::Market;
use liqhost_sim::SimConfig;
#[test]
fn rates() {
    let mut m = Market::new(&SimConfig::standard(1, 1.0));
    let t = std::time::Instant::now();
    let mut deltas = 0usize; let mut trades = 0usize;
    for _ in 0..864_000 { let o = m.step(); for s in &o.symbols { deltas += s.deltas.iter().map(|d| d.len()).sum::<usize>(); trades += s.trades.len(); } }
    println!("1h sim in {:?}: liqs {} deltas levels {} trades {}", t.elapsed(), m.liquidations.len(), deltas, trades);
    for s in &m.symbols { println!("{} price {:.2} oi_usd {:.0} n {}", s.name(), s.path.price(), s.traders.oi_coins_total()*s.path.price(), s.traders.len()); }
    let mut by = std::collections::BTreeMap::new();
    for l in &m.liquidations { *by.entry((l.symbol.clone(), l.leverage)).or_insert(0) += 1; }
    println!("{by:?}");
    let n: f64 = m.liquidations.iter().map(|l| l.notional_usd).sum();
    println!("liq notional {n:.0}");
}
