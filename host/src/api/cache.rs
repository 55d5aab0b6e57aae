//! The response cache: answer bodies (JSON or binary records) by validated-parameter key, with a time to live, bounded in entries and bytes.
//!
//! The predecessor keyed its cache on raw query strings and evicted only by age, so a
//! flood of distinct float parameters grew it to hundreds of MB (docs/spec.md, audit H4). Here keys
//! are built from validated, normalised values, and both bounds are enforced on every
//! insert: when full, expired entries go first, then the oldest inserted.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::ApiConfig;

/// Bookkeeping bytes per entry besides key and body (map slots, the age index, the
/// shared key's header): counted so many tiny entries cannot exceed the byte bound either.
const ENTRY_OVERHEAD_BYTES: usize = 128;

/// Which time to live applies (docs/spec.md: 5 s live, 30 s history, 10 s stats).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheClass {
    Live,
    History,
    Stats,
}

#[derive(Clone, Copy, Debug)]
pub struct CacheLimits {
    pub max_entries: usize,
    pub max_bytes: usize,
    pub ttl_live: Duration,
    pub ttl_history: Duration,
    pub ttl_stats: Duration,
    /// Largest body kept.
    pub max_entry_bytes: usize,
}

impl CacheLimits {
    pub fn of(config: &ApiConfig) -> Self {
        CacheLimits {
            max_entries: config.cache_max_entries,
            max_bytes: config.cache_max_bytes,
            ttl_live: Duration::from_millis(config.cache_ttl_live_ms),
            ttl_history: Duration::from_millis(config.cache_ttl_history_ms),
            ttl_stats: Duration::from_millis(config.cache_ttl_stats_ms),
            max_entry_bytes: config.cache_max_entry_bytes.min(config.cache_max_bytes / 4),
        }
    }

    fn ttl(&self, class: CacheClass) -> Duration {
        match class {
            CacheClass::Live => self.ttl_live,
            CacheClass::History => self.ttl_history,
            CacheClass::Stats => self.ttl_stats,
        }
    }

    /// A body above this is served but not kept: one huge answer must not flush the cache
    /// (at most a quarter of it goes to one entry).
    fn max_entry_bytes(&self) -> usize {
        self.max_entry_bytes.min(self.max_bytes / 4)
    }
}

/// The cache's counters and occupancy (served in /health and /cache_stats).
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct CacheStats {
    /// Requests answered from the cache.
    pub hits: u64,
    /// Cacheable requests computed afresh (absent or expired entry).
    pub misses: u64,
    /// Entries removed to stay within `max_entries` or `max_bytes`.
    pub evictions: u64,
    /// Entries removed because their time to live had passed.
    pub expirations: u64,
    /// Entries stored.
    pub insertions: u64,
    /// Answers too large to cache (over `cache_max_entry_bytes`, or a quarter of `max_bytes`); served uncached.
    pub too_large: u64,
    /// Entries held now.
    pub entries: usize,
    /// Bytes held now: keys, bodies and a fixed per-entry overhead.
    pub bytes: usize,
    /// The configured bound on entries.
    pub max_entries: usize,
    /// The configured bound on bytes.
    pub max_bytes: usize,
}

impl CacheStats {
    /// The cache's Prometheus families (`/metrics`): counters since start, then what it holds
    /// and its bounds.
    pub fn metric_families(&self) -> Vec<crate::metrics::Single> {
        use crate::metrics::Kind::{Counter, Gauge};
        vec![
            ("liqhost_cache_hits_total", Counter, "Requests answered from the response cache.", self.hits as f64),
            ("liqhost_cache_misses_total", Counter, "Cacheable requests computed afresh.", self.misses as f64),
            ("liqhost_cache_evictions_total", Counter, "Entries removed to stay within the bounds.", self.evictions as f64),
            ("liqhost_cache_expirations_total", Counter, "Entries removed after their time to live.", self.expirations as f64),
            ("liqhost_cache_entries", Gauge, "Entries held by the response cache.", self.entries as f64),
            ("liqhost_cache_bytes", Gauge, "Bytes held by the response cache (keys, bodies, overhead).", self.bytes as f64),
            ("liqhost_cache_max_entries", Gauge, "The configured bound on entries.", self.max_entries as f64),
            ("liqhost_cache_max_bytes", Gauge, "The configured bound on bytes.", self.max_bytes as f64),
        ]
    }
}

struct Entry {
    seq: u64,
    body: Bytes,
    expires: Instant,
    cost: usize,
}

#[derive(Default)]
struct Store {
    map: HashMap<Arc<str>, Entry>,
    /// Insertion order: the oldest entry is evicted first.
    by_age: BTreeMap<u64, Arc<str>>,
    next_seq: u64,
    bytes: usize,
}

impl Store {
    fn remove(&mut self, key: &str) -> Option<Entry> {
        let entry = self.map.remove(key)?;
        self.by_age.remove(&entry.seq);
        self.bytes -= entry.cost;
        Some(entry)
    }

    fn pop_oldest(&mut self) -> Option<Entry> {
        let (_, key) = self.by_age.pop_first()?;
        let entry = self.map.remove(&key).expect("age index matches the map");
        self.bytes -= entry.cost;
        Some(entry)
    }
}

pub struct ResponseCache {
    limits: CacheLimits,
    store: Mutex<Store>,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
    expirations: AtomicU64,
    insertions: AtomicU64,
    too_large: AtomicU64,
}

