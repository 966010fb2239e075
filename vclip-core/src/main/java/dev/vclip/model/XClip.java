package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vclip.weights.KeyMappingRules.rename;
import static dev.vclip.weights.KeyMappingRules.split;

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

    // ================================================================================================ config

    /**
     * X-CLIP's keys beyond CLIP's (HF {@code XCLIPConfig}, {@code XCLIPVisionConfig}; defaults of
     * configuration_x_clip.py): the MIT and the frame count live in {@code vision_config}, the prompt generator at
     * the top level.
     */
    public record Config(int numFrames, int mitHiddenSize, int mitIntermediateSize, int mitNumHiddenLayers,
                         int mitNumAttentionHeads, int promptLayers, double promptAlpha, String promptHiddenAct,
                         int promptNumAttentionHeads) implements ModelFamily.FamilyConfig {
    }

    private final Config x;

    XClip(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
        super(config, weights, tokenizer);
        this.x = config.familyConfig(Config.class);
    }

    /** Loads a Hugging Face X-CLIP folder (e.g. microsoft/xclip-base-patch32). */
    public static XClip load(Path dir) {
        return ModelFolder.load(dir, XClip.class);
    }

    // ================================================================================================ parameters

    /** Every parameter of an X-CLIP model with its shape, by HF state-dict name. */
    static Map<String, long[]> parameterShapes(ModelConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        VisionConfig v = c.vision();
        Config x = c.familyConfig(Config.class);
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
        shapes.put("mit.position_embedding", new long[]{1, x.numFrames(), x.mitHiddenSize()});
        for (int i = 0; i < x.mitNumHiddenLayers(); i++) {
            Clip.encoderLayerShapes("mit.encoder.layers." + i, x.mitHiddenSize(), x.mitIntermediateSize(), shapes);
        }
        Clip.layerNormShapes("prompts_visual_layernorm", v.hiddenSize(), shapes);
        shapes.put("prompts_visual_projection", new long[]{v.hiddenSize(), p}); // a plain parameter, used as x @ W
        Clip.layerNormShapes("prompts_generator.layernorm", p, shapes);
        for (int i = 0; i < x.promptLayers(); i++) {
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
        msg = Layers.residual(msg, Layers.selfAttention(Layers.layerNorm(msg, layer.at("message_ln"), eps),
                layer.at("message_attn"), v.numAttentionHeads(), null));
        NDArray seq = Layers.concat(1, x, msg.reshape(batchTime, 1, width));
        NDArray h = Layers.residual(seq, Layers.selfAttention(Layers.layerNorm(seq, layer.at("layer_norm1"), eps),
                layer.at("self_attn"), v.numAttentionHeads(), null));
        h = h.get(":, 0:" + seqLength + ", :");
        return Layers.residual(h, Layers.mlp(Layers.layerNorm(h, layer.at("layer_norm2"), eps), layer.at("mlp"),
                v.hiddenAct()));
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
    static NDArray[] multiFrameIntegration(Scope root, VisionConfig v, Config c, NDArray frameEmbeds, Trace trace) {
        Scope mit = root.at("mit");
        NDArray h = frameEmbeds.add(mit.get("position_embedding"));
        for (int i = 0; i < c.mitNumHiddenLayers(); i++) {
            h = Layers.encoderLayer(h, mit.at("encoder.layers", i), c.mitNumAttentionHeads(), v.hiddenAct(),
                    v.layerNormEps(), null);
        }
        NDArray last = h.add(frameEmbeds);
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
    static NDArray promptGenerator(Scope root, ModelConfig config, NDArray text, NDArray visual) {
        Config c = config.familyConfig(Config.class);
        Scope gen = root.at("prompts_generator");
        double textEps = config.text().layerNormEps();
        NDArray context = Layers.layerNorm(visual, gen.at("layernorm"), config.vision().layerNormEps());
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
    @Override
    public NDArray textFeatures(NDArray inputIds, NDArray attentionMask, Trace trace) {
        return Scoped.one(inputIds.getManager(), () -> projectText(inputIds, attentionMask, trace));
    }

    private NDArray projectText(NDArray inputIds, NDArray attentionMask, Trace trace) {
        NDArray pooled = Clip.textTransformer(weights.at(""), config.text(), Clip.Config.NONE, inputIds, attentionMask,
                true, trace)[0];
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
        if (frames != x.numFrames()) {
            // the MIT position embedding has one row per frame: HF requires the same count
            throw new ConfigException("this X-CLIP model takes " + x.numFrames() + " frames per video (config "
                    + "vision_config.num_frames), got " + frames);
        }
        NDArray flat = pixelValues.reshape(s.get(0) * frames, s.get(2), s.get(3), s.get(4)); // video-major
        NDArray[] vision = crossFrameVisionTransformer(weights.at(""), v, flat, frames, trace);
        NDArray frameEmbeds = Layers.linearNoBias(vision[0], weights.at("visual_projection")).reshape(s.get(0), frames, -1);
        trace.record("frame_embeds", frameEmbeds);
        NDArray videoFeatures = multiFrameIntegration(weights.at(""), v, x, frameEmbeds, trace)[0];
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
                () -> score(videos.features(), videos.context(), textFeatures, Trace.NONE).get(0));
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

    // ================================================================================================ family

    /**
     * X-CLIP as a {@link ModelFamily}: {@code model_type "xclip"}, the keys of {@link Config}, the parameters above,
     * HF's reference outputs, the new modules (message tokens, MIT, prompts) and the original VideoX checkpoints.
     */
    public static final class Family implements ModelFamily {

        /**
         * microsoft/VideoX X-CLIP training checkpoints ({@code ckpt["model"]}): OpenAI CLIP's towers (X-CLIP spells
         * the vision pre-norm {@code pre_layernorm}) plus X-CLIP's own parts, as HF's
         * {@code convert_x_clip_original_pytorch_to_hf.py} renames them (VideoX X-CLIP models/cct.py, mit.py,
         * prompt.py, xclip.py).
         * <table>
         * <caption>X-CLIP original → HF XCLIPModel, besides the CLIP rows (Clip.Family)</caption>
         * <tr><th>original</th><th>Hugging Face</th><th>data</th></tr>
         * <tr><td>visual.transformer.resblocks.N.message_fc.* / message_ln.*</td><td>vision_model.encoder.layers.N.message_fc.* / message_ln.*</td><td>same</td></tr>
         * <tr><td>visual.transformer.resblocks.N.message_attn.in_proj_weight / _bias</td>
         *     <td>vision_model.encoder.layers.N.message_attn.{q,k,v}_proj.weight / .bias</td><td>split in three</td></tr>
         * <tr><td>visual.transformer.resblocks.N.message_attn.out_proj.*</td><td>vision_model.encoder.layers.N.message_attn.out_proj.*</td><td>same</td></tr>
         * <tr><td>mit.positional_embedding [1, frames, embed]</td><td>mit.position_embedding</td><td>same</td></tr>
         * <tr><td>mit.resblocks.N.… (attn, ln_1, ln_2, mlp.c_fc, mlp.c_proj)</td><td>mit.encoder.layers.N.… (as the text rows)</td><td>as text</td></tr>
         * <tr><td>prompts_visual_ln.*</td><td>prompts_visual_layernorm.*</td><td>same</td></tr>
         * <tr><td>prompts_visual_proj [vision_width, embed]</td><td>prompts_visual_projection [vision_width, embed]</td><td>same, NOT transposed (used as x @ W)</td></tr>
         * <tr><td>prompts_generator.norm.*</td><td>prompts_generator.layernorm.*</td><td>same</td></tr>
         * <tr><td>prompts_generator.decoder.N.{cross_attn.{q,k,v}_proj.weight, cross_attn.proj.*, norm1.*, norm3.*, mlp.0.*, mlp.3.*}</td>
         *     <td>unchanged</td><td>same</td></tr>
         * <tr><td>prompts_generator.alpha</td><td>prompts_generator.alpha</td><td>same</td></tr>
         * </table>
         */
        public static final CheckpointLayout VIDEOX = new CheckpointLayout("XCLIP_ORIGINAL",
                names -> KeyMapping.anyStartsWith(names, "mit.", "prompts_generator.", "prompts_visual_")
                        || names.stream().anyMatch(n -> n.contains(".message_attn.")),
                KeyMappingRules.concat(KeyMappingRules.clipTowers("", "visual.", "pre_layernorm"), videoxAdditions()));

        private static List<Rule> videoxAdditions() {
            String block = "visual.transformer.resblocks.{n}.";
            String layer = "vision_model.encoder.layers.{n}.";
            String decoder = "prompts_generator.decoder.{n}.";
            List<Rule> rules = new ArrayList<>(List.of(
                    // cross-frame communication (CrossFramelAttentionBlock)
                    rename(block + "message_fc.{p}", layer + "message_fc.{p}"),
                    rename(block + "message_ln.{p}", layer + "message_ln.{p}"),
                    split(block + "message_attn.in_proj_weight", layer + "message_attn.{qkv}_proj.weight"),
                    split(block + "message_attn.in_proj_bias", layer + "message_attn.{qkv}_proj.bias"),
                    rename(block + "message_attn.out_proj.{p}", layer + "message_attn.out_proj.{p}"),
                    // multi-frame integration transformer: its blocks are mit.resblocks.N, no ".transformer"
                    rename("mit.positional_embedding", "mit.position_embedding")));
            rules.addAll(KeyMappingRules.encoderLayer("mit.resblocks.{n}.", "mit.encoder.layers.{n}."));
            rules.addAll(List.of(
                    rename("prompts_visual_ln.{p}", "prompts_visual_layernorm.{p}"),
                    // a plain [vision_width, embed_dim] parameter used as x @ W in both codes: not transposed
                    rename("prompts_visual_proj", "prompts_visual_projection"),
                    // video-specific prompt generator (VideoSpecificPrompt → XCLIPPromptGenerator)
                    rename("prompts_generator.norm.{p}", "prompts_generator.layernorm.{p}"),
                    rename(decoder + "cross_attn.q_proj.weight", decoder + "cross_attn.q_proj.weight"),
                    rename(decoder + "cross_attn.k_proj.weight", decoder + "cross_attn.k_proj.weight"),
                    rename(decoder + "cross_attn.v_proj.weight", decoder + "cross_attn.v_proj.weight"),
                    rename(decoder + "cross_attn.proj.{p}", decoder + "cross_attn.proj.{p}"),
                    rename(decoder + "norm1.{p}", decoder + "norm1.{p}"),
                    rename(decoder + "norm3.{p}", decoder + "norm3.{p}"),
                    rename(decoder + "mlp.0.{p}", decoder + "mlp.0.{p}"),
                    rename(decoder + "mlp.3.{p}", decoder + "mlp.3.{p}"),
                    rename("prompts_generator.alpha", "prompts_generator.alpha")));
            return rules;
        }

        private static final Set<String> REFERENCE_OUTPUTS = Set.of("logits_per_video", "logits_per_text",
                "text_embeds", "video_embeds", "text_features", "text_features_eotpad", "video_features",
                "vision_embeddings", "vision_encoder_input", "vision_layer0_output", "vision_last_hidden_state",
                "vision_pooler_output", "frame_embeds", "mit_last_hidden_state", "prompt_visual_features",
                "prompts_generator_output", "text_last_hidden_state", "text_pooler_output", "text_eot_index");

        @Override
        public String modelType() {
            return "xclip";
        }

        @Override
        public String displayName() {
            return "X-CLIP (XCLIPModel)";
        }

        @Override
        public String architecture() {
            return "XCLIPModel";
        }

        /** XCLIPTextConfig's defaults (the legacy ids: X-CLIP pools at argmax(input_ids) whatever they are). */
        @Override
        public ModelConfig.TokenIds defaultTokenIds() {
            return new ModelConfig.TokenIds(0, 2, 1);
        }

        @Override
        public XClip.Config readConfig(ConfigReader top, ConfigReader text, ConfigReader vision) {
            return new XClip.Config(vision.integer("num_frames", 8), vision.integer("mit_hidden_size", 512),
                    vision.integer("mit_intermediate_size", 2048), vision.integer("mit_num_hidden_layers", 1),
                    vision.integer("mit_num_attention_heads", 8), top.integer("prompt_layers", 2),
                    top.number("prompt_alpha", 0.1), top.activation("prompt_hidden_act", "quick_gelu"),
                    top.integer("prompt_num_attention_heads", 8));
        }

        @Override
        public void validate(ModelConfig config, List<String> problems) {
            XClip.Config c = config.familyConfig(XClip.Config.class);
            ModelConfig.positive(problems, "vision_config.num_frames", c.numFrames());
            ModelConfig.positive(problems, "vision_config.mit_num_attention_heads", c.mitNumAttentionHeads());
            ModelConfig.positive(problems, "prompt_num_attention_heads", c.promptNumAttentionHeads());
            if (c.mitHiddenSize() != config.projectionDim()) {
                // MIT runs on the projected frame embeddings (modeling_x_clip.py XCLIPMultiframeIntegrationTransformer)
                problems.add("vision_config.mit_hidden_size " + c.mitHiddenSize() + " must equal projection_dim "
                        + config.projectionDim());
            }
            if (c.mitNumAttentionHeads() > 0 && c.mitHiddenSize() % c.mitNumAttentionHeads() != 0) {
                problems.add("vision_config.mit_hidden_size is not divisible by mit_num_attention_heads");
            }
            if (c.promptNumAttentionHeads() > 0 && config.projectionDim() % c.promptNumAttentionHeads() != 0) {
                problems.add("projection_dim " + config.projectionDim() + " is not divisible by "
                        + "prompt_num_attention_heads " + c.promptNumAttentionHeads());
            }
        }

        @Override
        public void writeConfig(ModelConfig config, ObjectNode top, ObjectNode text, ObjectNode vision) {
            XClip.Config c = config.familyConfig(XClip.Config.class);
            top.put("prompt_layers", c.promptLayers()).put("prompt_alpha", c.promptAlpha())
                    .put("prompt_hidden_act", c.promptHiddenAct())
                    .put("prompt_num_attention_heads", c.promptNumAttentionHeads());
            vision.put("mit_hidden_size", c.mitHiddenSize()).put("mit_intermediate_size", c.mitIntermediateSize())
                    .put("mit_num_hidden_layers", c.mitNumHiddenLayers())
                    .put("mit_num_attention_heads", c.mitNumAttentionHeads()).put("num_frames", c.numFrames());
        }

        @Override
        public void describe(ModelConfig config, Map<String, Object> summary) {
            XClip.Config c = config.familyConfig(XClip.Config.class);
            summary.put("frames", c.numFrames());
            summary.put("mit", c.mitNumHiddenLayers() + " layers, width " + c.mitHiddenSize() + ", "
                    + c.mitNumAttentionHeads() + " heads");
            summary.put("prompt_generator", c.promptLayers() + " layers, " + c.promptNumAttentionHeads() + " heads");
        }

        @Override
        public Map<String, long[]> parameterShapes(ModelConfig config) {
            return XClip.parameterShapes(config);
        }

        /** X-CLIP takes exactly the frames its MIT has position embeddings for. */
        @Override
        public VideoInput videoInput(ModelConfig config) {
            return VideoInput.fixedFrames(config.familyConfig(XClip.Config.class).numFrames(),
                    config.vision().imageSize());
        }

        /** X-CLIP's zero-shot and training code use the bare class name ({@code generate_text}). */
        @Override
        public String classTemplate() {
            return "{}";
        }

        @Override
        public Class<XClip> modelClass() {
            return XClip.class;
        }

        @Override
        public VideoTextModel create(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
            return new XClip(config, weights, tokenizer);
        }

        @Override
        public Set<String> referenceOutputs() {
            return REFERENCE_OUTPUTS;
        }

        @Override
        public void computeReference(VideoTextModel m, Map<String, NDArray> in, Trace trace, Map<String, NDArray> out) {
            XClip model = (XClip) m;
            NDArray ids = in.get("input_ids");
            NDArray mask = in.get("attention_mask");
            NDArray pixels = in.get("pixel_values");
            if (ids != null && pixels != null) {
                Output o = model.forward(ids, mask, pixels, trace);
                out.put("logits_per_video", o.logitsPerVideo());
                out.put("logits_per_text", o.logitsPerText());
                out.put("text_embeds", o.textEmbeds());
                out.put("video_embeds", o.videoEmbeds());
            }
            // without the other modality, record the intermediates through the single-tower path instead
            Trace single = ids != null && pixels != null ? Trace.NONE : trace;
            textReference(model, in, single, out);
            if (pixels != null) {
                out.put("video_features", model.videoFeatures(pixels, single));
            }
        }

        /** Message tokens, MIT and prompts are X-CLIP's additions to CLIP (X-CLIP's optimizer.py, {@code k in name}). */
        @Override
        public List<String> newModuleKeywords() {
            return List.of("mit", "prompts", "message_");
        }

        @Override
        public TrainingRecipe trainingRecipe() {
            return TrainingRecipe.XCLIP;
        }

        @Override
        public List<CheckpointLayout> checkpointLayouts() {
            return List.of(VIDEOX);
        }

        @Override
        public boolean claims(Set<String> hfNames) {
            return KeyMapping.anyStartsWith(hfNames, "mit.", "prompts_generator.", "prompts_visual_");
        }

        /** Also {@code num_frames} from {@code mit.position_embedding [1, frames, width]}; heads = width / 64. */
        @Override
        public ModelConfig inferConfig(Map<String, StoredTensor> hf, ModelConfig.HeadCount heads) {
            ModelConfig.Towers t = ModelConfig.inferTowers(hf, defaultTokenIds(), heads);
            int mitWidth = ModelConfig.dim(hf, "mit.position_embedding", 2);
            XClip.Config c = new XClip.Config(ModelConfig.dim(hf, "mit.position_embedding", 1), mitWidth,
                    ModelConfig.intermediate(hf, "mit.encoder.layers.", mitWidth),
                    ModelConfig.layerCount(hf.keySet(), "mit.encoder.layers."), heads.heads(mitWidth, "MIT"),
                    ModelConfig.layerCount(hf.keySet(), "prompts_generator.decoder."), 0.1, "quick_gelu",
                    heads.heads(t.projectionDim(), "prompt generator"));
            return new ModelConfig(this, t.projectionDim(), 2.6592, t.text(), t.vision(), c);
        }
    }
}
