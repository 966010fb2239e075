package dev.vclip.search;

import java.util.List;

/**
 * What an index holds: the model it was built with ({@code model}: its identity; entries of another model cannot be
 * compared), videos, moments, the moment windows, and the videos its last run could not read, with why.
 */
public record IndexStatus(String model, int videos, int moments, double momentSeconds, double momentStrideSeconds,
                          List<Skipped> skipped) {

    /** A video the index could not read. */
    public record Skipped(String path, String reason) {
    }

    public IndexStatus {
        skipped = List.copyOf(skipped);
    }
}
