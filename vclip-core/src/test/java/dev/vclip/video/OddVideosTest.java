package dev.vclip.video;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unusual but valid videos are accepted: every width 1..64, common sizes (426x240 crashed the JVM when the RGB
 * buffer was exactly stride x height), 4K and portrait, 10-bit, 4:4:4, grey, planar RGB, alpha, palette, and the
 * codecs and containers this FFmpeg build writes; once more in a child JVM under glibc's malloc checker.
 */
class OddVideosTest {
    @TempDir
    Path dir;

    static List<OddVideos.Case> everyWidth() {
        return OddVideos.everyWidth();
    }

    static List<OddVideos.Case> sizes() {
        return OddVideos.sizes();
    }

    static List<OddVideos.Case> formats() {
        return OddVideos.formats().stream().filter(c -> OddVideos.hasEncoder(c.encoder())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyWidth")
    void everyWidthIsDecodedAtItsSizeAndColour(OddVideos.Case c) throws IOException {
        assertNull(OddVideos.check(OddVideos.write(dir, c), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void commonAndExtremeSizesAreDecoded(OddVideos.Case c) throws IOException {
        assertNull(OddVideos.check(OddVideos.write(dir, c), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void pixelFormatsCodecsAndContainersAreDecoded(OddVideos.Case c) throws IOException {
        assertNull(OddVideos.check(OddVideos.write(dir, c), c));
    }

    /**
     * Variable frame rate: 12 frames at uneven times (steps of 20 to 120 ms), each a different grey: every frame is
     * counted and read back in order, and the rate is the mean one.
     */
    @Test
    void aVariableFrameRateVideoIsReadFrameByFrame() {
        Path out = dir.resolve("vfr.mp4");
        int[] stepsMs = {40, 20, 120, 40, 60, 20, 100, 40, 80, 20, 40};
        try (VideoWriter w = new VideoWriter(out, new VideoWriter.Spec("mp4", "mpeg4", "yuv420p", 64, 48, 1000, 1000,
                0, 2, java.util.Map.of()))) {
            long pts = 0;
            for (int i = 0; i < 12; i++) {
                byte[] rgb = new byte[64 * 48 * 3];
                java.util.Arrays.fill(rgb, (byte) (20 * i));
                w.write(rgb, pts);
                pts += i < stepsMs.length ? stepsMs[i] : 40;
            }
            w.finish();
        }
        try (VideoSource v = VideoSources.open(out.toString())) {
            assertEquals(12, v.info().frameCount());
            int[] all = java.util.stream.IntStream.range(0, 12).toArray();
            List<RgbFrame> frames = v.read(all);
            for (int i = 0; i < 12; i++) {
                int grey = frames.get(i).rgb()[frames.get(i).rgb().length / 2] & 0xff;
                assertTrue(Math.abs(grey - 20 * i) <= 12, "frame " + i + " is grey " + grey + ", expected " + 20 * i);
            }
            assertTrue(v.info().fps() > 5 && v.info().fps() < 50, "mean rate " + v.info().fps());
        }
    }

    @Test
    void theBuildHasTheEncodersTheCorpusNeeds() {
        for (String encoder : List.of("ffv1", "mpeg4", "mjpeg", "gif", "rawvideo", "libopenh264")) {
            assertTrue(OddVideos.hasEncoder(encoder), encoder);
        }
    }

    /**
     * The whole corpus in a child JVM with glibc's malloc checker preloaded (MALLOC_CHECK_=3): a native write past
     * a buffer aborts that JVM instead of passing unnoticed. The checker ships with glibc 2.34+ (Debian's libc6).
     */
    @Test
    void theCorpusDecodesUnderGlibcsMallocChecker() throws IOException, InterruptedException {
        Path checker = Path.of("/lib/x86_64-linux-gnu/libc_malloc_debug.so.0");
        if (!Files.exists(checker)) {
            checker = Path.of("/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0");
        }
        assertTrue(Files.exists(checker), "glibc's malloc checker (libc_malloc_debug.so.0, libc6) is needed here");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"), OddVideos.class.getName(),
                dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LD_PRELOAD", checker.toString());
        pb.environment().put("MALLOC_CHECK_", "3");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child finished");
        long expected = everyWidth().size() + sizes().size() + formats().size();
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("checked " + expected), output);
    }
}
