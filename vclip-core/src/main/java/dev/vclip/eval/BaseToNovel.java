package dev.vclip.eval;

/**
 * Base-to-novel generalisation: the harmonic mean of the accuracy on the base classes (seen in training) and on
 * the novel classes, as the muzairkhattak/ViFi-CLIP README tables report it (applied there to accuracies averaged
 * over 3 training seeds; the repository has no code for it).
 */
public final class BaseToNovel {

    private BaseToNovel() {
    }

    /**
     * {@code HM = 2 * B * N / (B + N)}, evaluated in that order, for base accuracy B and novel accuracy N (both
     * percent or both fractions); <b>our convention</b>: 0 when {@code B + N = 0}, where the formula is 0/0.
     *
     * @throws IllegalArgumentException for a negative or NaN accuracy
     */
    public static double harmonicMean(double base, double novel) {
        if (!(base >= 0) || !(novel >= 0)) {
            throw new IllegalArgumentException("accuracies must be >= 0, got base " + base + " and novel " + novel);
        }
        double sum = base + novel;
        return sum == 0 ? 0.0 : 2 * base * novel / sum;
    }
}
