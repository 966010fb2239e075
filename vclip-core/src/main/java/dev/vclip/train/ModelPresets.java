package dev.vclip.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFamilies;

import java.util.List;
import java.util.Locale;

/**
 * Architectures for training from random weights ({@code MODEL.PRETRAINED} unset), named by {@code MODEL.ARCH} as
 * the seeds name OpenAI's CLIP backbones, plus a tiny size for tests and smoke runs. The family comes from
 * {@code MODEL.TYPE}, any registered {@code model_type} ({@code xclip}: X-CLIP's cross-frame vision, MIT and prompt
 * generator, HF XCLIPConfig defaults; {@code clip}: the ViFi-CLIP frame-level model; {@code clip4clip}: CLIP4Clip with
 * the similarity header of {@code MODEL.SIM_HEADER}; a family's own keys take its defaults otherwise). Image size and
 * frame count come from {@code DATA.INPUT_SIZE} and {@code DATA.NUM_FRAMES}.
 *
 * <ul>
 *   <li>{@code ViT-B/32}, {@code ViT-B/16}: vision width 768, 12 layers, 12 heads; text width 512, 12 layers, 8 heads;
 *   projection 512;</li>
 *   <li>{@code ViT-L/14}: vision width 1024, 24 layers, 16 heads; text width 768, 12 layers, 12 heads; projection 768;</li>
 *   <li>{@code tiny}: vision width 64, 2 layers, 4 heads, patch 8; text width 48, 2 layers; projection 32 (the full
 *   49408-token vocabulary, so real class names tokenize).</li>
 *   <li>{@code small}: vision width 96, 3 layers, 4 heads, patch 8; text width 64, 3 layers; projection 64 (the bundled
 *   model {@code models/xclip-synth}: enough to learn colours, shapes, motions and their order from scratch).</li>
 * </ul>
 *
 * <p>CLIP4Clip: the header works at the text width on the projected frame features (its seqTransf and tightTransf
 * need projection = text width, as OpenAI's CLIPs have it), so the clip4clip {@code tiny} projects to 48. The header
 * settings come from {@code MODEL.SIM_HEADER}, {@code MODEL.CROSS_NUM_HIDDEN_LAYERS},
 * {@code MODEL.CROSS_NUM_ATTENTION_HEADS} and {@code DATA.MAX_WORDS}, and {@code max_frames} is
 * {@code DATA.NUM_FRAMES}; with any other {@code MODEL.TYPE} those keys must keep their defaults.
 */
public final class ModelPresets {
    private ModelPresets() {
    }

    public static final List<String> NAMES = List.of("ViT-B/32", "ViT-B/16", "ViT-L/14", "small", "tiny");

    /** The training keys that shape a clip4clip model, as CLIP4Clip's arguments name them (upper-cased). */
    static final List<String> CLIP4CLIP_KEYS = List.of("MODEL.SIM_HEADER", "MODEL.CROSS_NUM_HIDDEN_LAYERS",
            "MODEL.CROSS_NUM_ATTENTION_HEADS", "DATA.MAX_WORDS", "MODEL.CLUSTER_INTER", "MODEL.CLUSTER_ALGO",
            "MODEL.CLUSTER_NUM_BLOCKS", "MODEL.TARGET_FRAMES_BLOCKS", "MODEL.CLUSTER_DISTANCE", "MODEL.MINKOWSKI_NORM_P",
            "MODEL.CLUSTER_ITER_LIMIT", "MODEL.CLUSTER_THRESHOLD", "MODEL.PRE_NORM", "MODEL.SPECTRAL_SIGMA",
            "MODEL.SPECTRAL_GRAPH", "MODEL.SPECTRAL_KNN_K");

