package org.learnedrecon.runtime;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives the native memory that PyTorch freed back to the operating system. glibc's malloc keeps freed blocks in
 * per-thread arenas (up to 8 per core) instead of unmapping them; a learned reconstruction allocates a few hundred MB
 * of tensors, so each thread that runs one (SciJava and ImageJ run commands on pool or new threads) leaves an arena
 * holding that much. Measured with LearnedMemoryBenchmark (200 LGD reconstructions of one 128 x 128 slice, shared
 * 2-core machine) before this class: through Reconstruct CT the process went from 700-800 MB after 20 runs to
 * 1.1 GB after 200 (4 command threads); with a new thread per run it sat at 2.3-2.4 GB from run 20 on; on one
 * thread it stayed at 470-770 MB. The Java heap stayed flat and no NDManager was left open: the memory was free,
 * only not returned. {@link #release()} trims with glibc's {@code malloc_trim(0)} once the resident set grew by
 * {@code lrecon.mallocTrim.marginMB} (256) since the last trim; with it the same runs stayed within 281-621 MB
 * (Reconstruct CT, 52 trims), 356-643 MB (new thread per run, 74 trims) and 467-550 MB (one thread, 3 trims).
 *
 * <p>Only on Linux with glibc; elsewhere, or with {@code -Dlrecon.mallocTrim=false}, it does nothing.
 */
public final class NativeMemory {

    private static final Function MALLOC_TRIM = lookUp();
    private static final AtomicLong CALLS = new AtomicLong();
    private static final AtomicLong NANOS = new AtomicLong();
    /** Growth of the resident set since the last trim that makes {@link #release()} trim again. */
    private static final long MARGIN = Long.getLong("lrecon.mallocTrim.marginMB", 256) << 20;
    private static final java.util.concurrent.locks.ReentrantLock TRIMMING =
        new java.util.concurrent.locks.ReentrantLock();
    /** Resident bytes after the last trim (guarded by TRIMMING). */
    private static long afterLastTrim;

    private NativeMemory() {
    }

    private static Function lookUp() {
        if (!"true".equalsIgnoreCase(System.getProperty("lrecon.mallocTrim", "true"))
            || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            return NativeLibrary.getInstance("c").getFunction("malloc_trim");
        } catch (RuntimeException | LinkageError e) {
            return null; // not glibc (e.g. musl) or no JNA: nothing to trim with
        }
    }

    /** Whether {@link #release()} calls {@code malloc_trim}. */
    public static boolean enabled() {
        return MALLOC_TRIM != null;
    }

    /**
     * Returns the free pages of the C heap to the operating system (glibc {@code malloc_trim(0)}) when the process
     * grew by more than the margin since the last trim. Trimming costs about 50 ms and the next reconstruction
     * faults its pages in again (on 128 x 128 LGD, 0.5 s of CPU per run when trimmed after every run, twice the
     * reconstruction itself), so a thread that reuses its arena is not trimmed after every small job.
     */
    public static void release() {
        if (MALLOC_TRIM == null || !TRIMMING.tryLock()) {
            return; // another thread is trimming now
        }
        try {
            long rss = residentBytes();
            if (rss >= 0 && rss - afterLastTrim <= MARGIN) {
                return;
            }
            trimNow();
        } finally {
            TRIMMING.unlock();
        }
    }

    /**
     * {@code malloc_trim(0)} now, whatever the growth: what stays resident afterwards is memory in use, not pages
     * malloc keeps for reuse (benchmarks measure leaks so). Does nothing where {@link #enabled()} is false.
     */
    public static void trim() {
        if (MALLOC_TRIM == null) {
            return;
        }
        TRIMMING.lock();
        try {
            trimNow();
        } finally {
            TRIMMING.unlock();
        }
    }

    /** The trim itself; the caller holds {@link #TRIMMING}. */
    private static void trimNow() {
        long t = System.nanoTime();
        try {
            MALLOC_TRIM.invokeInt(new Object[] {0});
        } catch (RuntimeException | LinkageError e) {
            // best effort: the memory stays with malloc
        }
        NANOS.addAndGet(System.nanoTime() - t);
        CALLS.incrementAndGet();
        afterLastTrim = residentBytes();
    }

    /** VmRSS of /proc/self/status in bytes, or -1. */
    static long residentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Calls of {@link #release()} that trimmed, and the seconds they took in all, e.g. for benchmarks. */
    public static String statistics() {
        return String.format(Locale.ROOT, "%d malloc_trim calls, %.3f s", CALLS.get(), NANOS.get() * 1e-9);
    }
}
