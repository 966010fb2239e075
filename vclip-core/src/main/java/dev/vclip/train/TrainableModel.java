package dev.vclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.Torch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A model being trained: writable fp32 weights ({@link ModelWeights#trainable}) wrapped in the same
 * {@link VideoTextModel} class that inference uses ({@link ModelFolder#create}), the {@link ParameterPlan}, and
 * the managers everything lives in. Trainable parameters have {@code requiresGradient} on, frozen ones off.
 *
 * <p>For fp16 mixed precision ({@link Precision.Mode#MIXED_FP16}) the model runs on working weights made from the
 * fp32 master weights by a cast function, and the optimiser updates the master copy; see {@link Trainer}.
 */
public final class TrainableModel implements AutoCloseable {

    private final NDManager root;
    private static final System.Logger LOG = System.getLogger(TrainableModel.class.getName());

    private final ModelConfig config;
    private final ModelWeights master;
    private final ModelWeights working;
    private final VideoTextModel model;
    private final ParameterPlan plan;
    private final Path tokenizerDir;

    private TrainableModel(NDManager root, ModelConfig config, ModelWeights master, ModelWeights working,
                           VideoTextModel model, ParameterPlan plan, Path tokenizerDir) {
        this.root = root;
        this.config = config;
        this.master = master;
        this.working = working;
        this.model = model;
        this.plan = plan;
        this.tokenizerDir = tokenizerDir;
    }

    /**
     * Loads tensor files (a model folder's weights, a checkpoint, in-memory prompt tokens) as trainable fp32 weights.
     *
     * @param expected     every parameter with its shape (the model's and any extra, e.g. VL prompts)
     * @param tokenizerDir a folder with vocab.json/merges.txt, or null for the bundled OpenAI vocabulary
     * @param planFor      the parameter plan for the shapes
     */
    public static TrainableModel load(ModelConfig config, List<TensorFile> files, Map<String, long[]> expected,
                                      Path tokenizerDir, java.util.function.Function<Map<String, long[]>, ParameterPlan> planFor) {
        NDManager root = Torch.newManager();
        try {
            ModelWeights master;
            try (ModelWeights loaded = ModelWeights.load(files, expected, root, w -> LOG.log(System.Logger.Level.WARNING, w))) {
                master = loaded.trainable(root);
            }
            ParameterPlan plan = planFor.apply(expected);
            for (Map.Entry<String, NDArray> e : master.arrays().entrySet()) {
                e.getValue().setRequiresGradient(plan.get(e.getKey()).trainable());
            }
            ClipTokenizer tokenizer = tokenizerDir != null ? ClipTokenizer.forModelDir(tokenizerDir)
                    : ClipTokenizer.openaiDefault();
            VideoTextModel model = ModelFolder.create(config, master, tokenizer);
            return new TrainableModel(root, config, master, master, model, plan, tokenizerDir);
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /**
     * The mixed-precision variant of this model: the forward model runs on {@code cast(master, root)} (fp16 on a
     * GPU), gradients are taken there, and {@link #syncWorking()} refreshes it from the master after each update.
     * This model must not be used afterwards (the result owns the managers).
     */
    public TrainableModel withWorkingCopy(BiFunction<ModelWeights, NDManager, ModelWeights> cast) {
        ModelWeights copy = cast.apply(master, root);
        for (Map.Entry<String, NDArray> e : copy.arrays().entrySet()) {
            master.get(e.getKey()).setRequiresGradient(false);
            e.getValue().setRequiresGradient(plan.get(e.getKey()).trainable());
        }
        VideoTextModel forward = ModelFolder.create(config, copy, model.tokenizer());
        return new TrainableModel(root, config, master, copy, forward, plan, tokenizerDir);
    }

    /** Copies the master values into the working weights (mixed precision only). */
    void syncWorking() {
        if (working == master) {
            return;
        }
        for (String name : plan.trainableNames()) {
            NDArray w = working.get(name);
            try (NDArray cast = master.get(name).toType(w.getDataType(), true)) {
                w.set(cast.toByteBuffer());
            }
        }
    }

    public boolean isMixed() {
        return working != master;
    }

    /** The model the forward pass runs (on the working weights). */
    public VideoTextModel model() {
        return model;
    }

    /**
     * The model to evaluate with: the forward model in fp32 training; in mixed precision a model over the fp32
     * master weights, since the evaluation code feeds fp32 pixels.
     */
    public VideoTextModel evaluationModel() {
        return isMixed() ? ModelFolder.create(config, master, model.tokenizer()) : model;
    }

    /** The fp32 weights the optimiser updates and checkpoints save. */
    public ModelWeights master() {
        return master;
    }

    /** The weights the forward pass reads (the master in fp32 training). */
    public ModelWeights working() {
        return working;
    }

    public ModelConfig config() {
        return config;
    }

    public ParameterPlan plan() {
        return plan;
    }

    public Path tokenizerDir() {
        return tokenizerDir;
    }

    public NDManager root() {
        return root;
    }

    /** The trainable master parameters by name, in model order. */
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        plan.trainableNames().forEach(n -> out.put(n, master.get(n)));
        return out;
    }

    @Override
    public void close() {
        root.close();
    }
}
