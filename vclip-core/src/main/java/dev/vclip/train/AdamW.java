package dev.vclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.WeightsException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW with decoupled weight decay (Loshchilov &amp; Hutter), written out as {@code torch.optim.AdamW} computes it
 * (single-tensor path), with X-CLIP's {@code build_optimizer} constants betas = (0.9, 0.98), eps = 1e-8:
 * <pre>
 *   p  ← p · (1 − lr·wd)                                  decoupled decay (wd = 0 for the no-decay group)
 *   m  ← β1·m + (1 − β1)·g
 *   v  ← β2·v + (1 − β2)·g²
 *   p  ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 * </pre>
 * Updates are in place on the parameter arrays (outside a gradient collector, where libtorch's grad mode is off).
 * The moment arrays live in a manager of their own, created on the first step; every temporary of a step is closed
 * by an {@link NDScope}, so memory stays flat over any number of steps. The state (moments and step count) saves to
 * and loads from a safetensors file for exact resumption.
 */
public final class AdamW implements AutoCloseable {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.98;
    public static final double EPS = 1e-8;

    private final NDManager manager;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private long step;

    public AdamW(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** One parameter's update inputs: the array to change, its gradient, its learning rate and weight decay. */
    public record Update(String name, NDArray param, NDArray grad, double lr, double weightDecay) {
    }

    /** Applies one AdamW step to every parameter (all share the step count, as parameters stepped together do). */
    @SuppressWarnings("try") // the scope closes the step's temporaries; it is not referenced
    public void step(List<Update> updates) {
        step++;
        double bc1 = 1 - Math.pow(BETA1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(BETA2, step));
        for (Update u : updates) {
            try (NDScope ignored = new NDScope()) {
                NDArray p = u.param();
                NDArray g = u.grad();
                NDArray m = expAvg.computeIfAbsent(u.name(), n -> state(p));
                NDArray v = expAvgSq.computeIfAbsent(u.name(), n -> state(p));
                if (u.weightDecay() != 0) {
                    p.muli((float) (1 - u.lr() * u.weightDecay()));
                }
                m.muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
                v.muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
                NDArray denom = v.sqrt().divi((float) bc2Sqrt).addi((float) EPS);
                p.subi(m.div(denom).muli((float) (u.lr() / bc1)));
            }
        }
    }

    private NDArray state(NDArray like) {
        NDArray zeros = manager.zeros(like.getShape(), like.getDataType());
        NDScope.unregister(zeros); // state outlives the step's scope
        return zeros;
    }

    /** Steps taken. */
    public long stepCount() {
        return step;
    }

    /** The moments as stored tensors ({@code exp_avg.<name>}, {@code exp_avg_sq.<name>}), for checkpoints. */
    public List<StoredTensor> stateTensors() {
        List<StoredTensor> out = new ArrayList<>();
        expAvg.forEach((name, a) -> out.add(Tensors.fromNDArray("exp_avg." + name, a)));
        expAvgSq.forEach((name, a) -> out.add(Tensors.fromNDArray("exp_avg_sq." + name, a)));
        return out;
    }

    /** Writes the state to a safetensors file (step count in the metadata). */
    public void save(Path file) {
        SafeTensors.write(file, stateTensors(), Map.of("format", "pt", "optimizer", "adamw",
                "step", Long.toString(step), "betas", BETA1 + "," + BETA2, "eps", Double.toString(EPS)));
    }

    /** Replaces the state with a file written by {@link #save}; {@code params} gives the names and shapes expected. */
    public void load(Path file, Map<String, NDArray> params) {
        try (SafeTensors in = SafeTensors.open(file)) {
            String steps = in.metadata().get("step");
            if (steps == null) {
                throw new WeightsException(file + ": no 'step' in the metadata: not an AdamW state of vclip");
            }
            clear();
            step = Long.parseLong(steps);
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                String name = e.getKey();
                if (!in.names().contains("exp_avg." + name)) {
                    continue; // a parameter that was not trained when the state was saved starts fresh
                }
                for (String prefix : new String[]{"exp_avg.", "exp_avg_sq."}) {
                    StoredTensor t = in.get(prefix + name);
                    if (!Arrays.equals(t.shape(), e.getValue().getShape().getShape())) {
                        throw new WeightsException(file + ": '" + prefix + name + "' has shape "
                                + Arrays.toString(t.shape()) + " but the parameter has " + e.getValue().getShape());
                    }
                    NDArray a = manager.create(t.toFloatArray(), e.getValue().getShape());
                    (prefix.equals("exp_avg.") ? expAvg : expAvgSq).put(name, a);
                }
            }
        }
    }

    private void clear() {
        expAvg.values().forEach(NDArray::close);
        expAvgSq.values().forEach(NDArray::close);
        expAvg.clear();
        expAvgSq.clear();
    }

    /** Arrays held (for memory checks). */
    public int stateArrayCount() {
        return expAvg.size() + expAvgSq.size();
    }

    NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
