/**
 * Run reports: JSON for machines, self-contained HTML with charts and console tables for people; progress output.
 * Files are written with {@link dev.vclip.AtomicFiles}; nothing else of vclip is used.
 *
 * <ul>
 *   <li>{@link dev.vclip.report.RunReport}: what every vclip run (zero-shot recognition, retrieval, localisation,
 *       training) collects: summary figures, tables, charts (bar, XY line, score timeline), notes such as skipped
 *       inputs with their reasons, and machine-readable payloads; written as one pretty JSON document and as one
 *       HTML page with inline CSS and the charts embedded as PNG {@code data:} URIs (no scripts, fonts or network),
 *       both atomically;</li>
 *   <li>{@link dev.vclip.report.Tables}: aligned plain-text tables for stdout;</li>
 *   <li>{@link dev.vclip.report.Progress}: progress of long loops, reported to the {@code Progress.Factory} a
 *       caller passes in (the CLI draws a line on stderr; library use and tests pass {@code Factory.SILENT}).</li>
 * </ul>
 *
 * <p>Charts are drawn by the {@link dev.vclip.report.ChartRenderer} that {@link java.util.ServiceLoader} finds
 * (vclip-cli registers an XChart one, {@code dev.vclip.charts}); without one a page shows each chart's title and a
 * note, and the data stays in the tables and the JSON.
 *
 * <p>May depend on: {@code dev.vclip}.
 */
package dev.vclip.report;
