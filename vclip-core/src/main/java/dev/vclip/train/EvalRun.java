package dev.vclip.train;

import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.VideoList;
import dev.vclip.data.DatasetJson;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.RunReport;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.RecognitionReport;
import dev.vclip.task.Scoring;
import dev.vclip.task.ZeroShot;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vclip eval}: the validation set of a training config ({@code DATA.VAL_FILE}, {@code DATA.LABEL_LIST},
 * {@code DATA.ROOT}) scored by a model folder with {@code TEST.NUM_CLIP × TEST.NUM_CROP} views, as X-CLIP's
 * {@code --only_test --opts TEST.NUM_CLIP 4 TEST.NUM_CROP 3}; top-1 / top-5, per-class accuracy and a report.
 */
public final class EvalRun {
    private EvalRun() {
    }

    /** Where encodings are cached: a folder, or null for none. */
    public record Options(Path configFile, Path model, Path output, Path cache, PrintStream out, String commandLine,
                          dev.vclip.report.Progress.Factory progress) {
    }

    public static ZeroShot.Result run(TrainConfig cfg, Options o) {
        ConfigPaths paths = new ConfigPaths(cfg, o.configFile());
        LabelTable labels = LabelTable.read(paths.existing("DATA.LABEL_LIST", "labels CSV: id,name"));
        Path list = paths.existing("DATA.VAL_FILE", "the validation list to evaluate");
        Path root = paths.resolve("DATA.ROOT");
        String rootText = root != null ? root.toString()
                : Files.isDirectory(list.toAbsolutePath().getParent().resolve("videos"))
                ? list.toAbsolutePath().getParent().resolve("videos").toString() : list.toAbsolutePath().getParent().toString();
        VideoList val = VideoList.read(list, rootText, labels, ParseReport.strict());
        try (VideoTextModel model = ModelFolder.load(o.model());
             FeatureStore store = o.cache() == null ? null : FeatureStore.open(o.cache(), Scoring.modelKey(model))) {
            ModelSetup.checkData(cfg, model.config(), "--model " + o.model());
            String template = Evaluation.template(cfg, model.config());
            int clips = cfg.integer("TEST.NUM_CLIP");
            int crops = cfg.integer("TEST.NUM_CROP");
            ZeroShot.Result r = Evaluation.run(o.progress(), model, val.entries(), labels, template, cfg.integer("DATA.NUM_FRAMES"),
                    clips, crops, cfg.integer("TRAIN.NUM_WORKERS"), cfg.integer("TRAIN.BATCH_SIZE"), store,
                    "eval " + clips + "x" + crops + " views");
            PrintStream out = o.out();
            out.printf(Locale.ROOT, "videos     %d scored, %d skipped%n", r.videos().size(), r.skipped().size());
            out.printf(Locale.ROOT, "views      %d clips x %d crops, template '%s'%n", clips, crops, template);
            out.printf(Locale.ROOT, "top-1      %.2f %%%n", r.metrics().top1());
            out.printf(Locale.ROOT, "top-5      %.2f %%%n", r.metrics().top5());
            int[] twins = DatasetJson.directionTwins(list.toAbsolutePath().getParent()).orElse(null);
            if (twins != null) {
                out.println("pairs      " + r.directionPairs(twins).describe());
            }
            if (o.output() != null) {
                RunReport report = RunReport.create("Evaluation", o.commandLine());
                report.summary("model", o.model().toString())
                        .summary("views", clips + "x" + crops);
                RecognitionReport.addTo(report, r, labels, twins, Map.of("views", clips + "x" + crops));
                List<String> skipped = new ArrayList<>();
                r.skipped().forEach(s -> skipped.add(s.spec() + ": " + s.reason()));
                report.notes("Skipped", skipped);
                report.writeJson(o.output().resolve("eval.json"));
                report.writeHtml(o.output().resolve("eval.html"));
                out.println("report     " + o.output().resolve("eval.html") + " (and eval.json)");
            }
            return r;
        }
    }
}
