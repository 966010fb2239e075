package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.vclip.model.ModelConfig.VisionConfig;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.ModelWeights.Scope;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * X-CLIP (Ni et al., "Expanding Language-Image Pretrained Models for General Video Recognition", ECCV 2022), as HF's
 * {@code XCLIPModel} (modeling_x_clip.py). Three additions to CLIP, each a section below:
 * <ol>
 *   <li><b>cross-frame communication</b> (paper §3.2, Eq. 3–5): in every vision layer each frame's class token is
 *   projected into a <i>message token</i>, the message tokens of one video attend to each other, and each frame's
 *   sequence attends to its own message token;</li>
 *   <li><b>multi-frame integration transformer</b> (MIT, §3.2, Eq. 6): a small transformer over the projected frame
 *   embeddings, with a residual and a mean over time, gives the video embedding;</li>
 *   <li><b>video-specific prompt generator</b> (§3.3, Eq. 7–8): the text embeddings cross-attend to the video's patch
 *   tokens, so every video gets its own version of every text.</li>
 * </ol>
 * The text tower is CLIP's ({@link Clip#textTransformer}), pooled at argmax(input_ids).
 */
public final class XClip extends ClipFamilyModel {

    XClip(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
        super(requireFamily(config, ModelConfig.XCLIP), weights, tokenizer);
    }

    /** Loads a Hugging Face X-CLIP folder (e.g. microsoft/xclip-base-patch32). */
    public static XClip load(Path dir) {
        return (XClip) ModelFolder.load(dir, ModelConfig.XCLIP);
    }

    // ================================================================================================ parameters

