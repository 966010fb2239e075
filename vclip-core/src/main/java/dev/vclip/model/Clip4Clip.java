package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.CheckpointLayout;
import dev.vclip.weights.KeyMapping;
import dev.vclip.weights.KeyMappingRules;
import dev.vclip.weights.KeyMappingRules.Rule;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.ModelWeights.Scope;
import dev.vclip.weights.StoredTensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vclip.weights.KeyMappingRules.drop;
import static dev.vclip.weights.KeyMappingRules.rename;

/**
 * CLIP4Clip (Luo et al., 2021; ArrowLuo/CLIP4Clip {@code modules/modeling.py}): CLIP's two towers encode a caption
 * and every frame of a video separately, and a <em>similarity header</em> turns the frame features into one score
 * per (text, video) pair. The loose headers pool the frames into one video vector compared by cosine:
 * {@code meanP} (parameter-free mean pooling), {@code seqLSTM} (an LSTM over the frames plus a residual) and
 * {@code seqTransf} (a 4-layer transformer over the frames with frame position embeddings, plus a residual); the
 * tight header {@code tightTransf} runs a cross transformer over [text feature; frames] for every pair.
 *
 * <p>Reads top to bottom like {@code modeling.py}: config, parameters, text tower ({@code get_sequence_output}),
 * vision tower ({@code get_visual_output}), the similarity headers ({@code get_similarity_logits}), then the family.
 * The towers are {@link Clip}'s, under Hugging Face names; the headers keep CLIP4Clip's module names.
 *
 * <p>Shapes: Tt texts, L {@code max_words}, B videos, T frames, E the joint width (= the text width, which the
 * headers share).
 */
public final class Clip4Clip extends ClipFamilyModel {

    // ================================================================================================ config

    /** The similarity headers, spelled as CLIP4Clip's {@code --sim_header}. */
    public enum SimHeader {
        meanP, seqLSTM, seqTransf, tightTransf;

        /** Whether the header pools each video into one vector compared by cosine ({@code loose_type}). */
        public boolean loose() {
            return this != tightTransf;
        }
    }

    /**
     * CLIP4Clip's run arguments that shape the model, with its key names.
     *
     * @param simHeader         {@code sim_header}
     * @param maxWords          {@code max_words}: the text context, [SOT] + tokens + [EOT], padded with id 0
     * @param maxFrames         {@code max_frames}: frames per video the data loaders sample
     * @param crossLayers       {@code cross_num_hidden_layers}: layers of {@code transformerClip} (seqTransf) and of
     *                          the cross transformer (tightTransf)
     * @param crossHeads        {@code cross_config.num_attention_heads}: heads of the tightTransf cross transformer
     *                          (seqTransf uses the text tower's heads)
     * @param headerLayerNormEps the headers' LayerNorm epsilon: 1e-12 in CLIP4Clip ({@code until_module.LayerNorm},
     *                          TF style), 1e-5 in CenterCLIP
     * @param tokenClustering   CenterCLIP's token clustering inside the vision tower (its {@code hparams} keys), or
     *                          null for plain CLIP4Clip
     */
    public record Config(SimHeader simHeader, int maxWords, int maxFrames, int crossLayers, int crossHeads,
                         double headerLayerNormEps, TokenClustering.Config tokenClustering)
            implements ModelFamily.FamilyConfig {
        public static final double CLIP4CLIP_EPS = 1e-12;
        public static final double CENTERCLIP_EPS = 1e-5;

        public Config(SimHeader simHeader, int maxWords, int maxFrames, int crossLayers, int crossHeads,
                      double headerLayerNormEps) {
            this(simHeader, maxWords, maxFrames, crossLayers, crossHeads, headerLayerNormEps, null);
        }

        /** Whether some vision block clusters tokens (CenterCLIP). */
        public boolean clusters() {
            return tokenClustering != null && !tokenClustering.clusterBlocks().isEmpty();
        }
    }

    private final Config c4c;

    Clip4Clip(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
        super(config, weights, tokenizer);
        this.c4c = config.familyConfig(Config.class);
    }

    /** Loads a vclip folder or an original CLIP4Clip / CenterCLIP run folder (see {@link ModelFolder}). */
    public static Clip4Clip load(Path dir) {
        return ModelFolder.load(dir, Clip4Clip.class);
    }

    public SimHeader simHeader() {
        return c4c.simHeader();
    }

    /** CenterCLIP's token clustering, when this model clusters. */
    public java.util.Optional<TokenClustering.Config> tokenClustering() {
        return c4c.clusters() ? java.util.Optional.of(c4c.tokenClustering()) : java.util.Optional.empty();
    }

    // ================================================================================================ parameters

    /** Every parameter: CLIP's towers under HF names, then the header's own, under CLIP4Clip's module names. */
    static Map<String, long[]> parameterShapes(ModelConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Clip.textTowerShapes(c.text(), shapes);
        Clip.visionTowerShapes(c.vision(), "vision_model.pre_layrnorm", shapes);
        shapes.put("visual_projection.weight", new long[]{c.projectionDim(), c.vision().hiddenSize()});
        shapes.put("text_projection.weight", new long[]{c.projectionDim(), c.text().hiddenSize()});
        shapes.put("logit_scale", new long[]{});
        Config h = c.familyConfig(Config.class);
        int e = c.projectionDim();
        // CLIP4Clip sizes both position tables by the CLIP context length (modeling.py replaces
        // cross_config.max_position_embeddings by context_length)
        int positions = c.text().maxPositionEmbeddings();
        switch (h.simHeader()) {
            case meanP -> {
            }
            case seqLSTM -> {
                shapes.put("frame_position_embeddings.weight", new long[]{positions, e}); // created, never used
                shapes.put("lstm_visual.weight_ih_l0", new long[]{4L * e, e});
                shapes.put("lstm_visual.weight_hh_l0", new long[]{4L * e, e});
                shapes.put("lstm_visual.bias_ih_l0", new long[]{4L * e});
                shapes.put("lstm_visual.bias_hh_l0", new long[]{4L * e});
            }
            case seqTransf -> {
                shapes.put("frame_position_embeddings.weight", new long[]{positions, e});
                for (int i = 0; i < h.crossLayers(); i++) {
                    Clip.encoderLayerShapes("transformerClip.layers." + i, e, 4 * e, shapes);
                }
            }
            case tightTransf -> {
                shapes.put("cross.embeddings.position_embeddings.weight", new long[]{positions, e});
                for (int i = 0; i < h.crossLayers(); i++) {
                    Clip.encoderLayerShapes("cross.encoder.layers." + i, e, 4 * e, shapes);
                }
                Clip.layerNormShapes("cross.pooler.ln_pool", e, shapes);
                Clip.linearShapes("cross.pooler.dense", e, e, shapes);
                Clip.linearShapes("similarity_dense", e, 1, shapes);
            }
        }
        return shapes;
    }

