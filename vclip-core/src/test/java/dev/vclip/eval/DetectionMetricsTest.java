package dev.vclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vclip.eval.DetectionMetrics.GroundTruthSegment;
import dev.vclip.eval.DetectionMetrics.MomentQuery;
import dev.vclip.eval.DetectionMetrics.PredictedSegment;
import dev.vclip.eval.DetectionMetrics.Proposal;
import dev.vclip.eval.DetectionMetrics.ProposalRule;
import dev.vclip.eval.DetectionMetrics.ScoredWindow;
import dev.vclip.eval.DetectionMetrics.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectionMetricsTest {

    private static final double[] THRESHOLDS = DetectionMetrics.DEFAULT_TIOU_THRESHOLDS;

    @Test
    void temporalIoU() {
        assertEquals(1.0 / 3, DetectionMetrics.temporalIoU(0, 10, 5, 15));
        assertEquals(0.0, DetectionMetrics.temporalIoU(0, 10, 20, 30));
        assertEquals(0.0, DetectionMetrics.temporalIoU(4, 4, 4, 4), "0/0 union");
        assertEquals(0.5, DetectionMetrics.temporalIoU(10, 15, 10, 20));
    }

    @Test
    void interpolationTakesTheBestLaterPrecision() {
        assertEquals(0.5 * 1.0 + 0.25 * (2.0 / 3),
                DetectionMetrics.interpolatedAveragePrecision(new double[] {1, 0.5, 2.0 / 3}, new double[] {0.5, 0.5, 0.75}),
                1e-15);
        assertEquals(0.0, DetectionMetrics.interpolatedAveragePrecision(new double[0], new double[0]));
    }

    @Test
    void classesWithoutPredictionsCountAsZero() {
        DetectionMetrics.DetectionResult result = DetectionMetrics.detectionMeanAveragePrecision(
                List.of(new GroundTruthSegment("a", "x", 0, 10), new GroundTruthSegment("a", "y", 0, 10)),
                List.of(new PredictedSegment("a", "x", 0, 10, 0.9)), THRESHOLDS,
                DetectionMetrics.ScoreTieOrder.LATER_LISTED_FIRST);
        assertArrayEquals(new double[] {1, 1, 1}, result.averagePrecision().get("x"));
        assertArrayEquals(new double[] {0, 0, 0}, result.averagePrecision().get("y"));
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, result.meanAveragePrecision());
        assertEquals(0.5, result.averageMeanAveragePrecision());
    }

    @Test
    void predictedLabelsNeedGroundTruth() {
        assertThrows(IllegalArgumentException.class, () -> DetectionMetrics.detectionMeanAveragePrecision(
                List.of(new GroundTruthSegment("a", "x", 0, 10)), List.of(new PredictedSegment("a", "z", 0, 10, 1)),
                THRESHOLDS, DetectionMetrics.ScoreTieOrder.LATER_LISTED_FIRST));
    }

    @Test
    void momentRetrievalCountsTenWindowsForMapButOnlyTheFirstForRecall() {
        List<ScoredWindow> predictions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            predictions.add(new ScoredWindow(100 + i, 110 + i, 1.0 - i * 0.01));
        }
        predictions.add(new ScoredWindow(0, 10, 0.5));
        DetectionMetrics.MomentRetrievalResult result = DetectionMetrics.momentRetrieval(
                List.of(new MomentQuery("7", List.of(new Window(0, 10)), predictions)), THRESHOLDS);
        assertArrayEquals(new double[] {0, 0, 0}, result.perQueryAveragePrecision().get("7"));
        assertArrayEquals(new double[] {0, 0, 0}, result.recallAt1());
        assertEquals(Map.of("0.3", 0.0, "0.5", 0.0, "0.7", 0.0, "average", 0.0),
                result.momentDetrReport().get("MR-mAP"));
    }

    @Test
    void aMomentQueryWithoutGroundTruthOrPredictionsIsRejected() {
        List<ScoredWindow> one = List.of(new ScoredWindow(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> DetectionMetrics.momentRetrieval(
                List.of(new MomentQuery("1", List.of(), one)), THRESHOLDS));
        assertThrows(IllegalArgumentException.class, () -> DetectionMetrics.momentRetrieval(
                List.of(new MomentQuery("1", List.of(new Window(0, 1)), List.of())), THRESHOLDS));
    }

    @Test
    void reportRoundingAndKeysFollowPython() {
        assertEquals(58.33, DetectionMetrics.percentTwoDecimals(0.5833333333333334));
        assertEquals(0.12, DetectionMetrics.percentTwoDecimals(0.00125), "half-even on the exact binary value");
        assertEquals("0.5", DetectionMetrics.pythonThresholdKey(0.5));
        assertEquals("0.75", DetectionMetrics.pythonThresholdKey(0.75));
        assertEquals("1.0", DetectionMetrics.pythonThresholdKey(1.0));
    }

    @Test
    void proposalsThresholdMergeDropAndSuppress() {
        double[] scores = {0.9, 0.9, 0.1, 0.9, 0.2, 0.2, 0.2, 0.8, 0.1, 0.1, 0.7, 0.7, 0.7};
        List<Proposal> proposals = DetectionMetrics.proposals(scores, new ProposalRule(new double[] {0.5}, 1, 2, 0.5, 10));
        assertEquals(List.of(new Proposal(0, 4, (0.9 + 0.9 + 0.1 + 0.9) / 4), new Proposal(10, 13, (0.7 + 0.7 + 0.7) / 3)),
                proposals, "[0,2) and [3,4) merge across one frame; [7,8) is too short");
        assertEquals(1, DetectionMetrics.proposals(scores, new ProposalRule(new double[] {0.5}, 1, 2, 0.5, 1)).size());
        assertEquals(List.of(), DetectionMetrics.proposals(new double[0], new ProposalRule(new double[] {0.5}, 1, 1, 0.5, 3)));
        assertEquals(List.of(), DetectionMetrics.proposals(new double[] {0.1, 0.2},
                new ProposalRule(new double[] {0.5}, 1, 1, 0.5, 3)));
        List<Proposal> nested = DetectionMetrics.proposals(new double[] {0.4, 0.9, 0.9, 0.4},
                new ProposalRule(new double[] {0.8, 0.3}, 0, 1, 0.4, 5));
        assertEquals(List.of(new Proposal(1, 3, 0.9)), nested, "[0,4) overlaps [1,3) with tIoU 0.5 > 0.4");
    }
}
