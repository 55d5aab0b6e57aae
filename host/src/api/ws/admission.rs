//! Who may open a push connection: the Origin allow-list, places per client address, and the global places.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use super::stats::{Counter, WsStats};
use crate::api::error::ApiError;
use crate::config::ApiConfig;

/// The admission rules (`[api] ws_*` keys) and the places held per address.
pub struct Admission {
    max_connections: u64,
    max_per_address: usize,
    /// Lower case, no trailing slash; empty: any origin.
    allowed_origins: Vec<String>,
    per_address: Mutex<HashMap<IpAddr, usize>>,
    stats: Arc<WsStats>,
}

/// A connection's places (global and its address's), given back when it is dropped: when
/// the connection ends, or when the upgrade never completes.
pub struct Place {
    admission: Arc<Admission>,
    address: Option<IpAddr>,
}

impl Drop for Place {
    fn drop(&mut self) {
        self.admission.stats.close();
        if let Some(ip) = self.address {
            let mut held = self.admission.per_address.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = held.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    held.remove(&ip);
                }
            }
        }
    }
}

impl Admission {
    pub fn new(config: &ApiConfig, stats: Arc<WsStats>) -> Arc<Admission> {
        Arc::new(Admission {
            max_connections: config.ws_max_connections as u64,
            max_per_address: config.ws_max_per_address,
            allowed_origins: config.ws_allowed_origins.clone(),
            per_address: Mutex::default(),
            stats,
        })
    }

    /// Places for a connection from `peer` (None when the server does not say: no
    /// per-address bound then) whose request carried `origin` and `host`; or the refusal.
    pub fn admit(self: &Arc<Self>, origin: Option<&str>, host: Option<&str>, peer: Option<IpAddr>) -> Result<Place, ApiError> {
        if !self.origin_allowed(origin, host) {
            self.stats.add(Counter::RefusedOrigin, 1);
            return Err(ApiError::Forbidden("this page's origin may not open /ws (see [api] ws_allowed_origins)".into()));
        }
        // IPv4 clients of a dual-stack listener show as ::ffff:a.b.c.d: one address either way.
        let address = peer.map(|ip| ip.to_canonical()).filter(|_| self.max_per_address > 0);
        let mut held = self.per_address.lock().unwrap_or_else(|p| p.into_inner());
        if address.is_some_and(|ip| held.get(&ip).copied().unwrap_or(0) >= self.max_per_address) {
            self.stats.add(Counter::RefusedPerAddress, 1);
            return Err(ApiError::TooMany(format!("at most {} WebSocket connections per client address; close one first", self.max_per_address)));
        }
        if !self.stats.try_open(self.max_connections) {
            return Err(ApiError::not_yet("too many WebSocket connections; try again later"));
        }
        if let Some(ip) = address {
            *held.entry(ip).or_insert(0) += 1;
        }
        Ok(Place { admission: self.clone(), address })
    }

    /// No allow-list, no Origin (not a browser), the page's own host, or a listed origin.
    fn origin_allowed(&self, origin: Option<&str>, host: Option<&str>) -> bool {
        let Some(origin) = origin.map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase()) else { return true };
        if self.allowed_origins.is_empty() || self.allowed_origins.contains(&origin) {
            return true;
        }
        let authority = origin.split_once("://").map(|(_, a)| a);
        authority.is_some_and(|a| host.is_some_and(|h| h.trim().eq_ignore_ascii_case(a)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(max: usize, per_address: usize, origins: &[&str]) -> Arc<Admission> {
        let config =
            ApiConfig { ws_max_connections: max, ws_max_per_address: per_address, ws_allowed_origins: origins.iter().map(|o| o.to_string()).collect(), ..ApiConfig::default() };
        Admission::new(&config, Arc::new(WsStats::default()))
    }

    #[test]
    fn one_address_cannot_take_every_place_and_places_come_back() {
        let a = admission(4, 2, &[]);
        let (one, two): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let held: Vec<Place> = (0..2).map(|_| a.admit(None, None, Some(one)).unwrap()).collect();
        assert!(matches!(a.admit(None, None, Some(one)), Err(ApiError::TooMany(_))));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(a.admit(None, None, Some(mapped)).is_err(), "an IPv4-mapped address is the same client");
        let other: Vec<Place> = (0..2).map(|_| a.admit(None, None, Some(two)).unwrap()).collect();
        assert!(matches!(a.admit(None, None, Some("10.0.0.3".parse().unwrap())), Err(ApiError::NotYet(_))), "the global bound holds");
        assert!(a.per_address.lock().unwrap().get(&"10.0.0.3".parse::<IpAddr>().unwrap()).is_none(), "a refused connection holds no address place");
        drop(held);
        assert!(a.admit(None, None, Some(one)).is_ok(), "places come back when connections end");
        drop(other);
        let s = a.stats.snapshot();
        assert_eq!((s.connections, s.refused_per_address, s.refused_connections), (0, 2, 1));
    }

    #[test]
    fn origins_are_checked_only_against_a_configured_list_or_the_page_s_own_host() {
        let open = admission(4, 0, &[]);
        assert!(open.admit(Some("https://anywhere.example"), Some("api:8899"), None).is_ok());
        let listed = admission(4, 0, &["https://dash.example.com"]);
        assert!(listed.admit(None, Some("api:8899"), None).is_ok(), "no Origin: not a browser");
        assert!(listed.admit(Some("https://DASH.example.com/"), Some("api:8899"), None).is_ok());
        assert!(listed.admit(Some("http://api:8899"), Some("API:8899"), None).is_ok(), "the page's own host");
        assert!(matches!(listed.admit(Some("https://evil.example"), Some("api:8899"), None), Err(ApiError::Forbidden(_))));
        assert!(matches!(listed.admit(Some("null"), Some("api:8899"), None), Err(ApiError::Forbidden(_))));
    }
}
