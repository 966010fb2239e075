package dev.vclip.cli;

import dev.vclip.cli.base.WindowOptions;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.data.ParseReport;
import dev.vclip.data.Triplets;
import dev.vclip.eval.LocalisationMetrics;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Interval;
import dev.vclip.report.RunReport;
import dev.vclip.report.Series;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.Localisation;
import dev.vclip.task.VideoEncoder;
import dev.vclip.task.VideoFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "localize-eval", mixinStandardHelpOptions = true, description = {
        "Evaluate language-guided temporal localisation on a triplets CSV (video_id,text,start_frame,end_frame[,fps]): "
                + "frame-level AUROC and AUPRC per (video, query) and their macro averages (XCLIP_Baseline), moment "
                + "retrieval mAP and R@1 at tIoU 0.3/0.5/0.7 of the proposed segments; timelines in the HTML report.",
        "Example: vclip localize-eval --model models/xclip-synth --triplets synth/localisation/triplets.csv"})
final class LocalizeEvalCommand extends VclipCommand {

    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--triplets", required = true, paramLabel = "FILE", description = "triplets CSV: "
            + "video_id,text,start_frame,end_frame[,fps]")
    Path triplets;

    @Option(names = "--videos", paramLabel = "DIR", description = "where <video_id>.mp4 are (default: beside the "
            + "triplets file: videos/ or long/)")
    Path videos;

    @Mixin
    WindowOptions windowing = new WindowOptions();

    @Option(names = "--max-timelines", paramLabel = "N", converter = Checks.AtLeastZero.class,
            description = "timeline charts in the report (default: ${DEFAULT-VALUE})")
    int maxTimelines = 24;

    @Mixin
    EncodingOptions encoding;

    /** Curves drawn per chart: more make an unreadable legend. */
    static final int MAX_CURVES = 8;

    @Override
    public Integer call() {
        ParseReport parse = ParseReport.lenient();
        Triplets t = Triplets.read(triplets, parse);
        List<Path> videoDirs = videos != null ? List.of(videos) : VideoFiles.besideAnnotations(triplets);
        try (VideoTextModel m = model.load(); FeatureStore store = encoding.openStore(m)) {
            VideoEncoder encoder = encoding.encoder(m, windowing.sampler(encoding.framesFor(m),
                    m.config().vision().imageSize()), store);
            long truncated = t.queries().stream().map(Triplets.Query::text).distinct()
                    .filter(q -> m.tokenizer().isTruncated(q, m.config().text().maxPositionEmbeddings())).count();
            if (truncated > 0) {
                out().println("warning    " + truncated + " queries are longer than the model's context of "
                        + m.config().text().maxPositionEmbeddings() + " tokens and were truncated");
            }
            Localisation.EvalResult r = Localisation.evaluate(m, t, VideoFiles.in(videoDirs), encoder, windowing.window(),
                    windowing.stride(), (task, total) -> ConsoleProgress.start("localize-eval: " + task, total));
            long scored = r.frames().items().stream().filter(i -> !i.skipped()).count();
            out().printf("queries    %d scored (%d skipped by the metric), %d videos skipped, %d lines skipped%n",
                    scored, r.frames().items().size() - scored, r.skipped().size(), parse.skippedCount());
            out().printf("AUROC      %.4f (macro over queries)%n", r.frames().macroAuroc());
            out().printf("AUPRC      %.4f (macro over queries)%n", r.frames().macroAveragePrecision());
            if (r.moments() != null) {
                double[] th = r.moments().tiouThresholds();
                for (int i = 0; i < th.length; i++) {
                    out().printf("tIoU %.1f   mAP %.4f   R@1 %.4f%n", th[i], r.moments().meanAveragePrecision()[i],
                            r.moments().recallAt1()[i]);
                }
            }
            r.skipped().forEach(s -> out().println("skipped    " + s));
            parse.problems().forEach(p -> out().println("skipped    " + p));
            Path out = encoding.outDir("localize-eval");
            RunReport report = report(r, parse);
            report.writeJson(out.resolve("metrics.json"));
            report.writeHtml(out.resolve("report.html"));
            out().println("report     " + out.resolve("report.html") + " (and metrics.json)");
        }
        return 0;
    }

    private RunReport report(Localisation.EvalResult r, ParseReport parse) {
        RunReport report = RunReport.create("Temporal localisation", typedCommandLine());
        report.summary("model", model.name()).summary("AUROC", r.frames().macroAuroc())
                .summary("AUPRC", r.frames().macroAveragePrecision());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("macro_auroc", r.frames().macroAuroc());
        json.put("macro_auprc", r.frames().macroAveragePrecision());
        if (r.moments() != null) {
            report.summary("mAP@0.5", r.moments().meanAveragePrecision()[1]).summary("R@1@0.5", r.moments().recallAt1()[1]);
            List<List<Object>> rows = new ArrayList<>();
            for (int i = 0; i < r.moments().tiouThresholds().length; i++) {
                rows.add(List.of(r.moments().tiouThresholds()[i], r.moments().meanAveragePrecision()[i],
                        r.moments().recallAt1()[i]));
            }
            report.table("Moment retrieval", List.of("tIoU", "mAP", "R@1"), rows);
            json.put("tiou", r.moments().tiouThresholds());
            json.put("map", r.moments().meanAveragePrecision());
            json.put("r1", r.moments().recallAt1());
        }
        List<List<Object>> perQuery = new ArrayList<>();
        for (LocalisationMetrics.ItemResult item : r.frames().items()) {
            perQuery.add(List.of(item.video(), item.query(), item.skipped() ? "-" : String.format("%.4f", item.auroc()),
                    item.skipped() ? "-" : String.format("%.4f", item.averagePrecision()),
                    item.skipped() ? item.skipReason() : ""));
        }
        report.table("Per query", List.of("video", "query", "AUROC", "AUPRC", "note"), perQuery);
        List<Series> roc = new ArrayList<>();
        List<Series> pr = new ArrayList<>();
        List<Double> positiveRate = new ArrayList<>();
        for (LocalisationMetrics.ItemResult item : r.frames().items()) {
            if (item.skipped() || roc.size() == MAX_CURVES) {
                continue;
            }
            // the number first: a long name is shortened in the legend, and the number keeps the curves apart
            String name = "#" + (roc.size() + 1) + " " + item.video() + ": " + item.query();
            double[][] rocCurve = LocalisationMetrics.rocCurve(item.yTrue(), item.frameScores());
            double[][] prCurve = LocalisationMetrics.precisionRecallCurve(item.yTrue(), item.frameScores());
            roc.add(Series.xy(name, rocCurve[0], rocCurve[1]));
            pr.add(Series.xy(name, prCurve[0], prCurve[1]));
            positiveRate.add(java.util.Arrays.stream(item.yTrue()).average().orElse(0));
        }
        if (!roc.isEmpty()) {
            // what a model that scores at random gets: the diagonal (AUROC 0.5), and precision = the positive rate
            Series rocChance = Series.xy("chance (AUROC 0.5)", new double[]{0, 1}, new double[]{0, 1});
            double chance = positiveRate.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            Series prChance = Series.xy(String.format(java.util.Locale.ROOT, "chance (positive rate %.3f, mean of "
                    + "these queries)", chance), new double[]{0, 1}, new double[]{chance, chance});
            report.lineChart("ROC curves (frames; first " + roc.size() + " queries)", roc, "false positive rate",
                    "true positive rate", List.of(rocChance));
            report.lineChart("Precision-recall curves (frames; first " + pr.size() + " queries)", pr, "recall",
                    "precision", List.of(prChance));
        }
        int charts = 0;
        for (Localisation.VideoQueries v : r.videos()) {
            for (int q = 0; q < v.scores().size() && charts < maxTimelines; q++, charts++) {
                Localisation.QueryScores s = v.scores().get(q);
                List<Interval> truth = new ArrayList<>();
                for (double[] g : v.groundTruth().get(q)) {
                    truth.add(Interval.of(g[0] / v.fps(), g[1] / v.fps()));
                }
                List<Interval> predicted = s.segments().stream()
                        .map(p -> Interval.of(p.start() / v.fps(), p.end() / v.fps())).toList();
                report.timeline(v.videoId() + ": " + s.query(), LocalizeCommand.FRAME_SCORE,
                        LocalizeCommand.times(s.frameScores().length, v.fps()), s.frameScores(), truth, predicted);
            }
        }
        List<String> skipped = new ArrayList<>();
        r.skipped().forEach(s -> skipped.add(s.toString()));
        parse.problems().forEach(p -> skipped.add(p.toString()));
        report.notes("Skipped", skipped);
        json.put("queries", perQuery.size());
        report.json("metrics", json);
        return report;
    }
}
