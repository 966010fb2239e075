package dev.vclip.train;

import dev.vclip.data.LabelTable;
import dev.vclip.data.VideoEntry;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Progress;
import dev.vclip.task.ClipSampler;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.VideoEncoder;
import dev.vclip.task.ZeroShot;
import dev.vclip.video.Sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * Validation as X-CLIP's {@code main.py validate()}: every class name through the text template, each video encoded
 * per view ({@code TEST.NUM_CLIP} temporal clips × {@code TEST.NUM_CROP} crops; 1×1 during training), softmax per
 * view summed, top-1 / top-5 ({@link ZeroShot}, {@link dev.vclip.eval.ClassificationMetrics}). Temporal views are
 * the deterministic segment middles ({@link Sampling.SegmentMiddle}) vclip's zero-shot command uses; X-CLIP draws
 * them at random when NUM_CLIP > 1.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * The class-text template of a config and model: X-CLIP classifies with the bare class name
     * ({@code generate_text}); ViFi-CLIP with {@code CTX_INIT + " " + name + "."} ({@code VLPromptLearner}),
     * with {@code name + "."} after learned context (the model adds the context placeholders) and with the bare
     * name under {@code ZS_EVAL}.
     */
    public static String template(TrainConfig cfg, ModelConfig model) {
        if (cfg.bool("TRAINER.ViFi_CLIP.ZS_EVAL")) {
            return "{}";
        }
        if (model.family().classTemplate() != null) {
            return model.family().classTemplate();
        }
        if (cfg.bool("TRAINER.ViFi_CLIP.PROMPT_MODEL") && cfg.integer("TRAINER.ViFi_CLIP.N_CTX_TEXT") > 0) {
            return "{}.";
        }
        String init = cfg.string("TRAINER.ViFi_CLIP.CTX_INIT").replace("_", " ").trim();
        return init.isEmpty() ? "{}." : init + " {}.";
    }

    /** The text of every class (ViFi-CLIP replaces underscores in class names with spaces). */
    public static List<String> classTexts(LabelTable labels, String template) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            out.add(ZeroShot.classText(template, labels.name(c).replace("_", " ")));
        }
        return out;
    }

    /**
     * Classifies {@code entries}; {@code store} may be null (no feature cache: required while weights change).
     */
    public static ZeroShot.Result run(Progress.Factory progressFactory, VideoTextModel model, List<VideoEntry> entries, LabelTable labels,
                                      String template, int frames, int clips, int crops, int workers, int batch,
                                      FeatureStore store, String task) {
        ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(frames, clips),
                model.config().vision().imageSize(), crops, null);
        VideoEncoder encoder = new VideoEncoder(model, sampler, store, workers, batch);
        LabelTable spaced = LabelTable.of(labels.source(), labels.names().stream().map(n -> n.replace("_", " ")).toList());
        try (Progress progress = progressFactory.start(task, entries.size())) {
            return ZeroShot.run(model, entries, spaced, template, encoder, progress::stepTo);
        }
    }
}
