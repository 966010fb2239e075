/**
 * Run reports: JSON for machines, self-contained HTML with charts and console tables for people; progress output;
 * depends only on {@link dev.vclip.weights.AtomicFiles}.
 *
 * <ul>
 *   <li>{@link dev.vclip.report.RunReport}: what every vclip run (zero-shot recognition, retrieval, localisation,
 *       training) collects: summary figures, tables, charts (bar, XY line, score timeline), notes such as skipped
 *       inputs with their reasons, and machine-readable payloads; written as one pretty JSON document and as one
 *       HTML page with inline CSS and the charts embedded as PNG {@code data:} URIs (no scripts, fonts or network),
 *       both atomically;</li>
 *   <li>{@link dev.vclip.report.Tables}: aligned plain-text tables for stdout;</li>
 *   <li>{@link dev.vclip.report.Progress}: an ASCII progress line on stderr at most once a second, plain periodic
 *       lines when stderr is not a terminal, or nothing at all (library use and tests).</li>
 * </ul>
 *
 * <p>Charts are drawn with XChart in headless AWT ({@code java.awt.headless} is set to {@code true} before the
 * first chart unless the caller chose otherwise); the first chart of a JVM costs about a second of AWT start-up.
 * Long series are thinned to a fixed number of points per series (keeping each bucket's minimum and maximum) so a
 * long video's frame scores give the same small PNG as a short one's.
 */
package dev.vclip.report;
