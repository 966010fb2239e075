package dev.vclip.report;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One named line of an XY chart: an ROC or PR curve, a loss curve over steps, a score over time.
 *
 * <p>The arrays are copied on creation, so a caller may reuse its buffers. {@code NaN} in {@code y} leaves a gap in
 * the line; infinite values are refused (they have no place on an axis).
 */
public record Series(String name, double[] x, double[] y) {

    public Series {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length
                    + " y values");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("series '" + name + "' has no points");
        }
        x = x.clone();
        y = y.clone();
        boolean anyFinite = false;
        for (int i = 0; i < x.length; i++) {
            // An infinite point has no place on an axis; a NaN y is a gap, a NaN x is nowhere.
            if (!Double.isFinite(x[i]) || Double.isInfinite(y[i])) {
                throw new IllegalArgumentException("series '" + name + "': point " + i + " is (" + x[i] + ", " + y[i]
                        + ")");
            }
            anyFinite |= !Double.isNaN(y[i]);
        }
        if (!anyFinite) {
            throw new IllegalArgumentException("series '" + name + "' has no y value that is not NaN");
        }
    }

    /** Points {@code (x[i], y[i])}. */
    public static Series xy(String name, double[] x, double[] y) {
        return new Series(name, x, y);
    }

    /** Points {@code (x[i], y[i])} from boxed lists, as metric code often collects them. */
    public static Series xy(String name, List<? extends Number> x, List<? extends Number> y) {
        return new Series(name, toArray(x), toArray(y));
    }

    /** Values at x = 0, 1, 2, ... (a loss per logged step when the steps are evenly spaced). */
    public static Series of(String name, double[] y) {
        double[] x = new double[y.length];
        Arrays.setAll(x, i -> i);
        return new Series(name, x, y);
    }

    /** The number of points. */
    public int size() {
        return x.length;
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }

    /**
     * At most {@code maxPoints} points that draw the same picture at chart resolution: the first and last points
     * stay (the x range does not shrink), and the points between, in order, are cut into buckets of consecutive
     * points of which each keeps its lowest and highest point (in their original order). Unlike taking every n-th
     * point this keeps every peak, so a one-frame spike in a 10-minute score timeline still shows. A bucket of only
     * {@code NaN}s keeps one {@code NaN}, so gaps survive. Returns this series when it is short enough already.
     *
     * @throws IllegalArgumentException when {@code maxPoints < 4}
     */
    public Series downsample(int maxPoints) {
        if (maxPoints < 4) {
            throw new IllegalArgumentException("maxPoints must be at least 4, got " + maxPoints);
        }
        int n = x.length;
        if (n <= maxPoints) {
            return this;
        }
        int inner = n - 2; // points 1 .. n-2 go into buckets; 0 and n-1 are kept as they are
        int buckets = (maxPoints - 2) / 2;
        double[] outX = new double[maxPoints];
        double[] outY = new double[maxPoints];
        outX[0] = x[0];
        outY[0] = y[0];
        int kept = 1;
        for (int b = 0; b < buckets; b++) {
            int from = 1 + (int) ((long) b * inner / buckets);
            int to = 1 + (int) ((long) (b + 1) * inner / buckets);
            int lowest = -1;
            int highest = -1;
            for (int i = from; i < to; i++) {
                if (Double.isNaN(y[i])) {
                    continue;
                }
                if (lowest < 0 || y[i] < y[lowest]) {
                    lowest = i;
                }
                if (highest < 0 || y[i] > y[highest]) {
                    highest = i;
                }
            }
            if (lowest < 0) {
                if (to > from) {
                    outX[kept] = x[from];
                    outY[kept++] = Double.NaN;
                }
                continue;
            }
            int first = Math.min(lowest, highest);
            int second = Math.max(lowest, highest);
            outX[kept] = x[first];
            outY[kept++] = y[first];
            if (second != first) {
                outX[kept] = x[second];
                outY[kept++] = y[second];
            }
        }
        outX[kept] = x[n - 1];
        outY[kept++] = y[n - 1];
        return new Series(name, Arrays.copyOf(outX, kept), Arrays.copyOf(outY, kept));
    }

    /** Records compare arrays by reference; a series is a value, so compare contents. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Series that && name.equals(that.name) && Arrays.equals(x, that.x)
                && Arrays.equals(y, that.y);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(x), Arrays.hashCode(y));
    }

    @Override
    public String toString() {
        return "Series[" + name + ", " + x.length + " points]";
    }

    private static double[] toArray(List<? extends Number> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).doubleValue();
        }
        return out;
    }
}