    // ================================================================================================ text tower

    /**
     * {@code get_sequence_output}: CLIP's text transformer with the causal mask only (CLIP4Clip passes no padding
     * mask), {@code ln_final} at every position, {@code @ text_projection}, taken at argmax(ids), the EOT id.
     * Returns [sequence_output [Tt, E], text_hidden [Tt, L, E]].
     */
    NDArray[] sequenceOutput(NDArray inputIds, Trace trace) {
        Scope root = weights.at("");
        NDArray last = Clip.textTransformer(root, config.text(), Clip.Config.NONE, inputIds, null, true, trace)[1];
        NDArray hidden = Layers.linearNoBias(last, root.at("text_projection"));
        NDArray eot = inputIds.toType(DataType.INT64, false).argMax(1);
        long rows = hidden.getShape().get(0);
        long width = hidden.getShape().get(2);
        NDArray index = eot.reshape(rows, 1, 1).broadcast(new Shape(rows, 1, width));
        NDArray pooled = hidden.gather(index, 1).reshape(rows, width);
        trace.record("eot_index", eot);
        trace.record("text_hidden", hidden);
        trace.record("sequence_output", pooled.reshape(rows, 1, width));
        return new NDArray[]{pooled, hidden};
    }

    /** Projected EOT features [Tt, E], not normalised ({@code get_sequence_output}); the padding mask is unused. */
    @Override
    public NDArray textFeatures(NDArray inputIds, NDArray attentionMask, Trace trace) {
        return Scoped.one(inputIds.getManager(), () -> sequenceOutput(inputIds, trace)[0]);
    }

    /** Tokenizes as CLIP4Clip's data loaders: [SOT] + tokens[:max_words−2] + [EOT], padded with id 0 to max_words. */
    @Override
    public NDArray textFeatures(List<String> texts, NDManager manager) {
        NDArray[] batch = TextBatch.encode(tokenizer, texts, c4c.maxWords(), config.text().vocabSize(),
                ClipTokenizer.Framing.OPENAI, manager);
        return textFeatures(batch[0], batch[1]);
    }

    /** {@code max_words}: texts are cut to it, not to the text tower's context. */
    @Override
    public int textContext() {
        return c4c.maxWords();
    }

    // ================================================================================================ vision tower

    /**
     * {@code get_visual_output}: every frame through CLIP's ViT (padded frames too), {@code ln_post} on every token,
     * {@code @ proj}; token 0 is the frame feature. video [B, T, 3, S, S] → [visual_output [B, T, E],
     * visual_hidden [B, T, 1+N, E]].
     */
    NDArray[] visualOutput(NDArray video, Trace trace) {
        Shape s = Clip.checkVideoShape(video);
        long b = s.get(0);
        long t = s.get(1);
        Scope root = weights.at("");
        NDArray frames = video.reshape(b * t, s.get(2), s.get(3), s.get(4));
        NDArray tokens = c4c.clusters() ? clusteringVisionTransformer(frames, trace)
                : Clip.visionTransformer(root, config.vision(), Clip.Config.NONE, frames, trace)[1];
        NDArray normed = Layers.layerNorm(tokens, root.at("vision_model.post_layernorm"), config.vision().layerNormEps());
        NDArray hidden = Layers.linearNoBias(normed, root.at("visual_projection"));
        long n = hidden.getShape().get(1);
        long e = hidden.getShape().get(2);
        NDArray perVideo = hidden.reshape(b, hidden.getShape().get(0) / b, n, e);
        NDArray visual = perVideo.get(":, :, 0, :");
        trace.record("visual_hidden", perVideo);
        trace.record("visual_output", visual);
        return new NDArray[]{visual, perVideo};
    }

