/**
 * Charts for the HTML reports: {@link dev.vclip.charts.XChartRenderer} draws a {@link dev.vclip.report.ChartSpec}
 * (bars, XY lines, score timelines with ground-truth intervals) to PNG with XChart, in headless AWT. It is the
 * {@link dev.vclip.report.ChartRenderer} registered in {@code META-INF/services}; the library never names it.
 *
 * <p>May depend on: {@code dev.vclip.report}.
 */
package dev.vclip.charts;
