package dev.vclip.cli;

import dev.vclip.eval.DetectionMetrics;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Interval;
import dev.vclip.report.RunReport;
import dev.vclip.report.Tables;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.Localisation;
import dev.vclip.task.VideoEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "localize", description = {
        "Find where text queries happen in a long video: sliding windows (W frames, stride S) encoded once and cached, "
                + "each query scored against every window, frame scores, and segments (times and scores).",
        "Example: vclip localize long.mp4 --model DIR --query \"a red circle moving left\" --query \"a square growing\""})
final class LocalizeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "VIDEO")
    String video;

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--query", required = true, paramLabel = "TEXT", description = "a query (repeatable)")
    List<String> queries;

    @Option(names = "--window", description = "window length in frames (default: ${DEFAULT-VALUE})")
    int window = Localisation.DEFAULT_WINDOW;

    @Option(names = "--stride", description = "window stride in frames (default: ${DEFAULT-VALUE})")
    int stride = Localisation.DEFAULT_STRIDE;

    @Mixin
    EncodingOptions encoding;

    @Override
    public Integer call() {
        try (VideoTextModel m = ModelFolder.load(model); FeatureStore store = encoding.openStore(m)) {
            for (String q : queries) {
                if (m.tokenizer().isTruncated(q, m.config().text().maxPositionEmbeddings())) {
                    System.err.println("warning: query longer than the model's context of "
                            + m.config().text().maxPositionEmbeddings() + " tokens, truncated: " + q);
                }
            }
            int frameCount = Localisation.frameCount(video);
            double fps;
            try (var source = dev.vclip.video.VideoSources.open(video)) {
                fps = source.info().fps();
            }
            VideoEncoder encoder = new VideoEncoder(m, Localisation.windowSampler(encoding.framesFor(m), window, stride,
                    m.config().vision().imageSize()), store, encoding.workers, encoding.batch);
            VideoEncoder.Result encoded;
            try (dev.vclip.report.Progress progress = ConsoleProgress.start("localize: encode windows", 1)) {
                encoded = encoder.encodeAll(List.of(video), EncodingOptions.doneCounter(progress));
            }
            if (encoded.encoded().get(0) == null) {
                throw new IllegalArgumentException(encoded.skipped().get(0).toString());
            }
            List<Localisation.QueryScores> scores = Localisation.score(m, encoded.encoded().get(0), frameCount, queries,
                    window, stride);
            RunReport report = RunReport.create("Localisation", RunReport.commandLine("vclip", "localize", video,
                    "--model", model.toString()));
            report.summary("video", video).summary("frames", frameCount).summary("windows",
                    encoded.encoded().get(0).clips());
            for (Localisation.QueryScores s : scores) {
                System.out.println("query      " + s.query());
                List<List<Object>> rows = new ArrayList<>();
                List<Interval> predicted = new ArrayList<>();
                for (DetectionMetrics.Proposal p : s.segments()) {
                    rows.add(List.of(String.format("%.2f s", p.start() / fps), String.format("%.2f s", p.end() / fps),
                            p.start() + "-" + p.end(), String.format("%.3f", p.score())));
                    predicted.add(Interval.of(p.start() / fps, p.end() / fps));
                }
                List<String> headers = List.of("start", "end", "frames", "score");
                System.out.print(Tables.render(headers, rows));
                report.table("Segments: " + s.query(), headers, rows);
                report.timeline("Frame scores: " + s.query(), times(s.frameScores().length, fps), s.frameScores(),
                        List.of(), predicted);
            }
            Path out = encoding.outDir("localize");
            report.writeJson(out.resolve("segments.json"));
            report.writeHtml(out.resolve("report.html"));
            System.out.println("report     " + out.resolve("report.html") + " (and segments.json)");
        }
        return 0;
    }

    static double[] times(int frames, double fps) {
        double[] t = new double[frames];
        for (int i = 0; i < frames; i++) {
            t[i] = i / fps;
        }
        return t;
    }
}
