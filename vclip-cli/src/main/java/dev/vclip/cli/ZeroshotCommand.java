package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.VideoList;
import dev.vclip.data.DatasetJson;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.RunReport;
import dev.vclip.report.Tables;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.RecognitionReport;
import dev.vclip.task.VideoEncoder;
import dev.vclip.task.ZeroShot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "zeroshot", mixinStandardHelpOptions = true, description = {
        "Zero-shot video recognition: score every video of an X-CLIP list (path label) against the class names of a "
                + "labels CSV; top-1/top-5, per-class accuracy, the most confused pairs, the top-K classes of each "
                + "video; JSON and HTML report.",
        "Example: vclip zeroshot --model models/xclip-synth --list synth/val.txt --labels synth/labels.csv "
                + "--views 2x3"})
final class ZeroshotCommand extends VclipCommand {

    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--list", required = true, paramLabel = "FILE", description = "X-CLIP list: 'path label' per line")
    Path list;

    @Mixin
    RecognitionOptions recognition = new RecognitionOptions();

    @Option(names = "--videos", paramLabel = "DIR|TAR", description = "where the videos are: DATA.ROOT, the folder or "
            + ".tar the list's paths are relative to (default: <list folder>/videos if it exists, else the list's "
            + "folder)")
    Path videos;

    /** The old name of --videos, kept so existing scripts run. */
    @Option(names = "--root", hidden = true, paramLabel = "DIR|TAR")
    void root(Path root) {
        videos = root;
    }

    @Option(names = "--top", paramLabel = "K", converter = Checks.AtLeastOne.class,
            description = "classes listed per video in the report's predictions (default: ${DEFAULT-VALUE})")
    int top = 5;

    @Option(names = "--strict", description = "stop at the first malformed list line instead of skipping it")
    boolean strict;

    @Option(names = "--json", description = "print the report as one JSON document instead of the summary")
    boolean json;

    @Mixin
    EncodingOptions encoding;

    @Override
    public Integer call() {
        ParseReport parse = strict ? ParseReport.strict() : ParseReport.lenient();
        LabelTable labelTable = LabelTable.read(recognition.labels, parse);
        VideoList videoList = VideoList.read(list, dataRoot(list, videos).toString(), labelTable, VideoList.Layout.AUTO,
                parse);
        try (VideoTextModel m = model.load(); FeatureStore store = encoding.openStore(m)) {
            VideoEncoder encoder = recognition.encoder(encoding, m, store);
            ZeroShot.Result r;
            try (dev.vclip.report.Progress progress = ConsoleProgress.start("zero-shot: encode videos",
                    videoList.size())) {
                r = ZeroShot.run(m, videoList.entries(), labelTable, recognition.template, encoder,
                        progress::stepTo);
            }
            int[] twins = DatasetJson.directionTwins(list.toAbsolutePath().getParent()).orElse(null);
            Path out = encoding.outDir("zeroshot");
            RunReport report = report(r, labelTable, parse, twins);
            report.writeJson(out.resolve("metrics.json"));
            report.writeHtml(out.resolve("report.html"));
            if (json) {
                out().print(report.toJson());
            } else {
                print(r, labelTable, parse, twins);
                out().println("report     " + out.resolve("report.html") + " (and metrics.json)");
            }
        }
        return 0;
    }

    /** DATA.ROOT: given, or the list's folder's videos/ (vclip synth's layout), or the list's folder. */
    static Path dataRoot(Path list, Path root) {
        if (root != null) {
            return root;
        }
        Path folder = list.toAbsolutePath().getParent();
        return Files.isDirectory(folder.resolve("videos")) ? folder.resolve("videos") : folder;
    }

    private void print(ZeroShot.Result r, LabelTable labels, ParseReport parse, int[] twins) {
        out().printf("videos     %d scored, %d skipped (decode), %d list lines skipped; %d from the feature cache%n",
                r.videos().size(), r.skipped().size(), parse.skippedCount(), r.fromCache());
        out().printf("top-1      %.2f %%%n", r.metrics().top1());
        out().printf("top-5      %.2f %%%n", r.metrics().top5());
        if (twins != null) {
            out().println("pairs      " + r.directionPairs(twins).describe());
        }
        List<List<Object>> rows = new ArrayList<>();
        for (ClassificationMetrics.ConfusedPair p : r.confused()) {
            rows.add(List.of(labels.name(p.trueClass()), labels.name(p.predictedClass()), p.count()));
        }
        if (!rows.isEmpty()) {
            out().println("most confused pairs:");
            out().print(Tables.render(List.of("true class", "predicted", "videos"), rows));
        }
        r.skipped().forEach(s -> out().println("skipped    " + s));
        parse.problems().forEach(p -> out().println("skipped    " + p));
    }

    private RunReport report(ZeroShot.Result r, LabelTable labels, ParseReport parse, int[] twins) {
        RunReport report = RunReport.create("Zero-shot recognition", typedCommandLine());
        report.summary("model", model.name())
                .summary("skipped", r.skipped().size() + parse.skippedCount());
        RecognitionReport.addTo(report, r, labels, twins, Map.of("views", recognition.views.toString(),
                "skipped_lines", parse.skippedCount()));
        int k = Math.min(top, labels.size());
        List<List<Object>> predictions = new ArrayList<>();
        List<Map<String, Object>> predictionsJson = new ArrayList<>();
        for (int v = 0; v < r.videos().size(); v++) {
            List<String> ranked = new ArrayList<>();
            for (int c : ClassificationMetrics.topClasses(r.metrics().aggregatedScores()[v], k)) {
                ranked.add(labels.name(c));
            }
            predictions.add(List.of(r.videos().get(v), labels.name(r.labels()[v]), String.join(", ", ranked)));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("video", r.videos().get(v));
            row.put("label", labels.name(r.labels()[v]));
            row.put("top", ranked);
            predictionsJson.add(row);
        }
        report.table("Predictions", List.of("video", "label", "top-" + k + " predictions, best first"), predictions);
        report.json("predictions", predictionsJson);
        List<String> skipped = new ArrayList<>();
        r.skipped().forEach(s -> skipped.add(s.toString()));
        parse.problems().forEach(p -> skipped.add(p.toString()));
        report.notes("Skipped", skipped);
        return report;
    }
}
