package dev.vclip.cli;

import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.VideoList;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.RunReport;
import dev.vclip.report.Tables;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.RecognitionReport;
import dev.vclip.task.VideoEncoder;
import dev.vclip.task.ZeroShot;
import dev.vclip.video.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "zeroshot", description = {
        "Zero-shot video recognition: score every video of an X-CLIP list (path label) against the class names of a "
                + "labels CSV; top-1/top-5, per-class accuracy, the most confused pairs; JSON and HTML report.",
        "Example: vclip zeroshot --model DIR --list val.txt --labels labels.csv --views 2x3"})
final class ZeroshotCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--list", required = true, paramLabel = "FILE", description = "X-CLIP list: 'path label' per line")
    Path list;

    @Option(names = "--labels", required = true, paramLabel = "FILE", description = "labels CSV: id,name")
    Path labels;

    @Option(names = "--root", paramLabel = "DIR|TAR", description = "DATA.ROOT the list's paths are relative to "
            + "(default: <list folder>/videos if it exists, else the list's folder)")
    Path root;

    @Option(names = "--template", description = "class text; {} is the class name (default: '${DEFAULT-VALUE}')")
    String template = "{}";

    @Option(names = "--views", paramLabel = "CLIPSxCROPS", description = "temporal clips x spatial crops "
            + "(1 or 3), as TEST.NUM_CLIP x TEST.NUM_CROP (default: ${DEFAULT-VALUE})")
    String views = "1x1";

    @Option(names = "--strict", description = "stop at the first malformed list line instead of skipping it")
    boolean strict;

    @Mixin
    EncodingOptions encoding;

    @Override
    public Integer call() {
        int[] clipsCrops = parseViews(views);
        ParseReport parse = strict ? ParseReport.strict() : ParseReport.lenient();
        LabelTable labelTable = LabelTable.read(labels, parse);
        VideoList videos = VideoList.read(list, dataRoot(list, root).toString(), labelTable, VideoList.Layout.AUTO, parse);
        try (VideoTextModel m = ModelFolder.load(model); FeatureStore store = encoding.openStore(m)) {
            Sampling sampling = new Sampling.SegmentMiddle(encoding.framesFor(m), clipsCrops[0]);
            VideoEncoder encoder = encoding.encoder(m, sampling, clipsCrops[1], store);
            ZeroShot.Result r;
            try (dev.vclip.report.Progress progress = ConsoleProgress.start("zero-shot: encode videos", videos.size())) {
                r = ZeroShot.run(m, videos.entries(), labelTable, template, encoder, EncodingOptions.doneCounter(progress));
            }
            int[] twins = SyntheticDataset.directionTwins(list.toAbsolutePath().getParent()).orElse(null);
            print(r, labelTable, parse, twins);
            Path out = encoding.outDir("zeroshot");
            RunReport report = report(r, labelTable, parse, twins);
            report.writeJson(out.resolve("metrics.json"));
            report.writeHtml(out.resolve("report.html"));
            System.out.println("report     " + out.resolve("report.html") + " (and metrics.json)");
        }
        return 0;
    }

    static int[] parseViews(String views) {
        String[] parts = views.toLowerCase().split("x");
        try {
            int clips = Integer.parseInt(parts[0].trim());
            int crops = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 1;
            if (parts.length > 2 || clips < 1 || (crops != 1 && crops != 3)) {
                throw new NumberFormatException();
            }
            return new int[]{clips, crops};
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--views must be CLIPSxCROPS with CROPS 1 or 3, e.g. 4x3; not '" + views + "'");
        }
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
        System.out.printf("videos     %d scored, %d skipped (decode), %d list lines skipped; %d from the feature cache%n",
                r.videos().size(), r.skipped().size(), parse.skippedCount(), r.fromCache());
        System.out.printf("top-1      %.2f %%%n", r.metrics().top1());
        System.out.printf("top-5      %.2f %%%n", r.metrics().top5());
        if (twins != null) {
            System.out.println("pairs      " + r.directionPairs(twins).describe());
        }
        List<List<Object>> rows = new ArrayList<>();
        for (ClassificationMetrics.ConfusedPair p : r.confused()) {
            rows.add(List.of(labels.name(p.trueClass()), labels.name(p.predictedClass()), p.count()));
        }
        if (!rows.isEmpty()) {
            System.out.println("most confused pairs:");
            System.out.print(Tables.render(List.of("true class", "predicted", "videos"), rows));
        }
        r.skipped().forEach(s -> System.out.println("skipped    " + s));
        parse.problems().forEach(p -> System.out.println("skipped    " + p));
    }

    private RunReport report(ZeroShot.Result r, LabelTable labels, ParseReport parse, int[] twins) {
        RunReport report = RunReport.create("Zero-shot recognition", RunReport.commandLine("vclip", "zeroshot",
                "--model", model.toString(), "--list", list.toString(), "--labels", labels.source(), "--views", views));
        report.summary("model", String.valueOf(model.toAbsolutePath().normalize().getFileName()))
                .summary("skipped", r.skipped().size() + parse.skippedCount());
        RecognitionReport.addTo(report, r, labels, twins, Map.of("views", views, "skipped_lines", parse.skippedCount()));
        List<List<Object>> predictions = new ArrayList<>();
        for (int v = 0; v < r.videos().size(); v++) {
            predictions.add(List.of(r.videos().get(v), labels.name(r.labels()[v]),
                    labels.name(r.metrics().top1Predictions()[v])));
        }
        report.table("Predictions", List.of("video", "label", "top-1 prediction"), predictions);
        List<String> skipped = new ArrayList<>();
        r.skipped().forEach(s -> skipped.add(s.toString()));
        parse.problems().forEach(p -> skipped.add(p.toString()));
        report.notes("Skipped", skipped);
        return report;
    }
}
