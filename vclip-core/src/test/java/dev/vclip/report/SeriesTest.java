package dev.vclip.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesTest {

    /** Ten minutes at 30 fps. */
    private static final int FRAMES = 18_000;

    @Test
    void longSeriesIsDownsampledKeepingEndsAndPeaks() {
        double[] t = new double[FRAMES];
        double[] score = new double[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            t[i] = i / 30.0;
            score[i] = 0.25 + 0.02 * Math.sin(i / 200.0);
        }
        score[12_345] = 0.9; // a one-frame spike
        score[777] = -0.4;   // and a one-frame dip
        Series series = Series.xy("score", t, score);

        Series drawn = series.downsample(1000);

        assertTrue(drawn.size() <= 1000, "at most maxPoints, got " + drawn.size());
        assertTrue(drawn.size() >= 990, "close to maxPoints, got " + drawn.size());
        assertEquals(t[0], drawn.x()[0]);
        assertEquals(t[FRAMES - 1], drawn.x()[drawn.size() - 1]);
        assertEquals(0.9, Arrays.stream(drawn.y()).max().orElseThrow());
        assertEquals(-0.4, Arrays.stream(drawn.y()).min().orElseThrow());
        double[] x = drawn.x();
        for (int i = 1; i < x.length; i++) {
            assertTrue(x[i] > x[i - 1], "x stays in order");
        }
        assertTrue(Arrays.stream(x).anyMatch(v -> v == t[12_345]), "the spike keeps its time");
    }

    @Test
    void shortSeriesIsLeftAlone() {
        Series series = Series.of("loss", new double[]{3, 2, 1.5});
        assertSame(series, series.downsample(1000));
        assertArrayEquals(new double[]{0, 1, 2}, series.x());
    }

    @Test
    void gapsSurviveDownsampling() {
        double[] y = new double[100];
        Arrays.fill(y, 1);
        Arrays.fill(y, 40, 60, Double.NaN);
        Series drawn = Series.of("s", y).downsample(20);
        assertTrue(Arrays.stream(drawn.y()).anyMatch(Double::isNaN));
    }

    @Test
    void copiesAndChecksItsData() {
        double[] x = {0, 1};
        double[] y = {5, 6};
        Series series = Series.xy("s", x, y);
        y[0] = 99;
        assertEquals(5, series.y()[0], "the series keeps its own copy");
        assertEquals(Series.xy("s", List.of(0, 1), List.of(5.0, 6.0)), series);
        assertThrows(IllegalArgumentException.class, () -> Series.xy("s", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> Series.of("s", new double[0]));
        assertThrows(IllegalArgumentException.class, () -> series.downsample(3));
        assertThrows(IllegalArgumentException.class,
                () -> Series.of("s", new double[]{1, Double.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> Series.of("s", new double[]{Double.NaN, Double.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> Series.xy("s", new double[]{Double.NaN}, new double[]{1}));
        assertThrows(IllegalArgumentException.class, () -> Interval.of(5, 4));
        assertEquals(List.of(Interval.of(1, 2), Interval.of(4, 7)),
                Interval.fromRanges(new double[][]{{1, 2}, {4, 7}}));
    }
}
