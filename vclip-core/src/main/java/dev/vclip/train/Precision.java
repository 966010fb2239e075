package dev.vclip.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vclip.weights.ModelWeights;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Numeric precision of training, from X-CLIP's {@code TRAIN.OPT_LEVEL} (apex amp levels: O0 fp32, O1 and O2 mixed
 * fp16 with fp32 master weights and dynamic loss scaling).
 *
 * <p>On a GPU, O1/O2 select {@link Mode#MIXED_FP16}: the model runs on fp16 working weights, the optimiser updates
 * fp32 master weights, the loss is multiplied by a {@link LossScaler} scale before backward and the gradients divided
 * by it after; a step whose gradients overflow is skipped and the scale halved. On a CPU vclip trains in fp32
 * whatever the level, and says so: DJL 0.36 aborts the JVM on any BF16 array, and FP16 arithmetic runs about 100x
 * slower than FP32 on AVX2 CPUs without native half-precision units (see {@code vclip bench fp16} for this machine's
 * numbers), so mixed precision would only cost time.
 */
public final class Precision {

    /** What training computes in. */
    public enum Mode {
        FP32, MIXED_FP16
    }

    /** The mode chosen and, when the request could not be honoured, why. */
    public record Choice(Mode mode, String note) {
    }

    private Precision() {
    }

    /**
     * How to make the fp16 working weights from the fp32 master: {@code ModelWeights.castCopy(FLOAT16, parent)}
     * when this build's {@link ModelWeights} has it (it holds fp32 arrays only otherwise), else empty and
     * {@link TrainRun} trains in fp32. Looked up reflectively so that the mixed-precision path lights up as soon as
     * that method exists, with no change here.
     */
    public static Optional<BiFunction<ModelWeights, NDManager, ModelWeights>> fp16WorkingCopy() {
        try {
            Method cast = ModelWeights.class.getMethod("castCopy", DataType.class, NDManager.class);
            return Optional.of((master, parent) -> {
                try {
                    return (ModelWeights) cast.invoke(master, DataType.FLOAT16, parent);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("ModelWeights.castCopy failed: " + e.getCause(), e);
                }
            });
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    /** The mode for an apex level on a device. */
    public static Choice resolve(String optLevel, Device device) {
        if ("O0".equals(optLevel)) {
            return new Choice(Mode.FP32, "fp32 (TRAIN.OPT_LEVEL O0)");
        }
        if (device.isGpu()) {
            return new Choice(Mode.MIXED_FP16, "fp16 mixed precision (TRAIN.OPT_LEVEL " + optLevel
                    + "): fp16 working weights, fp32 master weights, dynamic loss scaling");
        }
        return new Choice(Mode.FP32, "TRAIN.OPT_LEVEL " + optLevel + " asks for fp16 mixed precision, but this "
                + "device is a CPU: training in fp32 (BF16 crashes DJL 0.36; FP16 matmuls run ~100x slower than "
                + "FP32 on this CPU)");
    }

    /**
     * Dynamic loss scaling as {@code torch.cuda.amp.GradScaler} (and apex's dynamic scaler) does it: start at
     * 2^16; on a step with an infinite or NaN gradient skip the update and halve the scale; after 2000 good steps
     * in a row double it.
     */
    public static final class LossScaler {
        public static final double INIT_SCALE = 65536;
        public static final double GROWTH_FACTOR = 2;
        public static final double BACKOFF_FACTOR = 0.5;
        public static final int GROWTH_INTERVAL = 2000;

        private double scale;
        private int goodSteps;

        public LossScaler() {
            this(INIT_SCALE, 0);
        }

        public LossScaler(double scale, int goodSteps) {
            this.scale = scale;
            this.goodSteps = goodSteps;
        }

        public double scale() {
            return scale;
        }

        public int goodSteps() {
            return goodSteps;
        }

        /** Records a step's outcome: {@code overflow} true when a gradient was infinite or NaN. */
        public void update(boolean overflow) {
            if (overflow) {
                scale *= BACKOFF_FACTOR;
                goodSteps = 0;
            } else if (++goodSteps == GROWTH_INTERVAL) {
                scale *= GROWTH_FACTOR;
                goodSteps = 0;
            }
        }
    }
}