    /**
     * CenterCLIP's ViT ({@code modules/clip.py} with {@code TokenClusterInter} in the blocks that cluster): CLIP's
     * embeddings and pre-LayerNorm, then per block: <em>token clustering</em> of its input where the block clusters
     * (segments of fd consecutive frames, class tokens averaged, patch tokens reduced to K medoids in index order;
     * {@link TokenClustering}), then the block as usual on the reduced sequence. frames [B·T, 3, S, S] → last hidden
     * [B·T', 1+K, Wv]; row b·T' + s is segment s of video b.
     */
    NDArray clusteringVisionTransformer(NDArray frames, Trace trace) {
        ModelConfig.VisionConfig v = config.vision();
        Scope vision = weights.at("vision_model");
        NDArray x = Clip.visionEmbeddings(weights.at(""), v, frames);
        x = Layers.layerNorm(x, vision.at("pre_layrnorm"), v.layerNormEps());
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            java.util.Optional<TokenClustering> clustering = c4c.tokenClustering().at(i + 1);
            if (clustering.isPresent()) {
                // the reference clusters LND tokens [1+P, B·T, Wv]
                NDArray lnd = x.transpose(1, 0, 2);
                TokenClustering.Result r = clustering.get().apply(lnd);
                trace.record("cluster_input", lnd);
                trace.record("medoid_index", indexArray(x.getManager(), r.medoidIndex()));
                trace.record("assignment", indexArray(x.getManager(), r.assignment()));
                if (r.laplacianEigenvalues().length > 0) {
                    trace.record("laplacian_eigenvalues", valueArray(x.getManager(), r.laplacianEigenvalues()));
                }
                trace.record("cluster_output", r.tokens());
                x = r.tokens().transpose(1, 0, 2);
            }
            x = Layers.encoderLayer(x, vision.at("encoder.layers", i), v.numAttentionHeads(), v.hiddenAct(),
                    v.layerNormEps(), null);
            if (clustering.isPresent()) {
                trace.record("block_output", x.transpose(1, 0, 2));
            }
        }
        return x;
    }

    private static NDArray indexArray(NDManager manager, int[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                flat[r * width + c] = rows[r][c];
            }
        }
        return manager.create(flat, new Shape(rows.length, width));
    }

    private static NDArray valueArray(NDManager manager, double[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                flat[r * width + c] = (float) rows[r][c];
            }
        }
        return manager.create(flat, new Shape(rows.length, width));
    }

    /**
     * The frame mask [B, T] as the segments see it ({@code get_video_mask_after_cluster}: the value of each segment's
     * last frame); unchanged without clustering or when it already has one column per segment.
     */
    NDArray segmentMask(NDArray mask, long segments) {
        if (!c4c.clusters() || mask.getShape().get(1) == segments) {
            return mask;
        }
        return c4c.tokenClustering().videoMaskAfterCluster(mask);
    }

    // ================================================================================================ similarity headers

    /**
     * The loose headers' frame features before pooling ({@code _loose_similarity}): meanP keeps them; seqLSTM and
     * seqTransf add a temporal module's output to them. visual [B, T, E], mask [B, T] of 1/0 → [B, T, E].
     */
    NDArray headerOutput(NDArray visual, NDArray mask) {
        return switch (c4c.simHeader()) {
            case meanP -> visual;
            case seqLSTM -> seqLstm(visual, mask);
            case seqTransf -> seqTransf(visual, mask);
            case tightTransf -> throw new IllegalStateException("tightTransf has no pooled header output");
        };
    }

    /**
     * seqLSTM: {@code pack_padded_sequence} by the valid lengths, a 1-layer LSTM, {@code pad_packed_sequence} to the
     * batch's longest length, frames beyond it copied from the input, then the input added back. So valid frames get
     * lstm(x)[t] + x[t], padded frames before the longest length 0 + x[t], frames at or after it x[t] + x[t]. The LSTM
     * is causal, so running it over all T frames gives the valid frames the packed result.
     */
    NDArray seqLstm(NDArray visual, NDArray mask) {
        NDArray lstm = lstm(visual, weights.at("lstm_visual"));
        long t = visual.getShape().get(1);
        NDArray valid = mask.toType(DataType.FLOAT32, false);
        long longest = (long) valid.sum(new int[]{1}).max().getFloat();
        float[] beyond = new float[(int) t];
        for (int i = (int) longest; i < t; i++) {
            beyond[i] = 1f; // pad_packed_sequence stops at the longest length; the rest is the input itself
        }
        NDArray beyondMask = visual.getManager().create(beyond, new Shape(1, t, 1));
        NDArray packed = lstm.mul(valid.expandDims(2)).add(visual.mul(beyondMask));
        return packed.add(visual);
    }

    /**
     * {@code nn.LSTM(E, E, num_layers=1)}, gates in PyTorch's order i, f, g, o: c' = f·c + i·g, h' = o·tanh(c'),
     * h0 = c0 = 0. x [B, T, E] → hidden states [B, T, E].
     */
    static NDArray lstm(NDArray x, Scope s) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long h = s.get("weight_hh_l0").getShape().get(1);
        NDArray inputGates = x.matMul(s.get("weight_ih_l0").transpose()).add(s.get("bias_ih_l0"));
        NDArray recurrent = s.get("weight_hh_l0").transpose();
        NDArray hBias = s.get("bias_hh_l0");
        NDArray state = x.getManager().zeros(new Shape(b, h), x.getDataType());
        NDArray cell = state;
        List<NDArray> outputs = new ArrayList<>();
        for (long step = 0; step < t; step++) {
            NDArray gates = inputGates.get(":, " + step + ", :").add(state.matMul(recurrent)).add(hBias);
            NDArray input = Activation.sigmoid(gates.get(":, 0:" + h));
            NDArray forget = Activation.sigmoid(gates.get(":, " + h + ":" + 2 * h));
            NDArray candidate = Activation.tanh(gates.get(":, " + 2 * h + ":" + 3 * h));
            NDArray output = Activation.sigmoid(gates.get(":, " + 3 * h + ":"));
            cell = forget.mul(cell).add(input.mul(candidate));
            state = output.mul(Activation.tanh(cell));
            outputs.add(state);
        }
        return NDArrays.stack(new NDList(outputs), 1);
    }

    /**
     * seqTransf: frame position embeddings added, {@code transformerClip} (CLIP-style residual blocks with the text
     * tower's heads and TF-style LayerNorms) with the additive key mask (1 − mask)·−1e6, then the input frames added
     * back (without the position embeddings).
     */
    NDArray seqTransf(NDArray visual, NDArray mask) {
        long t = visual.getShape().get(1);
        NDArray x = visual.add(weights.get("frame_position_embeddings.weight").get("0:" + t));
        NDArray keyMask = keyMask(mask);
        for (int i = 0; i < c4c.crossLayers(); i++) {
            x = Layers.encoderLayer(x, weights.at("transformerClip.layers", i), config.text().numAttentionHeads(), "quick_gelu",
                    c4c.headerLayerNormEps(), keyMask);
        }
        return x.add(visual);
    }

    /** mask [B, T] of 1/0 → additive [B, 1, 1, T]: (1 − mask)·−1e6, the same for every query and head. */
    static NDArray keyMask(NDArray mask) {
        NDArray m = mask.toType(DataType.FLOAT32, false);
        return m.neg().add(1f).mul(-1e6f).reshape(m.getShape().get(0), 1, 1, m.getShape().get(1));
    }

    /**
     * {@code _mean_pooling_for_similarity_visual} after the per-frame normalisation: frames L2-normalised, the masked
     * mean (a zero mask sum counts as 1), L2-normalised again. Returns [frame_embeds [B, T, E], video_mean [B, E],
     * video_embeds [B, E]].
     */
    static NDArray[] meanPooling(NDArray headerOutput, NDArray mask) {
        NDArray frames = Layers.l2Normalize(headerOutput);
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
        NDArray count = m.sum(new int[]{1});
        count = count.add(count.eq(0f).toType(DataType.FLOAT32, false));
        NDArray mean = frames.mul(m).sum(new int[]{1}).div(count);
        return new NDArray[]{frames, mean, Layers.l2Normalize(mean)};
    }

    /** A loose header's video vectors [B, E]: header, then masked mean pooling. */
    NDArray looseVideoEmbeds(NDArray visual, NDArray mask, Trace trace) {
        NDArray header = headerOutput(visual, mask);
        NDArray[] pooled = meanPooling(header, mask);
        trace.record("header_output", header);
        trace.record("frame_embeds", pooled[0]);
        trace.record("video_mean", pooled[1]);
        trace.record("video_embeds", pooled[2]);
        return pooled[2];
    }

    /**
     * tightTransf ({@code _cross_similarity}): for text i and video j, [sequence_output[i]; visual_output[j]] plus the
     * cross position embeddings, the cross transformer ({@code cross_config} heads, TF LayerNorms) with the key mask
     * of [1, video_mask[j]], the pooler ({@code ln_pool}, token 0, {@code dense}, QuickGELU) and
     * {@code similarity_dense} to one score. No normalisation and no logit scale. Returns [Tt, B].
     */
    NDArray tightLogits(NDArray text, NDArray visual, NDArray mask, Trace trace) {
        long texts = text.getShape().get(0);
        long videos = visual.getShape().get(0);
        long t = visual.getShape().get(1);
        long e = visual.getShape().get(2);
        // rows i·B + j, as the reference orders them
        NDArray textTokens = text.reshape(texts, 1, 1, e).broadcast(new Shape(texts, videos, 1, e));
        NDArray frameTokens = visual.expandDims(0).broadcast(new Shape(texts, videos, t, e));
        NDArray x = Layers.concat(2, textTokens, frameTokens).reshape(texts * videos, 1 + t, e)
                .add(weights.get("cross.embeddings.position_embeddings.weight").get("0:" + (1 + t)));
        NDArray validMask = mask.toType(DataType.FLOAT32, false);
        NDArray pairMask = Layers.concat(1, validMask.getManager().ones(new Shape(videos, 1)), validMask)
                .expandDims(0).broadcast(new Shape(texts, videos, 1 + t)).reshape(texts * videos, 1 + t);
        NDArray keyMask = keyMask(pairMask);
        for (int i = 0; i < c4c.crossLayers(); i++) {
            x = Layers.encoderLayer(x, weights.at("cross.encoder.layers", i), c4c.crossHeads(), "quick_gelu", c4c.headerLayerNormEps(),
                    keyMask);
        }
        Scope pooler = weights.at("cross.pooler");
        NDArray first = Layers.layerNorm(x, pooler.at("ln_pool"), c4c.headerLayerNormEps()).get(":, 0, :");
        NDArray pooled = Layers.activation(Layers.linear(first, pooler.at("dense")), "quick_gelu");
        NDArray logits = Layers.linear(pooled, weights.at("similarity_dense")).reshape(texts, videos);
        trace.record("cross_output", x.reshape(texts, videos, 1 + t, e));
        trace.record("pooled_output", pooled.reshape(texts, videos, e));
        return logits;
    }

    /**
     * {@code get_similarity_logits}: [Tt, B] scores of texts (sequence_output, [Tt, E]) against videos
     * (visual_output [B, T, E] with its frame mask [B, T]); exp(logit_scale)·cosine for the loose headers.
     */
    NDArray similarityLogits(NDArray text, NDArray visual, NDArray frameMask, Trace trace) {
        NDArray mask = segmentMask(frameMask, visual.getShape().get(1));
        if (mask != frameMask) {
            trace.record("video_mask_after_cluster", mask);
        }
        if (!c4c.simHeader().loose()) {
            return tightLogits(text, visual, mask, trace);
        }
        NDArray videoEmbeds = looseVideoEmbeds(visual, mask, trace);
        NDArray textEmbeds = Layers.l2Normalize(text);
        trace.record("text_embeds", textEmbeds);
        return textEmbeds.matMul(videoEmbeds.transpose()).mul(weights.get("logit_scale").exp());
    }

    // ================================================================================================ VideoTextModel

    /**
     * All frames (or segments) are real: the mask vclip passes when it sampled the frames itself. {@code frames}
     * [B, T, ...] (pixels or frame features).
     */
    private static NDArray fullMask(NDArray frames) {
        Shape s = frames.getShape();
        return frames.getManager().ones(new Shape(s.get(0), s.get(1)), DataType.INT64);
    }

    /**
     * Video vectors [B, E]: the pooled, normalised embeddings of the loose headers. tightTransf has no video vector
     * of its own (its score needs the text); it returns the mean-pooled frame features, which is what its frames
     * hold before the cross transformer.
     */
    @Override
    public NDArray videoFeatures(NDArray pixelValuesVideo) {
        return Scoped.one(pixelValuesVideo.getManager(), () -> {
            NDArray visual = visualOutput(pixelValuesVideo, Trace.NONE)[0];
            NDArray mask = fullMask(visual);
            return c4c.simHeader().loose() ? looseVideoEmbeds(visual, mask, Trace.NONE) : meanPooling(visual, mask)[2];
        });
    }

    /**
     * The pooled video vectors, and for tightTransf also the frame features [B, T, E] that its cross transformer
     * reads per text ({@link VideoEncoding#context()}).
     */
    @Override
    public VideoEncoding encodeVideos(NDArray pixelValuesVideo) {
        if (c4c.simHeader().loose()) {
            return new VideoEncoding(videoFeatures(pixelValuesVideo), null);
        }
        NDList out = Scoped.run(pixelValuesVideo.getManager(), () -> {
            NDArray visual = visualOutput(pixelValuesVideo, Trace.NONE)[0];
            return new NDList(meanPooling(visual, fullMask(visual))[2], visual);
        });
        return new VideoEncoding(out.get(0), out.get(1));
    }

    /** [B, Tt]: exp(logit_scale)·cosine (loose headers) or the cross transformer's score (tightTransf). */
    @Override
    public NDArray logits(VideoEncoding videos, NDArray textFeatures) {
        return Scoped.one(videos.features().getManager(), () -> {
            if (c4c.simHeader().loose()) {
                return Layers.l2Normalize(videos.features()).matMul(Layers.l2Normalize(textFeatures).transpose())
                        .mul(weights.get("logit_scale").exp());
            }
            NDArray frames = videos.context();
            return tightLogits(textFeatures, frames, fullMask(frames), Trace.NONE).transpose();
        });
    }

    /** The reference computation of a case: texts and videos encoded separately, then the header's logits [Tt, B]. */
    public NDArray caseLogits(NDArray inputIds, NDArray video, NDArray videoMask, Trace trace) {
        return Scoped.one(video.getManager(), () -> {
            NDArray text = sequenceOutput(inputIds, trace)[0];
            NDArray visual = visualOutput(video, trace)[0];
            return similarityLogits(text, visual, videoMask, trace);
        });
    }

    // ================================================================================================ family

    /** CLIP4Clip as a {@link ModelFamily}: {@code model_type "clip4clip"}, its headers and its checkpoints. */
    public static final class Family implements ModelFamily {

        /**
         * CLIP4Clip's {@code pytorch_model.bin.N} ({@code save_model}: the plain state dict of the whole model) and
         * CenterCLIP's {@code ckpt.best.pth.tar} (the same names under {@code state_dict}, with DDP's
         * {@code module.} prefix, which is stripped).
         * <table>
         * <caption>CLIP4Clip → vclip</caption>
         * <tr><th>original</th><th>vclip</th><th>data</th></tr>
         * <tr><td>clip.… (OpenAI CLIP names)</td><td>as {@link Clip.Family#OPENAI}: text_model.…, vision_model.…,
         *     text_projection.weight, visual_projection.weight</td><td>as CLIP; fp16 tensors widened</td></tr>
         * <tr><td>clip.token_embedding.weight, clip.logit_scale</td><td>text_model.embeddings.token_embedding.weight,
         *     logit_scale</td><td>same</td></tr>
         * <tr><td>clip.visual.position_ids</td><td>(dropped: CenterCLIP's unused buffer)</td><td></td></tr>
         * <tr><td>frame_position_embeddings.weight</td><td>same</td><td>same</td></tr>
         * <tr><td>lstm_visual.{weight,bias}_{ih,hh}_l0</td><td>same</td><td>same</td></tr>
         * <tr><td>transformerClip.resblocks.N.…</td><td>transformerClip.layers.N.… (HF encoder-layer names)</td>
         *     <td>in_proj split into q, k, v</td></tr>
         * <tr><td>cross.embeddings.position_embeddings.weight</td><td>same</td><td>same</td></tr>
         * <tr><td>cross.transformer.resblocks.N.…</td><td>cross.encoder.layers.N.…</td><td>in_proj split</td></tr>
         * <tr><td>cross.pooler.{ln_pool,dense}.*, similarity_dense.*</td><td>same</td><td>same</td></tr>
         * </table>
         */
        public static final CheckpointLayout CLIP4CLIP = new CheckpointLayout("CLIP4CLIP",
                names -> names.contains("clip.visual.conv1.weight") || KeyMapping.anyStartsWith(names, "clip.transformer."),
                clip4clipRules());

        private static List<Rule> clip4clipRules() {
            List<Rule> rules = new ArrayList<>();
            rules.add(rename("clip.token_embedding.weight", "text_model.embeddings.token_embedding.weight"));
            rules.add(rename("clip.logit_scale", "logit_scale"));
            rules.add(drop("clip.visual.position_ids"));
            rules.addAll(KeyMappingRules.clipTowers("clip.", "clip.visual.", "pre_layrnorm"));
            rules.add(rename("frame_position_embeddings.weight", "frame_position_embeddings.weight"));
            rules.add(rename("lstm_visual.{p}_ih_l0", "lstm_visual.{p}_ih_l0"));
            rules.add(rename("lstm_visual.{p}_hh_l0", "lstm_visual.{p}_hh_l0"));
            rules.addAll(KeyMappingRules.encoderLayer("transformerClip.resblocks.{n}.", "transformerClip.layers.{n}."));
            rules.add(rename("cross.embeddings.position_embeddings.weight", "cross.embeddings.position_embeddings.weight"));
            rules.addAll(KeyMappingRules.encoderLayer("cross.transformer.resblocks.{n}.", "cross.encoder.layers.{n}."));
            rules.add(rename("cross.pooler.ln_pool.{p}", "cross.pooler.ln_pool.{p}"));
            rules.add(rename("cross.pooler.dense.{p}", "cross.pooler.dense.{p}"));
            rules.add(rename("similarity_dense.{p}", "similarity_dense.{p}"));
            return rules;
        }

        private static final Set<String> REFERENCE_OUTPUTS = Set.of("sequence_output", "text_hidden", "eot_index",
                "text_embeds", "visual_output", "visual_hidden", "sim_logits", "header_output", "frame_embeds",
                "video_mean", "video_embeds", "cross_output", "pooled_output", "text_features", "cluster_input",
                "medoid_index", "assignment", "cluster_output", "block_output", "laplacian_eigenvalues",
                "video_mask_after_cluster");

        @Override
        public String modelType() {
            return "clip4clip";
        }

        @Override
        public String displayName() {
            return "CLIP4Clip";
        }

        @Override
        public String architecture() {
            return "CLIP4Clip";
        }

        /** CLIP4Clip's tokenizer ids in a 49408 vocabulary; padding is id 0 (its data loaders'). */
        @Override
        public ModelConfig.TokenIds defaultTokenIds() {
            return new ModelConfig.TokenIds(49406, 49407, 0);
        }

        @Override
        public Config readConfig(ConfigReader top, ConfigReader text, ConfigReader vision) {
            String header = top.choice("sim_header", "meanP",
                    Set.of("meanP", "seqLSTM", "seqTransf", "tightTransf"));
            int maxFrames = top.integer("max_frames", 12);
            // CenterCLIP's clustering keys, nested as its hparams name them; max_frames is the model's
            TokenClustering.Config clustering = top.has("token_clustering")
                    ? TokenClustering.Config.read(top.object("token_clustering")).withMaxFrames(maxFrames) : null;
            return new Config(SimHeader.valueOf(header), top.integer("max_words", 32), maxFrames,
                    top.integer("cross_num_hidden_layers", 4), top.integer("cross_num_attention_heads", 8),
                    top.number("header_layer_norm_eps", Config.CLIP4CLIP_EPS), clustering);
        }

        @Override
        public void validate(ModelConfig config, List<String> problems) {
            Config h = config.familyConfig(Config.class);
            ModelConfig.positive(problems, "max_words", h.maxWords());
            ModelConfig.positive(problems, "max_frames", h.maxFrames());
            if (h.maxWords() > config.text().maxPositionEmbeddings()) {
                problems.add("max_words " + h.maxWords() + " exceeds the text context "
                        + config.text().maxPositionEmbeddings() + " (text_config.max_position_embeddings)");
            }
            if (h.simHeader() != SimHeader.meanP && h.simHeader() != SimHeader.seqLSTM) {
                ModelConfig.positive(problems, "cross_num_hidden_layers", h.crossLayers());
            }
            if (h.simHeader() == SimHeader.seqTransf || h.simHeader() == SimHeader.tightTransf) {
                // the headers run at the text width on the projected frame features
                if (config.text().hiddenSize() != config.projectionDim()) {
                    problems.add(h.simHeader() + " needs text_config.hidden_size (" + config.text().hiddenSize()
                            + ") equal to projection_dim (" + config.projectionDim() + ")");
                }
                int positions = config.text().maxPositionEmbeddings();
                int needed = h.simHeader() == SimHeader.tightTransf ? h.maxFrames() + 1 : h.maxFrames();
                if (needed > positions) {
                    problems.add("max_frames " + h.maxFrames() + " needs " + needed + " position embeddings, the "
                            + "header has " + positions + " (text_config.max_position_embeddings)");
                }
            }
            if (h.simHeader() == SimHeader.tightTransf) {
                ModelConfig.positive(problems, "cross_num_attention_heads", h.crossHeads());
                if (h.crossHeads() > 0 && config.projectionDim() % h.crossHeads() != 0) {
                    problems.add("projection_dim " + config.projectionDim() + " is not divisible by "
                            + "cross_num_attention_heads " + h.crossHeads());
                }
            }
            if (!(h.headerLayerNormEps() > 0)) {
                problems.add("header_layer_norm_eps must be positive, is " + h.headerLayerNormEps());
            }
            if (h.tokenClustering() != null && h.tokenClustering().clusterInter()) {
                validateClustering(h, config.vision().numHiddenLayers(), problems);
            }
        }

        /** One clustering entry per vision layer, whole segments, and a step that can be built for every block. */
        private static void validateClustering(Config h, int layers, List<String> problems) {
            TokenClustering.Config tc = h.tokenClustering();
            if (tc.clusterNumBlocks().size() != layers || tc.targetFramesBlocks().size() != layers) {
                problems.add("token_clustering: cluster_num_blocks (" + tc.clusterNumBlocks().size()
                        + " entries) and target_frames_blocks (" + tc.targetFramesBlocks().size()
                        + ") need one entry per vision layer (" + layers + ")");
                return;
            }
            try {
                for (int block : tc.clusterBlocks()) {
                    TokenClustering step = tc.at(block).orElseThrow();
                    if (step.clusterNum() > step.frameDuration() * step.beforeClusterNum()) {
                        problems.add("token_clustering: block " + block + " keeps " + step.clusterNum()
                                + " tokens per segment, more than a segment of " + step.frameDuration() + " frames has");
                    }
                }
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }

        @Override
        public void writeConfig(ModelConfig config, ObjectNode top, ObjectNode text, ObjectNode vision) {
            Config h = config.familyConfig(Config.class);
            top.put("sim_header", h.simHeader().name()).put("max_words", h.maxWords()).put("max_frames", h.maxFrames())
                    .put("cross_num_hidden_layers", h.crossLayers()).put("cross_num_attention_heads", h.crossHeads())
                    .put("header_layer_norm_eps", h.headerLayerNormEps());
            if (h.clusters()) {
                ObjectNode clustering = top.putObject("token_clustering");
                h.tokenClustering().write(clustering);
                clustering.remove("max_frames"); // the model's own max_frames
            }
        }

        @Override
        public void describe(ModelConfig config, Map<String, Object> summary) {
            Config h = config.familyConfig(Config.class);
            String header = switch (h.simHeader()) {
                case meanP -> "meanP (mean pooling)";
                case seqLSTM -> "seqLSTM (1-layer LSTM + residual)";
                case seqTransf -> "seqTransf (" + h.crossLayers() + "-layer transformer + residual)";
                case tightTransf -> "tightTransf (" + h.crossLayers() + "-layer cross transformer, "
                        + h.crossHeads() + " heads)";
            };
            summary.put("similarity_header", header);
            summary.put("max_words", h.maxWords());
            summary.put("max_frames", h.maxFrames());
            if (h.clusters()) {
                summary.put("token_clustering", describeClustering(h.tokenClustering()));
            }
        }

        /** E.g. "k-medoids (euclidean, p 2) before block 7: 12 frames -> 4 segments of 3, 49 tokens each". */
        static String describeClustering(TokenClustering.Config tc) {
            List<String> steps = new ArrayList<>();
            for (int block : tc.clusterBlocks()) {
                TokenClustering step = tc.at(block).orElseThrow();
                String algorithm = switch (tc.algorithm()) {
                    case KMEDOIDS -> "k-medoids (" + tc.distance().key()
                            + (tc.distance() == TokenClustering.Distance.EUCLIDEAN ? ", p " + tc.minkowskiNormP() : "")
                            + (tc.preNorm() ? ", pre_norm" : "") + ")";
                    case SPECTRAL -> "spectral (" + tc.spectralGraph().key() + ", sigma " + tc.spectralSigma() + ")";
                    default -> tc.algorithm().key();
                };
                steps.add(algorithm + " before block " + block + ": " + step.beforeFrames() + " frames -> "
                        + step.afterFrames() + " segments of " + step.frameDuration() + ", " + step.clusterNum()
                        + " tokens each");
            }
            return String.join("; ", steps);
        }

        @Override
        public Map<String, long[]> parameterShapes(ModelConfig config) {
            return Clip4Clip.parameterShapes(config);
        }

        /**
         * Up to {@code max_frames} frames (fewer are masked by the data loaders, never more); exactly
         * {@code max_frames} with token clustering, whose segments are fixed runs of frames.
         */
        @Override
        public VideoInput videoInput(ModelConfig config) {
            Config h = config.familyConfig(Config.class);
            return h.clusters() ? VideoInput.fixedFrames(h.maxFrames(), config.vision().imageSize())
                    : VideoInput.anyFrames(h.maxFrames(), config.vision().imageSize());
        }

        @Override
        public Class<Clip4Clip> modelClass() {
            return Clip4Clip.class;
        }

        @Override
        public VideoTextModel create(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
            return new Clip4Clip(config, weights, tokenizer);
        }

        @Override
        public Set<String> referenceOutputs() {
            return REFERENCE_OUTPUTS;
        }

        /**
         * Inputs {@code input_ids} [Tt, L] and {@code video} [B, T, 3, S, S] with {@code video_mask} [B, T] (all
         * frames real when absent), as CLIP4Clip's data loaders lay them out.
         */
        @Override
        public void computeReference(VideoTextModel m, Map<String, NDArray> in, Trace trace, Map<String, NDArray> out) {
            Clip4Clip model = (Clip4Clip) m;
            NDArray ids = in.get("input_ids");
            NDArray video = in.get("video");
            if (ids != null) {
                out.put("text_features", model.textFeatures(ids, null, trace));
            }
            if (ids != null && video != null) {
                NDArray mask = in.containsKey("video_mask") ? in.get("video_mask") : fullMask(video);
                out.put("sim_logits", model.caseLogits(ids, video, mask, trace));
            } else if (video != null) {
                model.visualOutput(video, trace);
            }
        }

        /**
         * The similarity header is what CLIP4Clip adds to CLIP (its {@code prep_optimizer} calls everything outside
         * {@code clip.} new): the frame position embeddings, seqLSTM's LSTM, seqTransf's transformer and
         * tightTransf's cross transformer and similarity layer.
         */
        @Override
        public List<String> newModuleKeywords() {
            return List.of("frame_position_embeddings.", "lstm_visual.", "transformerClip.", "cross.", "similarity_dense.");
        }

        /** CLIP4Clip's {@code prep_optimizer}: CLIP at {@code coef_lr} times the learning rate, the header at it. */
        @Override
        public TrainingRecipe trainingRecipe() {
            return TrainingRecipe.CLIP4CLIP;
        }

        @Override
        public List<CheckpointLayout> checkpointLayouts() {
            return List.of(CLIP4CLIP);
        }

        /**
         * As CLIP4Clip's {@code from_pretrained} fills a state dict from the pretrained CLIP: every CLIP tower tensor
         * under its own name; {@code frame_position_embeddings} (seqLSTM, seqTransf) and tightTransf's
         * {@code cross.embeddings.position_embeddings} from the text {@code positional_embedding}; seqTransf's
         * {@code transformerClip} and tightTransf's {@code cross} layers N &lt; {@code cross_num_hidden_layers} from
         * the text transformer's layers N. The LSTM, the cross pooler and {@code similarity_dense} have no CLIP source
         * (the original initialises them at random).
         */
        @Override
        public String baseSource(ModelConfig config, String parameter) {
            if (parameter.equals("frame_position_embeddings.weight")
                    || parameter.equals("cross.embeddings.position_embeddings.weight")) {
                return "text_model.embeddings.position_embedding.weight";
            }
            for (String header : List.of("transformerClip.layers.", "cross.encoder.layers.")) {
                if (parameter.startsWith(header)) {
                    String rest = parameter.substring(header.length());
                    String layer = rest.substring(0, Math.max(rest.indexOf('.'), 0));
                    boolean copied = layer.matches("\\d{1,6}")
                            && Integer.parseInt(layer) < config.familyConfig(Config.class).crossLayers();
                    return copied ? "text_model.encoder.layers." + rest : null;
                }
            }
            return newModuleKeywords().stream().anyMatch(parameter::startsWith) ? null : parameter;
        }

        @Override
        public boolean claims(Set<String> hfNames) {
            return KeyMapping.anyStartsWith(hfNames, "lstm_visual.", "transformerClip.", "cross.", "similarity_dense.",
                    "frame_position_embeddings.");
        }

        @Override
        public ModelConfig inferConfig(Map<String, StoredTensor> hf, ModelConfig.HeadCount heads) {
            SimHeader header = inferHeader(hf.keySet());
            int layers = switch (header) {
                case seqTransf -> ModelConfig.layerCount(hf.keySet(), "transformerClip.layers.");
                case tightTransf -> ModelConfig.layerCount(hf.keySet(), "cross.encoder.layers.");
                default -> 4;
            };
            // CLIP4Clip's defaults for the rest (main_task_retrieval.py get_args: max_words 20, max_frames 100;
            // cross-base: 8 heads (hidden 512))
            return inferConfig(hf, heads, new Config(header, 20, 100, layers, 8, Config.CLIP4CLIP_EPS));
        }

        /** The header a checkpoint's tensors imply when nothing says which of its headers to run. */
        static SimHeader inferHeader(Set<String> hfNames) {
            if (KeyMapping.anyStartsWith(hfNames, "transformerClip.")) {
                return SimHeader.seqTransf;
            }
            if (KeyMapping.anyStartsWith(hfNames, "lstm_visual.")) {
                return SimHeader.seqLSTM;
            }
            if (KeyMapping.anyStartsWith(hfNames, "similarity_dense.")) {
                return SimHeader.tightTransf;
            }
            return SimHeader.meanP;
        }

        /**
         * The towers read off the tensors as CLIP4Clip's {@code CLIP.get_config} does (heads = width / 64; token ids
         * SOT = vocab − 2, EOT = vocab − 1, padding 0), with the header's settings as given.
         */
        ModelConfig inferConfig(Map<String, StoredTensor> hf, ModelConfig.HeadCount heads, Config header) {
            int vocab = ModelConfig.dim(hf, "text_model.embeddings.token_embedding.weight", 0);
            ModelConfig.Towers t = ModelConfig.inferTowers(hf, new ModelConfig.TokenIds(vocab - 2, vocab - 1, 0), heads);
            return new ModelConfig(this, t.projectionDim(), Math.log(1 / 0.07), t.text(), t.vision(), header);
        }

        // ---------------------------------------------------------------------------------------- run folders

        /**
         * The configurations of an original run folder, by name (the run's own first):
         * <ul>
         *   <li>CenterCLIP: {@code hparams_train.json} ({@code params.save_hp_to_json}: the run's argparse values)
         *       as "", and every {@code hparams_eval_<name>.json} beside it as {@code <name>};</li>
         *   <li>CLIP4Clip, which saves no arguments: {@code args.json} (its argparse values, e.g. written by hand
         *       from the log's "Effective parameters") as "", or a {@code config.json} whose {@code task_config}
         *       maps names to {@code {"args": {...}}} (one per header, as vclip's fixtures keep them); the tight
         *       header's heads come from {@code cross_config.json} beside it (8, cross-base's, without one).</li>
         * </ul>
         * The towers come from the tensors, the header from the arguments' CLIP4Clip names ({@code sim_header},
         * {@code max_words}, {@code max_frames}, {@code cross_num_hidden_layers}); other arguments are ignored.
         */
        @Override
        public Map<String, ModelConfig> runConfigs(Path dir, Map<String, StoredTensor> hf) {
            Map<String, ModelConfig> configs = new LinkedHashMap<>();
            Path hparams = dir.resolve("hparams_train.json");
            int crossHeads = RunFiles.crossHeads(dir.resolve("cross_config.json"), 8);
            if (Files.isRegularFile(hparams)) {
                configs.put("", fromArgs(hf, RunFiles.readObject(hparams), hparams.toString(), crossHeads,
                        Config.CENTERCLIP_EPS));
                for (Map.Entry<String, Path> e : RunFiles.variants(dir, "hparams_eval_", ".json").entrySet()) {
                    configs.put(e.getKey(), fromArgs(hf, RunFiles.readObject(e.getValue()), e.getValue().toString(),
                            crossHeads, Config.CENTERCLIP_EPS));
                }
                return configs;
            }
            Path args = dir.resolve("args.json");
            if (Files.isRegularFile(args)) {
                configs.put("", fromArgs(hf, RunFiles.readObject(args), args.toString(), crossHeads,
                        Config.CLIP4CLIP_EPS));
                return configs;
            }
            Path config = dir.resolve("config.json");
            if (Files.isRegularFile(config)) {
                JsonNode tasks = RunFiles.readObject(config).get("task_config");
                if (tasks != null && tasks.isObject()) {
                    for (Map.Entry<String, JsonNode> e : iterable(tasks.fields())) {
                        JsonNode a = e.getValue().get("args");
                        if (a == null || !a.isObject()) {
                            throw new ConfigException(config + ": task_config." + e.getKey() + " has no 'args' object");
                        }
                        configs.put(e.getKey(), fromArgs(hf, a, config + " task_config." + e.getKey(), crossHeads,
                                Config.CLIP4CLIP_EPS));
                    }
                    // the first header doubles as the folder's default
                    configs.put("", configs.values().iterator().next());
                }
            }
            return configs;
        }

        private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
            return () -> it;
        }

        /**
         * A configuration from a run's argparse values: CLIP4Clip's header keys and, where {@code cluster_inter} is
         * on, CenterCLIP's clustering keys.
         */
        private ModelConfig fromArgs(Map<String, StoredTensor> hf, JsonNode argsNode, String source, int crossHeads,
                                     double eps) {
            ConfigReader args = ConfigReader.of(source, argsNode);
            SimHeader simHeader = args.choice("sim_header", SimHeader.values(), SimHeader.meanP, SimHeader::name);
            TokenClustering.Config clustering = TokenClustering.Config.read(args);
            Config c = new Config(simHeader, args.integer("max_words", 20), args.integer("max_frames", 100),
                    args.integer("cross_num_hidden_layers", 4), crossHeads, eps,
                    clustering.clusterBlocks().isEmpty() ? null : clustering);
            ModelConfig config = inferConfig(hf, ModelConfig.HeadCount.CLIP_RULE, c);
            config.validate(source);
            return config;
        }
    }
}
