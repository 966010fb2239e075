package dev.vclip.weights;

import ai.djl.ndarray.NDManager;

/**
 * The one place vclip asks DJL for the PyTorch engine. The library sets no system property: an application runs with
 * {@code -Dai.djl.offline=true} (the CLI sets it) so that DJL uses the CPU natives of the Maven artifact and never
 * tries to download.
 */
public final class Torch {

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
