//! Opt-in malloc tuning for processes that move large messages.

/// Makes glibc's malloc serve blocks of up to 32 MiB from its heap and keep up to 128 MiB of
/// freed heap, instead of mapping fresh pages for each large block and unmapping them on free.
///
/// Every large `Data` or `Text` argument passes through several such blocks (the outgoing
/// message, the incoming message, the decoded `Vec`), and with fresh mappings each one costs
/// a page fault per 4 KiB; measured here, this halves the time of a 16 MiB echo (see
/// `doc/performance.md`). The price is memory: freed large blocks stay in the process.
/// It changes process-wide allocator settings, so the runtime never calls it on its own.
/// Returns whether the settings were applied (only with glibc).
pub fn tune_allocator_for_large_messages() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes allocator parameters; both values are in range
        // (the mmap threshold's maximum on 64-bit glibc is 32 MiB).
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20) == 1
                && libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
