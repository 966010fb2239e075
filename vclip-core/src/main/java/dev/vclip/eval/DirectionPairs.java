package dev.vclip.eval;

/**
 * Recognition metrics over classes that come in direction-only pairs (moving left / moving right, growing /
 * shrinking, ...): the two classes of a pair show the same frames in opposite order, so a model that cannot see
 * frame order (frame-feature mean pooling) cannot tell them apart.
 *
 * <ul>
 *   <li>{@code top1}: top-1 accuracy (over all classes) on the videos whose class has a twin;</li>
 *   <li>{@code pairAccuracy}: on the same videos, how often the true class scores above its twin — the order test
 *   alone, with every other confusion taken out. A model blind to order scores about 50 % here.</li>
 * </ul>
 */
public final class DirectionPairs {

    private DirectionPairs() {
    }

    /** Metrics over the {@code videos} whose class has a twin (NaN when there are none); fractions, not percent. */
    public record Result(double top1, double pairAccuracy, int videos) {

        /** "direction-only top-1 61.2 %, order 80.5 % (880 videos)". */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "direction-only top-1 %.2f %%, order %.2f %% (%d videos)",
                    100 * top1, 100 * pairAccuracy, videos);
        }
    }

    /**
     * @param scores {@code scores[video][class]} (logits or probabilities: only the order matters)
     * @param labels true class of each video
     * @param twinOf {@code twinOf[class]}: the class with the same frames in reverse order, or -1
     */
    public static Result evaluate(double[][] scores, int[] labels, int[] twinOf) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " score rows for " + labels.length + " labels");
        }
        int videos = 0;
        int top1 = 0;
        int pair = 0;
        for (int v = 0; v < labels.length; v++) {
            int c = labels[v];
            int twin = c < twinOf.length ? twinOf[c] : -1;
            if (twin < 0) {
                continue;
            }
            videos++;
            int[] best = ClassificationMetrics.topClasses(scores[v], 1);
            top1 += best[0] == c ? 1 : 0;
            pair += scores[v][c] > scores[v][twin] ? 1 : 0;
        }
        return videos == 0 ? new Result(Double.NaN, Double.NaN, 0)
                : new Result((double) top1 / videos, (double) pair / videos, videos);
    }
}
