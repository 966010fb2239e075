package dev.vclip.eval;

import java.util.Arrays;

/**
 * Text-to-video and video-to-text retrieval metrics: R@1, R@5, R@10 (percent), median and mean rank, from a
 * similarity matrix {@code sim[text][video]}.
 *
 * <p>Two evaluation protocols, both as in ArrowLuo/CLIP4Clip and mzhaoshuai/CenterCLIP {@code metrics.py}:
 * <ul>
 *   <li>{@linkplain #singleCaption single caption} (MSR-VTT 1k-A, LSMDC, DiDeMo, ActivityNet paragraphs): square
 *       matrix, the ground truth of text i is video i; {@code compute_metrics} on the matrix and on its
 *       transpose. A query whose ground-truth similarity ties with other columns contributes one rank per tied
 *       position (see {@link #rankAgainstDiagonal});</li>
 *   <li>{@linkplain #multiCaption multi caption} (MSVD): texts grouped by video in order, video v owning
 *       {@code captionsPerVideo[v]} consecutive rows; {@code tensor_text_to_video_metrics} for text-to-video and
 *       {@code compute_metrics(tensor_video_to_text_sim(...))} for video-to-text.</li>
 * </ul>
 * Ranks are 1-based. NaN similarities are rejected.
 */
public final class RetrievalMetrics {

    private RetrievalMetrics() {
    }

    /**
     * The ranks a set of queries got, 1-based, and the query each rank came from. With ties (single-caption rule)
     * a query can contribute several ranks, so {@code ranks.length} may exceed the number of queries; every
     * statistic is over all ranks, as in the reference.
     */
    public record Ranking(int[] ranks, int[] queryOfRank) {

        public Ranking {
            if (ranks.length != queryOfRank.length) {
                throw new IllegalArgumentException(ranks.length + " ranks but " + queryOfRank.length + " query indices");
            }
            if (ranks.length == 0) {
                throw new IllegalArgumentException("no ranks: retrieval needs at least one query");
            }
        }

        public int count() {
            return ranks.length;
        }

        /** Number of ranks at most {@code k}. */
        public int hitsAt(int k) {
            int hits = 0;
            for (int rank : ranks) {
                if (rank <= k) {
                    hits++;
                }
            }
            return hits;
        }

        /** {@code 100 * #(rank <= k) / #ranks} in double precision ({@code compute_metrics}). */
        public double recallAt(int k) {
            return 100.0 * hitsAt(k) / ranks.length;
        }

        /**
         * R@k as {@code tensor_text_to_video_metrics} computes it: an integer tensor times 100 divided by an
         * integer, which PyTorch does in float32, widened to double (e.g. 41.86046600341797 for 18/43).
         */
        public double recallAtFloat32(int k) {
            float percentHits = (float) (hitsAt(k) * 100);
            return (double) (percentHits / (float) ranks.length);
        }

        /** numpy {@code median}: the mean of the two middle values for an even count. */
        public double medianRank() {
            int[] sorted = sortedRanks();
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        }

        /** {@code torch.median}: the lower middle value, {@code sorted[(n - 1) / 2]}. */
        public double lowerMedianRank() {
            return sortedRanks()[(ranks.length - 1) / 2];
        }

        /** Arithmetic mean of the ranks. */
        public double meanRank() {
            long sum = 0;
            for (int rank : ranks) {
                sum += rank;
            }
            return (double) sum / ranks.length;
        }

        /** Population standard deviation (ddof 0) of the ranks, as numpy {@code std}. */
        public double stdRank() {
            double mean = meanRank();
            double sumOfSquares = 0;
            for (int rank : ranks) {
                double deviation = rank - mean;
                sumOfSquares += deviation * deviation;
            }
            return Math.sqrt(sumOfSquares / ranks.length);
        }

        private int[] sortedRanks() {
            int[] sorted = ranks.clone();
            Arrays.sort(sorted);
            return sorted;
        }
    }

    /**
     * The metrics of one direction as the reference reports them, and the ranks they were computed from.
     * {@code r1}, {@code r5}, {@code r10} are percentages; {@code medianRank} is numpy's median except for
     * multi-caption text-to-video (torch's lower median); {@code stdRank} is only reported by
     * {@code tensor_text_to_video_metrics} but computed for every direction.
     */
    public record DirectionMetrics(double r1, double r5, double r10, double medianRank, double meanRank,
                                   double stdRank, Ranking ranking) {
    }

    /** The two directions every protocol reports. */
    public interface BothDirections {
        DirectionMetrics textToVideo();

        DirectionMetrics videoToText();
    }

    /** Both directions of the single-caption protocol. */
    public record SingleCaptionResult(DirectionMetrics textToVideo, DirectionMetrics videoToText)
            implements BothDirections {
    }

