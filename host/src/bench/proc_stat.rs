//! What the benchmarks read of a process from `/proc`: resident set and CPU time.

use anyhow::Context;

/// Resident set size of process `pid`, in bytes (`VmRSS` of `/proc/<pid>/status`).
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: u64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// User plus system CPU of process `pid`, in clock ticks (`/proc/<pid>/stat` fields 14 and 15).
pub fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name may hold spaces: the fields are counted after its closing parenthesis.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("odd /proc stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Ok(fields.get(11).context("utime")?.parse::<u64>()? + fields.get(12).context("stime")?.parse::<u64>()?)
}

/// Clock ticks per second of [`cpu_ticks`] (Linux's USER_HZ, 100 where sysconf says nothing).
pub fn clock_ticks_per_s() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 {
        hz as f64
    } else {
        100.0
    }
}

/// CPU seconds this process has used (all threads); 0 where `/proc` cannot say.
pub fn own_cpu_seconds() -> f64 {
    cpu_ticks(std::process::id()).map_or(0.0, |t| t as f64 / clock_ticks_per_s())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        assert!(rss_bytes(pid).is_some_and(|b| b > 0));
        // Spend a few clock ticks of CPU so the counter has something to show.
        let started = std::time::Instant::now();
        let mut x = 1u64;
        while started.elapsed() < std::time::Duration::from_millis(100) {
            x = std::hint::black_box(x.wrapping_mul(0x9e37_79b9).rotate_left(7));
        }
        assert!(own_cpu_seconds() > 0.0, "{x}");
        assert!(cpu_ticks(pid).is_ok_and(|t| t > 0));
        assert!(rss_bytes(u32::MAX).is_none());
    }
}
