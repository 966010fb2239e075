package dev.vclip.weights;

import dev.vclip.weights.KeyMappingRules.Action;
import dev.vclip.weights.KeyMappingRules.Match;
import dev.vclip.weights.KeyMappingRules.Rule;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames the tensors of original CLIP-family checkpoints to the Hugging Face names vclip's models load
 * ({@code CLIPModel} / {@code XCLIPModel} state-dict keys), and infers the config dimensions from them.
 *
 * <p>Usage: {@code Mapped m = KeyMapping.toHf(checkpoint)} (format detected from the names), then
 * {@code m.tensors()} for the weights, {@code m.unmapped()} / {@code m.missing()} to warn or fail, and
 * {@code m.inferDims()} to write a config.json.
 *
 * <p>A leading {@code module.} (DataParallel / DDP) is stripped from every name first. {@code N} is a layer
 * index, {@code *} stands for {@code weight} and {@code bias}.
 *
 * <table>
 * <caption>OpenAI CLIP ({@code clip/model.py}) → HF CLIPModel (text rows also for X-CLIP and ViFi-CLIP)</caption>
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
 *
 * <table>
 * <caption>X-CLIP original (microsoft/VideoX {@code X-CLIP/models}) → HF XCLIPModel, besides the CLIP rows</caption>
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
 *
 * <table>
 * <caption>ViFi-CLIP (muzairkhattak/ViFi-CLIP {@code trainers/vificlip.py}; checkpoints {@code {"model": sd, ...}})</caption>
 * <tr><th>original</th><th>Hugging Face / vclip</th><th>data</th></tr>
 * <tr><td>image_encoder.… (= clip.visual)</td><td>as visual.… above, CLIPModel names</td><td>as CLIP</td></tr>
 * <tr><td>text_encoder.{transformer, positional_embedding, ln_final, text_projection}…</td><td>as the CLIP text rows</td><td>as CLIP</td></tr>
 * <tr><td>logit_scale</td><td>logit_scale</td><td>same</td></tr>
 * <tr><td>prompt_learner.ctx, image_encoder.VPT, {image,text}_encoder.transformer.resblocks.N.VPT_shallow</td>
 *     <td>kept under these names; listed in {@link Mapped#extras()}: learned prompt vectors used by ViFi-CLIP's
 *     prompt-learning variants (not by the fully fine-tuned model)</td><td>same</td></tr>
 * <tr><td>prompt_learner.token_prefix, token_suffix, complete_text_embeddings</td>
 *     <td>(dropped: embeddings of the training class names; ViFi-CLIP's own loader deletes them)</td><td></td></tr>
 * <tr><td>(none)</td><td>text_model.embeddings.token_embedding.weight is listed in {@link Mapped#missing()}:
 *     ViFi-CLIP keeps the token embedding outside the saved model, frozen, so take it from the OpenAI CLIP
 *     checkpoint it was trained from</td><td></td></tr>
 * </table>
 *
 * <p>Frame features of a ViFi-CLIP model are those of plain HF CLIP, averaged over frames.
 */
public final class KeyMapping {
    private KeyMapping() {
    }

    /** The naming scheme of a checkpoint. */
    public enum CheckpointFormat {
        /** Hugging Face CLIPModel / XCLIPModel names: used as they are. */
        HF,
        /** OpenAI CLIP state dict (ViT backbones). */
        OPENAI_CLIP,
        /** microsoft/VideoX X-CLIP training checkpoint ({@code ckpt["model"]}). */
        XCLIP_ORIGINAL,
        /** muzairkhattak/ViFi-CLIP checkpoint ({@code image_encoder.}, {@code text_encoder.}, {@code prompt_learner.}). */
        VIFI_CLIP
    }

    /**
     * The result of a mapping.
     *
     * @param tensors  HF-named tensors, in source order (extras included). Renamed and split tensors share the
     *                 source's buffers (valid while the source is open); transposed ones are new direct buffers
     * @param extras   names in {@code tensors} that are not HF names (ViFi-CLIP prompt vectors)
     * @param dropped  source names deliberately left out (see the tables)
     * @param unmapped source names no rule knows: a caller warns or fails
     * @param missing  HF names the model needs that the source did not provide
     */
    public record Mapped(CheckpointFormat format, Map<String, StoredTensor> tensors, List<String> extras,
                         List<String> dropped, List<String> unmapped, List<String> missing) {
        public Mapped {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            extras = List.copyOf(extras);
            dropped = List.copyOf(dropped);
            unmapped = List.copyOf(unmapped);
            missing = List.copyOf(missing);
        }

        /** The config dimensions these tensors imply; see {@link KeyMapping#inferDims(Map)}. */
        public InferredDims inferDims() {
            return KeyMapping.inferDims(tensors);
        }
    }

    /**
     * Config dimensions read off the tensor shapes, as OpenAI's {@code build_model} and X-CLIP's do. Field names
     * follow the HF config keys ({@code hidden_size}, {@code num_hidden_layers}, ...).
     *
     * <p>Attention heads are not stored in the weights: they are {@code hidden / 64}, the convention of CLIP,
     * X-CLIP and ViFi-CLIP ({@code transformer_heads = transformer_width // 64}); 0 when a width is not a multiple
     * of 64, where the rule cannot hold (a caller then needs the model's config).
     */
    public record InferredDims(int projectionDim, Text text, Vision vision, Optional<Video> video) {

        public record Text(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int intermediateSize,
                           int maxPositionEmbeddings, OptionalInt vocabSize) {
        }

        public record Vision(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int intermediateSize,
                             int patchSize, int imageSize) {
        }

        /** X-CLIP only: the multi-frame integration transformer (MIT) and the prompt generator. */
        public record Video(int numFrames, int mitHiddenSize, int mitNumHiddenLayers, int mitNumAttentionHeads,
                            int mitIntermediateSize, int promptLayers, int promptNumAttentionHeads) {
        }
    }

    // ---- detection ----

    /** Tells the naming scheme from the tensor names (a {@code module.} prefix is ignored). */
    public static CheckpointFormat detect(Set<String> names) {
        Set<String> stripped = new LinkedHashSet<>();
        for (String name : names) {
            stripped.add(stripModulePrefix(name));
        }
        if (anyStartsWith(stripped, "text_model.", "vision_model.")) {
            return CheckpointFormat.HF;
        }
        if (anyStartsWith(stripped, "prompt_learner.", "image_encoder.", "text_encoder.")) {
            return CheckpointFormat.VIFI_CLIP;
        }
        if (anyStartsWith(stripped, "mit.", "prompts_generator.", "prompts_visual_")
                || stripped.stream().anyMatch(n -> n.contains(".message_attn."))) {
            return CheckpointFormat.XCLIP_ORIGINAL;
        }
        if (anyStartsWith(stripped, "visual.layer1.", "visual.attnpool.")) {
            throw new WeightsException("this is a ResNet CLIP checkpoint (visual.layer1..., visual.attnpool...); "
                    + "Hugging Face CLIPModel and vclip have ViT backbones only");
        }
        if (stripped.contains("visual.proj") || stripped.contains("visual.conv1.weight")
                || stripped.contains("token_embedding.weight") || anyStartsWith(stripped, "transformer.resblocks.")) {
            return CheckpointFormat.OPENAI_CLIP;
        }
        throw new WeightsException("cannot tell the checkpoint's layout from its tensor names (first ones: "
                + preview(stripped) + "); expected Hugging Face CLIP/X-CLIP names, or an original OpenAI CLIP, "
                + "X-CLIP or ViFi-CLIP state dict");
    }

    // ---- mapping ----

    /** Detects the format of {@code source} and maps it. */
    public static Mapped toHf(TensorFile source) {
        return toHf(detect(source.names()), source);
    }

    /** Maps every tensor of {@code source} to its HF name; see the tables above. */
    public static Mapped toHf(CheckpointFormat format, TensorFile source) {
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (String name : source.names()) {
            tensors.put(name, source.get(name));
        }
        return toHf(format, tensors, source.path().toString());
    }

    /**
     * Maps named tensors to their HF names.
     *
     * @param sourceName names the source in messages
     */
    public static Mapped toHf(CheckpointFormat format, Map<String, StoredTensor> source, String sourceName) {
        List<Rule> rules = KeyMappingRules.rulesFor(format);
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        List<String> extras = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        for (Map.Entry<String, StoredTensor> entry : source.entrySet()) {
            String originalName = entry.getKey();
            String name = stripModulePrefix(originalName);
            StoredTensor tensor = entry.getValue();
            if (format == CheckpointFormat.HF) {
                put(out, renamed(tensor, name), originalName, sourceName);
                continue;
            }
            Match match = KeyMappingRules.match(rules, name);
            if (match == null) {
                unmapped.add(originalName);
                continue;
            }
            Action action = match.rule().action();
            switch (action) {
                case RENAME -> put(out, renamed(tensor, match.target(null)), originalName, sourceName);
                case EXTRA -> {
                    put(out, renamed(tensor, match.target(null)), originalName, sourceName);
                    extras.add(match.target(null));
                }
                case TRANSPOSE -> put(out, transposed(tensor, match.target(null), sourceName), originalName, sourceName);
                case SPLIT_QKV -> {
                    List<StoredTensor> thirds = splitInThree(tensor, sourceName);
                    put(out, renamed(thirds.get(0), match.target("q")), originalName, sourceName);
                    put(out, renamed(thirds.get(1), match.target("k")), originalName, sourceName);
                    put(out, renamed(thirds.get(2), match.target("v")), originalName, sourceName);
                }
                case DROP -> dropped.add(originalName);
            }
        }
        List<String> missing = new ArrayList<>(expectedHfNames(format, out.keySet()));
        missing.removeAll(out.keySet());
        return new Mapped(format, out, extras, dropped, unmapped, missing);
    }

    /** Removes DataParallel / DistributedDataParallel prefixes ({@code module.}, possibly repeated). */
    public static String stripModulePrefix(String name) {
        String stripped = name;
        while (stripped.startsWith("module.")) {
            stripped = stripped.substring("module.".length());
        }
        return stripped;
    }

    // ---- config dimensions ----

    /**
     * Reads the config dimensions off HF-named tensors (any format, after {@link #toHf}); the same rules as
     * OpenAI's {@code build_model}: widths from the layer norms and embeddings, layer counts from the distinct
     * layer indices, patch size from the patch-embedding kernel, image size = patch × √(positions − 1),
     * {@code num_frames} from {@code mit.position_embedding [1, frames, width]}.
     *
     * @throws WeightsException naming the tensor a dimension needs when it is absent
     */
    public static InferredDims inferDims(Map<String, StoredTensor> hf) {
        int projectionDim = dim(hf, "text_projection.weight", 0);

        int textWidth = dim(hf, "text_model.final_layer_norm.weight", 0);
        int textLayers = layerCount(hf.keySet(), "text_model.encoder.layers.");
        StoredTensor tokenEmbedding = hf.get("text_model.embeddings.token_embedding.weight");
        InferredDims.Text text = new InferredDims.Text(textWidth, textLayers, headsFor(textWidth),
                intermediate(hf, "text_model.encoder.layers.", textWidth),
                dim(hf, "text_model.embeddings.position_embedding.weight", 0),
                tokenEmbedding == null ? OptionalInt.empty() : OptionalInt.of((int) tokenEmbedding.shape()[0]));

        int visionWidth = dim(hf, "vision_model.embeddings.patch_embedding.weight", 0);
        int patchSize = dim(hf, "vision_model.embeddings.patch_embedding.weight", 3);
        int positions = dim(hf, "vision_model.embeddings.position_embedding.weight", 0);
        int grid = (int) Math.round(Math.sqrt(positions - 1));
        InferredDims.Vision vision = new InferredDims.Vision(visionWidth,
                layerCount(hf.keySet(), "vision_model.encoder.layers."), headsFor(visionWidth),
                intermediate(hf, "vision_model.encoder.layers.", visionWidth), patchSize, patchSize * grid);

        Optional<InferredDims.Video> video = Optional.empty();
        if (hf.containsKey("mit.position_embedding")) {
            int mitWidth = dim(hf, "mit.position_embedding", 2);
            video = Optional.of(new InferredDims.Video(dim(hf, "mit.position_embedding", 1), mitWidth,
                    layerCount(hf.keySet(), "mit.encoder.layers."), headsFor(mitWidth),
                    intermediate(hf, "mit.encoder.layers.", mitWidth),
                    layerCount(hf.keySet(), "prompts_generator.decoder."), headsFor(projectionDim)));
        }
        return new InferredDims(projectionDim, text, vision, video);
    }

    // ---- helpers ----

    /** The HF names a complete CLIPModel / XCLIPModel with these layer counts has. */
    private static Set<String> expectedHfNames(CheckpointFormat format, Set<String> mappedNames) {
        boolean xclip = format == CheckpointFormat.XCLIP_ORIGINAL || (format == CheckpointFormat.HF
                && anyStartsWith(mappedNames, "mit.", "prompts_generator.", "prompts_visual_"));
        Set<String> names = new TreeSet<>();
        names.add("text_model.embeddings.token_embedding.weight");
        names.add("text_model.embeddings.position_embedding.weight");
        addWeightAndBias(names, "text_model.final_layer_norm");
        names.add("text_projection.weight");
        names.add("vision_model.embeddings.class_embedding");
        names.add("vision_model.embeddings.patch_embedding.weight");
        names.add("vision_model.embeddings.position_embedding.weight");
        addWeightAndBias(names, xclip ? "vision_model.pre_layernorm" : "vision_model.pre_layrnorm");
        addWeightAndBias(names, "vision_model.post_layernorm");
        names.add("visual_projection.weight");
        names.add("logit_scale");
        for (int i = 0; i < layerCount(mappedNames, "text_model.encoder.layers."); i++) {
            addEncoderLayer(names, "text_model.encoder.layers." + i + ".");
        }
        for (int i = 0; i < layerCount(mappedNames, "vision_model.encoder.layers."); i++) {
            addEncoderLayer(names, "vision_model.encoder.layers." + i + ".");
            if (xclip) {
                String layer = "vision_model.encoder.layers." + i + ".";
                addWeightAndBias(names, layer + "message_fc");
                addWeightAndBias(names, layer + "message_ln");
                for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                    addWeightAndBias(names, layer + "message_attn." + proj);
                }
            }
        }
        if (xclip) {
            names.add("mit.position_embedding");
            for (int i = 0; i < layerCount(mappedNames, "mit.encoder.layers."); i++) {
                addEncoderLayer(names, "mit.encoder.layers." + i + ".");
            }
            addWeightAndBias(names, "prompts_visual_layernorm");
            names.add("prompts_visual_projection");
            addWeightAndBias(names, "prompts_generator.layernorm");
            names.add("prompts_generator.alpha");
            for (int i = 0; i < layerCount(mappedNames, "prompts_generator.decoder."); i++) {
                String layer = "prompts_generator.decoder." + i + ".";
                for (String proj : List.of("q_proj", "k_proj", "v_proj")) {
                    names.add(layer + "cross_attn." + proj + ".weight");
                }
                for (String part : List.of("cross_attn.proj", "norm1", "norm3", "mlp.0", "mlp.3")) {
                    addWeightAndBias(names, layer + part);
                }
            }
        }
        return names;
    }

    private static void addEncoderLayer(Set<String> names, String layer) {
        for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
            addWeightAndBias(names, layer + "self_attn." + proj);
        }
        for (String part : List.of("layer_norm1", "mlp.fc1", "mlp.fc2", "layer_norm2")) {
            addWeightAndBias(names, layer + part);
        }
    }

    private static void addWeightAndBias(Set<String> names, String module) {
        names.add(module + ".weight");
        names.add(module + ".bias");
    }

    /** 1 + the highest layer index under {@code prefix} (0 when there is none). */
    private static int layerCount(Set<String> names, String prefix) {
        Pattern index = Pattern.compile(Pattern.quote(prefix) + "(\\d+)\\..*");
        int count = 0;
        for (String name : names) {
            Matcher m = index.matcher(name);
            if (m.matches()) {
                count = Math.max(count, Integer.parseInt(m.group(1)) + 1);
            }
        }
        return count;
    }

    private static int intermediate(Map<String, StoredTensor> hf, String layersPrefix, int width) {
        StoredTensor fc1 = hf.get(layersPrefix + "0.mlp.fc1.weight");
        return fc1 == null ? 4 * width : (int) fc1.shape()[0];
    }

    /** CLIP's rule, heads = width / 64; 0 (unknown) for a width the rule cannot explain, rather than a guess. */
    private static int headsFor(int width) {
        return width > 0 && width % 64 == 0 ? width / 64 : 0;
    }

    private static int dim(Map<String, StoredTensor> hf, String name, int axis) {
        StoredTensor tensor = hf.get(name);
        if (tensor == null) {
            throw new WeightsException("cannot infer the model's dimensions: no tensor '" + name + "'");
        }
        long[] shape = tensor.shape();
        if (axis >= shape.length) {
            throw new WeightsException("cannot infer the model's dimensions: tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(shape) + ", expected at least " + (axis + 1) + " dimensions");
        }
        return Math.toIntExact(shape[axis]);
    }

    private static void put(Map<String, StoredTensor> out, StoredTensor tensor, String originalName, String sourceName) {
        if (out.putIfAbsent(tensor.name(), tensor) != null) {
            throw new WeightsException(sourceName + ": '" + originalName + "' maps to '" + tensor.name()
                    + "', which another tensor already took (is the checkpoint saved both with and without 'module.'?)");
        }
    }

    private static StoredTensor renamed(StoredTensor tensor, String name) {
        return new StoredTensor(name, tensor.dtype(), tensor.shape(), tensor.data());
    }

    /** {@code nn.MultiheadAttention.in_proj_*}: three equal row blocks, each a zero-copy slice. */
    private static List<StoredTensor> splitInThree(StoredTensor tensor, String sourceName) {
        long[] shape = tensor.shape();
        if (shape.length == 0 || shape[0] % 3 != 0) {
            throw new WeightsException(sourceName + ": tensor '" + tensor.name() + "' of shape "
                    + java.util.Arrays.toString(shape) + " cannot be split into q, k, v along its first dimension");
        }
        long[] third = shape.clone();
        third[0] = shape[0] / 3;
        int bytes = (int) (tensor.byteSize() / 3);
        List<StoredTensor> parts = new ArrayList<>(3);
        for (int i = 0; i < 3; i++) {
            parts.add(new StoredTensor(tensor.name(), tensor.dtype(), third, tensor.data().slice(i * bytes, bytes)));
        }
        return parts;
    }

    /** A 2-D tensor transposed into a new contiguous direct buffer. */
    private static StoredTensor transposed(StoredTensor tensor, String name, String sourceName) {
        long[] shape = tensor.shape();
        if (shape.length != 2) {
            throw new WeightsException(sourceName + ": tensor '" + tensor.name() + "' should be 2-D to become '" + name
                    + "', but has shape " + java.util.Arrays.toString(shape));
        }
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        int itemSize = tensor.dtype().byteSize();
        ByteBuffer in = tensor.data();
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(tensor.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int from = (r * cols + c) * itemSize;
                int to = (c * rows + r) * itemSize;
                for (int b = 0; b < itemSize; b++) {
                    out.put(to + b, in.get(from + b));
                }
            }
        }
        return new StoredTensor(name, tensor.dtype(), new long[] {cols, rows}, out);
    }

    private static boolean anyStartsWith(Set<String> names, String... prefixes) {
        for (String name : names) {
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String preview(Set<String> names) {
        List<String> first = new ArrayList<>();
        for (String name : names) {
            if (first.size() == 5) {
                first.add("...");
                break;
            }
            first.add(name);
        }
        return String.join(", ", first);
    }
}