    /**
     * Both directions of the multi-caption protocol, with the matrix video-to-text is ranked on
     * ({@link #videoByCaptionGroupMax}).
     */
    public record MultiCaptionResult(DirectionMetrics textToVideo, DirectionMetrics videoToText,
                                     double[][] videoByCaptionGroupMaxSim)
            implements BothDirections {
    }

    /**
     * Single-caption retrieval (CLIP4Clip / CenterCLIP {@code compute_metrics(sim)} for text-to-video and
     * {@code compute_metrics(sim.T)} for video-to-text): {@code sim} must be square, the ground truth of text i
     * is video i.
     */
    public static SingleCaptionResult singleCaption(double[][] sim) {
        requireRectangular(sim, "sim");
        if (sim.length != sim[0].length) {
            throw new IllegalArgumentException("single-caption retrieval needs a square matrix, got "
                    + sim.length + " x " + sim[0].length);
        }
        return new SingleCaptionResult(numpyStyle(rankAgainstDiagonal(sim)),
                numpyStyle(rankAgainstDiagonal(transpose(sim))));
    }

    /** {@link #singleCaption(double[][])} of a float32 matrix, widened exactly to double. */
    public static SingleCaptionResult singleCaption(float[][] sim) {
        return singleCaption(widen(sim));
    }

    /**
     * Multi-caption retrieval (MSVD; CenterCLIP / CLIP4Clip {@code eval_epoch} with {@code multi_sentence_per_video}):
     * rows are texts grouped by video in order, {@code captionsPerVideo[v]} of them for video v; columns are
     * videos.
     * <ul>
     *   <li>text-to-video: {@link #textToVideoRanks}, reported as {@code tensor_text_to_video_metrics} does (R@K in
     *       float32, {@code MedianR} the lower median, {@code MeanR} and population {@code Std_Rank});</li>
     *   <li>video-to-text: {@link #videoByCaptionGroupMax} ({@code tensor_video_to_text_sim}), then the
     *       single-caption rule on that square matrix ({@code compute_metrics}, numpy median).</li>
     * </ul>
     */
    public static MultiCaptionResult multiCaption(double[][] sim, int[] captionsPerVideo) {
        Ranking textToVideo = textToVideoRanks(sim, captionsPerVideo);
        DirectionMetrics t2v = new DirectionMetrics(textToVideo.recallAtFloat32(1), textToVideo.recallAtFloat32(5),
                textToVideo.recallAtFloat32(10), textToVideo.lowerMedianRank(), textToVideo.meanRank(),
                textToVideo.stdRank(), textToVideo);
        double[][] byGroup = videoByCaptionGroupMax(sim, captionsPerVideo);
        return new MultiCaptionResult(t2v, numpyStyle(rankAgainstDiagonal(byGroup)), byGroup);
    }

    /** {@link #multiCaption(double[][], int[])} of a float32 matrix, widened exactly to double. */
    public static MultiCaptionResult multiCaption(float[][] sim, int[] captionsPerVideo) {
        return multiCaption(widen(sim), captionsPerVideo);
    }

    /**
     * The single-caption ranking of CLIP4Clip / CenterCLIP {@code compute_metrics}: for query row i with
     * ground-truth value {@code d = sim[i][i]}, g entries of the row greater than d and c entries equal to d
     * (the diagonal included), the row contributes the c ranks {@code g+1, ..., g+c}. (The reference sorts the
     * negated row and collects every position equal to the negated diagonal.) Without ties that is the single
     * rank {@code g+1}.
     */
    public static Ranking rankAgainstDiagonal(double[][] sim) {
        requireRectangular(sim, "sim");
        if (sim.length != sim[0].length) {
            throw new IllegalArgumentException("the ground truth is the diagonal: the matrix must be square, got "
                    + sim.length + " x " + sim[0].length);
        }
        IntList ranks = new IntList();
        IntList rows = new IntList();
        for (int i = 0; i < sim.length; i++) {
            double groundTruth = sim[i][i];
            int greater = 0;
            int equal = 0;
            for (double value : sim[i]) {
                if (value > groundTruth) {
                    greater++;
                } else if (value == groundTruth) {
                    equal++;
                }
            }
            for (int t = 1; t <= equal; t++) {
                ranks.add(greater + t);
                rows.add(i);
            }
        }
        return new Ranking(ranks.toArray(), rows.toArray());
    }

