/**
 * What every {@code vclip} command shares, below both the commands ({@code dev.vclip.cli}) and the benchmarks
 * ({@code dev.vclip.bench}): {@link dev.vclip.cli.base.VclipCommand} (output writers, usage errors, JSON output, the
 * typed command line), {@link dev.vclip.cli.base.Checks} (option values checked while parsing) and
 * {@link dev.vclip.cli.base.WindowOptions} (the localisation window options of {@code localize}, {@code localize-eval}
 * and {@code bench localize}). Here so that the benchmarks need nothing of {@code dev.vclip.cli}, whose {@code Main}
 * lists them.
 *
 * <p>May depend on: {@code dev.vclip.report}, {@code dev.vclip.task}.
 */
package dev.vclip.cli.base;
