//! How the process asks glibc for memory.

/// Tunes glibc's malloc before any thread starts: arenas capped at one per core (at least
/// two), and blocks of 1 MiB or more always mapped on their own. Call it first thing in `main`.
///
/// Arenas: glibc gives threads arenas of their own, up to eight per core, and an arena keeps
/// what its threads freed for their next allocations. The server's blocking pool runs up to
/// dozens of threads under load (diesel is synchronous), so the memory of 32 concurrent 1 000-row
/// batches stayed spread over 16 arenas: peak RSS was 107 MiB serving the State-size portfolio,
/// 56 MiB with two arenas, at the same throughput (docs/benchmarks.md).
///
/// Large blocks: glibc serves a block over the mmap threshold (128 KiB) from a mapping of its
/// own, returned on free, but raises that threshold to the size of each such block freed, up
/// to 32 MiB. Each sign-in hashes its password with argon2id over a 19 MiB block: after the
/// first, those blocks came from the arenas and stayed there, 19 MiB more resident after each
/// of the first sign-ins (three sign-ins: 34 → 95 MiB). A fixed threshold of 1 MiB keeps every
/// block that large in a mapping of its own, given back when freed; smaller ones (a batch's
/// rows, a page) stay in the arenas as before (`tests/e2e/memory.rs`).
///
/// An operator's own `MALLOC_ARENA_MAX` or `MALLOC_MMAP_THRESHOLD_` wins: glibc has read it
/// already, and this leaves that setting alone.
pub fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            set(libc::M_ARENA_MAX, arenas);
        }
        if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
            set(libc::M_MMAP_THRESHOLD, 1 << 20);
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set(parameter: libc::c_int, value: libc::c_int) {
    // SAFETY: `mallopt` only sets an allocator parameter; called before the process starts any
    // thread, it races with no allocation. It returns 0 on failure, which leaves glibc's
    // default: nothing to handle.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(parameter, value);
    }
}
