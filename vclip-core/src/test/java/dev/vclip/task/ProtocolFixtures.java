package dev.vclip.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.data.synth.Mp4Writer;
import dev.vclip.data.synth.VideoCodec;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.AtomicFiles;
import dev.vclip.weights.SafeTensors;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Inputs of the retrieval-protocol tests: a tiny CLIP4Clip with random weights and the full CLIP vocabulary (so real
 * sentences tokenize), and short real videos of different lengths at a whole frame rate.
 */
final class ProtocolFixtures {
    private ProtocolFixtures() {
    }

    /** Frames per second of {@link #writeVideos}. */
    static final int FPS = 5;

    /** A tiny CLIP4Clip config: 32 px frames, text and joint width 32 (as the seqTransf and tightTransf headers need). */
    static ModelConfig clip4clip(String simHeader, int maxWords, int maxFrames) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode().put("model_type", "clip4clip").put("projection_dim", 32)
                .put("sim_header", simHeader).put("max_words", maxWords).put("max_frames", maxFrames)
                .put("cross_num_hidden_layers", 1).put("cross_num_attention_heads", 4);
        c.putObject("text_config").put("hidden_size", 32).put("intermediate_size", 64).put("num_hidden_layers", 1)
                .put("num_attention_heads", 4);
        c.putObject("vision_config").put("hidden_size", 32).put("intermediate_size", 64).put("num_hidden_layers", 1)
                .put("num_attention_heads", 4).put("image_size", 32).put("patch_size", 16);
        return ModelConfig.fromJson("tiny clip4clip " + simHeader, c, w -> { });
    }

    /** A vclip model folder (config.json + model.safetensors) with random weights. */
    static Path writeModel(Path dir, ModelConfig config, long seed) {
        try (VideoTextModel model = ModelFolder.random(config, seed)) {
            Files.createDirectories(dir);
            SafeTensors.write(dir.resolve("model.safetensors"), model.weights().toStoredTensors(), Map.of("format", "pt"));
            AtomicFiles.write(dir.resolve("config.json"), new ObjectMapper().writeValueAsBytes(config.toJson()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code <id>.mp4} in {@code dir} for every id, {@code seconds} long at {@link #FPS} fps (MPEG-4, 64x48), each
     * frame a flat colour that drifts with the frame index and differs between videos.
     */
    static void writeVideos(Path dir, Map<String, Integer> seconds) {
        int video = 0;
        for (Map.Entry<String, Integer> e : seconds.entrySet()) {
            try (Mp4Writer w = new Mp4Writer(dir.resolve(e.getKey() + ".mp4"), 64, 48, FPS, 1, VideoCodec.MPEG4)) {
                for (int f = 0; f < e.getValue() * FPS; f++) {
                    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
                    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
                    for (int p = 0; p < bgr.length; p += 3) {
                        bgr[p] = (byte) (40 * video + 8 * f);
                        bgr[p + 1] = (byte) (200 - 30 * video);
                        bgr[p + 2] = (byte) (p % 192 < 96 ? 60 * video : 255 - 5 * f);
                    }
                    w.write(image);
                }
                w.finish();
            }
            video++;
        }
    }
}
