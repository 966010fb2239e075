package dev.vclip.data.synth;

import dev.vclip.video.RgbFrame;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rendering conventions, checked on pixels before any encoding. */
class SceneRendererTest {

    static final Background GREY = new Background(Background.Tone.GREY, Background.Texture.PLAIN, 120, 120, 120, 1);

    @Test
    void clockwiseMeansClockwiseOnScreen() {
        // a diamond is elongated, so its principal axis shows its orientation; with y pointing down, a clockwise
        // turn on screen increases the axis angle atan2(dy, dx)
        SceneRenderer renderer = new SceneRenderer(128, 128);
        Motion m = new Motion(64, 64, 64, 64, 40, 40, 0, 90, 1, 1, 0, 0, 0, 0);
        Sprite diamond = new Sprite(ShapeKind.DIAMOND, Palette.RED, m);
        double previous = Double.NaN;
        double total = 0;
        for (int i = 0; i < 10; i++) {
            renderer.render(GREY, List.of(new SceneRenderer.Placed(diamond, m.atFrame(i, 10))));
            double angle = axisDegrees(renderer.snapshot(), Palette.RED);
            if (i == 0) {
                assertEquals(90, angle, 2, "the diamond starts upright");
            } else {
                double step = ((angle - previous) % 180 + 270) % 180 - 90; // an axis angle wraps at 180
                assertEquals(10, step, 2, "frame " + i + " turns 10 degrees clockwise");
                total += step;
            }
            previous = angle;
        }
        assertEquals(90, total, 3);
    }

    /** Angle of the principal axis of the pixels of a colour, degrees in [0, 180), y down. */
    static double axisDegrees(RgbFrame f, Palette colour) {
        Decoded.Blob b = Decoded.blob(f, colour, 60);
        double mxx = 0;
        double myy = 0;
        double mxy = 0;
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) {
                if (colour.distance(f.get(x, y, 0), f.get(x, y, 1), f.get(x, y, 2)) < 60) {
                    mxx += (x - b.cx()) * (x - b.cx());
                    myy += (y - b.cy()) * (y - b.cy());
                    mxy += (x - b.cx()) * (y - b.cy());
                }
            }
        }
        double deg = Math.toDegrees(0.5 * Math.atan2(2 * mxy, mxx - myy));
        return (deg + 180) % 180;
    }

    @Test
    void halfTransparentShapesBlendWithTheBackground() {
        SceneRenderer renderer = new SceneRenderer(64, 64);
        Sprite s = new Sprite(ShapeKind.SQUARE, Palette.BLUE, Motion.still(32, 32, 20, 0));
        renderer.render(GREY, List.of(new SceneRenderer.Placed(s, new Motion.Pose(32, 32, 20, 0, 0.5))));
        RgbFrame f = renderer.snapshot();
        assertEquals((120 + 230) / 2.0, f.get(32, 32, 2), 2);
        assertEquals((120 + 50) / 2.0, f.get(32, 32, 0), 2);
        renderer.render(GREY, List.of(new SceneRenderer.Placed(s, new Motion.Pose(32, 32, 20, 0, 0))));
        assertEquals(120, renderer.snapshot().get(32, 32, 2), 3, "opacity 0 draws nothing");
    }

    @Test
    void backgroundsAreTexturedGentlyAndReproducibly() {
        Random rng = new Random(7);
        for (int i = 0; i < 30; i++) {
            Background bg = Background.random(rng);
            byte[] a = bg.renderBgr(96, 64);
            assertArrayEquals(a, bg.renderBgr(96, 64), "same background, same pixels");
            double mean = 0;
            for (int k = 0; k < a.length; k += 3) {
                mean += a[k + 1] & 0xff;
            }
            mean /= a.length / 3.0;
            double var = 0;
            for (int k = 0; k < a.length; k += 3) {
                double d = (a[k + 1] & 0xff) - mean;
                var += d * d;
            }
            double sd = Math.sqrt(var / (a.length / 3.0));
            assertTrue(sd > 1 && sd < 16, bg.words() + ": texture standard deviation " + sd);
            assertTrue(bg.words().endsWith("background"), bg.words());
        }
    }
}
