package dev.vclip.data;

import dev.vclip.video.RgbFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameCacheTest {

    @TempDir
    Path dir;

    private static RgbFrame randomFrame(Random r, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        r.nextBytes(rgb);
        return new RgbFrame(w, h, rgb);
    }

    @Test
    void framesRoundTripAndSurviveReopening() throws IOException {
        Path video = Files.writeString(dir.resolve("a.mp4"), "not really a video");
        Random r = new Random(3);
        List<List<RgbFrame>> frames = List.of(List.of(randomFrame(r, 32, 24), randomFrame(r, 32, 24)),
                List.of(randomFrame(r, 5, 7)));
        byte[] key = FrameCache.key(video, "middle:8", "resize224+crop224");
        try (FrameCache cache = FrameCache.open(dir.resolve("cache"))) {
            assertTrue(cache.get(key).isEmpty());
            cache.put(key, frames);
            assertEquals(1, cache.size());
        }
        try (FrameCache cache = FrameCache.open(dir.resolve("cache"))) {
            List<List<RgbFrame>> back = cache.get(key).orElseThrow();
            assertEquals(frames, back);
        }
    }

    /** A cache with enough clips that data.mdb spans many pages. */
    private Path filledCache(Path video, int clips) {
        Path cacheDir = dir.resolve("cache");
        Random r = new Random(5);
        try (FrameCache cache = FrameCache.open(cacheDir)) {
            for (int i = 0; i < clips; i++) {
                cache.put(FrameCache.key(video, "clip " + i, "t"), List.of(List.of(randomFrame(r, 64, 48))));
            }
        }
        return cacheDir;
    }

    @Test
    void aTruncatedCacheFileIsMovedAsideAndTheCacheStartsEmptyInsteadOfCrashingTheJvm() throws IOException {
        Path video = Files.writeString(dir.resolve("a.mp4"), "not really a video");
        Path cacheDir = filledCache(video, 40);
        Path data = cacheDir.resolve("data.mdb");
        long size = Files.size(data);
        try (var ch = java.nio.channels.FileChannel.open(data, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size / 2); // what a copy cut short or a full disk leaves: LMDB would read past the end (SIGBUS)
        }
        try (FrameCache cache = FrameCache.open(cacheDir)) {
            assertEquals(0, cache.size());
            assertTrue(cache.get(FrameCache.key(video, "clip 3", "t")).isEmpty());
            List<List<RgbFrame>> clip = List.of(List.of(randomFrame(new Random(1), 8, 8)));
            cache.put(FrameCache.key(video, "clip 3", "t"), clip);
            assertEquals(clip, cache.get(FrameCache.key(video, "clip 3", "t")).orElseThrow());
        }
        try (var files = Files.list(cacheDir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("data.mdb.damaged-")),
                    "the damaged file is kept aside");
        }
    }

    @Test
    void aCacheFileOfRandomBytesIsMovedAsideAndTheCacheStartsEmpty() throws IOException {
        Path video = Files.writeString(dir.resolve("a.mp4"), "not really a video");
        Path cacheDir = filledCache(video, 10);
        byte[] noise = new byte[(int) Files.size(cacheDir.resolve("data.mdb"))];
        new Random(9).nextBytes(noise);
        Files.write(cacheDir.resolve("data.mdb"), noise);
        try (FrameCache cache = FrameCache.open(cacheDir)) {
            assertEquals(0, cache.size());
            assertTrue(cache.get(FrameCache.key(video, "clip 1", "t")).isEmpty());
        }
    }

    @Test
    void aDamagedValueIsAMissNotAnOutOfMemoryError() {
        byte[] liesAboutItsSize = java.nio.ByteBuffer.allocate(16).putInt(1).putInt(1).putInt(40000).putInt(40000)
                .array();
        assertEquals(null, FrameCache.decode(liesAboutItsSize));
        byte[] noise = new byte[4096];
        Random r = new Random(2);
        for (int i = 0; i < 200; i++) {
            r.nextBytes(noise);
            List<List<RgbFrame>> clips = FrameCache.decode(noise);
            assertTrue(clips == null || clips.stream().flatMap(List::stream).mapToLong(f -> f.rgb().length).sum()
                    <= noise.length);
        }
        List<List<RgbFrame>> one = List.of(List.of(randomFrame(r, 3, 2)));
        byte[] good = FrameCache.encode(one);
        assertEquals(one, FrameCache.decode(good));
        assertEquals(null, FrameCache.decode(Arrays.copyOf(good, good.length - 1)), "cut short");
        assertEquals(null, FrameCache.decode(Arrays.copyOf(good, good.length + 1)), "trailing bytes");
    }

    @Test
    void theKeyChangesWithTheFileTheSamplingAndTheTransform() throws IOException {
        Path video = Files.writeString(dir.resolve("b.mp4"), "v1");
        byte[] k = FrameCache.key(video, "middle:8", "t");
        assertFalse(Arrays.equals(k, FrameCache.key(video, "middle:16", "t")));
        assertFalse(Arrays.equals(k, FrameCache.key(video, "middle:8", "t2")));
        Files.setLastModifiedTime(video, FileTime.fromMillis(Files.getLastModifiedTime(video).toMillis() + 5000));
        assertFalse(Arrays.equals(k, FrameCache.key(video, "middle:8", "t")), "a modified file is a new entry");
        assertArrayEquals(FrameCache.key(video, "middle:8", "t"), FrameCache.key(dir.resolve("./b.mp4"), "middle:8", "t"));
    }

    @Test
    void concurrentWritersAndReadersSeeWholeClips() throws Exception {
        try (FrameCache cache = FrameCache.open(dir.resolve("shared"))) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                int id = t;
                threads.add(new Thread(() -> {
                    try {
                        Random r = new Random(id);
                        for (int i = 0; i < 25; i++) {
                            byte[] key = ("clip-" + (i % 10)).getBytes();
                            cache.put(key, List.of(List.of(randomFrame(r, 8, 8), randomFrame(r, 8, 8))));
                            cache.get(key).ifPresent(f -> assertEquals(2, f.get(0).size()));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), errors);
            assertEquals(10, cache.size());
        }
    }
}
