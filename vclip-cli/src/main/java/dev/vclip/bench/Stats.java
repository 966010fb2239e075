package dev.vclip.bench;

import java.util.Arrays;

/** The summary statistics the benchmarks report. */
final class Stats {
    private Stats() {
    }

    /** The median (the mean of the two middle values for an even count). */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
