package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.model.ModelConfig.TextConfig;
import dev.vclip.model.ModelConfig.VisionConfig;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.CheckpointLayout;
import dev.vclip.weights.KeyMapping;
import dev.vclip.weights.KeyMappingRules;
import dev.vclip.weights.KeyMappingRules.Rule;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.ModelWeights.Scope;
import dev.vclip.weights.StoredTensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vclip.weights.KeyMappingRules.drop;
import static dev.vclip.weights.KeyMappingRules.extra;

/**
 * CLIP (Radford et al., 2021) as HF's {@code CLIPModel}: a causal text transformer pooled at the end-of-text token,
 * a ViT pooled at the class token, linear projections into a joint space and a learned temperature. As a video model
 * it is the frame-level baseline of ViFi-CLIP: per-frame image features, averaged over time and L2-normalised.
 *
 * <p>Reads top to bottom like modeling_clip.py: embeddings, text transformer, vision transformer, features, forward.
 * The text tower and the vision embeddings are reused by {@link XClip}, whose towers are CLIP's.
 */
public final class Clip extends ClipFamilyModel {

    // ================================================================================================ config

    /**
     * ViFi-CLIP's learned VL prompts ("bridge and prompt", muzairkhattak/ViFi-CLIP {@code trainers/vificlip.py
     * VLPromptLearner}), declared in config.json as {@code "vifi_prompts": {"n_ctx_text": 4, "prompt_depth_text": 1,
     * "n_ctx_vision": 0, "prompt_depth_vision": 0}} with the seeds' key names; all zero (absent) for plain CLIP and
     * for the fully fine-tuned ViFi-CLIP. When set, the parameters {@code *.prompt_ctx} of {@link #PROMPT_CTX} are
     * part of the model and the towers use them.
     */
    public record Config(int textTokens, int textDepth, int visionTokens, int visionDepth)
            implements ModelFamily.FamilyConfig {
        public static final Config NONE = new Config(0, 0, 0, 0);

        public boolean enabled() {
            return textTokens > 0 || visionTokens > 0 && visionDepth > 0;
        }

        /** Text layers 1 .. n−1 that get fresh (deep) context vectors; 1 means the input only. */
        int textLayersWithPrompts(int layers) {
            return textTokens > 0 ? Math.min(Math.max(textDepth, 1), layers) : 0;
        }

        int visionLayersWithPrompts(int layers) {
            return visionTokens > 0 && visionDepth > 0 ? Math.min(visionDepth, layers) : 0;
        }
    }

    private final Config prompts;

    Clip(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
        super(config, weights, tokenizer);
        this.prompts = config.familyConfig(Config.class);
    }

    /** Loads a Hugging Face CLIP folder (config.json, model.safetensors or pytorch_model.bin, tokenizer files). */
    public static Clip load(Path dir) {
        return ModelFolder.load(dir, Clip.class);
    }

    @Override
    protected int textPromptTokens() {
        return prompts.textTokens();
    }

    // ================================================================================================ parameters

    /** Every parameter of a CLIP model with its shape, by HF state-dict name (VL prompts last). */
    static Map<String, long[]> parameterShapes(ModelConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        textTowerShapes(c.text(), shapes);
        visionTowerShapes(c.vision(), "vision_model.pre_layrnorm", shapes); // sic: HF CLIP's spelling
        shapes.put("visual_projection.weight", new long[]{c.projectionDim(), c.vision().hiddenSize()});
        shapes.put("text_projection.weight", new long[]{c.projectionDim(), c.text().hiddenSize()});
        shapes.put("logit_scale", new long[]{});
        Config p = c.familyConfig(Config.class);
        for (int i = 0; i < p.textLayersWithPrompts(c.text().numHiddenLayers()); i++) {
            String at = i == 0 ? "text_model.embeddings." : "text_model.encoder.layers." + i + ".";
            shapes.put(at + PROMPT_CTX, new long[]{p.textTokens(), c.text().hiddenSize()});
        }
        for (int i = 0; i < p.visionLayersWithPrompts(c.vision().numHiddenLayers()); i++) {
            String at = i == 0 ? "vision_model.embeddings." : "vision_model.encoder.layers." + i + ".";
            shapes.put(at + PROMPT_CTX, new long[]{p.visionTokens(), c.vision().hiddenSize()});
        }
        return shapes;
    }

