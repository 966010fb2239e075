package dev.vclip.testfamily;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.model.Clip;
import dev.vclip.model.ConfigReader;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFamilies;
import dev.vclip.model.ModelFamily;
import dev.vclip.model.Trace;
import dev.vclip.model.VideoEncoding;
import dev.vclip.model.VideoInput;
import dev.vclip.model.VideoTextModel;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.StoredTensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A family that lives outside vclip's main sources, registered by one line in the test resources'
 * {@code META-INF/services/dev.vclip.model.ModelFamily}: CLIP's towers with the frame features pooled by max (or mean)
 * over time, chosen by its own config key {@code "frame_pooling"}. It proves that a family is one file plus one
 * registry line: nothing in vclip's main code names it.
 */
public final class FramePoolingClip implements VideoTextModel {

    /** Its own config: how frames are pooled. */
    public record Config(String pooling) implements ModelFamily.FamilyConfig {
    }

    private final ModelConfig config;
    private final Clip clip;
    private final boolean max;

    FramePoolingClip(ModelConfig config, Clip clip) {
        this.config = config;
        this.clip = clip;
        this.max = config.familyConfig(Config.class).pooling().equals("max");
    }

    /** Frame features [V, F, P] pooled over F and L2-normalised: [V, P]. */
    @Override
    public NDArray videoFeatures(NDArray pixelValuesVideo) {
        NDArray frames = clip.videoFrameFeatures(pixelValuesVideo);
        NDArray pooled = max ? frames.max(new int[]{1}) : frames.mean(new int[]{1});
        NDArray norm = pooled.norm(new int[]{1}, true);
        NDArray out = pooled.div(norm);
        frames.close();
        pooled.close();
        norm.close();
        return out;
    }

    @Override
    public VideoEncoding encodeVideos(NDArray pixelValuesVideo) {
        return new VideoEncoding(videoFeatures(pixelValuesVideo), null);
    }

    @Override
    public NDArray logits(VideoEncoding videos, NDArray textFeatures) {
        return clip.logits(videos, textFeatures);
    }

    @Override
    public NDArray textFeatures(List<String> texts, NDManager manager) {
        return clip.textFeatures(texts, manager);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelWeights weights() {
        return clip.weights();
    }

    @Override
    public ClipTokenizer tokenizer() {
        return clip.tokenizer();
    }

    @Override
    public void close() {
        clip.close();
    }

    /** The family: registered in META-INF/services, found by model_type {@code "frame_pooling_clip"}. */
    public static final class Family implements ModelFamily {

        private static ModelFamily clipFamily() {
            return ModelFamilies.require("clip");
        }

        /** The same towers as a plain CLIP config. */
        private static ModelConfig asClip(ModelConfig c) {
            return new ModelConfig(clipFamily(), c.projectionDim(), c.logitScaleInitValue(), c.text(), c.vision(),
                    Clip.Config.NONE);
        }

        @Override
        public String modelType() {
            return "frame_pooling_clip";
        }

        @Override
        public String displayName() {
            return "CLIP with frame pooling (test family)";
        }

        @Override
        public String architecture() {
            return "FramePoolingClipModel";
        }

        @Override
        public FamilyConfig readConfig(ConfigReader top, ConfigReader text, ConfigReader vision) {
            return new Config(top.choice("frame_pooling", "max", Set.of("max", "mean")));
        }

        @Override
        public void writeConfig(ModelConfig config, ObjectNode top, ObjectNode text, ObjectNode vision) {
            top.put("frame_pooling", config.familyConfig(Config.class).pooling());
        }

        @Override
        public Map<String, long[]> parameterShapes(ModelConfig config) {
            return clipFamily().parameterShapes(asClip(config));
        }

        @Override
        public VideoInput videoInput(ModelConfig config) {
            return VideoInput.anyFrames(4, config.vision().imageSize());
        }

        @Override
        public Class<FramePoolingClip> modelClass() {
            return FramePoolingClip.class;
        }

        @Override
        public VideoTextModel create(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
            return new FramePoolingClip(config, (Clip) clipFamily().create(asClip(config), weights, tokenizer));
        }

        @Override
        public Set<String> referenceOutputs() {
            return Set.of("video_frame_features", "video_embeds_pooled");
        }

        @Override
        public void computeReference(VideoTextModel model, Map<String, NDArray> inputs, Trace trace,
                                     Map<String, NDArray> out) {
            NDArray video = inputs.get("pixel_values_video");
            if (video != null) {
                FramePoolingClip m = (FramePoolingClip) model;
                out.put("video_frame_features", m.clip.videoFrameFeatures(video));
                out.put("video_embeds_pooled", m.videoFeatures(video));
            }
        }

        @Override
        public boolean claims(Set<String> hfNames) {
            return false; // its tensors are CLIP's: only config.json tells it apart
        }

        @Override
        public ModelConfig inferConfig(Map<String, StoredTensor> hfTensors, ModelConfig.HeadCount heads) {
            ModelConfig c = clipFamily().inferConfig(hfTensors, heads);
            return new ModelConfig(this, c.projectionDim(), c.logitScaleInitValue(), c.text(), c.vision(),
                    new Config("max"));
        }
    }
}
