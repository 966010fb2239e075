/**
 * Checks of the library against golden fixture files made with the reference implementations in Python: each class
 * reads one kind of fixture file, runs every case through the library and reports, case by case, what matched and
 * what differed (which tensor, field or output, by how much, where). The tests use them on the fixtures copied into
 * vclip-core's test resources; the {@code --verify} options of the commands run them on any file of the same
 * layout, for instance outputs a user saved from {@code transformers}.
 *
 * <ul>
 *   <li>{@link dev.vclip.verify.ReferenceCheck}: a model's outputs and intermediates against a case file of Hugging
 *       Face or original-code outputs, configuration by configuration for a folder that describes several
 *       ({@code vclip verify}, {@code vclip info}); the outputs themselves come from the library's
 *       {@link dev.vclip.model.ReferenceOutputs};</li>
 *   <li>{@link dev.vclip.verify.TokenizerCases}: the tokenizer against {@code cases.jsonl}
 *       ({@code vclip tokenize --verify});</li>
 *   <li>{@link dev.vclip.verify.ProcessorCases}: Pillow's resize and CLIPImageProcessor against
 *       {@code frames.safetensors} ({@code vclip preprocess --verify});</li>
 *   <li>{@link dev.vclip.verify.MetricCases}: the metrics of {@code dev.vclip.eval} against {@code cases.json}
 *       ({@code vclip metrics --verify}).</li>
 * </ul>
 *
 * <p>Each returns a report of per-case outcomes counted the same way ({@link dev.vclip.verify.CheckReport}:
 * {@code "N passed, M failed"}, the failures).
 *
 * <p>Nothing in the library depends on this package; in vclip-cli, the commands do.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.eval}, {@code dev.vclip.model}, {@code dev.vclip.tokenizer}, {@code dev.vclip.video}, {@code dev.vclip.weights}
 */
package dev.vclip.verify;
