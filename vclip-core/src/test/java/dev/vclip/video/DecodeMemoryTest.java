package dev.vclip.video;

import dev.vclip.NativeMemory;
import dev.vclip.video.DecodeTestVideos.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening, reading and closing many videos must not grow native memory: every FFmpeg object is freed.
 *
 * <p>Measured with {@link NativeMemory} (glibc's count of bytes in use; FFmpeg allocates through
 * {@code posix_memalign}, i.e. glibc malloc): flat to within a few tens of KB over 300 videos when closed, about
 * 0.9 MB more per video when {@code close()} is skipped. Where mallinfo2 is unavailable (not glibc), RSS minus the
 * committed heap with a loose bound.
 */
class DecodeMemoryTest {

    @TempDir
    Path dir;

    @Test
    void aLoopOverManyVideosDoesNotGrowNativeMemory() throws Exception {
        Path mp4 = DecodeTestVideos.write(dir.resolve("m.mp4"), Kind.MPEG4_BFRAMES_MP4, 120, 250);
        Path mkv = DecodeTestVideos.write(dir.resolve("m.mkv"), Kind.MPEG4_BFRAMES_MKV, 120, 250);
        Path tar = dir.resolve("m.tar");
        TarVideoTest.writeTar(tar, new String[] {"m.mp4"}, new Path[] {mp4});
        int[] idx = {5, 60, 119, 3};
        long base = -1;
        int warmup = 60;
        int rounds = 360;
        for (int i = 0; i < rounds; i++) {
            VideoSource v = switch (i % 3) {
                case 0 -> FfmpegVideo.open(mp4);
                case 1 -> FfmpegVideo.open(mkv);
                default -> TarVideo.open(tar, "m.mp4");
            };
            try (v) {
                assertEquals(idx[1], DecodeTestVideos.indexOf(v.read(idx).get(1)));
            }
            if (i == warmup) {
                base = NativeMemory.inUse(); // after JIT, FFmpeg's lazily built tables, the JVM's own arenas
            }
        }
        long end = NativeMemory.inUse();
        if (base < 0 || end < 0) {
            return; // nothing to measure with on this platform
        }
        long growth = end - base;
        String what = NativeMemory.measure();
        System.out.printf("DecodeMemoryTest: %s %.1f MB after %d videos, %.1f MB after %d (%+.2f MB)%n", what,
                base / 1048576.0, warmup + 1, end / 1048576.0, rounds, growth / 1048576.0);
        // A leaked demuxer + decoder is about 0.9 MB here; 300 of them would be ~270 MB.
        long bound = NativeMemory.exact() ? 16L << 20 : 128L << 20;
        assertTrue(growth < bound, what + " grew by " + (growth >> 20) + " MB over " + (rounds - warmup - 1)
                + " videos");
    }
}
