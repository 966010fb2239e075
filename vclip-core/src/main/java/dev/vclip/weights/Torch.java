package dev.vclip.weights;

import ai.djl.ndarray.NDManager;

/**
 * The one place vclip starts DJL's PyTorch engine: offline (the CPU natives come from the Maven artifact, nothing is
 * downloaded) unless the user set {@code ai.djl.offline} explicitly.
 */
public final class Torch {
    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private Torch() {
    }

    /** A new root manager on the PyTorch engine. */
    public static NDManager newManager() {
        return NDManager.newBaseManager("PyTorch");
    }

    /** A sub-manager of {@code parent}, or a new root manager when {@code parent} is null. */
    public static NDManager subManager(NDManager parent) {
        return parent == null ? newManager() : parent.newSubManager();
    }
}
