package dev.vclip.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.data.synth.Action;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.weights.SafeTensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Shared inputs of the task tests: a tiny synthetic dataset (generated for real, once per JVM) and tiny random-weight
 * CLIP and X-CLIP folders with the full CLIP vocabulary, so real captions tokenize.
 */
final class TaskFixtures {
    private TaskFixtures() {
    }

    private static Path root;

    static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("vclip-task-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SynthConfig config = SynthConfig.of(SynthConfig.Size.SMALL)
                    .withClasses(List.of(Action.MOVING_LEFT, Action.MOVING_RIGHT, Action.GROWING, Action.SHRINKING))
                    .withClipsPerClass(3).withClipFrames(16).withResolution(64, 64).withLongVideos(1, 20).withSeed(3);
            SyntheticDataset.generate(root.resolve("synth"), config, false, null);
            writeModel(root.resolve("xclip"), "xclip");
            writeModel(root.resolve("clip"), "clip");
        }
        return root;
    }

    static Path dataset() {
        return root().resolve("synth");
    }

    static Path model(String type) {
        return root().resolve(type);
    }

    static ModelConfig tinyConfig(String type) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode().put("model_type", type).put("projection_dim", 32)
                .put("prompt_num_attention_heads", 4);
        c.putObject("text_config").put("hidden_size", 48).put("intermediate_size", 96).put("num_hidden_layers", 2)
                .put("num_attention_heads", 4);
        ObjectNode v = c.putObject("vision_config").put("hidden_size", 64).put("intermediate_size", 128)
                .put("num_hidden_layers", 2).put("num_attention_heads", 4).put("image_size", 32).put("patch_size", 8);
        if (type.equals("xclip")) {
            v.put("num_frames", 4).put("mit_hidden_size", 32).put("mit_intermediate_size", 64)
                    .put("mit_num_attention_heads", 2);
        }
        return ModelConfig.fromJson("tiny " + type, c, w -> { });
    }

    private static void writeModel(Path dir, String type) {
        ModelConfig config = tinyConfig(type);
        try (VideoTextModel model = ModelFolder.random(config, 11)) {
            Files.createDirectories(dir);
            SafeTensors.write(dir.resolve("model.safetensors"), model.weights().toStoredTensors(), Map.of("format", "pt"));
            config.write(dir.resolve("config.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
