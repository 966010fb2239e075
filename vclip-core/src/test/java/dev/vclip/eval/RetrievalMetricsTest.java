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
    /**
     * MSVD's protocol on 6 videos with 2-3 captions each (14 captions), worked out by hand. Each caption row holds the
     * levels 1..6 once (a permutation over the videos) plus the row's own offset t / 1000, so no two entries of the
     * matrix are equal: sim[t][j] = level[t][j] / 10 + t / 1000.
     */
    @Test
    void msvdMultiCaptionByHand() {
        int[] captionsPerVideo = {2, 3, 2, 2, 3, 2};
        int[][] level = {
                // v0 v1 v2 v3 v4 v5      caption of   t2v rank: 1 + levels above its video's
                {6, 5, 4, 3, 2, 1},    // t0  v0       1
                {1, 2, 3, 4, 5, 6},    // t1  v0       6
                {6, 5, 4, 3, 2, 1},    // t2  v1       2
                {1, 6, 2, 3, 4, 5},    // t3  v1       1
                {2, 3, 6, 5, 4, 1},    // t4  v1       4
                {5, 4, 6, 3, 2, 1},    // t5  v2       1
                {1, 6, 4, 5, 3, 2},    // t6  v2       3
                {2, 3, 4, 1, 5, 6},    // t7  v3       6
                {6, 5, 4, 2, 3, 1},    // t8  v3       5
                {1, 2, 3, 4, 5, 6},    // t9  v4       2
                {5, 4, 3, 2, 6, 1},    // t10 v4       1
                {6, 1, 2, 3, 4, 5},    // t11 v4       3
                {1, 2, 3, 4, 5, 6},    // t12 v5       1
                {4, 6, 3, 2, 1, 5}};   // t13 v5       2
        double[][] sim = new double[level.length][6];
        for (int t = 0; t < level.length; t++) {
            for (int j = 0; j < 6; j++) {
                sim[t][j] = level[t][j] / 10.0 + t / 1000.0;
            }
        }
        RetrievalMetrics.MultiCaptionResult result = RetrievalMetrics.multiCaption(sim, captionsPerVideo);

        // text->video: ranks 1 6 2 1 4 1 3 6 5 2 1 3 1 2; sorted 1 1 1 1 1 2 2 2 3 3 4 5 6 6
        RetrievalMetrics.DirectionMetrics t2v = result.textToVideo();
        assertArrayEquals(new int[] {1, 6, 2, 1, 4, 1, 3, 6, 5, 2, 1, 3, 1, 2}, t2v.ranking().ranks());
        assertEquals(100.0 * 5 / 14, t2v.r1(), 1e-5, "5 of 14 at rank 1");
        assertEquals(100.0 * 12 / 14, t2v.r5(), 1e-5, "all but the two 6s");
        assertEquals(100.0, t2v.r10(), 1e-5);
        assertEquals(2.0, t2v.medianRank(), "torch.median: sorted[(14 - 1) / 2] = sorted[6] = 2");
        assertEquals(38.0 / 14, t2v.meanRank(), 1e-12, "5·1 + 3·2 + 2·3 + 4 + 5 + 2·6 = 38");

        // video->text: M[v][g] = the best caption of video g for video v. Column v0 of the groups:
        // g0 max(6, 1) = .600, g1 max(6, 1, 2) = .602 (t2), g2 .505, g3 .608 (t8), g4 .611 (t11), g5 .413
        // -> 3 groups above its own .600: rank 4. Likewise v1: own .603 (t3) below g2 .606 and g5 .613: rank 3;
        // v2: own .605 (t5) above g1 .604: rank 1; v3: own max(1, 2) = .208 below all five: rank 6;
        // v4: own .610 (t10): rank 1; v5: own .612 (t12): rank 1.
        assertEquals(0.602, result.videoByCaptionGroupMaxSim()[0][1], 1e-12);
        RetrievalMetrics.DirectionMetrics v2t = result.videoToText();
        assertArrayEquals(new int[] {4, 3, 1, 6, 1, 1}, v2t.ranking().ranks());
        assertEquals(50.0, v2t.r1(), 1e-12, "3 of 6");
        assertEquals(100.0 * 5 / 6, v2t.r5(), 1e-12);
        assertEquals(100.0, v2t.r10(), 1e-12);
        assertEquals(2.0, v2t.medianRank(), "numpy median of 1 1 1 3 4 6: (1 + 3) / 2");
        assertEquals(16.0 / 6, v2t.meanRank(), 1e-12);
    }
}
