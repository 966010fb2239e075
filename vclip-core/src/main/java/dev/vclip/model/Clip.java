package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vclip.model.ModelConfig.TextConfig;
import dev.vclip.model.ModelConfig.VisionConfig;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.ModelWeights.Scope;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CLIP (Radford et al., 2021) as HF's {@code CLIPModel}: a causal text transformer pooled at the end-of-text token,
 * a ViT pooled at the class token, linear projections into a joint space and a learned temperature. As a video model
 * it is the frame-level baseline of ViFi-CLIP: per-frame image features, averaged over time and L2-normalised.
 *
 * <p>Reads top to bottom like modeling_clip.py: embeddings, text transformer, vision transformer, features, forward.
 * The text tower and the vision embeddings are reused by {@link XClip}, whose towers are CLIP's.
 */
public final class Clip extends ClipFamilyModel {

    Clip(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
        super(requireFamily(config, ModelConfig.CLIP), weights, tokenizer);
    }

    /** Loads a Hugging Face CLIP folder (config.json, model.safetensors or pytorch_model.bin, tokenizer files). */
    public static Clip load(Path dir) {
        return (Clip) ModelFolder.load(dir, ModelConfig.CLIP);
    }

    // ================================================================================================ parameters

    /** Every parameter of a CLIP model with its shape, by HF state-dict name. */
    public static Map<String, long[]> parameterShapes(ModelConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        textTowerShapes(c.text(), shapes);
        visionTowerShapes(c.vision(), "vision_model.pre_layrnorm", shapes); // sic: HF CLIP's spelling
        shapes.put("visual_projection.weight", new long[]{c.projectionDim(), c.vision().hiddenSize()});
        shapes.put("text_projection.weight", new long[]{c.projectionDim(), c.text().hiddenSize()});
        shapes.put("logit_scale", new long[]{});
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
    static NDArray[] textTransformer(Scope root, TextConfig t, NDArray inputIds, NDArray attentionMask,
                                     boolean argmaxPooling, Trace trace) {
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
        NDArray context = promptOrNull(text.at("embeddings"));
        if (context != null) {
            tokens = replaceAfterBos(tokens, context); // ViFi-CLIP: [SOS] + ctx + "class name." (+ EOT, padding)
        }
        NDArray x = tokens.add(positions);

        NDArray mask = causalMask(x.getManager(), length);
        if (attentionMask != null) {
            mask = mask.add(paddingMask(attentionMask));
        }
        mask = mask.toType(x.getDataType(), false); // fp16 working weights: the mask must match (finfo.min -> -inf)
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            NDArray deep = i > 0 ? promptOrNull(text.at("encoder.layers", i)) : null;
            if (deep != null) {
                x = replaceAfterBos(x, deep); // deep prompts replace the previous layer's context outputs
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
            throw new IllegalArgumentException("pixel values have shape " + shape + ", expected [N, "
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
    static NDArray[] visionTransformer(Scope root, VisionConfig v, NDArray pixels, Trace trace) {
        Scope vision = root.at("vision_model");
        NDArray x = visionEmbeddings(root, v, pixels);
        NDArray prompts = promptOrNull(vision.at("embeddings"));
        if (prompts != null) {
            x = withVisualPrompts(x, prompts, true); // ViFi-CLIP VPT: appended after the position embeddings
        }
        trace.record("vision_embeddings", x);
        x = Layers.layerNorm(x, vision.at("pre_layrnorm"), v.layerNormEps());
        trace.record("vision_encoder_input", x);
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            NDArray deep = i > 0 ? promptOrNull(vision.at("encoder.layers", i)) : null;
            if (deep != null) {
                x = withVisualPrompts(x, deep, false); // replace the previous layer's prompt outputs
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
     * {@code vision_model.encoder.layers.<i>.prompt_ctx} (deep visual prompts, i >= 1). Without them nothing changes.
     */
    public static final String PROMPT_CTX = "prompt_ctx";

    private static NDArray promptOrNull(Scope s) {
        return s.weights().contains(s.key(PROMPT_CTX)) ? s.get(PROMPT_CTX) : null;
    }

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
    public NDArray textFeatures(NDArray inputIds, NDArray attentionMask) {
        return textFeatures(inputIds, attentionMask, Trace.NONE);
    }

    public NDArray textFeatures(NDArray inputIds, NDArray attentionMask, Trace trace) {
        return Scoped.one(inputIds.getManager(), () -> projectText(inputIds, attentionMask, trace));
    }

    private NDArray projectText(NDArray inputIds, NDArray attentionMask, Trace trace) {
        // HF CLIP: eos_token_id == 2 marks configs from before the EOT id was set; they pool at argmax(input_ids).
        boolean argmax = config.text().eosTokenId() == 2;
        NDArray pooled = textTransformer(weights.at(""), config.text(), inputIds, attentionMask, argmax, trace)[0];
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
        NDArray pooled = visionTransformer(weights.at(""), config.vision(), pixelValues, trace)[0];
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
            throw new IllegalArgumentException("video pixel values have shape " + s + ", expected [videos, frames, 3, S, S]");
        }
        return s;
    }
}
