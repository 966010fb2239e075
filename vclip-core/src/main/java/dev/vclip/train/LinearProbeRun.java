package dev.vclip.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.Splits;
import dev.vclip.data.VideoEntry;
import dev.vclip.data.VideoList;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Percent;
import dev.vclip.report.Progress;
import dev.vclip.report.RunReport;
import dev.vclip.report.Series;
import dev.vclip.task.ClipSampler;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.Scoring;
import dev.vclip.task.VideoEncoder;
import dev.vclip.video.Sampling;
import dev.vclip.AtomicFiles;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vclip linear-probe}: video features of a frozen model, computed once with {@link VideoEncoder} and kept in
 * a {@link FeatureStore} (so a second probe over the same videos decodes nothing), then a {@link LinearProbe} trained
 * on the training list (one centre view per video) and evaluated on the validation list with
 * {@code TEST.NUM_CLIP × TEST.NUM_CROP} views (softmax per view, summed). Writes {@code linear_probe.safetensors},
 * {@code log.jsonl} (loss and accuracy per epoch) and a report with the curves; rates in the JSON are fractions
 * ({@code "rate_unit": "fraction"}).
 */
public final class LinearProbeRun {
    private LinearProbeRun() {
    }

    public record Options(Path configFile, Path model, Path output, Path cache, PrintStream out, String commandLine,
                          Progress.Factory progress) {
    }

    public record Result(ClassificationMetrics.Result metrics, LinearProbe.Head head, List<LinearProbe.Epoch> history,
                         int trainVideos, int valVideos, int fromCache) {
    }

    public static Result run(TrainConfig cfg, Options o) {
        ConfigPaths paths = new ConfigPaths(cfg, o.configFile());
        Path modelDir = o.model() != null ? o.model() : paths.resolve("MODEL.PRETRAINED");
        if (modelDir == null) {
            throw new ConfigException("linear-probe needs a model: --model DIR or MODEL.PRETRAINED");
        }
        LabelTable labels = LabelTable.read(paths.existing("DATA.LABEL_LIST", "labels CSV: id,name"));
        Path trainList = paths.existing("DATA.TRAIN_FILE", "training list");
        Path root = paths.resolve("DATA.ROOT");
        String rootText = root != null ? root.toString() : defaultRoot(trainList);
        VideoList train = VideoList.read(trainList, rootText, labels, ParseReport.strict());
        if (cfg.integer("DATA.SHOTS") > 0) {
            train = Splits.kShot(train, cfg.integer("DATA.SHOTS"), cfg.integer("SEED"));
        }
        VideoList val = cfg.string("DATA.VAL_FILE").isEmpty() ? null
                : VideoList.read(paths.existing("DATA.VAL_FILE", "validation list"), rootText, labels, ParseReport.strict());
        PrintStream out = o.out();
        try (VideoTextModel model = ModelFolder.load(modelDir);
             FeatureStore store = o.cache() == null ? null : FeatureStore.open(o.cache(), Scoring.modelKey(model))) {
            ModelSetup.checkData(cfg, model.config(), "--model " + modelDir);
            int frames = cfg.integer("DATA.NUM_FRAMES");
            int workers = cfg.integer("TRAIN.NUM_WORKERS");
            int batch = cfg.integer("TRAIN.BATCH_SIZE");
            Features trainFeatures = encode(model, train.entries(), frames, 1, 1, store, workers, batch, "encode training videos",
                    o.progress());
            float[][] x = new float[trainFeatures.views.size()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = trainFeatures.views.get(i)[0];
            }
            int[] y = trainFeatures.labels.stream().mapToInt(Integer::intValue).toArray();
            LinearProbe.Settings settings = new LinearProbe.Settings(cfg.integer("LINEAR_PROBE.EPOCHS"),
                    cfg.number("LINEAR_PROBE.LR"), cfg.number("LINEAR_PROBE.WEIGHT_DECAY"),
                    cfg.integer("LINEAR_PROBE.BATCH_SIZE"), cfg.integer("SEED"));
            List<LinearProbe.Epoch> history = new ArrayList<>();
            LinearProbe.Head head = LinearProbe.train(x, y, labels.size(), settings, history);
            LinearProbe.Epoch last = history.get(history.size() - 1);
            out.printf(Locale.ROOT, "probe      %d videos, %d-d features, %d epochs: loss %.4f, train accuracy %.2f %%%n",
                    x.length, x[0].length, history.size(), last.loss(), 100 * last.accuracy());
            ClassificationMetrics.Result metrics = null;
            int valVideos = 0;
            int fromCache = trainFeatures.fromCache;
            if (val != null) {
                int clips = cfg.integer("TEST.NUM_CLIP");
                int crops = cfg.integer("TEST.NUM_CROP");
                Features v = encode(model, val.entries(), frames, clips, crops, store, workers, batch, "encode validation videos",
                        o.progress());
                metrics = LinearProbe.evaluate(head, v.views.toArray(new float[0][][]),
                        v.labels.stream().mapToInt(Integer::intValue).toArray());
                valVideos = v.views.size();
                fromCache += v.fromCache;
                out.printf(Locale.ROOT, "validate   %d videos, %dx%d views: top-1 %.2f %%  top-5 %.2f %%%n", valVideos, clips,
                        crops, metrics.top1(), metrics.top5());
            }
            Result result = new Result(metrics, head, history, x.length, valVideos, fromCache);
            if (o.output() != null) {
                write(o, cfg, result, modelDir);
            }
            return result;
        }
    }

