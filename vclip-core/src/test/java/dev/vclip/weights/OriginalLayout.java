package dev.vclip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.weights.KeyMapping.Mapped;
import dev.vclip.weights.TorchSaveWriter.StateDict;
import dev.vclip.weights.pytorch.PytorchCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test helper: the HF fixture models taken back to the original OpenAI CLIP / X-CLIP layout by an inverse written
 * independently of {@link KeyMapping} (the reverse of HF's conversion scripts), for checkpoint round trips.
 */
public final class OriginalLayout {
    private OriginalLayout() {
    }

    public static Path fixtureFolder(String name) {
        return dev.vclip.TestResources.path("models/" + name);
    }

    /**
     * The fixture's weights saved as X-CLIP's or OpenAI's training code would ({@code {'model': state dict, 'epoch',
     * 'config': CfgNode}}), with {@code extra} tensors added to the state dict under their own names.
     */
    public static Path writeOriginalCheckpoint(String fixture, Path file, Map<String, StoredTensor> extra)
            throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        Map<String, Object> stateDict = toOriginal(readSafetensors(fixtureFolder(fixture).resolve("model.safetensors")),
                fixture.startsWith("xclip"), w);
        extra.forEach((name, t) -> stateDict.put(name, w.contiguous(t.dtype(), t.shape(), bytes(t))));
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("model", new StateDict(stateDict));
        checkpoint.put("epoch", 29L);
        checkpoint.put("config", new TorchSaveWriter.PickledObject("yacs.config", "CfgNode", Map.of("TRAIN", "x"),
                Map.of()));
        w.write(file, checkpoint);
        return file;
    }

    /**
     * The tensors of a {@code torch.save} file under the names it stores them by (a state dict's keys; nested ones as
     * the reader flattens them), copied out so that they outlive the file.
     */
    public static Map<String, StoredTensor> readCheckpoint(Path file) {
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            for (String name : checkpoint.names()) {
                StoredTensor t = checkpoint.get(name);
                ByteBuffer copy = ByteBuffer.wrap(bytes(t)).order(ByteOrder.LITTLE_ENDIAN);
                tensors.put(name, new StoredTensor(name, t.dtype(), t.shape(), copy));
            }
        }
        return tensors;
    }

    /** Writes {@code tensors} under their names as a plain state dict: {@code torch.save(model.state_dict(), file)}. */
    public static Path writeStateDict(Path file, Map<String, StoredTensor> tensors) throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        Map<String, Object> stateDict = new LinkedHashMap<>();
        tensors.forEach((name, t) -> stateDict.put(name, w.contiguous(t.dtype(), t.shape(), bytes(t))));
        w.write(file, new StateDict(stateDict));
        return file;
    }

    /** A safetensors file read whole: 8-byte header length, JSON header, little-endian data (F32 here). */
    static Map<String, StoredTensor> readSafetensors(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) all.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            if (field.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode info = field.getValue();
            long[] shape = new long[info.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = info.get("shape").get(i).asLong();
            }
            int begin = 8 + headerLength + info.get("data_offsets").get(0).asInt();
            int end = 8 + headerLength + info.get("data_offsets").get(1).asInt();
            tensors.put(field.getKey(), new StoredTensor(field.getKey(),
                    DType.fromSafetensorsName(info.get("dtype").asText()), shape, all.slice(begin, end - begin)));
        }
        return tensors;
    }

    /** HF name → original name, the reverse of the HF conversion scripts (order matters: longest first). */
    static String originalName(String hf, boolean xclip) {
        String name = hf;
        String[][] prefixes = {
                {"text_model.embeddings.token_embedding.weight", "token_embedding.weight"},
                {"text_model.embeddings.position_embedding.weight", "positional_embedding"},
                {"text_model.encoder.layers.", "transformer.resblocks."},
                {"text_model.final_layer_norm.", "ln_final."},
                {"text_projection.weight", "text_projection"},
                {"vision_model.embeddings.class_embedding", "visual.class_embedding"},
                {"vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"},
                {"vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"},
                {"vision_model.pre_layrnorm.", "visual.ln_pre."},
                {"vision_model.pre_layernorm.", "visual.ln_pre."},
                {"vision_model.encoder.layers.", "visual.transformer.resblocks."},
                {"vision_model.post_layernorm.", "visual.ln_post."},
                {"visual_projection.weight", "visual.proj"},
                {"mit.position_embedding", "mit.positional_embedding"},
                {"mit.encoder.layers.", "mit.resblocks."},
                {"prompts_visual_layernorm.", "prompts_visual_ln."},
                {"prompts_visual_projection", "prompts_visual_proj"},
                {"prompts_generator.layernorm.", "prompts_generator.norm."},
        };
        for (String[] pair : prefixes) {
            if (name.startsWith(pair[0])) {
                name = pair[1] + name.substring(pair[0].length());
                break;
            }
        }
        if (!name.startsWith("prompts_generator.")) {
            name = name.replace(".self_attn.out_proj.", ".attn.out_proj.")
                    .replace(".layer_norm1.", ".ln_1.").replace(".layer_norm2.", ".ln_2.")
                    .replace(".mlp.fc1.", ".mlp.c_fc.").replace(".mlp.fc2.", ".mlp.c_proj.");
        }
        return name;
    }

    static byte[] bytes(StoredTensor tensor) {
        ByteBuffer data = tensor.data().duplicate();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    static float[] transpose(float[] values, int rows, int cols) {
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = values[r * cols + c];
            }
        }
        return out;
    }

    /** The original-layout state dict, as X-CLIP's or OpenAI's code would have saved it. */
    static Map<String, Object> toOriginal(Map<String, StoredTensor> hf, boolean xclip, TorchSaveWriter w) {
        Map<String, Object> original = new LinkedHashMap<>();
        for (StoredTensor tensor : hf.values()) {
            String name = tensor.name();
            if (name.matches(".*\\.(self_attn|message_attn)\\.[kv]_proj\\.(weight|bias)")) {
                continue; // written together with q below
            }
            if (name.matches(".*\\.(self_attn|message_attn)\\.q_proj\\.(weight|bias)")) {
                String attention = name.contains(".message_attn.") ? "message_attn" : "self_attn";
                String param = name.endsWith(".weight") ? "weight" : "bias";
                String layer = name.substring(0, name.indexOf("." + attention + ".") + 1);
                byte[] q = bytes(tensor);
                byte[] k = bytes(hf.get(layer + attention + ".k_proj." + param));
                byte[] v = bytes(hf.get(layer + attention + ".v_proj." + param));
                byte[] qkv = new byte[q.length * 3];
                System.arraycopy(q, 0, qkv, 0, q.length);
                System.arraycopy(k, 0, qkv, q.length, k.length);
                System.arraycopy(v, 0, qkv, 2 * q.length, v.length);
                long[] shape = tensor.shape();
                shape[0] *= 3;
                String inProj = originalName(layer, xclip) + (attention.equals("message_attn") ? "message_attn" : "attn")
                        + ".in_proj_" + param;
                original.put(inProj, w.contiguous(DType.F32, shape, qkv));
                continue;
            }
            if (name.equals("text_projection.weight") || name.equals("visual_projection.weight")) {
                int rows = (int) tensor.shape()[0];
                int cols = (int) tensor.shape()[1];
                original.put(originalName(name, xclip), w.contiguous(DType.F32, new long[] {cols, rows},
                        TorchSaveWriter.f32(transpose(tensor.toFloatArray(), rows, cols))));
                continue;
            }
            original.put(originalName(name, xclip), w.contiguous(tensor.dtype(), tensor.shape(), bytes(tensor)));
        }
        return original;
    }
}