    /** Every parameter of an X-CLIP model with its shape, by HF state-dict name. */
    public static Map<String, long[]> parameterShapes(ModelConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        VisionConfig v = c.vision();
        int p = c.projectionDim();
        Clip.textTowerShapes(c.text(), shapes);
        Clip.visionTowerShapes(v, "vision_model.pre_layernorm", shapes);
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            String layer = "vision_model.encoder.layers." + i;
            Clip.linearShapes(layer + ".message_fc", v.hiddenSize(), v.hiddenSize(), shapes);
            Clip.layerNormShapes(layer + ".message_ln", v.hiddenSize(), shapes);
            Clip.attentionShapes(layer + ".message_attn", v.hiddenSize(), shapes);
        }
        shapes.put("visual_projection.weight", new long[]{p, v.hiddenSize()});
        shapes.put("text_projection.weight", new long[]{p, c.text().hiddenSize()});
        shapes.put("logit_scale", new long[]{});
        shapes.put("mit.position_embedding", new long[]{1, v.numFrames(), v.mitHiddenSize()});
        for (int i = 0; i < v.mitNumHiddenLayers(); i++) {
            Clip.encoderLayerShapes("mit.encoder.layers." + i, v.mitHiddenSize(), v.mitIntermediateSize(), shapes);
        }
        Clip.layerNormShapes("prompts_visual_layernorm", v.hiddenSize(), shapes);
        shapes.put("prompts_visual_projection", new long[]{v.hiddenSize(), p}); // a plain parameter, used as x @ W
        Clip.layerNormShapes("prompts_generator.layernorm", p, shapes);
        for (int i = 0; i < c.promptLayers(); i++) {
            String layer = "prompts_generator.decoder." + i;
            for (String proj : new String[]{"q_proj", "k_proj", "v_proj"}) {
                shapes.put(layer + ".cross_attn." + proj + ".weight", new long[]{p, p});
            }
            Clip.linearShapes(layer + ".cross_attn.proj", p, p, shapes);
            Clip.layerNormShapes(layer + ".norm1", p, shapes);
            Clip.layerNormShapes(layer + ".norm3", p, shapes);
            Clip.linearShapes(layer + ".mlp.0", p, 4 * p, shapes);
            Clip.linearShapes(layer + ".mlp.3", 4 * p, p, shapes);
        }
        shapes.put("prompts_generator.alpha", new long[]{p});
        return shapes;
    }

    // ================================================================================================ cross-frame communication

    /**
     * HF {@code XCLIPVisionEncoderLayer}: one vision layer with cross-frame communication. x is [B·F, 1+N, Hv],
     * video-major (row b·F + f is frame f of video b).
     * <pre>
     *   msg = message_fc(x[:, 0])                          one message token per frame, from its class token
     *   msg = msg + message_attn(message_ln(msg))          frames of one video exchange messages (no MLP)
     *   h   = [x, msg] + self_attn(ln1([x, msg]))          each frame attends to its own message token too
     *   h   = h without the message token
     *   x'  = h + mlp(ln2(h))
     * </pre>
     * The message token is rebuilt from the current class token in every layer, not carried over.
     */
    static NDArray crossFrameCommunicationLayer(NDArray x, Scope layer, VisionConfig v, int frames) {
        Shape s = x.getShape();
        long batchTime = s.get(0);
        long seqLength = s.get(1);
        long width = s.get(2);
        double eps = v.layerNormEps();
        NDArray msg = Layers.linear(x.get(":, 0, :"), layer.at("message_fc")).reshape(batchTime / frames, frames, width);
        msg = msg.add(Layers.selfAttention(Layers.layerNorm(msg, layer.at("message_ln"), eps), layer.at("message_attn"),
                v.numAttentionHeads(), null));
        NDArray seq = Layers.concat(1, x, msg.reshape(batchTime, 1, width));
        NDArray h = seq.add(Layers.selfAttention(Layers.layerNorm(seq, layer.at("layer_norm1"), eps),
                layer.at("self_attn"), v.numAttentionHeads(), null));
        h = h.get(":, 0:" + seqLength + ", :");
        return h.add(Layers.mlp(Layers.layerNorm(h, layer.at("layer_norm2"), eps), layer.at("mlp"), v.hiddenAct()));
    }

    /**
     * HF {@code XCLIPVisionTransformer}: CLIP's embeddings and pre-LayerNorm, the cross-frame communication layers,
     * post-LayerNorm of the class token. pixels [B·F, 3, S, S] → [pooled [B·F, Hv], last hidden [B·F, 1+N, Hv]].
     */
    static NDArray[] crossFrameVisionTransformer(Scope root, VisionConfig v, NDArray pixels, int frames, Trace trace) {
        Scope vision = root.at("vision_model");
        NDArray x = Clip.visionEmbeddings(root, v, pixels);
        trace.record("vision_embeddings", x);
        x = Layers.layerNorm(x, vision.at("pre_layernorm"), v.layerNormEps());
        trace.record("vision_encoder_input", x);
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            x = crossFrameCommunicationLayer(x, vision.at("encoder.layers", i), v, frames);
            if (i == 0) {
                trace.record("vision_layer0_output", x);
            }
        }
        trace.record("vision_last_hidden_state", x);
        NDArray pooled = Layers.layerNorm(x.get(":, 0, :"), vision.at("post_layernorm"), v.layerNormEps());
        trace.record("vision_pooler_output", pooled);
        return new NDArray[]{pooled, x};
    }

    // ================================================================================================ multi-frame integration

    /**
     * HF {@code XCLIPMultiframeIntegrationTransformer}: frame embeddings [B, F, P] + temporal position embedding,
     * pre-LN encoder layers, plus the input (without position embedding) as a residual, then the mean over frames.
     * Returns [video features [B, P], last hidden [B, F, P]].
     */
    static NDArray[] multiFrameIntegration(Scope root, VisionConfig v, NDArray frameEmbeds, Trace trace) {
        Scope mit = root.at("mit");
        NDArray x = frameEmbeds.add(mit.get("position_embedding"));
        for (int i = 0; i < v.mitNumHiddenLayers(); i++) {
            x = Layers.encoderLayer(x, mit.at("encoder.layers", i), v.mitNumAttentionHeads(), v.hiddenAct(),
                    v.layerNormEps(), null);
        }
        NDArray last = x.add(frameEmbeds);
        trace.record("mit_last_hidden_state", last);
        return new NDArray[]{last.mean(new int[]{1}), last};
    }

    // ================================================================================================ video-specific prompts

    /**
     * The visual context of the prompt generator: the patch tokens of the last vision layer (class token dropped,
     * no post-LayerNorm), {@code prompts_visual_layernorm}, {@code @ prompts_visual_projection}, averaged over the
     * frames of each video. lastHidden [B·F, 1+N, Hv] → [B, N, P].
     */
    static NDArray promptVisualFeatures(Scope root, ModelConfig c, NDArray lastHidden, int frames) {
        long batchTime = lastHidden.getShape().get(0);
        NDArray patches = lastHidden.get(":, 1:, :");
        NDArray visual = Layers.layerNorm(patches, root.at("prompts_visual_layernorm"), c.vision().layerNormEps())
                .matMul(root.get("prompts_visual_projection"));
        return visual.reshape(batchTime / frames, frames, -1, c.projectionDim()).mean(new int[]{1});
    }

    /**
     * HF {@code XCLIPPromptGenerator} (paper Eq. 7–8): texts [B, T, P] cross-attend to the video's visual context
     * [B, N, P] through {@code prompt_layers} decoder layers, and the result, scaled per channel by the learned
     * {@code alpha}, is what {@code forward} adds to each text embedding.
     * <pre>
     *   visual = layernorm(visual)
     *   for each layer:  x = x + cross_attn(norm1(x), visual, visual);  x = x + mlp(norm3(x))
     *   return alpha · x
     * </pre>
     */
    static NDArray promptGenerator(Scope root, ModelConfig c, NDArray text, NDArray visual) {
        Scope gen = root.at("prompts_generator");
        double textEps = c.text().layerNormEps();
        NDArray context = Layers.layerNorm(visual, gen.at("layernorm"), c.vision().layerNormEps());
        NDArray x = text;
        for (int i = 0; i < c.promptLayers(); i++) {
            Scope layer = gen.at("decoder", i);
            x = x.add(promptCrossAttention(Layers.layerNorm(x, layer.at("norm1"), textEps), context,
                    layer.at("cross_attn"), c.promptNumAttentionHeads()));
            Scope mlp = layer.at("mlp");
            NDArray hidden = Layers.activation(Layers.linear(Layers.layerNorm(x, layer.at("norm3"), textEps),
                    mlp.at("0")), c.promptHiddenAct());
            x = x.add(Layers.linear(hidden, mlp.at("3")));
        }
        return x.mul(gen.get("alpha"));
    }

    /** HF {@code XCLIPCrossAttention}: bias-free q/k/v projections, softmax(q·kᵀ·d^-1/2)·v, output {@code proj}. */
    private static NDArray promptCrossAttention(NDArray queries, NDArray context, Scope s, int heads) {
        NDArray q = Layers.linearNoBias(queries, s.at("q_proj"));
        NDArray k = Layers.linearNoBias(context, s.at("k_proj"));
        NDArray v = Layers.linearNoBias(context, s.at("v_proj"));
        return Layers.linear(Layers.multiHeadAttention(q, k, v, heads, null), s.at("proj"));
    }

    // ================================================================================================ features

    /** HF {@code get_text_features}: projected EOT embeddings [T, P], without prompts, not normalised. */
    public NDArray textFeatures(NDArray inputIds, NDArray attentionMask) {
        return textFeatures(inputIds, attentionMask, Trace.NONE);
    }

    public NDArray textFeatures(NDArray inputIds, NDArray attentionMask, Trace trace) {
        return Scoped.one(inputIds.getManager(), () -> projectText(inputIds, attentionMask, trace));
    }

    private NDArray projectText(NDArray inputIds, NDArray attentionMask, Trace trace) {
        NDArray pooled = Clip.textTransformer(weights.at(""), config.text(), inputIds, attentionMask, true, trace)[0];
        return Layers.linearNoBias(pooled, weights.at("text_projection"));
    }

    /** HF {@code get_video_features}: the MIT output [B, P] for pixel values [B, F, 3, S, S], not normalised. */
    @Override
    public NDArray videoFeatures(NDArray pixelValues) {
        return videoFeatures(pixelValues, Trace.NONE);
    }

    public NDArray videoFeatures(NDArray pixelValues, Trace trace) {
        return Scoped.one(pixelValues.getManager(), () -> encodeVideo(pixelValues, trace).get(0));
    }

    /** MIT features and prompt context of videos [B, F, 3, S, S]; arrays live in the input's manager. */
    @Override
    public VideoEncoding encodeVideos(NDArray pixelValues) {
        NDList out = Scoped.run(pixelValues.getManager(), () -> encodeVideo(pixelValues, Trace.NONE));
        return new VideoEncoding(out.get(0), out.get(1));
    }

    private NDList encodeVideo(NDArray pixelValues, Trace trace) {
        Shape s = Clip.checkVideoShape(pixelValues);
        int frames = (int) s.get(1);
        VisionConfig v = config.vision();
        if (frames != v.numFrames()) {
            // the MIT position embedding has one row per frame: HF requires the same count
            throw new IllegalArgumentException("this X-CLIP model takes " + v.numFrames() + " frames per video (config "
                    + "vision_config.num_frames), got " + frames);
        }
        NDArray flat = pixelValues.reshape(s.get(0) * frames, s.get(2), s.get(3), s.get(4)); // video-major
        NDArray[] vision = crossFrameVisionTransformer(weights.at(""), v, flat, frames, trace);
        NDArray frameEmbeds = Layers.linearNoBias(vision[0], weights.at("visual_projection")).reshape(s.get(0), frames, -1);
        trace.record("frame_embeds", frameEmbeds);
        NDArray videoFeatures = multiFrameIntegration(weights.at(""), v, frameEmbeds, trace)[0];
        trace.record("video_features", videoFeatures);
        NDArray context = promptVisualFeatures(weights.at(""), config, vision[1], frames);
        trace.record("prompt_visual_features", context);
        return new NDList(videoFeatures, context);
    }

    /** HF {@code XCLIPModel.forward} output; all arrays live in the manager of the pixel values. */
    public record Output(NDArray logitsPerVideo, NDArray logitsPerText, NDArray textEmbeds, NDArray videoEmbeds) {
    }

    /**
     * HF {@code XCLIPModel.forward}: every text conditioned on every video by the prompt generator, both normalised,
     * logits = exp(logit_scale)·⟨video_embeds[b], text_embeds[b, t]⟩. text_embeds is [B, T, P].
     */
    public Output forward(NDArray inputIds, NDArray attentionMask, NDArray pixelValues, Trace trace) {
        NDList out = Scoped.run(pixelValues.getManager(), () -> {
            NDList video = encodeVideo(pixelValues, trace);
            NDArray textFeatures = projectText(inputIds, attentionMask, trace);
            return score(video.get(0), video.get(1), textFeatures, trace);
        });
        return new Output(out.get(0), out.get(1), out.get(2), out.get(3));
    }

    /**
     * Scores texts against already encoded videos: the prompt generator's pass over every (video, text) pair, then
     * the scaled cosine logits [B, T], in the manager of the encoding. The same numbers as {@code forward}.
     */
    @Override
    public NDArray logits(VideoEncoding videos, NDArray textFeatures) {
        return Scoped.one(videos.features().getManager(),
                () -> score(videos.features(), videos.promptContext(), textFeatures, Trace.NONE).get(0));
    }

    private NDList score(NDArray videoFeatures, NDArray promptContext, NDArray textFeatures, Trace trace) {
        long batch = videoFeatures.getShape().get(0);
        NDArray texts = textFeatures.expandDims(0).broadcast(new Shape(batch, textFeatures.getShape().get(0),
                textFeatures.getShape().get(1)));
        NDArray prompts = promptGenerator(weights.at(""), config, texts, promptContext);
        trace.record("prompts_generator_output", prompts);
        NDArray textEmbeds = Layers.l2Normalize(texts.add(prompts));
        NDArray videoEmbeds = Layers.l2Normalize(videoFeatures);
        NDArray scale = weights.get("logit_scale").exp();
        // einsum("bd,bkd->bk"): each video against its own conditioned copy of every text
        NDArray logitsPerVideo = textEmbeds.matMul(videoEmbeds.expandDims(2)).squeeze(2).mul(scale);
        return new NDList(logitsPerVideo, logitsPerVideo.transpose(), textEmbeds, videoEmbeds);
    }
}
