package dev.vclip.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from Linux's {@code /proc/self/status}: {@code VmRSS} (now) and {@code VmHWM} (the
 * peak), which count everything the process touched: libtorch's native tensors, the JVM heap, the libraries.
 * {@link #resetPeak()} sets the peak back to the current RSS ({@code /proc/self/clear_refs}, value 5, Linux 4.0 and
 * later), so a peak can be taken over one phase of a run. A peak is monotonic within a process: compare
 * configurations in separate processes.
 */
final class PeakMemory {
    private PeakMemory() {
    }

    private static final Path STATUS = Path.of("/proc/self/status");

    /** VmRSS in bytes, or -1 where /proc is not there. */
    static long rssBytes() {
        return field("VmRSS:");
    }

    /** VmHWM (peak RSS) in bytes, or -1 where /proc is not there. */
    static long peakBytes() {
        return field("VmHWM:");
    }

    /** Resets VmHWM to the current RSS; false where the kernel does not allow it (the peak then counts from start). */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
