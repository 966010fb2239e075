package dev.vclip.verify;

import java.util.List;

/**
 * What the results of every checker have in common: each case (tensor, line, section case) passed or failed, counted
 * and summarised the same way ({@code "407 passed, 0 failed"}).
 *
 * @param <R> one checked case
 */
public interface CheckReport<R extends CheckReport.Outcome> {

    /** The outcome of one checked case. */
    interface Outcome {
        boolean passed();

        /** Whether it counts as a failure: by default whatever did not pass (a checker may leave some uncounted). */
        default boolean failed() {
            return !passed();
        }
    }

    /** Every outcome, in the order checked. */
    List<R> results();

    default long passed() {
        return results().stream().filter(Outcome::passed).count();
    }

    default long failed() {
        return results().stream().filter(Outcome::failed).count();
    }

    default List<R> failures() {
        return results().stream().filter(Outcome::failed).toList();
    }

    /** {@code "N passed, M failed"}. */
    default String summary() {
        return passed() + " passed, " + failed() + " failed";
    }
}
