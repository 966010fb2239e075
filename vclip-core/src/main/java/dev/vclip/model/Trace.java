package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects named intermediate tensors of a forward pass (HF output names such as {@code vision_layer0_output}), so
 * that {@code vclip verify} can compare every step against reference outputs. {@link #NONE} records nothing and costs
 * nothing; a recording trace keeps copies in its own manager until it is closed.
 */
public final class Trace implements AutoCloseable {

    /** The trace that records nothing. */
    public static final Trace NONE = new Trace(null);

    private final NDManager manager;
    private final Map<String, NDArray> values = new LinkedHashMap<>();

    private Trace(NDManager manager) {
        this.manager = manager;
    }

    /** A trace that keeps what is recorded in a sub-manager of {@code parent}. */
    public static Trace recording(NDManager parent) {
        return new Trace(parent.newSubManager());
    }

    public boolean isRecording() {
        return manager != null;
    }

    /** Keeps a copy of {@code value} under {@code name} (later records of the same name replace earlier ones). */
    public void record(String name, NDArray value) {
        if (manager == null) {
            return;
        }
        NDArray copy = value.duplicate();
        NDScope.unregister(copy);
        copy.attach(manager);
        NDArray previous = values.put(name, copy);
        if (previous != null) {
            previous.close();
        }
    }

    /** What was recorded, by name, in recording order. */
    public Map<String, NDArray> values() {
        return Collections.unmodifiableMap(values);
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
