package dev.vclip.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Frame-level localisation metrics of a (video, query) pair from sliding-window scores, as
 * Soheil-jafari/XCLIP_Baseline computes them ({@code xclip_module/metrics.py}: {@code assign_window_scores_to_frames},
 * {@code calculate_and_save_metrics}; windows of {@code xclip_module/data.py VideoWindowDataset}):
 * <ol>
 *   <li>{@linkplain #windowStarts windows} of W frames every {@code stride} frames;</li>
 *   <li>the {@linkplain #evaluatedLength evaluated length} {@code max(start) + W}, not the video length;</li>
 *   <li>{@linkplain #frameScores frame scores}: the mean score of the windows covering a frame;</li>
 *   <li>{@linkplain #frameLabels y_true} from ground-truth frame ranges;</li>
 *   <li>per item {@linkplain #rocAuc AUROC} and {@linkplain #averagePrecision AP} with scikit-learn semantics, and
 *       their unweighted {@linkplain #evaluate macro average}.</li>
 * </ol>
 */
public final class LocalisationMetrics {

    /** {@link ItemResult#skipReason()} of an item whose {@code y_true} is all 0 or all 1. */
    public static final String SINGLE_CLASS = "y_true has a single class";
    /** {@link ItemResult#skipReason()} of an item without windows (a video without frames). */
    public static final String NO_WINDOWS = "no windows";

    private LocalisationMetrics() {
    }

    /**
     * One (video, query) pair: its window starts and their scores, and the ground-truth ranges
     * {@code [startFrame, endFrame]} (end exclusive; may be fractional, negative or beyond the video).
     */
    public record Item(String video, String query, int[] windowStarts, double[] windowScores,
                       double[][] groundTruthRanges) {

        public Item {
            if (windowStarts.length != windowScores.length) {
                throw new IllegalArgumentException(video + " / " + query + ": " + windowStarts.length
                        + " window starts but " + windowScores.length + " scores");
            }
            for (double[] range : groundTruthRanges) {
                if (range.length != 2) {
                    throw new IllegalArgumentException(video + " / " + query
                            + ": a ground-truth range needs [start, end], got " + Arrays.toString(range));
                }
            }
        }
    }

    /**
     * The evaluation of one item: frames evaluated, frame scores, frame labels, and AUROC / AP (NaN when
     * {@code skipped}; then {@code skipReason} says why, otherwise it is null).
     */
    public record ItemResult(String video, String query, int evaluatedFrames, double[] frameScores, int[] yTrue,
                             boolean skipped, String skipReason, double auroc, double averagePrecision) {
    }

    /** Every item's result and the macro averages over the items not skipped (0.0 if none remains). */
    public record Summary(List<ItemResult> items, double macroAuroc, double macroAveragePrecision) {
    }

    /**
     * Window starts of {@code VideoWindowDataset}: {@code 0, stride, 2*stride, ...} up to
     * {@code videoFrames - windowLength} inclusive; if there is none and the video has frames, the single start 0
     * (the model input is then padded with the last frame); none for a video without frames.
     */
    public static int[] windowStarts(int videoFrames, int windowLength, int stride) {
        if (windowLength < 1 || stride < 1 || videoFrames < 0) {
            throw new IllegalArgumentException("need windowLength >= 1, stride >= 1, videoFrames >= 0; got "
                    + windowLength + ", " + stride + ", " + videoFrames);
        }
        if (videoFrames == 0) {
            return new int[0];
        }
        if (videoFrames < windowLength) {
            return new int[] {0};
        }
        int[] starts = new int[(videoFrames - windowLength) / stride + 1];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = i * stride;
        }
        return starts;
    }

    /**
     * Frames evaluated: {@code max(windowStarts) + windowLength}, <b>not</b> the video length (frames after the
     * last full window are never evaluated, a video shorter than a window counts as one window long); 0 without
     * windows.
     */
    public static int evaluatedLength(int[] windowStarts, int windowLength) {
        return windowStarts.length == 0 ? 0 : Arrays.stream(windowStarts).max().getAsInt() + windowLength;
    }

    /**
     * {@code assign_window_scores_to_frames}: the score of frame f is the mean of the scores of the windows with
     * {@code start <= f < min(evaluatedFrames, start + windowLength)}, summed in window order; 0 for a frame no
     * window covers (only possible when the stride exceeds the window length).
     */
    public static double[] frameScores(int evaluatedFrames, int[] windowStarts, double[] windowScores,
                                       int windowLength) {
        if (windowStarts.length != windowScores.length) {
            throw new IllegalArgumentException(windowStarts.length + " window starts but " + windowScores.length
                    + " scores");
        }
        double[] sums = new double[evaluatedFrames];
        double[] counts = new double[evaluatedFrames];
        for (int w = 0; w < windowStarts.length; w++) {
            if (windowStarts[w] < 0) {
                throw new IllegalArgumentException("window start " + windowStarts[w] + " is negative");
            }
            int end = Math.min(evaluatedFrames, windowStarts[w] + windowLength);
            for (int f = windowStarts[w]; f < end; f++) {
                sums[f] += windowScores[w];
                counts[f] += 1.0;
            }
        }
        for (int f = 0; f < evaluatedFrames; f++) {
            sums[f] /= counts[f] == 0 ? 1.0 : counts[f];
        }
        return sums;
    }

    /**
     * Frame labels: {@code y_true[f] = 1} if {@code max(0, int(s)) <= f < min(evaluatedFrames, int(e))} for some
     * ground-truth range {@code [s, e]}, with Python's {@code int()} (truncation toward zero). A range whose
     * truncated end does not exceed its start labels nothing. (XCLIP_Baseline writes this as the slice
     * {@code y_true[max(0, int(s)) : min(n, int(e))] = 1}; for a negative {@code int(e)} a Python slice would
     * count from the end; the rule above, that of the fixtures' README, labels nothing.)
     */
    public static int[] frameLabels(int evaluatedFrames, double[][] groundTruthRanges) {
        int[] yTrue = new int[evaluatedFrames];
        for (double[] range : groundTruthRanges) {
            if (Double.isNaN(range[0]) || Double.isNaN(range[1])) {
                throw new IllegalArgumentException("ground-truth range " + Arrays.toString(range) + " contains NaN");
            }
            long from = Math.max(0L, (long) range[0]);
            long to = Math.min(evaluatedFrames, (long) range[1]);
            for (long f = from; f < to; f++) {
                yTrue[(int) f] = 1;
            }
        }
        return yTrue;
    }

    /**
     * Evaluates one item as {@code calculate_and_save_metrics} does: skipped when it has no windows or when
     * {@code y_true} has a single class (all 0, e.g. a query whose ground truth is empty or lies outside the
     * evaluated frames, or all 1); otherwise {@link #rocAuc} and {@link #averagePrecision} of the frame scores.
     */
    public static ItemResult evaluateItem(Item item, int windowLength) {
        int frames = evaluatedLength(item.windowStarts(), windowLength);
        double[] scores = frameScores(frames, item.windowStarts(), item.windowScores(), windowLength);
        int[] yTrue = frameLabels(frames, item.groundTruthRanges());
        if (item.windowStarts().length == 0) {
            return new ItemResult(item.video(), item.query(), frames, scores, yTrue, true, NO_WINDOWS,
                    Double.NaN, Double.NaN);
        }
        int positives = Arrays.stream(yTrue).sum();
        if (positives == 0 || positives == frames) {
            return new ItemResult(item.video(), item.query(), frames, scores, yTrue, true, SINGLE_CLASS,
                    Double.NaN, Double.NaN);
        }
        return new ItemResult(item.video(), item.query(), frames, scores, yTrue, false, null,
                rocAuc(yTrue, scores), averagePrecision(yTrue, scores));
    }

    /**
     * Evaluates every item ({@link #evaluateItem}) and takes the unweighted means of AUROC and AP over the items
     * not skipped; 0.0 for both if every item is skipped (XCLIP_Baseline {@code macro_AUROC}, {@code macro_AP}).
     */
    public static Summary evaluate(List<Item> items, int windowLength) {
        List<ItemResult> results = new ArrayList<>(items.size());
        double aurocSum = 0;
        double apSum = 0;
        int evaluated = 0;
        for (Item item : items) {
            ItemResult result = evaluateItem(item, windowLength);
            results.add(result);
            if (!result.skipped()) {
                aurocSum += result.auroc();
                apSum += result.averagePrecision();
                evaluated++;
            }
        }
        return evaluated == 0 ? new Summary(List.copyOf(results), 0.0, 0.0)
                : new Summary(List.copyOf(results), aurocSum / evaluated, apSum / evaluated);
    }

    /**
     * Area under the ROC curve, scikit-learn {@code roc_auc_score(y_true, scores)} for binary labels: the
     * probability that a positive frame scores higher than a negative one, ties counting one half (equal to
     * sklearn's trapezoidal area under the curve through the distinct thresholds).
     *
     * @throws IllegalArgumentException if {@code y_true} does not have both classes (sklearn raises too)
     */
    public static double rocAuc(int[] yTrue, double[] scores) {
        List<int[]> groups = groupsByDescendingScore(yTrue, scores);
        long[] totals = totals(groups);
        long positives = totals[0];
        long negatives = totals[1];
        requireBothClasses(positives, negatives);
        // Pairs (positive, negative) ordered correctly, in halves so that everything stays an exact integer.
        double halfPairs = 0;
        long negativesBelow = negatives;
        for (int[] group : groups) {
            negativesBelow -= group[1];
            halfPairs += 2.0 * group[0] * negativesBelow + (double) group[0] * group[1];
        }
        return halfPairs / (2.0 * positives * negatives);
    }

    /**
     * Average precision, scikit-learn {@code average_precision_score(y_true, scores)}: thresholds at the distinct
     * scores from high to low (tied scores form one step), {@code AP = sum_n (R_n - R_{n-1}) * P_n}, no
     * interpolation.
     *
     * @throws IllegalArgumentException if {@code y_true} has no positive (sklearn's recall would be 0/0)
     */
    public static double averagePrecision(int[] yTrue, double[] scores) {
        List<int[]> groups = groupsByDescendingScore(yTrue, scores);
        long positives = totals(groups)[0];
        if (positives == 0) {
            throw new IllegalArgumentException("average precision needs at least one positive frame");
        }
        long truePositives = 0;
        long predicted = 0;
        double previousRecall = 0;
        double ap = 0;
        for (int[] group : groups) {
            truePositives += group[0];
            predicted += group[0] + group[1];
            double recall = (double) truePositives / positives;
            double precision = (double) truePositives / predicted;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        return ap;
    }

    /**
     * The ROC curve through the distinct thresholds, high to low, from (0, 0) to (1, 1): {@code [fpr, tpr]}, the points
     * scikit-learn's {@code roc_curve} gives (with {@code drop_intermediate=False}); its trapezoidal area is
     * {@link #rocAuc}.
     */
    public static double[][] rocCurve(int[] yTrue, double[] scores) {
        List<int[]> groups = groupsByDescendingScore(yTrue, scores);
        long[] totals = totals(groups);
        long positives = totals[0];
        long negatives = totals[1];
        requireBothClasses(positives, negatives);
        double[] fpr = new double[groups.size() + 1];
        double[] tpr = new double[groups.size() + 1];
        long tp = 0;
        long fp = 0;
        for (int g = 0; g < groups.size(); g++) {
            tp += groups.get(g)[0];
            fp += groups.get(g)[1];
            fpr[g + 1] = (double) fp / negatives;
            tpr[g + 1] = (double) tp / positives;
        }
        return new double[][]{fpr, tpr};
    }

    /**
     * The precision–recall curve through the distinct thresholds, high to low: {@code [recall, precision]}, the
     * points whose step sum is {@link #averagePrecision}, after a first point (recall 0, precision 1) above the
     * highest threshold, as scikit-learn's {@code precision_recall_curve} has it (it adds no area). Without it a curve
     * whose top-scored frames are negatives would start at (0, 0) and draw a line down the y axis from nowhere.
     */
    public static double[][] precisionRecallCurve(int[] yTrue, double[] scores) {
        List<int[]> groups = groupsByDescendingScore(yTrue, scores);
        long positives = totals(groups)[0];
        if (positives == 0) {
            throw new IllegalArgumentException("a precision-recall curve needs at least one positive frame");
        }
        double[] recall = new double[groups.size() + 1];
        double[] precision = new double[groups.size() + 1];
        precision[0] = 1;
        long tp = 0;
        long predicted = 0;
        for (int g = 0; g < groups.size(); g++) {
            tp += groups.get(g)[0];
            predicted += groups.get(g)[0] + groups.get(g)[1];
            recall[g + 1] = (double) tp / positives;
            precision[g + 1] = (double) tp / predicted;
        }
        return new double[][]{recall, precision};
    }

    /** {positives, negatives} over all groups. */
    private static long[] totals(List<int[]> groups) {
        long[] totals = new long[2];
        for (int[] group : groups) {
            totals[0] += group[0];
            totals[1] += group[1];
        }
        return totals;
    }

    /**
     * The frames grouped by equal score (primitive {@code ==}, so -0.0 and 0.0 are one group, as in numpy),
     * highest score first; each group as {@code [positives, negatives]}.
     */
    private static List<int[]> groupsByDescendingScore(int[] yTrue, double[] scores) {
        if (yTrue.length != scores.length) {
            throw new IllegalArgumentException(yTrue.length + " labels but " + scores.length + " scores");
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score of frame " + i + " is NaN");
            }
            if (yTrue[i] != 0 && yTrue[i] != 1) {
                throw new IllegalArgumentException("y_true of frame " + i + " is " + yTrue[i] + ", not 0 or 1");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<int[]> groups = new ArrayList<>();
        int[] current = null;
        double currentScore = Double.NaN;
        for (int i : order) {
            if (current == null || scores[i] != currentScore) {
                current = new int[2];
                groups.add(current);
                currentScore = scores[i];
            }
            current[yTrue[i] == 1 ? 0 : 1]++;
        }
        return groups;
    }

    private static void requireBothClasses(long positives, long negatives) {
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUROC needs both positive and negative frames, got " + positives
                    + " positive and " + negatives + " negative");
        }
    }
}
