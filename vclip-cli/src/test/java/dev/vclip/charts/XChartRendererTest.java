package dev.vclip.charts;

import dev.vclip.report.BarOrder;
import dev.vclip.report.ChartRenderer;
import dev.vclip.report.ChartSpec;
import dev.vclip.report.Interval;
import dev.vclip.report.Series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class XChartRendererTest {

    @Test
    void tenMinuteTimelineStaysASmallPng() throws IOException {
        int frames = 30 * 600;
        double[] times = new double[frames];
        double[] scores = new double[frames];
        for (int f = 0; f < frames; f++) {
            times[f] = f / 30.0;
            scores[f] = 0.2 + 0.03 * Math.sin(f / 50.0) + 0.01 * Math.sin(f * 7.77);
        }
        var spec = new ChartSpec.Timeline("scores", Series.xy("frame score", times, scores),
                List.of(Interval.of(60, 90), Interval.of(300, 300.04)), List.of(Interval.of(62, 88)), null);

        ChartRenderer.Rendered rendered = new XChartRenderer().render(spec);

        BufferedImage image = decode(rendered.png());
        assertEquals(XChartRenderer.WIDTH, image.getWidth());
        assertEquals(XChartRenderer.HEIGHT, image.getHeight());
        assertTrue(rendered.png().length < 150_000, "PNG of " + rendered.png().length + " bytes");
        assertTrue(rendered.note().contains("frame score 18,000 → "), rendered.note());
    }

    @Test
    void timelineShadesGroundTruthAcrossThePlot() throws IOException {
        double[] times = new double[200];
        double[] scores = new double[200];
        for (int f = 0; f < times.length; f++) {
            times[f] = f * 0.1;
            scores[f] = 0.3;
        }
        var spec = new ChartSpec.Timeline("flat", Series.xy("frame score", times, scores),
                List.of(Interval.of(5, 10)), List.of(), null);
        BufferedImage image = decode(new XChartRenderer().render(spec).png());
        // Find a column inside the shaded interval: at mid-height it must be green-tinted, not white.
        int greenish = 0;
        int y = image.getHeight() / 3;
        for (int x = 0; x < image.getWidth(); x++) {
            int rgb = image.getRGB(x, y);
            int r = (rgb >> 16) & 0xFF;
            int g = (rgb >> 8) & 0xFF;
            int b = rgb & 0xFF;
            if (g > r + 8 && g > b + 8) {
                greenish++;
            }
        }
        // 5 of 20 seconds of a ~720-pixel plot: about 180 columns
        assertTrue(greenish > 120 && greenish < 260, greenish + " green columns");
    }

    @Test
    void barChartKeepsBothEndsOfALongSortedList() throws IOException {
        List<String> classes = new ArrayList<>();
        double[] accuracy = new double[120];
        for (int c = 0; c < accuracy.length; c++) {
            classes.add("a rather long class name number " + c);
            accuracy[c] = (c * 53 % 120) / 120.0;
        }
        accuracy[7] = Double.NaN;

        ChartRenderer.Rendered rendered = new XChartRenderer().render(new ChartSpec.Bar("acc", classes, accuracy, "accuracy",
                BarOrder.DESCENDING));

        assertNotNull(decode(rendered.png()));
        assertTrue(rendered.note().contains("1 of 120 categories have no value"), rendered.note());
        assertTrue(rendered.note().contains("Showing the 20 highest and the 20 lowest of 119 categories"),
                rendered.note());
    }

    @Test
    void lineChartsRenderWithSeveralSeriesAndGaps() throws IOException {
        double[] loss = new double[50];
        Arrays.setAll(loss, i -> 2.0 / (1 + i));
        loss[20] = Double.NaN;
        ChartRenderer.Rendered rendered = new XChartRenderer().render(new ChartSpec.Line("loss", List.of(Series.of("train", loss),
                Series.xy("val", new double[]{0, 25, 49}, new double[]{2.1, 0.2, 0.1})), "step", "loss"));
        BufferedImage image = decode(rendered.png());
        assertEquals(XChartRenderer.HEIGHT, image.getHeight());
        assertEquals("", rendered.note(), "nothing thinned");
    }

    @Test
    void manyLongCurveNamesGetALegendLineEachAndReferencesDrawDashed() throws IOException {
        List<Series> curves = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            curves.add(Series.xy("#" + i + " long_000: a rather long query about a red circle moving left " + i,
                    new double[]{0, 0.5, 1}, new double[]{0, 0.4 + i / 20.0, 1}));
        }
        ChartSpec.Line spec = new ChartSpec.Line("roc", curves, "false positive rate", "true positive rate",
                List.of(Series.xy("chance (AUROC 0.5)", new double[]{0, 1}, new double[]{0, 1})));
        BufferedImage image = decode(new XChartRenderer().render(spec).png());
        // one clipped legend row kept the plot's height; a line per curve makes the chart taller instead
        assertTrue(image.getHeight() > XChartRenderer.HEIGHT + 8 * 15, image.getHeight() + " px");
        assertThrows(IllegalArgumentException.class, () -> new ChartSpec.Line("l", curves.subList(0, 1), "x", "y",
                List.of(curves.get(0))), "a reference named like a curve");
    }

    @Test
    void smallValuesGetTickLabelsThatShowThem() {
        String pattern = XChartRenderer.decimalPattern(java.util.stream.DoubleStream.of(0, 2e-4, 5e-4, 1e-3));
        String tick = new java.text.DecimalFormat(pattern, java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT))
                .format(2e-4);
        assertEquals("0.0002", tick, pattern);
        String tiny = XChartRenderer.decimalPattern(java.util.stream.DoubleStream.of(0, 8e-6));
        assertEquals("2E-6", new java.text.DecimalFormat(tiny, java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT))
                .format(2e-6).replace(".0", ""), tiny);
        assertEquals("#,##0.###", XChartRenderer.decimalPattern(java.util.stream.DoubleStream.of(0, 0.5, 1)));
    }

    @Test
    void barChartDrawsItsReferenceAndSaysWhatItIs() throws IOException {
        ChartRenderer.Rendered rendered = new XChartRenderer().render(new ChartSpec.Bar("acc", List.of("a", "b", "c"),
                new double[]{10, 40, Double.NaN}, "top-1 accuracy (%)", BarOrder.AS_GIVEN,
                new ChartSpec.Reference("chance 33.3 % (1 of 3 classes)", 100.0 / 3)));
        assertNotNull(decode(rendered.png()));
        assertTrue(rendered.note().contains("Dashed line: chance 33.3 %"), rendered.note());
    }

    @Test
    void badChartsFailWhenAdded() {
        assertThrows(IllegalArgumentException.class,
                () -> new ChartSpec.Bar("b", List.of(), new double[0], "v", BarOrder.AS_GIVEN));
        assertThrows(IllegalArgumentException.class, () -> new ChartSpec.Line("l", List.of(), "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> new ChartSpec.Bar("b", List.of("a", "b"),
                new double[]{Double.NaN, Double.NaN}, "v", BarOrder.AS_GIVEN));
        assertThrows(IllegalArgumentException.class, () -> new ChartSpec.Bar("b", List.of("a"),
                new double[]{Double.NEGATIVE_INFINITY}, "v", BarOrder.AS_GIVEN));
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, "a PNG ImageIO can read");
        return image;
    }
}
