/**
 * Weights on disk and in memory: safetensors files ({@link dev.vclip.weights.SafeTensors}), PyTorch checkpoints
 * seen under Hugging Face names ({@link dev.vclip.weights.MappedCheckpoint}, {@link dev.vclip.weights.KeyMapping}
 * and the rename tables' building blocks {@link dev.vclip.weights.KeyMappingRules}), a model's parameters as
 * NDArrays ({@link dev.vclip.weights.ModelWeights}), half-float conversions, the one place DJL's PyTorch engine is
 * asked for ({@link dev.vclip.weights.Torch}), and {@link dev.vclip.weights.AtomicFiles}, the atomic file writer
 * every package that writes files uses.
 *
 * <p>Opening a {@code .bin}/{@code .pth} checkpoint goes through {@link dev.vclip.weights.pytorch}, which in turn
 * builds on this package's {@code TensorFile} and {@code StoredTensor}: the two packages use each other.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.weights.pytorch}.
 */
package dev.vclip.weights;
