package dev.vclip.video;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipTransformsTest {

    /** A frame whose red channel is its x coordinate and green its y: crops and flips are readable from pixels. */
    private static RgbFrame coordinates(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[(y * w + x) * 3] = (byte) x;
                rgb[(y * w + x) * 3 + 1] = (byte) y;
                rgb[(y * w + x) * 3 + 2] = (byte) 128;
            }
        }
        return new RgbFrame(w, h, rgb);
    }

    @Test
    void threeCropTakesLeftRightAndCentreInMmactionOrder() {
        RgbFrame wide = coordinates(200, 100); // shortest edge already 100: no resampling
        List<List<RgbFrame>> views = ClipTransforms.threeCrop(List.of(wide, wide), 100);
        assertEquals(3, views.size());
        assertEquals(2, views.get(0).size());
        assertEquals(0, views.get(0).get(0).get(0, 0, 0));   // left
        assertEquals(100, views.get(1).get(0).get(0, 0, 0)); // right: 2·step = 100
        assertEquals(50, views.get(2).get(0).get(0, 0, 0));  // centre: step = 50
        RgbFrame tall = coordinates(100, 160);
        List<List<RgbFrame>> vertical = ClipTransforms.threeCrop(List.of(tall), 100);
        assertEquals(0, vertical.get(0).get(0).get(0, 0, 1));
        assertEquals(60, vertical.get(1).get(0).get(0, 0, 1));
        assertEquals(30, vertical.get(2).get(0).get(0, 0, 1));
    }

    @Test
    void trainAugmentIsSeededAndTheSameForEveryFrameOfAClip() {
        ClipTransforms.TrainAugment augment = ClipTransforms.TrainAugment.xclip(32);
        RgbFrame frame = coordinates(64, 48);
        List<RgbFrame> a = augment.apply(List.of(frame, frame, frame), new Random(5));
        List<RgbFrame> b = augment.apply(List.of(frame, frame, frame), new Random(5));
        assertEquals(a, b, "same seed, same clip");
        assertEquals(a.get(0), a.get(2), "one draw for the whole clip");
        assertEquals(32, a.get(0).width());
        assertEquals(32, a.get(0).height());
        boolean anyDifferent = false;
        for (int seed = 0; seed < 10 && !anyDifferent; seed++) {
            anyDifferent = !augment.apply(List.of(frame), new Random(seed)).equals(a.subList(0, 1));
        }
        assertTrue(anyDifferent, "other seeds give other views");
    }

    @Test
    void multiScaleCropPicksAnAllowedSizeAndPosition() {
        ClipTransforms.TrainAugment augment = ClipTransforms.TrainAugment.xclip(224);
        Random random = new Random(0);
        for (int i = 0; i < 200; i++) {
            int[] c = augment.multiScaleCrop(341, 256, random);
            assertTrue(c[0] + c[2] <= 341 && c[1] + c[3] <= 256, "inside the frame");
            assertTrue(List.of(224, 256, 192, 168).contains(c[2]) && List.of(224, 256, 192, 168).contains(c[3]),
                    "a scale of 256 (224 snapped): " + c[2] + "x" + c[3]);
            assertTrue(Math.abs(List.of(256, 224, 192, 168).indexOf(c[2]) - List.of(256, 224, 192, 168).indexOf(c[3])) <= 1);
        }
    }

    @Test
    void flipMirrorsAndGrayEqualisesChannels() {
        RgbFrame f = coordinates(10, 4);
        RgbFrame flipped = ClipTransforms.flipHorizontal(f);
        assertEquals(9, flipped.get(0, 0, 0));
        assertEquals(f, ClipTransforms.flipHorizontal(flipped));
        RgbFrame gray = ClipTransforms.toGray(f);
        assertEquals(gray.get(3, 2, 0), gray.get(3, 2, 2));
        assertNotEquals(f.get(3, 2, 0), f.get(3, 2, 2));
    }
}
