#if canImport(Glibc)
    import CMalloc
#endif

/// How the host process's allocator treats the blocks row batches come and
/// go in.
public enum HostAllocator {
    /// A host decodes row batches at hundreds of MB/s, each a few hundred KiB
    /// of column arrays freed soon after. glibc's adaptive defaults hand such
    /// blocks back to the kernel (mmap/munmap, heap trimming) and then fault
    /// fresh zeroed pages in for the next batch, which cost more than the
    /// decoding itself (measured: 3.7M → 10M+ rows/s decoded with fixed
    /// thresholds). Blocks under 4 MiB now come from the heap, and up to
    /// 64 MiB of freed heap is kept for reuse. Call once, at start-up.
    public static func keepFreedBatchMemoryForReuse() {
        #if canImport(Glibc)
            _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
        #endif
    }
}