impl ResponseCache {
    pub fn new(limits: CacheLimits) -> Self {
        ResponseCache {
            limits,
            store: Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            expirations: AtomicU64::new(0),
            insertions: AtomicU64::new(0),
            too_large: AtomicU64::new(0),
        }
    }

    /// The live body for `key`, if any; counts a hit or a miss.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let now = Instant::now();
        let mut store = self.store.lock().expect("cache lock");
        let found = match store.map.get(key) {
            Some(e) if e.expires > now => Some(e.body.clone()),
            Some(_) => {
                store.remove(key);
                self.expirations.fetch_add(1, Ordering::Relaxed);
                None
            }
            None => None,
        };
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// The live body for `key` without counting: a heavy request looks again once it has
    /// its turn, since the one before it may have just computed the same answer.
    pub fn peek(&self, key: &str) -> Option<Bytes> {
        let store = self.store.lock().expect("cache lock");
        store.map.get(key).filter(|e| e.expires > Instant::now()).map(|e| e.body.clone())
    }

    /// Stores `body` under `key` for the class's time to live, evicting to stay in bounds.
    pub fn insert(&self, key: &str, body: Bytes, class: CacheClass) {
        let ttl = self.limits.ttl(class);
        let cost = key.len() + body.len() + ENTRY_OVERHEAD_BYTES;
        if self.limits.max_entries == 0 || ttl.is_zero() || cost > self.limits.max_entry_bytes() {
            if self.limits.max_entries > 0 && !ttl.is_zero() {
                self.too_large.fetch_add(1, Ordering::Relaxed);
            }
            return;
        }
        let now = Instant::now();
        let mut store = self.store.lock().expect("cache lock");
        store.remove(key);
        while store.map.len() + 1 > self.limits.max_entries || store.bytes + cost > self.limits.max_bytes {
            self.make_room(&mut store, now);
        }
        let seq = store.next_seq;
        store.next_seq += 1;
        let key: Arc<str> = Arc::from(key);
        store.by_age.insert(seq, key.clone());
        store.map.insert(key, Entry { seq, body, expires: now + ttl, cost });
        store.bytes += cost;
        self.insertions.fetch_add(1, Ordering::Relaxed);
    }

    /// Removes the oldest entry, or the expired ones at the old end when there are some.
    fn make_room(&self, store: &mut Store, now: Instant) {
        let oldest_expired = store.by_age.first_key_value().and_then(|(_, k)| store.map.get(k)).is_some_and(|e| e.expires <= now);
        if oldest_expired {
            while store.by_age.first_key_value().and_then(|(_, k)| store.map.get(k)).is_some_and(|e| e.expires <= now) {
                store.pop_oldest();
                self.expirations.fetch_add(1, Ordering::Relaxed);
            }
        } else if store.pop_oldest().is_some() {
            self.evictions.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn stats(&self) -> CacheStats {
        let store = self.store.lock().expect("cache lock");
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            expirations: self.expirations.load(Ordering::Relaxed),
            insertions: self.insertions.load(Ordering::Relaxed),
            too_large: self.too_large.load(Ordering::Relaxed),
            entries: store.map.len(),
            bytes: store.bytes,
            max_entries: self.limits.max_entries,
            max_bytes: self.limits.max_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(max_entries: usize, max_bytes: usize) -> ResponseCache {
        let s = Duration::from_secs(60);
        ResponseCache::new(CacheLimits { max_entries, max_bytes, ttl_live: s, ttl_history: s, ttl_stats: Duration::from_millis(1), max_entry_bytes: max_bytes / 8 })
    }

    #[test]
    fn serves_what_it_stored_until_it_expires() {
        let c = cache(10, 1 << 20);
        assert!(c.get("a").is_none());
        c.insert("a", Bytes::from_static(b"{}"), CacheClass::Live);
        assert_eq!(c.get("a").unwrap(), Bytes::from_static(b"{}"));
        c.insert("s", Bytes::from_static(b"{}"), CacheClass::Stats);
        std::thread::sleep(Duration::from_millis(5));
        assert!(c.get("s").is_none());
        let s = c.stats();
        assert_eq!((s.hits, s.misses, s.expirations, s.entries), (1, 2, 1, 1));
    }

    #[test]
    fn stays_within_entry_and_byte_bounds_evicting_the_oldest() {
        let c = cache(3, 1 << 20);
        for k in ["a", "b", "c", "d"] {
            c.insert(k, Bytes::from_static(b"x"), CacheClass::Live);
        }
        assert!(c.get("a").is_none() && c.get("d").is_some());
        assert_eq!((c.stats().entries, c.stats().evictions), (3, 1));

        let c = cache(1000, 8 * 1024);
        for i in 0..100 {
            c.insert(&format!("k{i}"), Bytes::from(vec![b'x'; 500]), CacheClass::Live);
            assert!(c.stats().bytes <= 8 * 1024);
        }
        c.insert("big", Bytes::from(vec![b'x'; 2000]), CacheClass::Live);
        assert_eq!(c.stats().too_large, 1, "over the entry bound: not kept");
    }

    #[test]
    fn replacing_a_key_keeps_one_entry_and_exact_byte_count() {
        let c = cache(10, 1 << 20);
        for _ in 0..5 {
            c.insert("a", Bytes::from_static(b"abc"), CacheClass::Live);
        }
        let s = c.stats();
        assert_eq!((s.entries, s.bytes), (1, 1 + 3 + ENTRY_OVERHEAD_BYTES));
    }
}
