/**
 * The {@code vclip} command line ({@link dev.vclip.cli.Main}): one picocli class per sub-command, each a thin layer
 * that parses its options, calls the library and prints, and what the commands share:
 * {@link dev.vclip.cli.base.VclipCommand} (output writers, usage errors, the typed command line),
 * {@link dev.vclip.cli.base.Checks} (option values checked while parsing) and
 * {@link dev.vclip.cli.base.WindowOptions} in {@code dev.vclip.cli.base}, {@link dev.vclip.cli.EncodingOptions} and
 * {@link dev.vclip.cli.CacheOptions} (sampling, caches, threads, report folder), {@link dev.vclip.cli.Views} and
 * {@link dev.vclip.cli.ConsoleProgress} (the progress line on stderr). {@code Main} is the one place process-wide
 * settings are made (DJL offline, libtorch's intra-op thread count, headless AWT, FFmpeg's log level).
 *
 * <p>It may use every package of the library. The arrow to {@code dev.vclip.bench} is {@code Main}'s list of
 * sub-commands only, and it stays: the root of the command tree names its sub-commands. The benchmarks use only
 * {@code dev.vclip.cli.base}, not this package, so there is no cycle. Charts reach reports through
 * {@code ServiceLoader}, so nothing here names {@code dev.vclip.charts}.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.bench}, {@code dev.vclip.cli.base}, {@code dev.vclip.data}, {@code dev.vclip.data.synth}, {@code dev.vclip.eval}, {@code dev.vclip.model}, {@code dev.vclip.report}, {@code dev.vclip.search}, {@code dev.vclip.server}, {@code dev.vclip.spark}, {@code dev.vclip.task}, {@code dev.vclip.tokenizer}, {@code dev.vclip.train}, {@code dev.vclip.video}, {@code dev.vclip.verify}, {@code dev.vclip.weights}.
 */
package dev.vclip.cli;
