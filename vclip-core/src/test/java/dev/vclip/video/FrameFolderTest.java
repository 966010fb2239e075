package dev.vclip.video;

import dev.vclip.video.DecodeTestVideos.Kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Folders of extracted frames give the same frames as the video they came from. */
class FrameFolderTest {

    static final int FRAMES = 120;

    @TempDir
    static Path dir;
    static Path mp4;
    static Path pngs;
    static List<RgbFrame> videoFrames;

    @BeforeAll
    static void extract() throws Exception {
        mp4 = DecodeTestVideos.write(dir.resolve("v.mp4"), Kind.MPEG4_BFRAMES_MP4, FRAMES, 250);
        pngs = Files.createDirectories(dir.resolve("v_frames"));
        try (FfmpegVideo v = FfmpegVideo.open(mp4)) {
            videoFrames = v.read(IntStream.range(0, FRAMES).toArray());
        }
        // Unpadded numbers starting at 1: only natural order puts frame_10 after frame_9.
        for (int i = 0; i < FRAMES; i++) {
            ImageIO.write(videoFrames.get(i).toBufferedImage(), "png", pngs.resolve("frame_" + (i + 1) + ".png").toFile());
        }
        Files.writeString(pngs.resolve("notes.txt"), "ignored");
        Files.writeString(pngs.resolve(".hidden.png"), "ignored");
    }

    @Test
    void naturalOrder() {
        List<String> names = new ArrayList<>(List.of("frame_10.png", "frame_2.png", "frame_1.png", "img_00011.jpg",
                "img_00002.jpg", "frame_002.png", "a100b2", "a100b10", "a99b3", "x", "frame_9999999999999999999.png"));
        names.sort(FrameFolder.NATURAL_ORDER);
        assertEquals(List.of("a99b3", "a100b2", "a100b10", "frame_1.png", "frame_002.png", "frame_2.png",
                "frame_10.png", "frame_9999999999999999999.png", "img_00002.jpg", "img_00011.jpg", "x"), names);
        assertTrue(FrameFolder.compareNatural("img_00001.jpg", "img_00001.jpg") == 0);
    }

    @Test
    void pngFolderEqualsTheVideo() {
        try (FrameFolder f = FrameFolder.open(pngs)) {
            VideoInfo info = f.info();
            assertEquals(FRAMES, info.frameCount());
            assertEquals(30.0, info.fps());
            assertEquals(FRAMES / 30.0, info.durationSeconds(), 1e-12);
            assertEquals(DecodeTestVideos.WIDTH, info.width());
            assertEquals(DecodeTestVideos.HEIGHT, info.height());
            assertEquals("frames", info.codec());
            assertEquals("frame_1.png", f.files().get(0).getFileName().toString());
            assertEquals("frame_10.png", f.files().get(9).getFileName().toString());
            int[] idx = {119, 0, 9, 10, 57, 57, 1};
            List<RgbFrame> got = f.read(idx);
            for (int i = 0; i < idx.length; i++) {
                assertEquals(videoFrames.get(idx[i]), got.get(i), "frame " + idx[i] + " (PNG is lossless)");
            }
        }
    }

    @Test
    void jpegFolderWithDatasetNaming() throws Exception {
        Path jpgs = Files.createDirectories(dir.resolve("jpg_frames"));
        for (int i = 0; i < 30; i++) {
            ImageIO.write(videoFrames.get(i).toBufferedImage(), "jpg",
                    jpgs.resolve(String.format("img_%05d.JPG", i + 1)).toFile());
        }
        try (VideoSource f = VideoSources.open(jpgs)) {
            assertInstanceOf(FrameFolder.class, f);
            assertEquals(30, f.info().frameCount());
            int[] idx = {29, 0, 15};
            int[] ids = f.read(idx).stream().mapToInt(DecodeTestVideos::indexOf).toArray();
            assertArrayEquals(idx, ids);
        }
        try (FrameFolder f = FrameFolder.open(jpgs, 3.0)) {
            assertEquals(3.0, f.info().fps());
            assertEquals(10.0, f.info().durationSeconds(), 1e-12);
        }
    }

    @Test
    void errorsNameTheFolderOrFile() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        VideoException e = assertThrows(VideoException.class, () -> FrameFolder.open(empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("no frames"), e.getMessage());
        VideoException missing = assertThrows(VideoException.class, () -> FrameFolder.open(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("no such folder"), missing.getMessage());
        try (FrameFolder f = FrameFolder.open(pngs)) {
            VideoException oob = assertThrows(VideoException.class, () -> f.read(new int[] {FRAMES}));
            assertTrue(oob.getMessage().contains("frame index " + FRAMES), oob.getMessage());
        }
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.copy(pngs.resolve("frame_1.png"), bad.resolve("f_1.png"));
        Files.writeString(bad.resolve("f_2.png"), "not a png");
        try (FrameFolder f = FrameFolder.open(bad)) {
            assertEquals(2, f.info().frameCount());
            VideoException e2 = assertThrows(VideoException.class, () -> f.read(new int[] {1}));
            assertTrue(e2.getMessage().contains("f_2.png"), e2.getMessage());
            assertEquals(Arrays.asList(videoFrames.get(0)), f.read(new int[] {0}));
        }
    }
}
