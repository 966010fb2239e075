package dev.vclip.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Video classification metrics: multi-view aggregation, top-1 / top-5 accuracy, per-class accuracy, confusion
 * counts and the most confused pairs.
 *
 * <p>Aggregation follows microsoft/VideoX X-CLIP {@code main.py validate()} and muzairkhattak/ViFi-CLIP
 * {@code main.py validate()}: a softmax over the classes per view, then the <b>sum of the per-view
 * probabilities</b> (not of the logits; summing and averaging rank the same). The final X-CLIP test uses 4 clips x
 * 3 crops = 12 views, validation during training 1.
 *
 * <p>Ranking classes: the reference uses {@code torch.topk}, whose order of equal scores is unspecified. Our
 * convention, applied everywhere here: equal scores rank by ascending class index (also what {@code np.argmax}
 * does for top-1).
 */
public final class ClassificationMetrics {

    private ClassificationMetrics() {
    }

    /**
     * Aggregated scores, predictions and accuracies of a set of videos. {@code top1} and {@code top5} are percent;
     * {@code top5Predictions[v]} has {@code min(5, numClasses)} classes, best first.
     */
    public record Result(double top1, double top5, double[][] aggregatedScores, int[] top1Predictions,
                         int[][] top5Predictions) {
    }

    /** A (true class, predicted class) pair of the confusion matrix and how many videos fell in it. */
    public record ConfusedPair(int trueClass, int predictedClass, long count) {
    }

    /**
     * Aggregates the views of every video ({@link #aggregateViews}) and evaluates top-1 / top-5 as X-CLIP and
     * ViFi-CLIP {@code validate()} do: top-1 correct when the highest aggregated score is the label, top-5 when
     * the label is among the five highest; accuracy = 100 * correct / videos.
     *
     * @param logits {@code logits[video][view][class]}
     * @param labels the true class of each video
     */
    public static Result evaluate(double[][][] logits, int[] labels) {
        if (logits.length != labels.length) {
            throw new IllegalArgumentException(logits.length + " videos of logits but " + labels.length + " labels");
        }
        double[][] aggregated = new double[logits.length][];
        for (int v = 0; v < logits.length; v++) {
            aggregated[v] = aggregateViews(logits[v]);
        }
        return evaluateScores(aggregated, labels);
    }

    /** {@link #evaluate(double[][][], int[])} of float32 logits, widened exactly to double. */
    public static Result evaluate(float[][][] logits, int[] labels) {
        double[][][] wide = new double[logits.length][][];
        for (int v = 0; v < logits.length; v++) {
            wide[v] = RetrievalMetrics.widen(logits[v]);
        }
        return evaluate(wide, labels);
    }

