package dev.vclip.video;

import dev.vclip.video.DecodeTestVideos.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Display rotation: the recorder writes a display matrix. JavaCV's {@code setDisplayRotation(d)} stores
 * {@code av_display_rotation_set(matrix, -d)}; that function takes a clockwise angle, so the matrix rotates by d
 * degrees counter-clockwise, which is what ffprobe prints ("rotation of d degrees", {@code av_display_rotation_get}).
 * ffmpeg's autorotate shows such a video turned d degrees counter-clockwise; frames must come back that way, with
 * width and height after rotation.
 */
class DecodeRotationTest {

    @TempDir
    Path dir;

    /**
     * Frame 1 has only bit 0 set: a white 40x40 block in the top-left corner of the coded picture. Rotating the
     * picture counter-clockwise by the matrix angle moves that corner to a known place.
     */
    @ParameterizedTest
    @CsvSource({
            // matrix angle (ccw), expected clockwise rotation applied, corner of the white block when upright
            "90, 270, bottom-left",
            "180, 180, bottom-right",
            "270, 90, top-right",
            "-90, 90, top-right",
    })
    void framesComeBackUpright(double recorderRotation, int clockwise, String corner) throws Exception {
        Path p = DecodeTestVideos.write(dir.resolve("rot.mp4"), Kind.H264_MP4, 4, 250, false, recorderRotation);
        try (FfmpegVideo v = FfmpegVideo.open(p)) {
            VideoInfo info = v.info();
            assertEquals(clockwise, info.rotationDegrees());
            boolean swapped = clockwise == 90 || clockwise == 270;
            int w = swapped ? DecodeTestVideos.HEIGHT : DecodeTestVideos.WIDTH;
            int h = swapped ? DecodeTestVideos.WIDTH : DecodeTestVideos.HEIGHT;
            assertEquals(w, info.width());
            assertEquals(h, info.height());
            RgbFrame f = v.read(new int[] {1}).get(0);
            assertEquals(w, f.width());
            assertEquals(h, f.height());
            int[][] corners = {{20, 20}, {w - 20, 20}, {20, h - 20}, {w - 20, h - 20}};
            String[] names = {"top-left", "top-right", "bottom-left", "bottom-right"};
            for (int i = 0; i < 4; i++) {
                int value = f.get(corners[i][0], corners[i][1], 1);
                if (names[i].equals(corner)) {
                    assertEquals(255, value, 24, names[i] + " should be white");
                } else {
                    assertEquals(0, value, 24, names[i] + " should be black");
                }
            }
            // And the frame equals the unrotated frame turned by the reported angle.
            RgbFrame back = FfmpegVideo.rotate(f, (360 - clockwise) % 360);
            assertEquals(1, DecodeTestVideos.indexOf(back));
        }
    }

    @Test
    void rotateHelperRoundTrips() {
        RgbFrame f = DecodeTestVideos.expected(0b1010_0110_0101);
        for (int r : new int[] {0, 90, 180, 270}) {
            RgbFrame once = FfmpegVideo.rotate(f, r);
            assertEquals(f, FfmpegVideo.rotate(once, (360 - r) % 360), "rotation " + r);
        }
        assertEquals(FfmpegVideo.rotate(FfmpegVideo.rotate(f, 90), 90), FfmpegVideo.rotate(f, 180));
    }

    @Test
    void normalisesAngles() {
        assertEquals(0, FfmpegVideo.normaliseRotation(0));
        assertEquals(90, FfmpegVideo.normaliseRotation(-270));
        assertEquals(270, FfmpegVideo.normaliseRotation(-90.0000001));
        assertEquals(180, FfmpegVideo.normaliseRotation(540));
        assertEquals(90, FfmpegVideo.normaliseRotation(91)); // nearest multiple of 90
    }
}
