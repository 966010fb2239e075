package dev.vclip.train;

import dev.vclip.weights.DType;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.WeightsException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tensors held in memory behind the {@link TensorFile} interface, so that parameters made here (VL prompt tokens,
 * random initialisations) load into {@link dev.vclip.weights.ModelWeights} through the same checked path as files.
 */
final class MemoryTensors implements TensorFile {

    private final String name;
    private final Map<String, StoredTensor> tensors = new LinkedHashMap<>();

    MemoryTensors(String name) {
        this.name = name;
    }

    /** Adds an F32 tensor (copied into a direct little-endian buffer). */
    MemoryTensors put(String tensorName, long[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        tensors.put(tensorName, new StoredTensor(tensorName, DType.F32, shape, buf));
        return this;
    }

    MemoryTensors put(StoredTensor t) {
        tensors.put(t.name(), t);
        return this;
    }

    @Override
    public Path path() {
        return Path.of("<" + name + ">");
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public StoredTensor get(String tensorName) {
        StoredTensor t = tensors.get(tensorName);
        if (t == null) {
            throw new WeightsException(path() + ": no tensor '" + tensorName + "'");
        }
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public void close() {
        tensors.clear();
    }
}