    private record Features(List<float[][]> views, List<Integer> labels, int fromCache) {
    }

    private static Features encode(VideoTextModel model, List<VideoEntry> entries, int frames, int clips, int crops,
                                   FeatureStore store, int workers, int batch, String task,
                                   Progress.Factory progressFactory) {
        ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(frames, clips), model.config().vision().imageSize(),
                crops, null);
        VideoEncoder encoder = new VideoEncoder(model, sampler, store, workers, batch);
        VideoEncoder.Result r;
        try (Progress progress = progressFactory.start(task, entries.size())) {
            r = encoder.encodeAll(entries.stream().map(VideoEntry::spec).toList(),
                    progress::stepTo);
        }
        List<float[][]> views = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            VideoEncoder.Encoded e = r.encoded().get(i);
            if (e == null) {
                continue;
            }
            float[][] v = new float[e.clips()][e.dim()];
            for (int c = 0; c < e.clips(); c++) {
                System.arraycopy(e.features(), c * e.dim(), v[c], 0, e.dim());
            }
            views.add(v);
            labels.add(entries.get(i).label());
        }
        if (views.isEmpty()) {
            throw new IllegalStateException("no video could be encoded (" + r.skipped().size() + " skipped; first: "
                    + (r.skipped().isEmpty() ? "-" : r.skipped().get(0)) + ")");
        }
        return new Features(views, labels, r.fromCache());
    }

    private static void write(Options o, TrainConfig cfg, Result r, Path modelDir) {
        Path out = o.output();
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        r.head().save(out.resolve("linear_probe.safetensors"));
        ObjectMapper json = new ObjectMapper();
        StringBuilder log = new StringBuilder();
        for (LinearProbe.Epoch e : r.history()) {
            log.append(json.createObjectNode().put("type", "probe").put("epoch", e.epoch()).put("loss", e.loss())
                    .put(Percent.UNIT_KEY, Percent.UNIT).put("accuracy", e.accuracy())).append('\n');
        }
        AtomicFiles.write(out.resolve("log.jsonl"), log.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(out.resolve("config.yaml"), cfg.toYaml().getBytes(StandardCharsets.UTF_8));
        RunReport report = RunReport.create("Linear probe", o.commandLine());
        report.summary("model", modelDir.toString()).summary("training videos", r.trainVideos());
        if (r.metrics() != null) {
            report.summary("top-1", r.metrics().top1() / 100, "%").summary("top-5", r.metrics().top5() / 100, "%")
                    .summary("validation videos", r.valVideos());
        }
        double[] epochs = r.history().stream().mapToDouble(e -> e.epoch() + 1).toArray();
        report.lineChart("Training loss", List.of(Series.xy("cross-entropy", epochs,
                r.history().stream().mapToDouble(LinearProbe.Epoch::loss).toArray())), "epoch", "loss");
        report.lineChart("Training accuracy", List.of(Series.xy("accuracy", epochs,
                r.history().stream().mapToDouble(e -> 100 * e.accuracy()).toArray())), "epoch", "accuracy (%)");
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put(Percent.UNIT_KEY, Percent.UNIT);
        if (r.metrics() != null) {
            payload.put("top1", r.metrics().top1() / 100);
            payload.put("top5", r.metrics().top5() / 100);
        }
        payload.put("epochs", r.history().size());
        payload.put("final_train_loss", r.history().get(r.history().size() - 1).loss());
        payload.put("features_from_cache", r.fromCache());
        report.json("linear_probe", payload);
        report.writeJson(out.resolve("report.json"));
        report.writeHtml(out.resolve("report.html"));
        o.out().println("report     " + out.resolve("report.html") + " (and linear_probe.safetensors, log.jsonl)");
    }

    private static String defaultRoot(Path list) {
        Path folder = list.toAbsolutePath().getParent();
        return Files.isDirectory(folder.resolve("videos")) ? folder.resolve("videos").toString() : folder.toString();
    }
}
