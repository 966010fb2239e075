/**
 * Reading PyTorch checkpoints ({@code torch.save} zip archives: {@code pytorch_model.bin}, {@code .pth},
 * {@code .pt}) as a {@link dev.vclip.weights.TensorFile}, without Python and without running anything stored in
 * the file.
 *
 * <p>Entry point: {@link dev.vclip.weights.pytorch.PytorchCheckpoint#open(java.nio.file.Path)}. Inside:
 * <ul>
 *   <li>{@code ZipArchive}: the zip central directory (ZIP64 included) and memory-mapped entry bytes;</li>
 *   <li>{@code RestrictedUnpickler}: a data-only pickle reader with a short allow-list of globals (tensor
 *       rebuilders, storage types, {@code OrderedDict}); every other global fails the load with its name;</li>
 *   <li>{@code Pickled}: the values it builds ({@code Tensor}, {@code Storage}, {@code Tuple}, ...);</li>
 *   <li>{@code StateDicts}: finds the name → tensor map in plain, nested and TorchScript checkpoints;</li>
 *   <li>{@code StridedView}: storage offsets and strides, and the copy of non-contiguous views.</li>
 * </ul>
 * Mapping original CLIP / X-CLIP / ViFi-CLIP names to Hugging Face names is {@link dev.vclip.weights.KeyMapping}'s
 * job; {@link dev.vclip.weights.pytorch.MappedCheckpoint} opens a checkpoint and applies it, so that model code
 * loads an original checkpoint like a safetensors file.
 *
 * <p>From {@code dev.vclip.weights} it uses {@code TensorFile}, {@code StoredTensor}, {@code DType},
 * {@code WeightsException} and, in {@code MappedCheckpoint}, {@code KeyMapping} and {@code CheckpointLayout};
 * otherwise the JDK only. {@code dev.vclip.weights} does not use this package (no cycle).
 *
 * <p>May depend on: {@code dev.vclip.weights}.
 */
package dev.vclip.weights.pytorch;
