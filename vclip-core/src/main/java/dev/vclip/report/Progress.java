package dev.vclip.report;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long loop, in the unit the user waits on (videos, windows, updates). Library code receives a
 * {@link Factory} from its caller and prints nothing itself: the CLI's factory draws a line on stderr, a server or a
 * Spark task may log or count, tests pass {@link Factory#SILENT}.
 *
 * <pre>{@code
 * try (Progress progress = factory.start("encode videos", videos.size())) {
 *     for (Path video : videos) {
 *         encode(video);
 *         progress.step();
 *     }
 * }
 * }</pre>
 * Steps may come from several threads.
 */
public interface Progress extends AutoCloseable {

    /** Starts progress reporters; how a library call lets its caller show progress. */
    @FunctionalInterface
    interface Factory {
        /** Counts and shows nothing. */
        Factory SILENT = (task, total) -> none();

        /**
         * @param task  what is being done, e.g. {@code "zero-shot: encode videos"}
         * @param total the number of steps, or a negative number when unknown
         */
        Progress start(String task, long total);
    }

    /** One step done. */
    default void step() {
        stepBy(1);
    }

    /** {@code steps} steps done (a batch). */
    void stepBy(long steps);

    /** Moves to an absolute count of steps done (callbacks that report a running total). */
    default void stepTo(long done) {
        long delta = done - current();
        if (delta > 0) {
            stepBy(delta);
        }
    }

    /** A short status after the count, e.g. the file at hand or the current loss. */
    default void message(String message) {
    }

    /** Steps done so far. */
    long current();

    /** Prints the final state (once) and stops the updates. */
    @Override
    void close();

    /** Counts steps and shows nothing. */
    static Progress none() {
        AtomicLong done = new AtomicLong();
        return new Progress() {
            @Override
            public void stepBy(long steps) {
                done.addAndGet(steps);
            }

            @Override
            public long current() {
                return done.get();
            }

            @Override
            public void close() {
            }
        };
    }
}
