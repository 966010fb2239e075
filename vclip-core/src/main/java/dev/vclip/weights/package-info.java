/**
 * Weights on disk and in memory: the tensor file abstraction ({@link dev.vclip.weights.TensorFile},
 * {@link dev.vclip.weights.StoredTensor}), safetensors files ({@link dev.vclip.weights.SafeTensors}, written with
 * {@code dev.vclip.AtomicFiles}), the renaming of original checkpoints' names to Hugging Face names
 * ({@link dev.vclip.weights.KeyMapping} and the rename tables' building blocks
 * {@link dev.vclip.weights.KeyMappingRules}), a model's parameters as NDArrays
 * ({@link dev.vclip.weights.ModelWeights}), half-float conversions, and the one place DJL's PyTorch engine is asked
 * for ({@link dev.vclip.weights.Torch}).
 *
 * <p>Reading {@code .bin}/{@code .pth} checkpoints ({@code dev.vclip.weights.pytorch}, including
 * {@code MappedCheckpoint}, a checkpoint seen under HF names) builds on this package; this package does not use it.
 *
 * <p>May depend on: {@code dev.vclip}.
 */
package dev.vclip.weights;
