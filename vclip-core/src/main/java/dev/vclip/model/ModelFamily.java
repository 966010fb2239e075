package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.CheckpointLayout;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.StoredTensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything vclip knows about one model architecture, in one place: its {@code config.json} keys, its parameters
 * (names and shapes, declared once: they drive shape checks, random initialisation, checkpoint conversion and the
 * lists of missing tensors), the factory of its model, the reference outputs it can compute, the parameters training
 * treats as new modules, and the tensor-name rules of its original checkpoints.
 *
 * <p>A family is registered by one line in {@code META-INF/services/dev.vclip.model.ModelFamily} (as Lucene's codecs
 * and HF's auto maps): {@link ModelFamilies} finds it by {@code model_type}. Nothing else in vclip names a family;
 * callers ask a model what input it takes ({@link VideoTextModel#videoInput()}).
 *
 * <p>Implementations are stateless and thread-safe (a public no-argument constructor, for {@link java.util.ServiceLoader}).
 */
public interface ModelFamily {

    /** The family's own part of a config: the keys beyond CLIP's two towers. Immutable. */
    interface FamilyConfig {
        /** For families with no keys of their own. */
        FamilyConfig NONE = new FamilyConfig() {
            @Override
            public String toString() {
                return "{}";
            }
        };
    }

    /** The {@code model_type} of its config.json, lower case without separators ({@code "xclip"}). */
    String modelType();

    /** For people: {@code "X-CLIP (XCLIPModel)"}. */
    String displayName();

    /** The {@code architectures} entry written to config.json ({@code "XCLIPModel"}). */
    String architecture();

    /** Default token ids of the text config when config.json has none (HF's defaults differ per family). */
    default ModelConfig.TokenIds defaultTokenIds() {
        return new ModelConfig.TokenIds(49406, 49407, 1);
    }

    /**
     * Reads the family's keys; every key asked for counts as known (see {@link ConfigReader}).
     *
     * @param top    the top level of config.json
     * @param text   {@code text_config}
     * @param vision {@code vision_config}
     */
    FamilyConfig readConfig(ConfigReader top, ConfigReader text, ConfigReader vision);

    /** Adds a message per inconsistency of the family's keys (each naming the keys). */
    default void validate(ModelConfig config, List<String> problems) {
    }

    /** Writes the family's keys, as {@link #readConfig} reads them. */
    default void writeConfig(ModelConfig config, ObjectNode top, ObjectNode text, ObjectNode vision) {
    }

    /** Adds lines to a model's description ({@code vclip info}). */
    default void describe(ModelConfig config, Map<String, Object> summary) {
    }

    /** Every parameter of the family's model for a config, by state-dict name, with its shape; in a stable order. */
    Map<String, long[]> parameterShapes(ModelConfig config);

    /** The frames per clip and frame size a config's model takes. */
    VideoInput videoInput(ModelConfig config);

    /**
     * The text around a class name that the family's original code classifies with ({@code "{}"}: the bare name,
     * X-CLIP), or {@code null} when the training config decides (ViFi-CLIP's {@code CTX_INIT}).
     */
    default String classTemplate() {
        return null;
    }

    /**
     * The class of the models {@link #create} makes, so that a caller asking for a class ({@code XClip.load}) is told
     * from the config alone, before any weight is read, that this family makes another.
     */
    Class<? extends VideoTextModel> modelClass();

    /** Wraps weights that fit {@code config} (checked against {@link #parameterShapes}) into the model. */
    VideoTextModel create(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer);

    /**
     * The names of the reference outputs {@link #computeReference} can compute (HF output names and the recorded
     * intermediates), so that a case file's tensor of an unknown name is told apart from one lacking inputs.
     */
    Set<String> referenceOutputs();

    /**
     * Computes the reference outputs the inputs allow: {@code inputs} holds what a case file has of
     * {@link ReferenceOutputs#INPUTS} ({@code input_ids}, {@code attention_mask}, {@code input_ids_eotpad},
     * {@code pixel_values}, {@code pixel_values_video}, {@code video}, {@code video_mask}); results go into
     * {@code out} by name, intermediates through {@code trace}.
     */
    void computeReference(VideoTextModel model, Map<String, NDArray> inputs, Trace trace, Map<String, NDArray> out);

    /**
     * Words that mark a parameter as new relative to the CLIP the family starts from, matched anywhere in its name
     * (X-CLIP: {@code mit}, {@code prompts}, {@code message_}; CLIP4Clip: its similarity header's module names).
     * How training treats them is the family's {@link #trainingRecipe()}.
     */
    default List<String> newModuleKeywords() {
        return List.of();
    }

    /**
     * The original training code whose optimiser recipe {@code vclip train} follows for a family: which parameters
     * train, which get weight decay, and each one's learning-rate factor ({@code dev.vclip.train.ParameterPlan}).
     */
    enum TrainingRecipe {
        /**
         * ViFi-CLIP (the default): CLIP's towers fine-tuned as {@code TRAINER.ViFi_CLIP.USE} says, or only its VL
         * prompts; one learning rate.
         */
        VIFI_CLIP,
        /**
         * X-CLIP {@code utils/optimizer.py}: the new modules train at {@code TRAIN.NEW_MODULE_LR_SCALE} times the
         * learning rate and stay trainable when {@code MODEL.FIX_TEXT} freezes the text side.
         */
        XCLIP,
        /**
         * CLIP4Clip {@code main_task_retrieval.py prep_optimizer}: CLIP's parameters (everything but the new modules)
         * train at {@code TRAIN.COEF_LR} times the learning rate, the new modules at the learning rate; CLIP's layers
         * below {@code MODEL.FREEZE_LAYER_NUM} and its embeddings are frozen; only biases escape weight decay.
         */
        CLIP4CLIP
    }

    /** The recipe {@code vclip train} follows for the family's parameters (ViFi-CLIP's unless a family says). */
    default TrainingRecipe trainingRecipe() {
        return TrainingRecipe.VIFI_CLIP;
    }

    /** The original (non-HF) checkpoint layouts the family reads, with their name rules. */
    default List<CheckpointLayout> checkpointLayouts() {
        return List.of();
    }

    /**
     * Whether HF-named tensors belong to this family (for folders with weights but no config, and for conversion);
     * the first registered family that claims them wins, so families test for their distinctive tensors.
     */
    boolean claims(Set<String> hfNames);

    /**
     * A config whose dimensions are read off HF-named tensors (after a checkpoint layout's renaming), as OpenAI's
     * {@code build_model} does; the two CLIP towers come from {@link ModelConfig#inferTowers}.
     *
     * @param heads the attention heads of a width ({@link ModelConfig.HeadCount#CLIP_RULE}: width / 64)
     * @throws ConfigException when a dimension cannot be read (naming the tensor), or {@code heads} refuses a width
     */
    ModelConfig inferConfig(Map<String, StoredTensor> hfTensors, ModelConfig.HeadCount heads);

    /**
     * Where a parameter that a checkpoint lacks is taken from in the base model a conversion is given
     * ({@code vclip convert --base}, {@link ModelConversion.Options#base}): the base's parameter name (HF names), or
     * null when the base cannot provide it. The default takes the same name (CLIP's towers, the token embedding
     * ViFi-CLIP does not save); a family that initialises new modules from CLIP says which CLIP tensor each copies.
     *
     * @param config    the configuration being converted
     * @param parameter a parameter of {@link #parameterShapes} the checkpoint does not have
     */
    default String baseSource(ModelConfig config, String parameter) {
        return parameter;
    }

    /**
     * The configurations an original project's run folder describes with its own files beside the checkpoint (e.g.
     * CenterCLIP's {@code hparams_train.json}), by name, the run's own as ""; empty when {@code dir} holds none of
     * them. Only asked for folders without a Hugging Face config.json.
     *
     * @param hfTensors the folder's checkpoint after its layout's renaming (dimensions are read off it)
     */
    default Map<String, ModelConfig> runConfigs(Path dir, Map<String, StoredTensor> hfTensors) {
        return Map.of();
    }
}
