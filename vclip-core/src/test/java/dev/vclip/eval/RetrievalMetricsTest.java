package dev.vclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

    @Test
    void allTiesGiveEveryQueryOneRankPerTiedPosition() {
        double[][] sim = new double[4][4];
        RetrievalMetrics.SingleCaptionResult result = RetrievalMetrics.singleCaption(sim);
        RetrievalMetrics.DirectionMetrics t2v = result.textToVideo();
        assertArrayEquals(new int[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, t2v.ranking().ranks());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, t2v.ranking().queryOfRank());
        assertEquals(25.0, t2v.r1());
        assertEquals(100.0, t2v.r5());
        assertEquals(2.5, t2v.medianRank(), "numpy median of an even count");
        assertEquals(2.5, t2v.meanRank());
        assertArrayEquals(t2v.ranking().ranks(), result.videoToText().ranking().ranks());
    }

    @Test
    void negativeAndPositiveZeroTie() {
        RetrievalMetrics.Ranking ranking = RetrievalMetrics.rankAgainstDiagonal(new double[][] {{-0.0, 0.0}, {1, 0}});
        assertArrayEquals(new int[] {1, 2, 2}, ranking.ranks());
        assertArrayEquals(new int[] {0, 0, 1}, ranking.queryOfRank());
    }

    @Test
    void aSingleVideo() {
        RetrievalMetrics.SingleCaptionResult single = RetrievalMetrics.singleCaption(new double[][] {{0.3}});
        assertEquals(new RetrievalMetrics.DirectionMetrics(100, 100, 100, 1, 1, 0, single.textToVideo().ranking()),
                single.textToVideo());
        RetrievalMetrics.MultiCaptionResult multi =
                RetrievalMetrics.multiCaption(new double[][] {{0.1}, {0.7}, {-2}}, new int[] {3});
        assertArrayEquals(new int[] {1, 1, 1}, multi.textToVideo().ranking().ranks());
        assertEquals(100.0, multi.textToVideo().r1());
        assertArrayEquals(new double[][] {{0.7}}, multi.videoByCaptionGroupMaxSim());
        assertArrayEquals(new int[] {1}, multi.videoToText().ranking().ranks());
    }

    @Test
    void multiCaptionTiesGoToTheLowerVideoIndex() {
        double[][] sim = {{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}};
        RetrievalMetrics.Ranking ranking = RetrievalMetrics.textToVideoRanks(sim, new int[] {2, 1, 1});
        assertArrayEquals(new int[] {1, 1, 2, 3}, ranking.ranks());
        assertEquals(1.0, ranking.lowerMedianRank(), "torch.median: the lower middle value");
        assertEquals(1.5, ranking.medianRank(), "numpy median");
    }

    @Test
    void textToVideoRecallIsComputedInFloat32LikePyTorch() {
        int[] ranks = new int[43];
        java.util.Arrays.fill(ranks, 20);
        java.util.Arrays.fill(ranks, 0, 18, 1);
        RetrievalMetrics.Ranking ranking = new RetrievalMetrics.Ranking(ranks, new int[43]);
        assertEquals(41.86046600341797, ranking.recallAtFloat32(1));
        assertEquals(1800.0 / 43, ranking.recallAt(1));
    }

    @Test
    void floatMatricesAreWidenedExactly() {
        float[][] sim = {{0.1f, 0.3f}, {0.2f, 0.2f}};
        double[][] wide = {{0.1f, 0.3f}, {0.2f, 0.2f}};
        assertEquals(RetrievalMetrics.singleCaption(wide).textToVideo().meanRank(),
                RetrievalMetrics.singleCaption(sim).textToVideo().meanRank());
    }

    @Test
    void badShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.singleCaption(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.singleCaption(new double[0][0]));
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.singleCaption(new double[][] {{1, Double.NaN}, {0, 1}}));
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.multiCaption(new double[][] {{1, 0}, {0, 1}}, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.multiCaption(new double[][] {{1, 0}, {0, 1}}, new int[] {2, 0}));
    }
}
