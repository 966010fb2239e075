package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.function.Supplier;

/**
 * Runs a forward computation so that every intermediate NDArray is freed when it ends and only the results survive,
 * attached to the caller's manager. Ops attach their results to the manager of their first operand (sometimes a
 * weight's); the {@link NDScope} closes all of them regardless, which keeps native memory flat over long loops.
 */
final class Scoped {
    private Scoped() {
    }

    static NDList run(NDManager target, Supplier<NDList> body) {
        try (NDScope ignored = new NDScope()) {
            NDList out = body.get();
            NDScope.unregister(out);
            out.attach(target);
            return out;
        }
    }

    static NDArray one(NDManager target, Supplier<NDArray> body) {
        return run(target, () -> new NDList(body.get())).singletonOrThrow();
    }
}
