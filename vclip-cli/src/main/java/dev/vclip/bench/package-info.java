/**
 * Benchmarks, {@code vclip bench ...}: each times a vclip path side by side with the baseline it replaces (X-CLIP
 * against CLIP mean pooling, sparse seeking against a full decode, the LMDB frame cache and the prefetching loader
 * against plain decoding, cached window features against a forward per window and query, fp16 against fp32,
 * CenterCLIP's token clustering against CLIP4Clip without it, the Spark job on a local standalone cluster against
 * the same work in one JVM) and prints both and their ratio. Run by hand, not by
 * the tests; the README's "Measured" table comes from here.
 *
 * <p>Uses the library's packages, picocli, and {@code dev.vclip.cli.base} for the shared command base, option
 * checks and window options ({@code VclipCommand}, {@code Checks}, {@code WindowOptions}); not
 * {@code dev.vclip.cli} ({@code vclip bench centerclip} reruns itself per configuration through its own
 * {@code main}, not the CLI's). Nothing in the library depends on this package, and in {@code dev.vclip.cli} only the
 * command tree's list of sub-commands in {@code Main}.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.cli.base}, {@code dev.vclip.data}, {@code dev.vclip.model}, {@code dev.vclip.report}, {@code dev.vclip.search}, {@code dev.vclip.spark}, {@code dev.vclip.task}, {@code dev.vclip.tokenizer}, {@code dev.vclip.train}, {@code dev.vclip.video}, {@code dev.vclip.weights}.
 */
package dev.vclip.bench;