    static void textTowerShapes(TextConfig t, Map<String, long[]> shapes) {
        shapes.put("text_model.embeddings.token_embedding.weight", new long[]{t.vocabSize(), t.hiddenSize()});
        shapes.put("text_model.embeddings.position_embedding.weight", new long[]{t.maxPositionEmbeddings(), t.hiddenSize()});
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            encoderLayerShapes("text_model.encoder.layers." + i, t.hiddenSize(), t.intermediateSize(), shapes);
        }
        layerNormShapes("text_model.final_layer_norm", t.hiddenSize(), shapes);
    }

    static void visionTowerShapes(VisionConfig v, String preNorm, Map<String, long[]> shapes) {
        int h = v.hiddenSize();
        shapes.put("vision_model.embeddings.class_embedding", new long[]{h});
        shapes.put("vision_model.embeddings.patch_embedding.weight", new long[]{h, v.numChannels(), v.patchSize(), v.patchSize()});
        shapes.put("vision_model.embeddings.position_embedding.weight", new long[]{v.numPatches() + 1, h});
        layerNormShapes(preNorm, h, shapes);
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            encoderLayerShapes("vision_model.encoder.layers." + i, h, v.intermediateSize(), shapes);
        }
        layerNormShapes("vision_model.post_layernorm", h, shapes);
    }

    static void encoderLayerShapes(String prefix, int width, int mlpWidth, Map<String, long[]> shapes) {
        attentionShapes(prefix + ".self_attn", width, shapes);
        layerNormShapes(prefix + ".layer_norm1", width, shapes);
        linearShapes(prefix + ".mlp.fc1", width, mlpWidth, shapes);
        linearShapes(prefix + ".mlp.fc2", mlpWidth, width, shapes);
        layerNormShapes(prefix + ".layer_norm2", width, shapes);
    }

    static void attentionShapes(String prefix, int width, Map<String, long[]> shapes) {
        for (String p : new String[]{"k_proj", "v_proj", "q_proj", "out_proj"}) {
            linearShapes(prefix + "." + p, width, width, shapes);
        }
    }

    static void linearShapes(String prefix, int in, int out, Map<String, long[]> shapes) {
        shapes.put(prefix + ".weight", new long[]{out, in});
        shapes.put(prefix + ".bias", new long[]{out});
    }

    static void layerNormShapes(String prefix, int width, Map<String, long[]> shapes) {
        shapes.put(prefix + ".weight", new long[]{width});
        shapes.put(prefix + ".bias", new long[]{width});
    }

    // ================================================================================================ text tower

    /**
     * HF {@code CLIPTextTransformer}: token + position embeddings, causal pre-LN encoder with the padding mask,
     * final LayerNorm, pooled at the end-of-text position. Returns [pooled [T, Ht], last hidden [T, L, Ht]].
     *
     * @param argmaxPooling pool at argmax(input_ids) (X-CLIP, and CLIP configs with the legacy eos_token_id 2); else
     *                      at the first position holding {@code eos_token_id}
     */
    static NDArray[] textTransformer(Scope root, TextConfig t, Config prompts, NDArray inputIds,
                                     NDArray attentionMask, boolean argmaxPooling, Trace trace) {
        Scope text = root.at("text_model");
        long length = inputIds.getShape().get(1);
        if (length > t.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("input_ids have " + length + " positions but the model has "
                    + t.maxPositionEmbeddings() + " position embeddings");
        }
        NDArray ids = inputIds.toType(DataType.INT64, false);
        NDArray tokens = ids.getNDArrayInternal()
                .embedding(ids, text.at("embeddings.token_embedding").weight(), ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
        NDArray positions = text.at("embeddings.position_embedding").weight().get("0:" + length);
        int promptLayers = prompts.textLayersWithPrompts(t.numHiddenLayers());
        if (promptLayers > 0) {
            // ViFi-CLIP: [SOS] + ctx + "class name." (+ EOT, padding)
            tokens = replaceAfterBos(tokens, text.at("embeddings").get(PROMPT_CTX));
        }
        NDArray x = tokens.add(positions);

        NDArray mask = causalMask(x.getManager(), length);
        if (attentionMask != null) {
            mask = mask.add(paddingMask(attentionMask));
        }
        mask = mask.toType(x.getDataType(), false); // fp16 working weights: the mask must match (finfo.min -> -inf)
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            if (i > 0 && i < promptLayers) {
                // deep prompts replace the previous layer's context outputs
                x = replaceAfterBos(x, text.at("encoder.layers", i).get(PROMPT_CTX));
            }
            x = Layers.encoderLayer(x, text.at("encoder.layers", i), t.numAttentionHeads(), t.hiddenAct(),
                    t.layerNormEps(), mask);
        }
        NDArray last = Layers.layerNorm(x, text.at("final_layer_norm"), t.layerNormEps());
        trace.record("text_last_hidden_state", last);

        NDArray eot = argmaxPooling ? ids.argMax(1) : ids.eq(t.eosTokenId()).toType(DataType.INT32, false).argMax(1);
        trace.record("text_eot_index", eot);
        long rows = ids.getShape().get(0);
        long width = last.getShape().get(2);
        NDArray index = eot.toType(DataType.INT64, false).reshape(rows, 1, 1).broadcast(new Shape(rows, 1, width));
        NDArray pooled = last.gather(index, 1).reshape(rows, width);
        trace.record("text_pooler_output", pooled);
        return new NDArray[]{pooled, last};
    }

    /** Upper-triangular −∞ (finfo.min) mask, [1, 1, L, L]: position i attends to positions ≤ i. */
    static NDArray causalMask(NDManager manager, long length) {
        int n = (int) length;
        float[] values = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                values[i * n + j] = -Float.MAX_VALUE;
            }
        }
        return manager.create(values, new Shape(1, 1, n, n));
    }

    /** attention_mask [T, L] of 1/0 → additive [T, 1, 1, L] with finfo.min on padding keys. */
    static NDArray paddingMask(NDArray attentionMask) {
        NDArray mask = attentionMask.toType(DataType.FLOAT32, false);
        long rows = mask.getShape().get(0);
        long length = mask.getShape().get(1);
        return mask.neg().add(1f).mul(-Float.MAX_VALUE).reshape(rows, 1, 1, length);
    }

    // ================================================================================================ vision tower

    /**
     * HF {@code CLIPVisionEmbeddings}: the image cut into p×p patches, each linearly embedded (the stride-p
     * convolution written as a matrix product over flattened patches, row-major over the grid), the class token
     * prepended and learned position embeddings added. pixels [N, 3, S, S] → [N, 1 + (S/p)², Hv].
     */
    static NDArray visionEmbeddings(Scope root, VisionConfig v, NDArray pixels) {
        Scope emb = root.at("vision_model.embeddings");
        Shape shape = pixels.getShape();
        if (shape.dimension() != 4 || shape.get(1) != v.numChannels() || shape.get(2) != v.imageSize()
                || shape.get(3) != v.imageSize()) {
            throw new ConfigException("pixel values have shape " + shape + ", expected [N, "
                    + v.numChannels() + ", " + v.imageSize() + ", " + v.imageSize() + "]");
        }
        long n = shape.get(0);
        int p = v.patchSize();
        int grid = v.imageSize() / p;
        int h = v.hiddenSize();
        NDArray patches = pixels.reshape(n, v.numChannels(), grid, p, grid, p)
                .transpose(0, 2, 4, 1, 3, 5)
                .reshape(n, (long) grid * grid, (long) v.numChannels() * p * p);
        NDArray kernel = emb.at("patch_embedding").weight().reshape(h, -1);
        NDArray patchEmbeds = patches.matMul(kernel.transpose());
        NDArray cls = emb.get("class_embedding").reshape(1, 1, h).broadcast(new Shape(n, 1, h));
        NDArray x = Layers.concat(1, cls, patchEmbeds);
        return x.add(emb.at("position_embedding").weight());
    }

    /**
     * HF {@code CLIPVisionTransformer}: embeddings, pre-LayerNorm, encoder, post-LayerNorm of the class token.
     * Returns [pooled [N, Hv], last hidden [N, 1+patches, Hv]].
     */
    static NDArray[] visionTransformer(Scope root, VisionConfig v, Config prompts, NDArray pixels, Trace trace) {
        Scope vision = root.at("vision_model");
        NDArray x = visionEmbeddings(root, v, pixels);
        int promptLayers = prompts.visionLayersWithPrompts(v.numHiddenLayers());
        if (promptLayers > 0) {
            // ViFi-CLIP VPT: appended after the position embeddings
            x = withVisualPrompts(x, vision.at("embeddings").get(PROMPT_CTX), true);
        }
        trace.record("vision_embeddings", x);
        x = Layers.layerNorm(x, vision.at("pre_layrnorm"), v.layerNormEps());
        trace.record("vision_encoder_input", x);
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            if (i > 0 && i < promptLayers) {
                // replace the previous layer's prompt outputs
                x = withVisualPrompts(x, vision.at("encoder.layers", i).get(PROMPT_CTX), false);
            }
            x = Layers.encoderLayer(x, vision.at("encoder.layers", i), v.numAttentionHeads(), v.hiddenAct(),
                    v.layerNormEps(), null);
            if (i == 0) {
                trace.record("vision_layer0_output", x);
            }
        }
        trace.record("vision_last_hidden_state", x);
        NDArray pooled = Layers.layerNorm(x.get(":, 0, :"), vision.at("post_layernorm"), v.layerNormEps());
        trace.record("vision_pooler_output", pooled);
        return new NDArray[]{pooled, x};
    }

    // ================================================================================================ VL prompts

    /**
     * Leaf name of ViFi-CLIP's learned VL prompt tokens (muzairkhattak/ViFi-CLIP {@code trainers/vificlip.py
     * VLPromptLearner}, {@code clip/model.py ResidualAttentionBlock_ViFi_CLIP} and {@code VisionTransformer}): the
     * model uses them when its weights carry {@code text_model.embeddings.prompt_ctx} [n, Ht] (context after BOS),
     * {@code text_model.encoder.layers.<i>.prompt_ctx} (deep text prompts, i >= 1),
     * {@code vision_model.embeddings.prompt_ctx} [m, Hv] (tokens appended to the patch sequence) and
     * {@code vision_model.encoder.layers.<i>.prompt_ctx} (deep visual prompts, i >= 1). Which of them a model has
     * is declared by its config ({@link Config}), never guessed from the weights.
     */
    public static final String PROMPT_CTX = "prompt_ctx";

    /** x [T, L, H] with positions 1..n (right after BOS) replaced by the context [n, H]. */
    static NDArray replaceAfterBos(NDArray x, NDArray context) {
        long rows = x.getShape().get(0);
        long n = context.getShape().get(0);
        NDArray c = context.expandDims(0).broadcast(new Shape(rows, n, context.getShape().get(1)));
        return Layers.concat(1, x.get(":, 0:1, :"), c, x.get(":, " + (1 + n) + ":, :"));
    }

    /** x [N, L, H] with the prompts [m, H] appended ({@code append}) or replacing its last m tokens. */
    static NDArray withVisualPrompts(NDArray x, NDArray prompts, boolean append) {
        long rows = x.getShape().get(0);
        long m = prompts.getShape().get(0);
        NDArray p = prompts.expandDims(0).broadcast(new Shape(rows, m, prompts.getShape().get(1)));
        NDArray kept = append ? x : x.get(":, 0:" + (x.getShape().get(1) - m) + ", :");
        return Layers.concat(1, kept, p);
    }

    // ================================================================================================ features

    /** HF {@code get_text_features}: projected EOT embeddings [T, P], not normalised. */
    @Override
    public NDArray textFeatures(NDArray inputIds, NDArray attentionMask, Trace trace) {
        return Scoped.one(inputIds.getManager(), () -> projectText(inputIds, attentionMask, trace));
    }

    private NDArray projectText(NDArray inputIds, NDArray attentionMask, Trace trace) {
        // HF CLIP: eos_token_id == 2 marks configs from before the EOT id was set; they pool at argmax(input_ids).
        boolean argmax = config.text().eosTokenId() == 2;
        NDArray pooled = textTransformer(weights.at(""), config.text(), prompts, inputIds, attentionMask, argmax, trace)[0];
        return Layers.linearNoBias(pooled, weights.at("text_projection"));
    }

    /** HF {@code get_image_features}: projected class-token embeddings [N, P], not normalised. */
    public NDArray imageFeatures(NDArray pixelValues) {
        return imageFeatures(pixelValues, Trace.NONE);
    }

    public NDArray imageFeatures(NDArray pixelValues, Trace trace) {
        return Scoped.one(pixelValues.getManager(), () -> projectImage(pixelValues, trace));
    }

    private NDArray projectImage(NDArray pixelValues, Trace trace) {
        NDArray pooled = visionTransformer(weights.at(""), config.vision(), prompts, pixelValues, trace)[0];
        return Layers.linearNoBias(pooled, weights.at("visual_projection"));
    }

    /** Per-frame image features of videos [V, F, 3, S, S] → [V, F, P] (not normalised). */
    public NDArray videoFrameFeatures(NDArray pixelValuesVideo) {
        return Scoped.one(pixelValuesVideo.getManager(), () -> frameFeatures(pixelValuesVideo, Trace.NONE));
    }

    private NDArray frameFeatures(NDArray video, Trace trace) {
        Shape s = checkVideoShape(video);
        NDArray frames = projectImage(video.reshape(s.get(0) * s.get(1), s.get(2), s.get(3), s.get(4)), trace);
        NDArray perFrame = frames.reshape(s.get(0), s.get(1), -1);
        trace.record("video_frame_features", perFrame);
        return perFrame;
    }

    /**
     * Video embeddings by temporal mean pooling (ViFi-CLIP): per-frame image features averaged over the frames and
     * L2-normalised, [V, P]. Frame order does not matter to this model.
     */
    @Override
    public NDArray videoFeatures(NDArray pixelValuesVideo) {
        return videoFeatures(pixelValuesVideo, Trace.NONE);
    }

    public NDArray videoFeatures(NDArray pixelValuesVideo, Trace trace) {
        return Scoped.one(pixelValuesVideo.getManager(), () -> {
            NDArray pooled = Layers.l2Normalize(frameFeatures(pixelValuesVideo, trace).mean(new int[]{1}));
            trace.record("video_embeds_meanpool", pooled);
            return pooled;
        });
    }

    /** The mean-pooled, normalised video embeddings [B, P]; CLIP has no prompt context. */
    @Override
    public VideoEncoding encodeVideos(NDArray pixelValuesVideo) {
        return new VideoEncoding(videoFeatures(pixelValuesVideo), null);
    }

    /** exp(logit_scale)·cos(video, text) [B, T], as {@code logits_per_image} for images. */
    @Override
    public NDArray logits(VideoEncoding videos, NDArray textFeatures) {
        return Scoped.one(videos.features().getManager(), () -> Layers.l2Normalize(videos.features())
                .matMul(Layers.l2Normalize(textFeatures).transpose()).mul(weights.get("logit_scale").exp()));
    }

    /** HF {@code CLIPModel.forward} output. All arrays live in the manager of the inputs. */
    public record Output(NDArray logitsPerImage, NDArray logitsPerText, NDArray imageEmbeds, NDArray textEmbeds) {
    }

    /** HF {@code CLIPModel.forward}: normalised embeddings and exp(logit_scale)-scaled cosine logits. */
    public Output forward(NDArray inputIds, NDArray attentionMask, NDArray pixelValues, Trace trace) {
        NDList out = Scoped.run(pixelValues.getManager(), () -> {
            NDArray imageEmbeds = Layers.l2Normalize(projectImage(pixelValues, trace));
            NDArray textEmbeds = Layers.l2Normalize(projectText(inputIds, attentionMask, trace));
            NDArray scale = weights.get("logit_scale").exp();
            NDArray logitsPerText = textEmbeds.matMul(imageEmbeds.transpose()).mul(scale);
            return new NDList(logitsPerText.transpose(), logitsPerText, imageEmbeds, textEmbeds);
        });
        return new Output(out.get(0), out.get(1), out.get(2), out.get(3));
    }

    static Shape checkVideoShape(NDArray video) {
        Shape s = video.getShape();
        if (s.dimension() != 5) {
            throw new ConfigException("video pixel values have shape " + s + ", expected [videos, frames, 3, S, S]");
        }
        return s;
    }

    // ================================================================================================ family

    /**
     * CLIP as a {@link ModelFamily}: {@code model_type "clip"}, ViFi-CLIP's VL prompts ({@link Config}), HF's
     * reference outputs and the original OpenAI CLIP and ViFi-CLIP checkpoints.
     */
    public static final class Family implements ModelFamily {

        /**
         * OpenAI CLIP ({@code clip/model.py}) state dicts, ViT backbones; the rows every CLIP-family layout shares
         * ({@link KeyMappingRules#clipTowers}).
         * <table>
         * <caption>OpenAI CLIP → HF CLIPModel (text rows also for X-CLIP and ViFi-CLIP)</caption>
         * <tr><th>original</th><th>Hugging Face</th><th>data</th></tr>
         * <tr><td>token_embedding.weight</td><td>text_model.embeddings.token_embedding.weight</td><td>same</td></tr>
         * <tr><td>positional_embedding</td><td>text_model.embeddings.position_embedding.weight</td><td>same</td></tr>
         * <tr><td>transformer.resblocks.N.attn.in_proj_weight / _bias</td>
         *     <td>text_model.encoder.layers.N.self_attn.{q,k,v}_proj.weight / .bias</td>
         *     <td>split along dim 0: q = rows [0,w), k = [w,2w), v = [2w,3w)</td></tr>
         * <tr><td>transformer.resblocks.N.attn.out_proj.*</td><td>text_model.encoder.layers.N.self_attn.out_proj.*</td><td>same</td></tr>
         * <tr><td>transformer.resblocks.N.ln_1.* / ln_2.*</td><td>text_model.encoder.layers.N.layer_norm1.* / layer_norm2.*</td><td>same</td></tr>
         * <tr><td>transformer.resblocks.N.mlp.c_fc.* / mlp.c_proj.*</td><td>text_model.encoder.layers.N.mlp.fc1.* / mlp.fc2.*</td><td>same</td></tr>
         * <tr><td>ln_final.*</td><td>text_model.final_layer_norm.*</td><td>same</td></tr>
         * <tr><td>text_projection [width, embed]</td><td>text_projection.weight [embed, width]</td><td>transposed</td></tr>
         * <tr><td>visual.class_embedding</td><td>vision_model.embeddings.class_embedding</td><td>same</td></tr>
         * <tr><td>visual.positional_embedding</td><td>vision_model.embeddings.position_embedding.weight</td><td>same</td></tr>
         * <tr><td>visual.conv1.weight</td><td>vision_model.embeddings.patch_embedding.weight</td><td>same</td></tr>
         * <tr><td>visual.ln_pre.*</td><td>vision_model.pre_layrnorm.* (HF CLIP's spelling; X-CLIP: pre_layernorm.*)</td><td>same</td></tr>
         * <tr><td>visual.transformer.resblocks.N.…</td><td>vision_model.encoder.layers.N.… (as the text rows)</td><td>as text</td></tr>
         * <tr><td>visual.ln_post.*</td><td>vision_model.post_layernorm.*</td><td>same</td></tr>
         * <tr><td>visual.proj [width, embed]</td><td>visual_projection.weight [embed, width]</td><td>transposed</td></tr>
         * <tr><td>logit_scale</td><td>logit_scale</td><td>same</td></tr>
         * <tr><td>input_resolution, context_length, vocab_size</td><td>(dropped: scalars of OpenAI's JIT archives)</td><td></td></tr>
         * </table>
         */
        public static final CheckpointLayout OPENAI = new CheckpointLayout("OPENAI_CLIP",
                names -> names.contains("visual.proj") || names.contains("visual.conv1.weight")
                        || names.contains("token_embedding.weight")
                        || KeyMapping.anyStartsWith(names, "transformer.resblocks."),
                KeyMappingRules.clipTowers("", "visual.", "pre_layrnorm"));

        /**
         * muzairkhattak/ViFi-CLIP checkpoints ({@code {"model": sd, ...}}; {@code trainers/vificlip.py}).
         * <table>
         * <caption>ViFi-CLIP → HF CLIPModel</caption>
         * <tr><th>original</th><th>Hugging Face / vclip</th><th>data</th></tr>
         * <tr><td>image_encoder.… (= clip.visual)</td><td>as visual.… above, CLIPModel names</td><td>as CLIP</td></tr>
         * <tr><td>text_encoder.{transformer, positional_embedding, ln_final, text_projection}…</td><td>as the CLIP text rows</td><td>as CLIP</td></tr>
         * <tr><td>logit_scale</td><td>logit_scale</td><td>same</td></tr>
         * <tr><td>prompt_learner.ctx, image_encoder.VPT, {image,text}_encoder.transformer.resblocks.N.VPT_shallow</td>
         *     <td>kept under these names; listed as extras: learned prompt vectors of ViFi-CLIP's prompt-learning
         *     variants (not of the fully fine-tuned model)</td><td>same</td></tr>
         * <tr><td>prompt_learner.token_prefix, token_suffix, complete_text_embeddings</td>
         *     <td>(dropped: embeddings of the training class names; ViFi-CLIP's own loader deletes them)</td><td></td></tr>
         * <tr><td>(none)</td><td>text_model.embeddings.token_embedding.weight is missing: ViFi-CLIP keeps the token
         *     embedding outside the saved model, frozen, so take it from the OpenAI CLIP checkpoint it was trained
         *     from ({@code --base})</td><td></td></tr>
         * </table>
         */
        public static final CheckpointLayout VIFI = new CheckpointLayout("VIFI_CLIP",
                names -> KeyMapping.anyStartsWith(names, "prompt_learner.", "image_encoder.", "text_encoder."),
                KeyMappingRules.concat(KeyMappingRules.clipTowers("text_encoder.", "image_encoder.", "pre_layrnorm"),
                        vifiAdditions()));

        /** ViFi-CLIP's prompt-learning parameters (trainers/vificlip.py, clip/model.py). */
        private static List<Rule> vifiAdditions() {
            return List.of(
                    // learned text context vectors [n_ctx, text_width], put between SOS and the class-name tokens
                    extra("prompt_learner.ctx"),
                    // learned visual prompt tokens [n_ctx_vision, vision_width], appended after the position embedding
                    extra("image_encoder.VPT"),
                    // deep prompts: replace the prompt tokens before block n (n >= 1)
                    extra("image_encoder.transformer.resblocks.{n}.VPT_shallow"),
                    extra("text_encoder.transformer.resblocks.{n}.VPT_shallow"),
                    // token embeddings of the training class names: ViFi-CLIP's own loader deletes them (utils/tools.py)
                    drop("prompt_learner.token_prefix"),
                    drop("prompt_learner.token_suffix"),
                    drop("prompt_learner.complete_text_embeddings"));
        }

        private static final Set<String> REFERENCE_OUTPUTS = Set.of("logits_per_image", "logits_per_text",
                "image_embeds", "text_embeds", "image_features", "text_features", "text_features_eotpad",
                "video_frame_features", "video_embeds_meanpool", "vision_embeddings", "vision_encoder_input",
                "vision_layer0_output", "vision_last_hidden_state", "vision_pooler_output", "text_last_hidden_state",
                "text_pooler_output", "text_eot_index");

        @Override
        public String modelType() {
            return "clip";
        }

        @Override
        public String displayName() {
            return "CLIP (CLIPModel)";
        }

        @Override
        public String architecture() {
            return "CLIPModel";
        }

        @Override
        public Clip.Config readConfig(ConfigReader top, ConfigReader text, ConfigReader vision) {
            if (!top.has("vifi_prompts")) {
                return Clip.Config.NONE;
            }
            ConfigReader p = top.object("vifi_prompts");
            return new Clip.Config(p.integer("n_ctx_text", 0), p.integer("prompt_depth_text", 1),
                    p.integer("n_ctx_vision", 0), p.integer("prompt_depth_vision", 0));
        }

        @Override
        public void validate(ModelConfig config, List<String> problems) {
            Clip.Config p = config.familyConfig(Clip.Config.class);
            if (p.textTokens() < 0 || p.visionTokens() < 0 || p.textDepth() < 0 || p.visionDepth() < 0) {
                problems.add("vifi_prompts values must not be negative, are " + p);
            }
            if (p.textTokens() > 0 && p.textDepth() < 1) {
                // vificlip.py: "In VL prompting, Language prompt depth should be >=1"
                problems.add("vifi_prompts.prompt_depth_text must be >= 1 when n_ctx_text > 0");
            }
        }

        @Override
        public void writeConfig(ModelConfig config, ObjectNode top, ObjectNode text, ObjectNode vision) {
            Clip.Config p = config.familyConfig(Clip.Config.class);
            if (p.enabled()) {
                top.putObject("vifi_prompts").put("n_ctx_text", p.textTokens()).put("prompt_depth_text", p.textDepth())
                        .put("n_ctx_vision", p.visionTokens()).put("prompt_depth_vision", p.visionDepth());
            }
        }

        @Override
        public void describe(ModelConfig config, Map<String, Object> summary) {
            Clip.Config p = config.familyConfig(Clip.Config.class);
            if (p.enabled()) {
                summary.put("vl_prompts", "ViFi-CLIP: text " + p.textTokens() + " tokens x depth " + p.textDepth()
                        + ", vision " + p.visionTokens() + " tokens x depth " + p.visionDepth());
            }
        }

        @Override
        public Map<String, long[]> parameterShapes(ModelConfig config) {
            return Clip.parameterShapes(config);
        }

        /** Mean pooling takes any number of frames; 8 is what X-CLIP and ViFi-CLIP sample. */
        @Override
        public VideoInput videoInput(ModelConfig config) {
            return VideoInput.anyFrames(8, config.vision().imageSize());
        }

        @Override
        public Class<Clip> modelClass() {
            return Clip.class;
        }

        @Override
        public VideoTextModel create(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
            return new Clip(config, weights, tokenizer);
        }

        @Override
        public Set<String> referenceOutputs() {
            return REFERENCE_OUTPUTS;
        }

        @Override
        public void computeReference(VideoTextModel m, Map<String, NDArray> in, Trace trace, Map<String, NDArray> out) {
            Clip model = (Clip) m;
            NDArray ids = in.get("input_ids");
            NDArray mask = in.get("attention_mask");
            NDArray pixels = in.get("pixel_values");
            if (ids != null && pixels != null) {
                Output o = model.forward(ids, mask, pixels, trace);
                out.put("logits_per_image", o.logitsPerImage());
                out.put("logits_per_text", o.logitsPerText());
                out.put("image_embeds", o.imageEmbeds());
                out.put("text_embeds", o.textEmbeds());
            }
            Trace single = ids != null && pixels != null ? Trace.NONE : trace;
            textReference(model, in, single, out);
            if (pixels != null) {
                out.put("image_features", model.imageFeatures(pixels, single));
            }
            NDArray video = in.get("pixel_values_video");
            if (video != null) {
                out.put("video_frame_features", model.videoFrameFeatures(video));
                out.put("video_embeds_meanpool", model.videoFeatures(video));
            }
        }

        @Override
        public List<CheckpointLayout> checkpointLayouts() {
            return List.of(VIFI, OPENAI);
        }

        @Override
        public boolean claims(Set<String> hfNames) {
            return hfNames.contains("text_projection.weight") && hfNames.contains("visual_projection.weight");
        }

        @Override
        public ModelConfig inferConfig(Map<String, StoredTensor> hf, ModelConfig.HeadCount heads) {
            ModelConfig.Towers t = ModelConfig.inferTowers(hf, defaultTokenIds(), heads);
            return new ModelConfig(this, t.projectionDim(), 2.6592, t.text(), t.vision(), Clip.Config.NONE);
        }
    }
}
