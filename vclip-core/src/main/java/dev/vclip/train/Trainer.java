package dev.vclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One optimiser step at a time, as X-CLIP's {@code train_one_epoch} does it:
 * <ol>
 *   <li>for each of the {@code k = TRAIN.ACCUMULATION_STEPS} micro-batches: forward, loss / k (times the loss
 *   scale in mixed precision), backward — libtorch sums the gradients of the k backward passes;</li>
 *   <li>unscale (mixed precision; a step with an infinite or NaN gradient is skipped and the scale lowered);</li>
 *   <li>the global gradient norm over all trainable parameters, and clipping to {@code TRAIN.CLIP_GRAD} when set
 *   ({@code torch.nn.utils.clip_grad_norm_}: factor max_norm / (norm + 1e-6) when below 1);</li>
 *   <li>{@link AdamW} with the {@link LrSchedule} rate of this update times the parameter's factor, and weight
 *   decay where the {@link ParameterPlan} says so, then the loss's constraints ({@link LossHead#afterUpdate}: the
 *   contrastive logit-scale clamp);</li>
 *   <li>gradients zeroed.</li>
 * </ol>
 *
 * <p>Memory: each micro-batch runs in a sub-manager and an {@link NDScope} that are closed when its backward is
 * done, and the update's temporaries (gradient handles included) are closed by another scope, so the weights'
 * manager holds the same arrays after any number of steps ({@link #managedArrays()}).
 */
public final class Trainer implements AutoCloseable {

    /** The step's settings. */
    public record Settings(int accumulation, double clipGrad, double weightDecay) {
    }

    /** What one optimiser step did. */
    public record StepStats(long update, double loss, double lr, double gradNorm, int clips, double seconds,
                            boolean skipped, double lossScale) {
    }

    /**
     * Workaround for DJL 0.36 scalar operands (see {@link Losses#scalar}): while the model code still writes
     * {@code x.mul(1.702f)}, a garbage collection between a forward pass and its backward can free a scalar that
     * backward reads, and the gradients come out corrupted (non-finite, or silently wrong). Collecting right before
     * each step leaves the young generation empty, so that no collection happens inside it (the step's videos are
     * decoded by then, {@link TrainingData.Batches}). Off when the model code makes its scalars with libtorch
     * ({@code dev.vclip.model.Layers.scalar}, the proposed fix), which makes the collection unnecessary.
     */
    static final boolean GC_BEFORE_STEP = !modelHasNativeScalars();

    private static boolean modelHasNativeScalars() {
        try {
            Class.forName("dev.vclip.model.Layers").getDeclaredMethod("scalar", NDArray.class, float.class);
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private final TrainableModel model;
    private final LossHead head;
    private final LrSchedule schedule;
    private final Settings settings;
    private final AdamW optimizer;
    private Precision.LossScaler scaler;
    private long update;
    private boolean checkedUnused;

    public Trainer(TrainableModel model, LossHead head, LrSchedule schedule, Settings settings) {
        this.model = model;
        this.head = head;
        this.schedule = schedule;
        this.settings = settings;
        this.optimizer = new AdamW(model.root());
        this.scaler = model.isMixed() ? new Precision.LossScaler() : null;
    }

    /** Runs one optimiser step over {@code micro} (one accumulation window). */
    @SuppressWarnings("try") // the scopes close each micro-batch's and the update's temporaries; not referenced
    public StepStats step(List<MicroBatch> micro) {
        long start = System.nanoTime();
        if (GC_BEFORE_STEP) {
            System.gc();
        }
        int k = settings.accumulation();
        double scale = scaler == null ? 1 : scaler.scale();
        double lossSum = 0;
        int clips = 0;
        int used = 0;
        for (MicroBatch batch : micro) {
            if (batch.videos() == 0) {
                continue; // every video of this micro-batch failed to decode
            }
            try (NDManager manager = model.root().newSubManager(); NDScope ignored = new NDScope();
                 GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray loss = head.loss(model.model(), batch, manager);
                lossSum += loss.getFloat();
                try {
                    collector.backward(loss.mul(Losses.scalar(loss, scale / k)));
                } catch (ai.djl.engine.EngineException e) {
                    if (String.valueOf(e.getMessage()).contains("does not require grad")) {
                        throw new IllegalStateException(unreached(), e);
                    }
                    throw e;
                }
            }
            clips += batch.videos();
            used++;
        }
        double lr = schedule.forUpdate(update);
        double gradNorm;
        boolean skipped = false;
        List<String> names = model.plan().trainableNames();
        try (NDScope ignored = new NDScope()) {
            List<NDArray> grads = new ArrayList<>(names.size());
            for (String name : names) {
                NDArray g = model.working().get(name).getGradient();
                if (model.isMixed()) {
                    g = g.toType(DataType.FLOAT32, true).divi((float) scale); // unscale into an fp32 copy
                }
                grads.add(g);
            }
            if (!checkedUnused) {
                checkUnused(names, grads);
                checkedUnused = true;
            }
            double sumSquares = 0;
            for (NDArray g : grads) {
                sumSquares += g.square().sum().getFloat();
            }
            gradNorm = Math.sqrt(sumSquares);
            if (!Double.isFinite(gradNorm)) {
                if (scaler == null) {
                    throw new IllegalStateException("the gradient is not finite at update " + update
                            + " (loss " + lossSum / Math.max(1, used) + "): lower TRAIN.LR or set TRAIN.CLIP_GRAD");
                }
                skipped = true; // fp16 overflow: skip the step, lower the scale (GradScaler / apex)
            } else {
                if (settings.clipGrad() > 0) {
                    double coef = settings.clipGrad() / (gradNorm + 1e-6);
                    if (coef < 1) {
                        grads.forEach(g -> g.muli((float) coef));
                    }
                }
                List<AdamW.Update> updates = new ArrayList<>(names.size());
                for (int i = 0; i < names.size(); i++) {
                    ParameterPlan.Entry e = model.plan().get(names.get(i));
                    updates.add(new AdamW.Update(e.name(), model.master().get(e.name()), grads.get(i),
                            lr * e.lrScale(), e.decay() ? settings.weightDecay() : 0));
                }
                optimizer.step(updates);
                head.afterUpdate(model);
                model.syncWorking();
            }
            grads.forEach(NDArray::close);
        } finally {
            for (String name : names) {
                JniUtils.zeroGrad((PtNDArray) model.working().get(name)); // also after a failed step
            }
        }
        if (scaler != null) {
            scaler.update(skipped);
        }
        StepStats stats = new StepStats(update, used == 0 ? Double.NaN : lossSum / used, lr, gradNorm, clips,
                (System.nanoTime() - start) / 1e9, skipped, scale);
        update++;
        return stats;
    }

    /** Why a loss depends on no trainable parameter. */
    private String unreached() {
        List<String> names = model.plan().trainableNames();
        if (names.stream().allMatch(n -> n.endsWith(ParameterPlan.PROMPT_SUFFIX))) {
            return "the loss does not depend on the trainable VL prompt tokens " + names + ": this build's model "
                    + "code does not read them. TRAINER.ViFi_CLIP.PROMPT_MODEL needs the prompt support in "
                    + "dev.vclip.model.Clip (see dev.vclip.train.VlPrompts)";
        }
        return "the loss does not depend on any trainable parameter (" + names.size() + " trainable: "
                + String.join(", ", names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? ", ..." : "")
                + "); check MODEL.FIX_TEXT, TRAIN.TRAINABLE and TRAIN.FREEZE";
    }

    /**
     * After the first backward pass: VL prompt tokens whose gradient is exactly zero everywhere are not read by the
     * model code (see {@link VlPrompts}). Other parameters may legitimately get a zero gradient (X-CLIP's layer-0
     * message attention sees identical class tokens in every frame, so its query/key projections do not matter
     * there), so only prompts are checked.
     */
    private void checkUnused(List<String> names, List<NDArray> grads) {
        List<String> unused = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).endsWith(ParameterPlan.PROMPT_SUFFIX) && grads.get(i).abs().max().getFloat() == 0) {
                unused.add(names.get(i));
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalStateException("the VL prompt tokens " + unused + " get no gradient: this build's "
                    + "model code does not read them. TRAINER.ViFi_CLIP.PROMPT_MODEL needs the prompt support in "
                    + "dev.vclip.model.Clip (see dev.vclip.train.VlPrompts)");
        }
    }

    /** Updates done (the schedule position). */
    public long updates() {
        return update;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public Precision.LossScaler scaler() {
        return scaler;
    }

    public LrSchedule schedule() {
        return schedule;
    }

    /** Restores the position and optimiser/scaler state of a checkpoint. */
    void restore(long updates, Precision.LossScaler savedScaler) {
        this.update = updates;
        if (scaler != null && savedScaler != null) {
            scaler = savedScaler;
        }
    }

    /** Arrays attached to the master weights' manager (constant across steps when nothing leaks). */
    public int managedArrays() {
        return model.master().manager().getManagedArrays().size();
    }

    public TrainableModel model() {
        return model;
    }

    public Map<String, NDArray> trainableParameters() {
        return model.trainableParameters();
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
