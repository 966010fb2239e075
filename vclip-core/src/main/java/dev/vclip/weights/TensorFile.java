package dev.vclip.weights;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A read-only file of named tensors: a safetensors file or a PyTorch checkpoint.
 * The {@link StoredTensor#data()} buffers it hands out stay valid until it is closed.
 */
public interface TensorFile extends Closeable {

    /** The file it was read from (for error messages). */
    Path path();

    /** Tensor names, in file order. */
    Set<String> names();

    /** The named tensor; throws {@link WeightsException} naming the file when absent. */
    StoredTensor get(String name);

    /** Free-form string metadata (safetensors {@code __metadata__}); empty when the format has none. */
    Map<String, String> metadata();

    @Override
    void close();
}
