//! How the process asks glibc for memory.

/// Caps glibc's malloc arenas at one per core (at least two).
///
/// glibc gives threads arenas of their own, up to eight per core, and an arena keeps what its
/// threads freed for their next allocations. The server's blocking pool runs up to dozens of
/// threads under load (diesel is synchronous), so the memory of 32 concurrent 1 000-row batches
/// stayed spread over 16 arenas: peak RSS was 107 MiB serving the State-size portfolio, 56 MiB
/// with two arenas, at the same throughput (docs/benchmarks.md). An operator's own
/// `MALLOC_ARENA_MAX` wins: glibc has read it already, and this leaves it alone. Call it first
/// thing in `main`, before any thread starts.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return;
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: `mallopt` only sets an allocator parameter; called before the process starts
        // any thread, it races with no allocation. It returns 0 on failure, which leaves glibc's
        // default: nothing to handle.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}
