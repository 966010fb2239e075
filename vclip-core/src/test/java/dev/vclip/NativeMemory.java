package dev.vclip;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Native memory in use, for the tests that hold it flat over long loops. RSS is too noisy for that (the Java heap
 * breathes, glibc keeps freed pages), so this asks glibc how many bytes are allocated right now ({@code mallinfo2()}:
 * in-use chunks plus mmapped blocks) through JNA (on the class path via DJL); FFmpeg and libtorch allocate through
 * glibc malloc. Where mallinfo2 is missing (not glibc), RSS minus the committed Java heap, a looser measure.
 */
public final class NativeMemory {
    private NativeMemory() {
    }

    /** glibc's {@code mallinfo2()} (glibc 2.33+). */
    public interface LibC extends Library {
        MallInfo2.ByValue mallinfo2();
    }

    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;

        public static class ByValue extends MallInfo2 implements Structure.ByValue {
        }
    }

    private static final LibC LIBC = load();

    private static LibC load() {
        try {
            LibC c = Native.load("c", LibC.class);
            c.mallinfo2();
            return c;
        } catch (Throwable t) {
            return null; // not glibc, or an old one
        }
    }

    /** Whether {@link #inUse()} is glibc's exact count (else the looser RSS-based one). */
    public static boolean exact() {
        return LIBC != null;
    }

    /** What the measure is, for messages. */
    public static String measure() {
        return exact() ? "malloc in use (glibc mallinfo2)" : "RSS outside the Java heap";
    }

    /** Bytes allocated with malloc now (after a GC), or RSS minus the committed heap; -1 when neither is known. */
    public static long inUse() {
        System.gc();
        if (LIBC != null) {
            MallInfo2 m = LIBC.mallinfo2();
            return m.uordblks + m.hblkhd;
        }
        long rss = rssBytes();
        return rss < 0 ? -1 : rss - Runtime.getRuntime().totalMemory();
    }

    /** The process's resident set size in bytes (Linux), or -1. */
    public static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.trim().split("\\s+")[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
