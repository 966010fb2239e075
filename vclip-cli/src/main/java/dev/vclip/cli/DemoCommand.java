package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.data.Captions;
import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.Triplets;
import dev.vclip.data.VideoEntry;
import dev.vclip.data.VideoList;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.DatasetJson;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.eval.DirectionPairs;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Interval;
import dev.vclip.report.RunReport;
import dev.vclip.report.Tables;
import dev.vclip.task.ClipSampler;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.Localisation;
import dev.vclip.task.Scoring;
import dev.vclip.task.VideoEncoder;
import dev.vclip.task.ZeroShot;
import dev.vclip.video.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "The first-run tour: make a small synthetic video set, classify its clips zero-shot, search them with text "
                + "and find an event in a long video, with the model vclip trained on such videos; prints a summary "
                + "and writes an HTML report."})
final class DemoCommand extends VclipCommand {

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the bundled trained model)")
    Path model;

    @Option(names = "--out", paramLabel = "DIR", description = "where the data and report go (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "demo");

    @Option(names = "--seed", paramLabel = "N", description = "seed of the synthetic set (default: ${DEFAULT-VALUE}; the "
            + "model was trained on seed 0's training split)")
    long seed = 1;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        Path modelDir = model != null ? model : Main.bundledTrainedModel();
        Path data = out.resolve("synth");
        if (!Files.isRegularFile(data.resolve("dataset.json"))) {
            out().println("1/4 making a synthetic video set in " + data);
            SyntheticDataset.generate(data, SynthConfig.of(SynthConfig.Size.SMALL).withSeed(seed), true, null);
        } else {
            out().println("1/4 reusing the synthetic video set in " + data);
        }
        RunReport report = RunReport.create("vclip demo", typedCommandLine());
        try (VideoTextModel m = ModelFolder.load(modelDir);
             FeatureStore store = FeatureStore.open(out.resolve("cache"), Scoring.modelKey(m))) {
            report.summary("model", ModelOption.name(modelDir));
            int frames = m.videoInput().frames();
            int size = m.config().vision().imageSize();
            VideoEncoder encoder = new VideoEncoder(m, new ClipSampler(new Sampling.SegmentMiddle(frames, 1), size, 1,
                    null), store, 2, 2);

            out().println("2/4 zero-shot classification of the validation clips");
            LabelTable labels = LabelTable.read(data.resolve("labels.csv"));
            List<VideoEntry> val = VideoList.read(data.resolve("val.txt"), data.resolve("videos").toString(), labels,
                    VideoList.Layout.AUTO, ParseReport.strict()).entries();
            ZeroShot.Result zs;
            try (dev.vclip.report.Progress p = ConsoleProgress.start("encode clips", val.size())) {
                zs = ZeroShot.run(m, val, labels, "{}", encoder, p::stepTo);
            }
            DirectionPairs.Result pairs = zs.directionPairs(DatasetJson.directionTwins(data).orElseThrow());
            report.summary("top-1", zs.metrics().top1() / 100, "%").summary("top-5", zs.metrics().top5() / 100, "%")
                    .summary("top-1, direction-only classes", pairs.top1(), "%")
                    .summary("order (true class above its twin)", pairs.pairAccuracy(), "%");
            List<String> names = new ArrayList<>();
            for (int c = 0; c < labels.size(); c++) {
                names.add(labels.name(c));
            }
            // perClassAccuracy is in percent already (ClassificationMetrics); NaN (no clips) draws no bar
            report.barChart("Zero-shot accuracy per class (%)", names, zs.perClassAccuracy(), "top-1 accuracy (%)",
                    dev.vclip.report.BarOrder.AS_GIVEN, dev.vclip.task.RecognitionReport.chance(labels.size()));

            out().println("3/4 text search over the clips");
            List<List<Object>> searchRows = search(m, data, val, encoder);
            report.table("Text search: the best three clips per query", List.of("query", "1st", "2nd", "3rd",
                    "rank of the clip it describes"), searchRows);

            out().println("4/4 finding an event in a long video");
            Triplets.Query query = Triplets.read(data.resolve("localisation/triplets.csv")).queries().get(0);
            String video = data.resolve("long").resolve(query.videoId() + ".mp4").toString();
            VideoEncoder windowEncoder = new VideoEncoder(m, Localisation.windowSampler(frames, Localisation.DEFAULT_WINDOW,
                    Localisation.DEFAULT_STRIDE, size), store, 2, 2);
            VideoEncoder.Encoded windows = windowEncoder.encodeAll(List.of(video), null).encoded().get(0);
            Localisation.QueryScores scores = Localisation.score(m, windows, Localisation.frameCount(video),
                    List.of(query.text()), Localisation.DEFAULT_WINDOW, Localisation.DEFAULT_STRIDE).get(0);
            double fps = query.fps();
            List<Interval> truth = query.moments().stream()
                    .map(t -> Interval.of(t.startFrame() / fps, t.endFrame() / fps)).toList();
            List<Interval> found = scores.segments().stream().map(p -> Interval.of(p.start() / fps, p.end() / fps)).toList();
            report.timeline("\"" + query.text() + "\" in " + query.videoId(), LocalizeCommand.FRAME_SCORE,
                    LocalizeCommand.times(scores.frameScores().length, fps), scores.frameScores(), truth, found);

            double seconds = (System.nanoTime() - start) / 1e9;
            report.summary("time", String.format("%.0f s", seconds));
            out().println();
            out().printf("zero-shot  top-1 %.1f %%, top-5 %.1f %% over %d clips of %d classes (chance %.1f %%)%n",
                    zs.metrics().top1(), zs.metrics().top5(), zs.videos().size(), labels.size(), 100.0 / labels.size());
            out().printf("order      %.1f %% of direction-twin clips score their class above its twin (chance 50 %%)%n",
                    100 * pairs.pairAccuracy());
            out().print(Tables.render(List.of("query", "1st", "2nd", "3rd", "rank of its clip"), searchRows));
            out().printf("localise   \"%s\" in %s: true %s, found %s%n", query.text(), query.videoId(),
                    describe(truth), describe(found.isEmpty() ? List.of() : found.subList(0, 1)));
            Path html = out.resolve("report.html");
            report.writeHtml(html);
            report.writeJson(out.resolve("report.json"));
            out().printf("report     %s (%.0f s in all)%n", html, seconds);
        }
        return 0;
    }

    /** Three captions of validation clips as queries against every validation clip. */
    private static List<List<Object>> search(VideoTextModel m, Path data, List<VideoEntry> val, VideoEncoder encoder) {
        Captions captions = Captions.read(data.resolve("retrieval/captions.csv"), ParseReport.lenient());
        List<String> clipIds = val.stream().map(e -> e.relativePath().replaceFirst("\\.mp4$", "")).toList();
        List<String> queries = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        for (int i = 0; i < clipIds.size() && queries.size() < 3; i += Math.max(1, clipIds.size() / 3)) {
            int index = captions.indexOf(clipIds.get(i));
            if (index >= 0) {
                int offset = 0;
                for (int v = 0; v < index; v++) {
                    offset += captions.captionsPerVideo()[v];
                }
                queries.add(captions.captionTexts().get(offset + 1)); // a paraphrase, not the class-name caption
                truth.add(i);
            }
        }
        VideoEncoder.Result encoded = encoder.encodeAll(val.stream().map(VideoEntry::spec).toList(), null);
        List<VideoEncoder.Encoded> clips = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < val.size(); i++) {
            if (encoded.encoded().get(i) != null) {
                clips.add(encoded.encoded().get(i));
                names.add(clipIds.get(i));
            }
        }
        float[][] logits = Scoring.logits(m, clips, Scoring.textFeatures(m, queries), 32); // [clip][query]
        List<List<Object>> rows = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            Integer[] order = new Integer[clips.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            int query = q;
            Arrays.sort(order, (a, b) -> Float.compare(logits[b][query], logits[a][query]));
            int rank = Arrays.asList(order).indexOf(names.indexOf(clipIds.get(truth.get(q)))) + 1;
            rows.add(List.of(queries.get(q), names.get(order[0]), names.get(order[1]), names.get(order[2]), rank));
        }
        return rows;
    }

    private static String describe(List<Interval> intervals) {
        if (intervals.isEmpty()) {
            return "nothing";
        }
        return intervals.stream().map(i -> String.format("%.1f-%.1f s", i.start(), i.end()))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

}
