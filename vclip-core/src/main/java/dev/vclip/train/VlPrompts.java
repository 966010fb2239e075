package dev.vclip.train;

import dev.vclip.model.ConfigException;
import dev.vclip.model.Clip;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.HalfFloats;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * ViFi-CLIP's "bridge and prompt" VL prompting (muzairkhattak/ViFi-CLIP {@code trainers/vificlip.py
 * VLPromptLearner}, {@code clip/model.py ResidualAttentionBlock_ViFi_CLIP} and {@code VisionTransformer}): with the
 * CLIP backbone frozen, learn
 * <ul>
 *   <li>{@code N_CTX_TEXT} text context vectors that replace the embeddings of placeholder tokens right after BOS
 *   ("X X X X class name."), and, for {@code PROMPT_DEPTH_TEXT > 1}, fresh context vectors replacing the same
 *   positions at the input of text layers 1 .. depth−1;</li>
 *   <li>{@code N_CTX_VISION} visual prompt tokens appended to the patch sequence after the position embeddings
 *   (before the pre-LayerNorm), and for {@code PROMPT_DEPTH_VISION > 1} replaced by fresh ones at the input of
 *   vision layers 1 .. depth−1 (the class token, position 0, is still what is pooled).</li>
 * </ul>
 * They are extra parameters of the model's weights, named
 * {@code text_model.embeddings.prompt_ctx}, {@code text_model.encoder.layers.<i>.prompt_ctx},
 * {@code vision_model.embeddings.prompt_ctx} and {@code vision_model.encoder.layers.<i>.prompt_ctx}, so they are
 * saved with the model and trained by the same code as every other parameter. Initialisation as ViFi-CLIP: the
 * text context from the token embeddings of {@code CTX_INIT}'s first words when {@code N_CTX_TEXT <= 4}, otherwise
 * N(0, 0.02²); every other prompt N(0, 0.02²).
 *
 * <p>Reading them is the model's business: the spec becomes the model config's {@code vifi_prompts}
 * ({@link #apply}), and {@code dev.vclip.model.Clip} declares and uses the prompts that config names (text:
 * replacing positions 1..n and prefixing n "X" placeholders in {@code textFeatures(List<String>)}; vision: appending
 * and replacing the last n tokens).
 */
public final class VlPrompts {

    /** The prompt configuration; all zero when prompting is off. */
    public record Spec(int textTokens, int textDepth, int visionTokens, int visionDepth, String ctxInit) {
        public boolean enabled() {
            return textTokens > 0 || visionTokens > 0 && visionDepth > 0;
        }
    }

    private VlPrompts() {
    }

    public static final String TEXT_EMBEDDINGS = "text_model.embeddings" + ParameterPlan.PROMPT_SUFFIX;
    public static final String VISION_EMBEDDINGS = "vision_model.embeddings" + ParameterPlan.PROMPT_SUFFIX;

    /** The spec of a config: {@code TRAINER.ViFi_CLIP.*} when {@code PROMPT_MODEL} is on, else none. */
    public static Spec spec(TrainConfig c) {
        if (!c.bool("TRAINER.ViFi_CLIP.PROMPT_MODEL")) {
            return new Spec(0, 0, 0, 0, "");
        }
        Spec s = new Spec(c.integer("TRAINER.ViFi_CLIP.N_CTX_TEXT"), c.integer("TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT"),
                c.integer("TRAINER.ViFi_CLIP.N_CTX_VISION"), c.integer("TRAINER.ViFi_CLIP.PROMPT_DEPTH_VISION"),
                c.string("TRAINER.ViFi_CLIP.CTX_INIT"));
        if (s.textDepth() < 1) {
            // vificlip.py: "In VL prompting, Language prompt depth should be >=1"
            throw c.error("TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT", "must be >= 1 with PROMPT_MODEL (ViFi-CLIP asserts "
                    + "it: in VL prompting the language prompt depth should be >= 1)");
        }
        if (!s.enabled()) {
            throw c.error("TRAINER.ViFi_CLIP.PROMPT_MODEL", "is true but there is nothing to learn: set N_CTX_TEXT "
                    + "and/or N_CTX_VISION (with PROMPT_DEPTH_VISION >= 1)");
        }
        return s;
    }

    /**
     * The config of a model with the spec's prompts: CLIP's {@code vifi_prompts} keys ({@link Clip.Config}), so the
     * prompts are parameters the model declares, uses and saves with its config.
     */
    public static ModelConfig apply(Spec s, ModelConfig config) {
        if (!s.enabled()) {
            return config;
        }
        if (!(config.familyConfig() instanceof Clip.Config)) {
            throw new ConfigException("TRAINER.ViFi_CLIP.PROMPT_MODEL: VL prompting is ViFi-CLIP's and needs a CLIP "
                    + "model (MODEL.TYPE clip, or a CLIP MODEL.PRETRAINED folder); this model is "
                    + config.family().displayName());
        }
        ModelConfig prompted = config.withFamilyConfig(new Clip.Config(s.textTokens(), Math.max(1, s.textDepth()),
                s.visionTokens(), s.visionDepth()));
        prompted.validate("TRAINER.ViFi_CLIP");
        return prompted;
    }

    /**
     * The prompt parameters {@code prompted} (a config {@link #apply} gave) has beyond {@code config}, with shapes.
     */
    public static Map<String, long[]> shapes(ModelConfig config, ModelConfig prompted) {
        Map<String, long[]> out = new LinkedHashMap<>(ModelFolder.parameterShapes(prompted));
        out.keySet().removeAll(ModelFolder.parameterShapes(config).keySet());
        return out;
    }

    /**
     * Initial values of the prompt parameters ({@code prompts}: names and shapes, from {@link #shapes});
     * {@code weights} holds the model's token embedding (for CTX_INIT), and {@code tokenizer} tokenizes CTX_INIT.
     */
    static MemoryTensors init(Spec s, Map<String, long[]> prompts, TensorFile weights, ClipTokenizer tokenizer,
                              long seed) {
        MemoryTensors out = new MemoryTensors("VL prompts");
        Random random = new Random(seed ^ 0x70726F6D7074L); // "prompt"
        for (Map.Entry<String, long[]> e : prompts.entrySet()) {
            long[] shape = e.getValue();
            float[] values = new float[(int) (shape[0] * shape[1])];
            boolean fromWords = e.getKey().equals(TEXT_EMBEDDINGS) && !s.ctxInit().isBlank() && s.textTokens() <= 4;
            if (fromWords) {
                int[] ids = tokenizer.encode(s.ctxInit().replace("_", " "));
                StoredTensor emb = weights.get("text_model.embeddings.token_embedding.weight");
                int width = (int) shape[1];
                for (int t = 0; t < s.textTokens(); t++) {
                    // clip.tokenize(ctx_init) then embedding[0, 1 : 1 + n_ctx]: BOS excluded; past the words come
                    // the EOT and padding embeddings, as in ViFi-CLIP
                    int id = t < ids.length ? ids[t] : (t == ids.length ? tokenizer.eotId() : 0);
                    for (int j = 0; j < width; j++) {
                        values[t * width + j] = element(emb, (long) id * width + j);
                    }
                }
            } else {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * 0.02);
                }
            }
            out.put(e.getKey(), shape, values);
        }
        return out;
    }

    private static float element(StoredTensor t, long index) {
        var b = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int i = Math.toIntExact(index);
        return switch (t.dtype()) {
            case F32 -> b.getFloat(i * 4);
            case F16 -> HalfFloats.f16ToF32(b.getShort(i * 2));
            case BF16 -> HalfFloats.bf16ToF32(b.getShort(i * 2));
            case F64 -> (float) b.getDouble(i * 8);
            default -> throw new IllegalStateException("token embedding is " + t.dtype() + ", not floating point");
        };
    }
}
