//! The open-file limit against the connection cap: raised when the hard limit allows, else the cap is lowered.

/// Descriptors kept for everything but HTTP connections: data files and rings, logs,
/// WebSocket connections (their own cap), the admin API, the feeds' sockets.
const RESERVED: usize = 512;

/// The connection cap to serve with: `wanted` when the open-file limit leaves room for it
/// besides [`RESERVED`] (the soft limit is raised up to the hard one when needed), else
/// what fits, with a warning. A cap above the limit would let connections take every
/// descriptor, and then the host could not open its own files.
// `rlim_t` is u64 on Linux, not on every unix: the casts are for the others.
#[allow(clippy::unnecessary_cast)]
pub fn connection_cap(wanted: usize) -> usize {
    #[cfg(unix)]
    {
        let needed = wanted.saturating_add(RESERVED) as u64;
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit writes the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return wanted;
        }
        if (limit.rlim_cur as u64) < needed {
            let raised = libc::rlimit { rlim_cur: needed.min(limit.rlim_max as u64) as libc::rlim_t, rlim_max: limit.rlim_max };
            // SAFETY: setrlimit reads the struct it is given.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                limit.rlim_cur = raised.rlim_cur;
            }
        }
        let room = (limit.rlim_cur as u64).saturating_sub(RESERVED as u64) as usize;
        if room < wanted {
            tracing::warn!(wanted, serving = room.max(1), open_file_limit = limit.rlim_cur as u64, "http: the open-file limit is too low for max_connections; serving fewer");
            return room.max(1);
        }
        wanted
    }
    #[cfg(not(unix))]
    wanted
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cap_within_the_hard_limit_is_kept() {
        assert_eq!(super::connection_cap(64), 64);
    }
}