    /** The preset of {@code MODEL.ARCH} for {@code MODEL.TYPE} and the data keys, with the family's keys. */
    public static ModelConfig config(TrainConfig cfg) {
        String arch = cfg.string("MODEL.ARCH");
        String type = ModelFamilies.require(cfg.string("MODEL.TYPE")).modelType();
        boolean clip4clip = "clip4clip".equals(type);
        if (!clip4clip) {
            cfg.rejectChanged(CLIP4CLIP_KEYS, "MODEL.TYPE " + type, "MODEL.TYPE clip4clip (CLIP4Clip's header)");
        }
        ObjectNode c = towers(arch, type, cfg.integer("DATA.NUM_FRAMES"), cfg.integer("DATA.INPUT_SIZE"));
        if (clip4clip) {
            clip4clipHeader(c, cfg);
        }
        return ModelConfig.fromJson("preset " + arch + " (" + type + ")", c, w -> { });
    }

    /** The preset for a family with its keys at their defaults. */
    public static ModelConfig config(String arch, String type, int frames, int inputSize) {
        return config(TrainConfig.defaults().withOpts(List.of("MODEL.ARCH", arch, "MODEL.TYPE", type,
                "DATA.NUM_FRAMES", String.valueOf(frames), "DATA.INPUT_SIZE", String.valueOf(inputSize))));
    }

    /** config.json of the two CLIP towers of a size (and X-CLIP's modules, sized to fit). */
    private static ObjectNode towers(String arch, String type, int frames, int inputSize) {
        boolean xclip = "xclip".equals(type);
        ObjectNode c = new ObjectMapper().createObjectNode().put("model_type", type);
        ObjectNode t = c.putObject("text_config");
        ObjectNode v = c.putObject("vision_config").put("image_size", inputSize);
        switch (arch.toUpperCase(Locale.ROOT)) {
            case "VIT-B/32" -> v.put("patch_size", 32);
            case "VIT-B/16" -> v.put("patch_size", 16);
            case "VIT-L/14" -> {
                c.put("projection_dim", 768);
                t.put("hidden_size", 768).put("intermediate_size", 3072).put("num_attention_heads", 12);
                v.put("patch_size", 14).put("hidden_size", 1024).put("intermediate_size", 4096)
                        .put("num_hidden_layers", 24).put("num_attention_heads", 16);
                if (xclip) {
                    v.put("mit_hidden_size", 768).put("mit_intermediate_size", 3072).put("mit_num_attention_heads", 12);
                    c.put("prompt_num_attention_heads", 12);
                }
            }
            case "TINY" -> scaled(c, t, v, xclip, 32, 48, 64, 2, 2, 2);
            case "SMALL" -> scaled(c, t, v, xclip, 64, 64, 96, 3, 4, 4);
            default -> throw new ConfigException("MODEL.ARCH '" + arch + "' is not a preset vclip knows ("
                    + String.join(", ", NAMES) + "); set MODEL.PRETRAINED to a model folder instead");
        }
        if (xclip) {
            v.put("num_frames", frames);
        }
        int patch = v.get("patch_size").asInt();
        if (inputSize % patch != 0) {
            throw new ConfigException("DATA.INPUT_SIZE " + inputSize + " is not a multiple of the patch size " + patch
                    + " of MODEL.ARCH " + arch);
        }
        return c;
    }

    /**
     * A small CLIP: text and vision towers of the given widths and depth with 4 heads and MLPs {@code mlpRatio} times
     * as wide, patch 8; X-CLIP's multi-frame integration transformer and prompt generator at the projection width
     * (the MIT takes the projected frame features).
     */
    private static void scaled(ObjectNode c, ObjectNode t, ObjectNode v, boolean xclip, int projection, int textWidth,
                               int visionWidth, int layers, int mlpRatio, int mitHeads) {
        c.put("projection_dim", projection);
        t.put("hidden_size", textWidth).put("intermediate_size", mlpRatio * textWidth).put("num_hidden_layers", layers)
                .put("num_attention_heads", 4);
        v.put("hidden_size", visionWidth).put("intermediate_size", mlpRatio * visionWidth)
                .put("num_hidden_layers", layers).put("num_attention_heads", 4).put("patch_size", 8);
        if (xclip) {
            c.put("prompt_num_attention_heads", 4);
            v.put("mit_hidden_size", projection).put("mit_intermediate_size", mlpRatio * projection)
                    .put("mit_num_attention_heads", mitHeads);
        }
    }

