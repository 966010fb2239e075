package dev.vclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vclip.model.VideoEncoding;
import dev.vclip.model.VideoTextModel;

import dev.vclip.data.TaggedTexts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a training step minimises for one micro-batch, computed with the model's own inference functions
 * ({@link VideoTextModel#encodeVideos}, {@link VideoTextModel#textFeatures}, {@link VideoTextModel#logits}): the
 * same code path as zero-shot scoring, with gradients.
 */
public interface LossHead {

    /** The mean loss of the micro-batch, a scalar in {@code manager}. */
    NDArray loss(VideoTextModel model, MicroBatch batch, NDManager manager);

    /**
     * Called after every optimiser update that changed the parameters, with the master weights updated and before
     * a mixed-precision working copy is refreshed from them: where a loss constrains parameters.
     */
    default void afterUpdate(TrainableModel model) {
    }

    /** The largest logit scale contrastive training allows: ln 100, a temperature of at least 0.01. */
    double LOGIT_SCALE_MAX = Math.log(100);

    /**
     * Clamps a trainable {@code logit_scale} to [0, ln 100], as CLIP's training does and its video successors after
     * each step (CLIP4Clip {@code main_task_retrieval.py train_epoch}: {@code clamp_(logit_scale, max=np.log(100))};
     * CenterCLIP {@code main.py}: [0.1, 4.6052]). A frozen scale is left as it is.
     */
    static void clampLogitScale(TrainableModel model) {
        ParameterPlan.Entry entry = model.plan().get("logit_scale");
        if (entry == null || !entry.trainable()) {
            return;
        }
        NDArray scale = model.master().get("logit_scale");
        float value = scale.getFloat();
        float clamped = (float) Math.min(Math.max(value, 0), LOGIT_SCALE_MAX);
        if (clamped != value) {
            scale.set(java.nio.FloatBuffer.wrap(new float[]{clamped}));
        }
    }

    /**
     * The element type the model computes in: FLOAT32, or FLOAT16 for mixed-precision working weights. Inputs are
     * cast to it and logits back to FLOAT32 before the loss (log-softmax in fp32, as autocast does).
     */
    static DataType computeType(VideoTextModel model) {
        return model.weights().get("logit_scale").getDataType();
    }

    /** The micro-batch's clips as [videos, frames, 3, size, size] in the model's compute type. */
    static NDArray pixels(VideoTextModel model, MicroBatch batch, NDManager manager) {
        return manager.create(batch.pixels(), new Shape(batch.videos(), batch.frames(), 3, batch.size(), batch.size()))
                .toType(computeType(model), false);
    }

    /**
     * {@code x} as FLOAT32, differentiably. DJL 0.36's {@code toType} is not recorded by autograd (a loss behind it
     * "does not require grad"), so a half-precision array is promoted by adding FLOAT32 zeros instead: torch's type
     * promotion makes the sum FLOAT32 and its backward casts the gradient back.
     */
    static NDArray toFloat32(NDArray x) {
        if (x.getDataType() == DataType.FLOAT32) {
            return x;
        }
        return x.add(x.getManager().zeros(x.getShape(), DataType.FLOAT32));
    }

    /**
     * Recognition as X-CLIP trains it ({@code main.py train_one_epoch}): logits of every clip against the texts of
     * all classes, cross-entropy with soft targets ({@link Losses#softTargetCrossEntropy}; mixup, cutmix and label
     * smoothing live in the targets). When the text tower is frozen the class text features are computed once and
     * reused (X-CLIP's {@code cache_text} with {@code use_cache = FIX_TEXT}); when any text parameter trains they are
     * recomputed in every micro-batch, inside the gradient tape.
     */
    final class Recognition implements LossHead {
        private final List<String> classTexts;
        private final boolean textTrains;
        private float[] cached;
        private int dim;

        public Recognition(List<String> classTexts, boolean textTrains) {
            this.classTexts = List.copyOf(classTexts);
            this.textTrains = textTrains;
        }

        @Override
        public NDArray loss(VideoTextModel model, MicroBatch batch, NDManager manager) {
            return loss(model, model.encodeVideos(LossHead.pixels(model, batch, manager)), batch, manager);
        }

        /** The loss of clips already encoded (the joint loss shares one encoding). */
        NDArray loss(VideoTextModel model, VideoEncoding encoding, MicroBatch batch, NDManager manager) {
            DataType type = LossHead.computeType(model);
            NDArray text = classFeatures(model, manager).toType(type, false);
            NDArray logits = LossHead.toFloat32(model.logits(encoding, text));
            float[] flat = new float[batch.videos() * classTexts.size()];
            for (int i = 0; i < batch.videos(); i++) {
                System.arraycopy(batch.targets()[i], 0, flat, i * classTexts.size(), classTexts.size());
            }
            NDArray targets = manager.create(flat, new Shape(batch.videos(), classTexts.size()));
            return Losses.softTargetCrossEntropy(logits, targets);
        }

        private NDArray classFeatures(VideoTextModel model, NDManager manager) {
            if (textTrains) {
                return model.textFeatures(classTexts, manager);
            }
            if (cached == null) {
                NDArray features = model.textFeatures(classTexts, manager);
                dim = (int) features.getShape().get(1);
                cached = features.toType(DataType.FLOAT32, false).toFloatArray();
            }
            return manager.create(cached, new Shape(classTexts.size(), dim));
        }

        public List<String> classTexts() {
            return classTexts;
        }
    }

    /**
     * Video–text contrastive learning for retrieval: a batch of (clip, text) pairs, logits of every clip against
     * every text of the batch ({@link VideoTextModel#logits}: X-CLIP conditions each text on each video), and the
     * symmetric InfoNCE loss ({@link Losses#symmetricInfoNce}). Gradient accumulation splits the batch's negatives
     * (each micro-batch is its own contrastive problem), as with the original CLIP training code. After each update the
     * logit scale is clamped to [0, ln 100] ({@link LossHead#clampLogitScale}).
     */
    final class Contrastive implements LossHead {
        @Override
        public NDArray loss(VideoTextModel model, MicroBatch batch, NDManager manager) {
            VideoEncoding encoding = model.encodeVideos(LossHead.pixels(model, batch, manager));
            NDArray text = model.textFeatures(batch.texts(), manager);
            return Losses.symmetricInfoNce(LossHead.toFloat32(model.logits(encoding, text)));
        }

        @Override
        public void afterUpdate(TrainableModel model) {
            LossHead.clampLogitScale(model);
        }
    }

    /**
     * Recognition and video–text matching at once, for a model that must both name classes and understand free text:
     * the cross-entropy over the class texts ({@link Recognition}) plus {@code textWeight} times a multi-positive
     * InfoNCE over a pool of texts — one text true of each clip and one hard negative per clip (a caption wrong in a
     * single attribute, {@link MicroBatch.Tagged}). A text is a positive of every clip whose tags include all of its
     * own ("a red shape" fits every red clip of the batch), so partial descriptions are not pushed away from the
     * clips they describe (the supervised-contrastive form of InfoNCE: soft targets spread evenly over the matches).
     * Video→text runs over the whole pool, negatives included; text→video over the positive texts. One video
     * encoding serves both terms.
     */
    final class Joint implements LossHead {
        private final Recognition recognition;
        private final double textWeight;

        public Joint(List<String> classTexts, double textWeight) {
            this.recognition = new Recognition(classTexts, true);
            this.textWeight = textWeight;
        }

        @Override
        public NDArray loss(VideoTextModel model, MicroBatch batch, NDManager manager) {
            MicroBatch.Tagged tagged = batch.tagged();
            if (tagged == null) {
                throw new IllegalArgumentException("the joint loss needs tagged texts (DATA.TEXTS)");
            }
            DataType type = LossHead.computeType(model);
            VideoEncoding encoding = model.encodeVideos(LossHead.pixels(model, batch, manager));
            NDArray classLoss = recognition.loss(model, encoding, batch, manager);

            int b = batch.videos();
            List<TaggedTexts.Text> pool = new ArrayList<>(tagged.positives());
            pool.addAll(tagged.negatives());
            NDArray text = model.textFeatures(pool.stream().map(TaggedTexts.Text::text).toList(), manager)
                    .toType(type, false);
            NDArray logits = LossHead.toFloat32(model.logits(encoding, text)); // [b, 2b]
            Targets targets = targets(tagged.videoTags(), pool, b);
            NDArray vt = Losses.softTargetCrossEntropy(logits,
                    manager.create(targets.videoToText(), new Shape(b, pool.size())));
            NDArray tv = Losses.softTargetCrossEntropy(logits.get(":, 0:" + b).transpose(),
                    manager.create(targets.textToVideo(), new Shape(b, b)));
            NDArray textLoss = vt.add(tv).div(Losses.scalar(vt, 2));
            return classLoss.add(textLoss.mul(Losses.scalar(textLoss, textWeight)));
        }

        /** Soft targets, row-major: [video][pool text] and [positive text][video], each row summing to 1. */
        record Targets(float[] videoToText, float[] textToVideo) {
        }

        /**
         * The soft targets of a batch: every video spreads its target evenly over the pool texts that fit it and its
         * own positive (the first {@code positives} of the pool, text i drawn for video i; an untagged text fits only
         * its own video), and every positive text over the videos it fits and its own.
         */
        static Targets targets(List<Set<String>> videoTags, List<TaggedTexts.Text> pool, int positives) {
            int b = videoTags.size();
            float[] videoToText = new float[b * pool.size()];
            for (int v = 0; v < b; v++) {
                Set<String> tags = videoTags.get(v);
                int own = v;
                spread(videoToText, v * pool.size(), pool.size(), t -> t == own || pool.get(t).fits(tags));
            }
            float[] textToVideo = new float[positives * b];
            for (int t = 0; t < positives; t++) {
                TaggedTexts.Text text = pool.get(t);
                int own = t;
                spread(textToVideo, t * b, b, v -> v == own || text.fits(videoTags.get(v)));
            }
            return new Targets(videoToText, textToVideo);
        }

        /** Sets row[offset .. offset+n) to 1/m where {@code fits}, m the number of such places. */
        private static void spread(float[] row, int offset, int n, java.util.function.IntPredicate fits) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                m += fits.test(i) ? 1 : 0;
            }
            if (m == 0) {
                throw new IllegalArgumentException("a row of the joint loss has no positive (a text that fits no "
                        + "video of its batch, or a video no text fits)");
            }
            for (int i = 0; i < n; i++) {
                row[offset + i] = fits.test(i) ? 1f / m : 0f;
            }
        }

        @Override
        public void afterUpdate(TrainableModel model) {
            LossHead.clampLogitScale(model);
        }
    }
}
