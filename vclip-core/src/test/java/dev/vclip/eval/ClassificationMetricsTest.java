package dev.vclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    @Test
    void equalScoresRankByAscendingClassIndex() {
        assertArrayEquals(new int[] {1, 2, 0}, ClassificationMetrics.topClasses(new double[] {1, 3, 3, 0}, 3));
        assertArrayEquals(new int[] {0, 1, 2, 3}, ClassificationMetrics.topClasses(new double[] {0.0, -0.0, 0, 0}, 5));
    }

    @Test
    void softmaxProbabilitiesAreSummedOverViews() {
        double[] aggregated = ClassificationMetrics.aggregateViews(new double[][] {{0, 0}, {1000, 0}});
        assertArrayEquals(new double[] {1.5, 0.5}, aggregated, 1e-15);
    }

    @Test
    void fewerThanFiveClasses() {
        ClassificationMetrics.Result result = ClassificationMetrics.evaluate(
                new double[][][] {{{0.1, 2.0, 0.3}}, {{3.0, 1.0, 2.0}}}, new int[] {0, 0});
        assertEquals(50.0, result.top1());
        assertEquals(100.0, result.top5());
        assertArrayEquals(new int[] {1, 0}, result.top1Predictions());
        assertArrayEquals(new int[][] {{1, 2, 0}, {0, 2, 1}}, result.top5Predictions());
    }

    @Test
    void confusionPerClassAccuracyAndMostConfusedPairs() {
        int[] labels = {0, 0, 0, 1, 1, 2, 2, 2};
        int[] predictions = {0, 1, 1, 1, 2, 2, 0, 2};
        long[][] confusion = ClassificationMetrics.confusionMatrix(labels, predictions, 4);
        assertArrayEquals(new long[] {1, 2, 0, 0}, confusion[0]);
        assertArrayEquals(new long[] {0, 1, 1, 0}, confusion[1]);
        assertArrayEquals(new long[] {1, 0, 2, 0}, confusion[2]);
        double[] perClass = ClassificationMetrics.perClassAccuracy(confusion);
        assertArrayEquals(new double[] {100.0 / 3, 50.0, 200.0 / 3}, java.util.Arrays.copyOf(perClass, 3), 1e-12);
        assertEquals(Double.NaN, perClass[3], "class 3 has no videos");
        assertEquals(50.0, ClassificationMetrics.meanClassAccuracy(confusion), 1e-12);
        assertEquals(List.of(new ClassificationMetrics.ConfusedPair(0, 1, 2),
                new ClassificationMetrics.ConfusedPair(1, 2, 1)), ClassificationMetrics.mostConfusedPairs(confusion, 2));
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.evaluate(new double[][][] {{{1, 2}}}, new int[] {2}));
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.evaluate(new double[][][] {{{1, 2}}}, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.topClasses(new double[] {1}, 0));
    }
}