    /**
     * Top-1 / top-5 of already aggregated scores {@code scores[video][class]} (mmaction {@code top_k_accuracy}
     * semantics, ties by ascending class index).
     */
    public static Result evaluateScores(double[][] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " videos of scores but " + labels.length + " labels");
        }
        RetrievalMetrics.requireRectangular(scores, "scores");
        int classes = scores[0].length;
        int[] top1 = new int[scores.length];
        int[][] top5 = new int[scores.length][];
        for (int v = 0; v < scores.length; v++) {
            requireClass(labels[v], classes, "label of video " + v);
            top5[v] = topClasses(scores[v], 5);
            top1[v] = top5[v][0];
        }
        return new Result(topKAccuracy(scores, labels, 1), topKAccuracy(scores, labels, 5), scores, top1, top5);
    }

    /**
     * One video's aggregated class scores: the per-view softmax probabilities summed over the views (X-CLIP /
     * ViFi-CLIP {@code tot_similarity += output.softmax(dim=-1)}).
     *
     * @param viewLogits {@code viewLogits[view][class]}
     */
    public static double[] aggregateViews(double[][] viewLogits) {
        RetrievalMetrics.requireRectangular(viewLogits, "view logits");
        double[] sum = new double[viewLogits[0].length];
        for (double[] view : viewLogits) {
            double[] probabilities = softmax(view);
            for (int c = 0; c < sum.length; c++) {
                sum[c] += probabilities[c];
            }
        }
        return sum;
    }

    /** Softmax over one view's logits, shifted by the maximum for range ({@code torch.softmax}). */
    public static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double logit : logits) {
            max = Math.max(max, logit);
        }
        double[] exp = new double[logits.length];
        double total = 0;
        for (int c = 0; c < logits.length; c++) {
            exp[c] = Math.exp(logits[c] - max);
            total += exp[c];
        }
        for (int c = 0; c < logits.length; c++) {
            exp[c] /= total;
        }
        return exp;
    }

    /**
     * The {@code min(k, classes)} classes with the highest scores, best first; equal scores by ascending class
     * index (our convention for {@code torch.topk}'s unspecified order of ties).
     */
    public static int[] topClasses(double[] scores, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        List<Integer> classes = new ArrayList<>(scores.length);
        for (int c = 0; c < scores.length; c++) {
            if (Double.isNaN(scores[c])) {
                throw new IllegalArgumentException("score of class " + c + " is NaN");
            }
            classes.add(c);
        }
        // Stable sort on the score alone (primitive '>' so that -0.0 and 0.0 tie): ties keep ascending class order.
        classes.sort((a, b) -> scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : 0);
        int n = Math.min(k, scores.length);
        int[] top = new int[n];
        for (int i = 0; i < n; i++) {
            top[i] = classes.get(i);
        }
        return top;
    }

    /**
     * Top-k accuracy in percent (mmaction {@code top_k_accuracy}, times 100): the share of videos whose label is
     * among the k highest scores ({@link #topClasses}).
     */
    public static double topKAccuracy(double[][] scores, int[] labels, int k) {
        if (scores.length != labels.length || scores.length == 0) {
            throw new IllegalArgumentException("need one label per video and at least one video, got "
                    + scores.length + " score rows and " + labels.length + " labels");
        }
        int correct = 0;
        for (int v = 0; v < scores.length; v++) {
            for (int c : topClasses(scores[v], k)) {
                if (c == labels[v]) {
                    correct++;
                    break;
                }
            }
        }
        return 100.0 * correct / scores.length;
    }

    /**
     * Confusion counts {@code counts[trueClass][predictedClass]} (the orientation of sklearn
     * {@code confusion_matrix(y_true, y_pred)} and mmaction {@code confusion_matrix(y_pred, y_real)}, whose rows
     * are the true classes).
     */
    public static long[][] confusionMatrix(int[] labels, int[] predictions, int numClasses) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + predictions.length + " predictions");
        }
        long[][] counts = new long[numClasses][numClasses];
        for (int v = 0; v < labels.length; v++) {
            requireClass(labels[v], numClasses, "label of video " + v);
            requireClass(predictions[v], numClasses, "prediction of video " + v);
            counts[labels[v]][predictions[v]]++;
        }
        return counts;
    }

    /**
     * Per-class top-1 accuracy in percent: correct / videos of the class, NaN for a class without videos.
     */
    public static double[] perClassAccuracy(long[][] confusion) {
        double[] accuracy = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            long total = 0;
            for (long count : confusion[c]) {
                total += count;
            }
            accuracy[c] = total == 0 ? Double.NaN : 100.0 * confusion[c][c] / total;
        }
        return accuracy;
    }

    /**
     * Mean class accuracy in percent: the unweighted mean of {@link #perClassAccuracy} over the classes that have
     * videos; 0 if none. (mmaction {@code mean_class_accuracy} also averages in a 0 for a class that is predicted
     * but has no videos; the two agree when every predicted class occurs among the labels.)
     */
    public static double meanClassAccuracy(long[][] confusion) {
        double sum = 0;
        int classes = 0;
        for (double accuracy : perClassAccuracy(confusion)) {
            if (!Double.isNaN(accuracy)) {
                sum += accuracy;
                classes++;
            }
        }
        return classes == 0 ? 0.0 : sum / classes;
    }

    /**
     * The off-diagonal cells of a confusion matrix with the most videos, most first (equal counts by true class,
     * then predicted class); at most {@code limit}, cells with count 0 never. For reports.
     */
    public static List<ConfusedPair> mostConfusedPairs(long[][] confusion, int limit) {
        List<ConfusedPair> pairs = new ArrayList<>();
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion[t].length; p++) {
                if (t != p && confusion[t][p] > 0) {
                    pairs.add(new ConfusedPair(t, p, confusion[t][p]));
                }
            }
        }
        pairs.sort(Comparator.comparingLong(ConfusedPair::count).reversed()
                .thenComparingInt(ConfusedPair::trueClass).thenComparingInt(ConfusedPair::predictedClass));
        return List.copyOf(pairs.subList(0, Math.min(Math.max(limit, 0), pairs.size())));
    }

    private static void requireClass(int c, int numClasses, String what) {
        if (c < 0 || c >= numClasses) {
            throw new IllegalArgumentException(what + " is " + c + ", outside 0.." + (numClasses - 1));
        }
    }
}