    /**
     * CLIP4Clip's header settings, and projection = text width (OpenAI's CLIPs have it; the header runs at the text
     * width on projected frame features). Problems are named by their training keys.
     */
    private static void clip4clipHeader(ObjectNode c, TrainConfig cfg) {
        ObjectNode t = (ObjectNode) c.get("text_config");
        int width = t.path("hidden_size").asInt(512); // HF CLIPTextConfig's default
        int positions = t.path("max_position_embeddings").asInt(77);
        c.put("projection_dim", width);
        int words = cfg.integer("DATA.MAX_WORDS");
        if (words > positions) {
            throw cfg.error("DATA.MAX_WORDS", "is " + words + " but the text tower of MODEL.ARCH "
                    + cfg.string("MODEL.ARCH") + " has " + positions + " positions");
        }
        String header = cfg.string("MODEL.SIM_HEADER");
        int heads = cfg.integer("MODEL.CROSS_NUM_ATTENTION_HEADS");
        if ("tightTransf".equals(header) && width % heads != 0) {
            throw cfg.error("MODEL.CROSS_NUM_ATTENTION_HEADS", "is " + heads + " but must divide the text width "
                    + width + " of MODEL.ARCH " + cfg.string("MODEL.ARCH") + " (the cross transformer's width)");
        }
        c.put("sim_header", header).put("max_words", words).put("max_frames", cfg.integer("DATA.NUM_FRAMES"))
                .put("cross_num_hidden_layers", cfg.integer("MODEL.CROSS_NUM_HIDDEN_LAYERS"))
                .put("cross_num_attention_heads", heads);
        if (cfg.bool("MODEL.CLUSTER_INTER")) {
            tokenClustering(c, cfg);
        }
    }

    /**
     * CenterCLIP's token clustering ({@code config.json}'s {@code token_clustering}, its {@code params.py} names) from
     * the {@code MODEL.CLUSTER_*} keys; CenterCLIP's LayerNorm epsilon 1e-5 in the header.
     */
    private static void tokenClustering(ObjectNode c, TrainConfig cfg) {
        // ViT-B presets leave num_hidden_layers to HF CLIPVisionConfig's default, 12
        int layers = c.get("vision_config").path("num_hidden_layers").asInt(12);
        ObjectNode tc = c.putObject("token_clustering");
        tc.put("cluster_inter", 1).put("cluster_algo", cfg.string("MODEL.CLUSTER_ALGO"));
        for (String key : List.of("MODEL.CLUSTER_NUM_BLOCKS", "MODEL.TARGET_FRAMES_BLOCKS")) {
            List<String> values = cfg.list(key);
            if (values.size() != layers) {
                throw cfg.error(key, "has " + values.size() + " entries; MODEL.CLUSTER_INTER needs one per vision "
                        + "layer of MODEL.ARCH " + cfg.string("MODEL.ARCH") + " (" + layers + ")");
            }
            values.forEach(v -> tc.withArray(key.substring("MODEL.".length()).toLowerCase(Locale.ROOT))
                    .add(Integer.parseInt(v)));
        }
        tc.put("cluster_distance", cfg.string("MODEL.CLUSTER_DISTANCE"))
                .put("minkowski_norm_p", cfg.number("MODEL.MINKOWSKI_NORM_P"))
                .put("cluster_iter_limit", cfg.integer("MODEL.CLUSTER_ITER_LIMIT"))
                .put("cluster_threshold", cfg.number("MODEL.CLUSTER_THRESHOLD"))
                .put("pre_norm", cfg.bool("MODEL.PRE_NORM") ? 1 : 0)
                .put("aggregation", cfg.string("MODEL.AGGREGATION"))
                .put("spectral_sigma", cfg.number("MODEL.SPECTRAL_SIGMA"))
                .put("spectral_graph", cfg.string("MODEL.SPECTRAL_GRAPH"))
                .put("spectral_knn_k", cfg.integer("MODEL.SPECTRAL_KNN_K"));
        c.put("header_layer_norm_eps", 1e-5);
    }
}
