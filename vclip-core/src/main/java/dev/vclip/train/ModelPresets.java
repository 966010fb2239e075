package dev.vclip.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelConfig;

import java.util.List;
import java.util.Locale;

/**
 * Architectures for training from random weights ({@code MODEL.PRETRAINED} unset), named by {@code MODEL.ARCH} as
 * the seeds name OpenAI's CLIP backbones, plus a tiny size for tests and smoke runs. The family comes from
 * {@code MODEL.TYPE} ({@code xclip}: X-CLIP's cross-frame vision, MIT and prompt generator, HF XCLIPConfig defaults;
 * {@code clip}: the ViFi-CLIP frame-level model). Image size and frame count come from {@code DATA.INPUT_SIZE} and
 * {@code DATA.NUM_FRAMES}.
 *
 * <ul>
 *   <li>{@code ViT-B/32}, {@code ViT-B/16}: vision width 768, 12 layers, 12 heads; text width 512, 12 layers, 8 heads;
 *   projection 512;</li>
 *   <li>{@code ViT-L/14}: vision width 1024, 24 layers, 16 heads; text width 768, 12 layers, 12 heads; projection 768;</li>
 *   <li>{@code tiny}: vision width 64, 2 layers, 4 heads, patch 8; text width 48, 2 layers; projection 32 (the full
 *   49408-token vocabulary, so real class names tokenize).</li>
 * </ul>
 */
public final class ModelPresets {
    private ModelPresets() {
    }

    public static final List<String> NAMES = List.of("ViT-B/32", "ViT-B/16", "ViT-L/14", "tiny");

    public static ModelConfig config(String arch, String type, int frames, int inputSize) {
        ObjectMapper json = new ObjectMapper();
        boolean xclip = "xclip".equals(type);
        ObjectNode c = json.createObjectNode().put("model_type", xclip ? "xclip" : "clip");
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
            case "TINY" -> {
                c.put("projection_dim", 32).put("prompt_num_attention_heads", 4);
                t.put("hidden_size", 48).put("intermediate_size", 96).put("num_hidden_layers", 2)
                        .put("num_attention_heads", 4);
                v.put("hidden_size", 64).put("intermediate_size", 128).put("num_hidden_layers", 2)
                        .put("num_attention_heads", 4).put("patch_size", 8);
                if (xclip) {
                    v.put("mit_hidden_size", 32).put("mit_intermediate_size", 64).put("mit_num_attention_heads", 2);
                }
            }
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
        return ModelConfig.fromJson("preset " + arch + " (" + type + ")", c, w -> { });
    }
}
