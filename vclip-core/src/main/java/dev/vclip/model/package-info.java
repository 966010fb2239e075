/**
 * The video–text models, one file per family, read top to bottom as the paper and Hugging Face's modeling code:
 * {@link dev.vclip.model.Clip} (CLIP, and ViFi-CLIP's frame-level baseline) and {@link dev.vclip.model.XClip}
 * (cross-frame communication, MIT, video-specific prompts), on the shared transformer pieces of
 * {@link dev.vclip.model.Layers}.
 *
 * <ul>
 *   <li>{@link dev.vclip.model.VideoTextModel}: what tasks need of a model (video and text features, logits,
 *       {@link dev.vclip.model.VideoEncoding}, {@link dev.vclip.model.VideoInput}), whatever its family;</li>
 *   <li>{@link dev.vclip.model.ModelFolder}: loading a Hugging Face model folder (config, weights, tokenizer);</li>
 *   <li>{@link dev.vclip.model.ModelFamily} and {@link dev.vclip.model.ModelFamilies}: a family's config keys,
 *       parameters, factory, reference outputs and checkpoint layouts, registered through {@code ServiceLoader};</li>
 *   <li>{@link dev.vclip.model.ModelConfig} and {@link dev.vclip.model.ConfigReader}: {@code config.json} with HF's
 *       defaults and errors that name the key;</li>
 *   <li>{@link dev.vclip.model.ReferenceCheck} and {@link dev.vclip.model.Trace}: parity with reference outputs.</li>
 * </ul>
 *
 * <p>Uses the tokenizer for texts, {@code dev.vclip.weights} for the weights and DJL's engine,
 * {@code dev.vclip.weights.pytorch} for original checkpoints ({@code MappedCheckpoint}), and the root
 * ({@code VclipException} as {@code ConfigException}'s base, {@code AtomicFiles}).
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.tokenizer}, {@code dev.vclip.weights}, {@code dev.vclip.weights.pytorch}.
 */
package dev.vclip.model;
