package dev.vclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalisationMetricsTest {

    private static LocalisationMetrics.Item item(double[] windowScores, double[][] groundTruth) {
        int[] starts = new int[windowScores.length];
        for (int w = 0; w < starts.length; w++) {
            starts[w] = 8 * w;
        }
        return new LocalisationMetrics.Item("v", "q", starts, windowScores, groundTruth);
    }

    @Test
    void windowsAsTheDatasetMakesThem() {
        assertArrayEquals(new int[0], LocalisationMetrics.windowStarts(0, 16, 8));
        assertArrayEquals(new int[] {0}, LocalisationMetrics.windowStarts(10, 16, 8));
        assertArrayEquals(new int[] {0, 8, 16}, LocalisationMetrics.windowStarts(32, 16, 8));
        assertArrayEquals(new int[] {0, 8, 16}, LocalisationMetrics.windowStarts(39, 16, 8));
        assertEquals(32, LocalisationMetrics.evaluatedLength(new int[] {0, 8, 16}, 16));
    }

    @Test
    void aQueryWhoseGroundTruthIsEmptyIsSkipped() {
        LocalisationMetrics.Summary summary = LocalisationMetrics.evaluate(
                List.of(item(new double[] {0.1, 0.9, 0.3}, new double[0][])), 16);
        LocalisationMetrics.ItemResult result = summary.items().get(0);
        assertTrue(result.skipped());
        assertEquals(LocalisationMetrics.SINGLE_CLASS, result.skipReason());
        assertEquals(32, result.evaluatedFrames());
        assertEquals(0.0, summary.macroAuroc(), "no item left: 0.0 by the reference's rule");
        assertEquals(0.0, summary.macroAveragePrecision());
    }

    @Test
    void emptyInvertedAndNegativeRangesLabelNothing() {
        int[] yTrue = LocalisationMetrics.frameLabels(16, new double[][] {{5, 5}, {9, 3}, {-10, -3}, {-0.5, 0.9},
                {20, 30}});
        assertArrayEquals(new int[16], yTrue);
        assertArrayEquals(new int[] {0, 0, 1, 1, 0}, LocalisationMetrics.frameLabels(5, new double[][] {{2.9, 4.99}}));
        assertArrayEquals(new int[] {1, 1, 1, 0}, LocalisationMetrics.frameLabels(4, new double[][] {{-3.7, 3.2}}));
    }

    @Test
    void aVideoWithoutWindowsIsSkipped() {
        LocalisationMetrics.ItemResult result = LocalisationMetrics.evaluateItem(
                new LocalisationMetrics.Item("v", "q", new int[0], new double[0], new double[][] {{0, 10}}), 16);
        assertTrue(result.skipped());
        assertEquals(LocalisationMetrics.NO_WINDOWS, result.skipReason());
        assertEquals(0, result.evaluatedFrames());
    }

    @Test
    void overlappingWindowsAreAveragedAndUncoveredFramesScoreZero() {
        assertArrayEquals(new double[] {1, 1, 2, 2, 3, 3},
                LocalisationMetrics.frameScores(6, new int[] {0, 2}, new double[] {1, 3}, 4));
        assertArrayEquals(new double[] {5, 5, 0, 7, 7},
                LocalisationMetrics.frameScores(5, new int[] {0, 3}, new double[] {5, 7}, 2));
    }

    @Test
    void scikitLearnSemantics() {
        int[] yTrue = {0, 0, 1, 1};
        double[] scores = {0.1, 0.4, 0.35, 0.8};
        assertEquals(0.75, LocalisationMetrics.rocAuc(yTrue, scores));
        assertEquals(0.8333333333333333, LocalisationMetrics.averagePrecision(yTrue, scores), 1e-15);
        int[] labels = {1, 0, 1, 0, 0};
        double[] allTied = {0.2, 0.2, 0.2, 0.2, 0.2};
        assertEquals(0.5, LocalisationMetrics.rocAuc(labels, allTied));
        assertEquals(0.4, LocalisationMetrics.averagePrecision(labels, allTied), 1e-15, "one step: the positive rate");
        assertEquals(0.5, LocalisationMetrics.rocAuc(new int[] {1, 0}, new double[] {-0.0, 0.0}), "-0.0 == 0.0");
        assertEquals(0.0, LocalisationMetrics.rocAuc(new int[] {1, 0}, new double[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> LocalisationMetrics.rocAuc(new int[] {1, 1}, scores));
        assertThrows(IllegalArgumentException.class,
                () -> LocalisationMetrics.averagePrecision(new int[] {0, 0}, new double[] {1, 2}));
    }

    @org.junit.jupiter.api.Test
    void curvesEndWhereTheirAreasSay() {
        int[] y = {1, 0, 1, 1, 0, 0, 1, 0};
        double[] scores = {0.9, 0.8, 0.8, 0.6, 0.5, 0.3, 0.2, 0.1};
        double[][] roc = LocalisationMetrics.rocCurve(y, scores);
        double area = 0;
        for (int i = 1; i < roc[0].length; i++) {
            area += (roc[0][i] - roc[0][i - 1]) * (roc[1][i] + roc[1][i - 1]) / 2;
        }
        org.junit.jupiter.api.Assertions.assertEquals(LocalisationMetrics.rocAuc(y, scores), area, 1e-12);
        org.junit.jupiter.api.Assertions.assertEquals(1.0, roc[0][roc[0].length - 1]);
        double[][] pr = LocalisationMetrics.precisionRecallCurve(y, scores);
        double ap = 0;
        double previous = 0;
        for (int i = 0; i < pr[0].length; i++) {
            ap += (pr[0][i] - previous) * pr[1][i];
            previous = pr[0][i];
        }
        org.junit.jupiter.api.Assertions.assertEquals(LocalisationMetrics.averagePrecision(y, scores), ap, 1e-12);
    }

    @org.junit.jupiter.api.Test
    void precisionRecallCurveStartsAtRecallZeroPrecisionOneAsScikitLearn() {
        // the top-scored frame is a negative: without the first point the curve would start at (0, 0)
        double[][] pr = LocalisationMetrics.precisionRecallCurve(new int[] {0, 1, 1, 0}, new double[] {0.9, 0.8, 0.7, 0.1});
        org.junit.jupiter.api.Assertions.assertEquals(0.0, pr[0][0]);
        org.junit.jupiter.api.Assertions.assertEquals(1.0, pr[1][0]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0, 0.5, 1, 1}, pr[0], 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 0, 0.5, 2.0 / 3, 0.5}, pr[1], 1e-12);
    }
}