    /**
     * Multi-caption text-to-video ranks ({@code tensor_text_to_video_metrics}, a double argsort of each text's
     * row): text t of video v gets {@code 1 + #{j : sim[t][j] > sim[t][v]} + #{j < v : sim[t][j] == sim[t][v]}},
     * i.e. ties are ordered by ascending video index (the order of the reference's stable CPU sort for rows of
     * at most 16 videos; beyond that, and on GPU, the reference's tie order is unspecified). One rank per text.
     */
    public static Ranking textToVideoRanks(double[][] sim, int[] captionsPerVideo) {
        int[] videoOfText = videoOfEachText(sim, captionsPerVideo);
        int[] ranks = new int[sim.length];
        int[] rows = new int[sim.length];
        for (int t = 0; t < sim.length; t++) {
            int v = videoOfText[t];
            double groundTruth = sim[t][v];
            int before = 0;
            for (int j = 0; j < sim[t].length; j++) {
                if (sim[t][j] > groundTruth || (j < v && sim[t][j] == groundTruth)) {
                    before++;
                }
            }
            ranks[t] = before + 1;
            rows[t] = t;
        }
        return new Ranking(ranks, rows);
    }

    /**
     * CenterCLIP / CLIP4Clip {@code tensor_video_to_text_sim}: {@code M[v][g]} = the maximum over the captions t
     * of video g of {@code sim[t][v]}. Rows are videos as queries, columns caption groups; the ground truth is
     * the diagonal.
     */
    public static double[][] videoByCaptionGroupMax(double[][] sim, int[] captionsPerVideo) {
        int[] videoOfText = videoOfEachText(sim, captionsPerVideo);
        int videos = captionsPerVideo.length;
        double[][] byGroup = new double[videos][videos];
        for (double[] row : byGroup) {
            Arrays.fill(row, Double.NEGATIVE_INFINITY);
        }
        for (int t = 0; t < sim.length; t++) {
            int group = videoOfText[t];
            for (int v = 0; v < videos; v++) {
                byGroup[v][group] = Math.max(byGroup[v][group], sim[t][v]);
            }
        }
        return byGroup;
    }

    /** The report of {@code compute_metrics}: R@K in double, numpy median, mean. */
    private static DirectionMetrics numpyStyle(Ranking ranking) {
        return new DirectionMetrics(ranking.recallAt(1), ranking.recallAt(5), ranking.recallAt(10),
                ranking.medianRank(), ranking.meanRank(), ranking.stdRank(), ranking);
    }

    private static int[] videoOfEachText(double[][] sim, int[] captionsPerVideo) {
        requireRectangular(sim, "sim");
        if (captionsPerVideo.length != sim[0].length) {
            throw new IllegalArgumentException("captionsPerVideo has " + captionsPerVideo.length
                    + " videos but sim has " + sim[0].length + " columns");
        }
        int texts = 0;
        for (int v = 0; v < captionsPerVideo.length; v++) {
            if (captionsPerVideo[v] < 1) {
                throw new IllegalArgumentException("video " + v + " has " + captionsPerVideo[v]
                        + " captions; every video needs at least one");
            }
            texts += captionsPerVideo[v];
        }
        if (texts != sim.length) {
            throw new IllegalArgumentException("captionsPerVideo adds up to " + texts + " texts but sim has "
                    + sim.length + " rows");
        }
        int[] videoOfText = new int[texts];
        int t = 0;
        for (int v = 0; v < captionsPerVideo.length; v++) {
            for (int c = 0; c < captionsPerVideo[v]; c++) {
                videoOfText[t++] = v;
            }
        }
        return videoOfText;
    }

    static void requireRectangular(double[][] matrix, String name) {
        if (matrix.length == 0 || matrix[0].length == 0) {
            throw new IllegalArgumentException(name + " is empty");
        }
        for (int i = 0; i < matrix.length; i++) {
            if (matrix[i].length != matrix[0].length) {
                throw new IllegalArgumentException(name + " row " + i + " has " + matrix[i].length
                        + " entries, row 0 has " + matrix[0].length);
            }
            for (double value : matrix[i]) {
                if (Double.isNaN(value)) {
                    throw new IllegalArgumentException(name + " row " + i + " contains NaN");
                }
            }
        }
    }

    static double[][] widen(float[][] matrix) {
        double[][] wide = new double[matrix.length][];
        for (int i = 0; i < matrix.length; i++) {
            wide[i] = new double[matrix[i].length];
            for (int j = 0; j < matrix[i].length; j++) {
                wide[i][j] = matrix[i][j];
            }
        }
        return wide;
    }

    private static double[][] transpose(double[][] matrix) {
        double[][] transposed = new double[matrix[0].length][matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < matrix[0].length; j++) {
                transposed[j][i] = matrix[i][j];
            }
        }
        return transposed;
    }

    /** A growable int array (the ranks of a query set with ties are not known in advance). */
    static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
