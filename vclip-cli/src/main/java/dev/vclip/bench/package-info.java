/**
 * Benchmarks, {@code vclip bench ...}: each times a vclip path side by side with the baseline it replaces (X-CLIP
 * against CLIP mean pooling, sparse seeking against a full decode, the LMDB frame cache and the prefetching loader
 * against plain decoding, cached window features against a forward per window and query, fp16 against fp32) and
 * prints both and their ratio. Run by hand, not by the tests; the README's "Measured" table comes from here.
 *
 * <p>Depends on the library's packages ({@code dev.vclip.model}, {@code video}, {@code data}, {@code task},
 * {@code weights}, ...), picocli, and {@code dev.vclip.cli} for the shared command base and option checks only.
 * Nothing in the library or in {@code dev.vclip.cli} depends on this package except the command tree's list of
 * sub-commands in {@code Main}.
 */
package dev.vclip.bench;
