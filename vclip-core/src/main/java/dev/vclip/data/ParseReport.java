package dev.vclip.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a parser found wrong, and what to do about it.
 *
 * <ul>
 *   <li>{@link #strict()}: the first malformed record throws {@link DatasetFormatException} naming file and line;</li>
 *   <li>{@link #lenient()}: malformed records are skipped, counted per file and kept (the first
 *       {@code maxKept} of them, so that a long run over a huge, badly broken file cannot fill memory);
 *       {@link #summary()} tells the caller at the end what was left out.</li>
 * </ul>
 *
 * <p>Some problems cannot be skipped because nothing after them could be trusted (an unterminated quote, a
 * missing header, invalid UTF-8, broken JSON, a label table whose ids leave a gap). Parsers raise those with
 * {@link DatasetFormatException} in both modes.
 *
 * <p>One report may be shared by the parsers of a whole dataset (label table, lists, captions); its methods are
 * synchronized so that lists read in parallel can share it too.
 */
public final class ParseReport {

    /** Strict throws at the first problem; lenient skips the record and goes on. */
    public enum Mode { STRICT, LENIENT }

    /** One skipped record. */
    public record Problem(String file, int line, String message) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
        }
    }

    /** How many problems a lenient report keeps by default; all of them are counted. */
    public static final int DEFAULT_MAX_KEPT = 1000;

    private final Mode mode;
    private final int maxKept;
    private final List<Problem> kept = new ArrayList<>();
    private final Map<String, Integer> skippedPerFile = new LinkedHashMap<>();
    private final Map<String, Integer> acceptedPerFile = new LinkedHashMap<>();
    private long skipped;

    private ParseReport(Mode mode, int maxKept) {
        if (maxKept < 0) {
            throw new IllegalArgumentException("maxKept must be >= 0, got " + maxKept);
        }
        this.mode = mode;
        this.maxKept = maxKept;
    }

    /** The first problem throws. */
    public static ParseReport strict() {
        return new ParseReport(Mode.STRICT, 0);
    }

    /** Problems are skipped and counted; the first {@value #DEFAULT_MAX_KEPT} are kept with their message. */
    public static ParseReport lenient() {
        return new ParseReport(Mode.LENIENT, DEFAULT_MAX_KEPT);
    }

    /** Lenient, keeping at most {@code maxKept} problems (all are counted). */
    public static ParseReport lenient(int maxKept) {
        return new ParseReport(Mode.LENIENT, maxKept);
    }

    public Mode mode() {
        return mode;
    }

    public boolean isStrict() {
        return mode == Mode.STRICT;
    }

    /**
     * A malformed record: throws in strict mode, otherwise counts and keeps it; the caller then skips the record.
     *
     * @throws DatasetFormatException in strict mode
     */
    public synchronized void skip(String file, int line, String message) {
        if (mode == Mode.STRICT) {
            throw new DatasetFormatException(file, line, message);
        }
        skipped++;
        skippedPerFile.merge(file, 1, Integer::sum);
        if (kept.size() < maxKept) {
            kept.add(new Problem(file, line, message));
        }
    }

    /** Counts one record a parser accepted from {@code file} (for the summary). */
    synchronized void accepted(String file) {
        acceptedPerFile.merge(file, 1, Integer::sum);
    }

    /** Number of skipped records, over all files. */
    public synchronized long skippedCount() {
        return skipped;
    }

    /** Number of skipped records of one file. */
    public synchronized int skippedCount(String file) {
        return skippedPerFile.getOrDefault(file, 0);
    }

    /** Number of accepted records of one file. */
    public synchronized int acceptedCount(String file) {
        return acceptedPerFile.getOrDefault(file, 0);
    }

    /** True when nothing was skipped. */
    public synchronized boolean isClean() {
        return skipped == 0;
    }

    /** The kept problems, in the order they were found (at most {@code maxKept}). */
    public synchronized List<Problem> problems() {
        return Collections.unmodifiableList(new ArrayList<>(kept));
    }

    /**
     * A human-readable account: records accepted and skipped per file, then the kept problems, one per line
     * ({@code file:line: message}), and how many more were not kept.
     */
    public synchronized String summary() {
        StringBuilder out = new StringBuilder();
        Map<String, Boolean> files = new LinkedHashMap<>();
        acceptedPerFile.keySet().forEach(f -> files.put(f, true));
        skippedPerFile.keySet().forEach(f -> files.put(f, true));
        for (String file : files.keySet()) {
            out.append(file).append(": ").append(acceptedPerFile.getOrDefault(file, 0)).append(" records read, ")
                    .append(skippedPerFile.getOrDefault(file, 0)).append(" skipped\n");
        }
        for (Problem problem : kept) {
            out.append("  ").append(problem).append('\n');
        }
        if (skipped > kept.size()) {
            out.append("  ... and ").append(skipped - kept.size()).append(" more problems not kept\n");
        }
        if (files.isEmpty()) {
            out.append("nothing read\n");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "ParseReport[" + mode + ", skipped=" + skippedCount() + "]";
    }
}
