package dev.vclip.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A span on a timeline, in the unit of the timeline's x values (seconds, or frames): a ground-truth moment or a
 * predicted segment.
 */
public record Interval(double start, double end) {

    public Interval {
        if (!(start <= end)) {
            throw new IllegalArgumentException("interval start " + start + " must not be after its end " + end);
        }
    }

    public static Interval of(double start, double end) {
        return new Interval(start, end);
    }

    /** From {@code {start, end}} pairs, the form {@code dev.vclip.eval} uses for ground-truth ranges. */
    public static List<Interval> fromRanges(double[][] ranges) {
        List<Interval> intervals = new ArrayList<>(ranges.length);
        for (double[] range : ranges) {
            if (range.length != 2) {
                throw new IllegalArgumentException("a range needs {start, end}, got " + range.length + " values");
            }
            intervals.add(new Interval(range[0], range[1]));
        }
        return intervals;
    }
}
