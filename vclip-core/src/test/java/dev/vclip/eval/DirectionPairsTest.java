package dev.vclip.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectionPairsTest {

    // classes: 0 left, 1 right (twins), 2 bouncing (no twin)
    private static final int[] TWINS = {1, 0, -1};

    @Test
    void countsOnlyTwinnedClassesAndTheOrderTestSeparately() {
        double[][] scores = {
                {0.9, 0.1, 0.0},  // left: right, and above its twin
                {0.3, 0.1, 0.6},  // left: top-1 wrong (bouncing) but still above its twin
                {0.5, 0.2, 0.3},  // right: below its twin
                {0.0, 0.0, 1.0},  // bouncing: not counted
        };
        DirectionPairs.Result r = DirectionPairs.evaluate(scores, new int[]{0, 0, 1, 2}, TWINS);
        assertEquals(3, r.videos());
        assertEquals(1.0 / 3, r.top1(), 1e-12);
        assertEquals(2.0 / 3, r.pairAccuracy(), 1e-12);
        assertTrue(r.describe().contains("order 66.67 %"), r.describe());
    }

    @Test
    void aTieBetweenTwinsIsNotAnOrderSuccess() {
        DirectionPairs.Result r = DirectionPairs.evaluate(new double[][]{{0.5, 0.5, 0}}, new int[]{1}, TWINS);
        assertEquals(0, r.pairAccuracy());
        assertEquals(0, r.top1()); // ties rank by class index: class 0 first
    }

    @Test
    void noTwinnedVideosGiveNaN() {
        DirectionPairs.Result r = DirectionPairs.evaluate(new double[][]{{0, 0, 1}}, new int[]{2}, TWINS);
        assertEquals(0, r.videos());
        assertTrue(Double.isNaN(r.top1()) && Double.isNaN(r.pairAccuracy()));
    }
}
