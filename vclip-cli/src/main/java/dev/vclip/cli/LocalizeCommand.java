package dev.vclip.cli;

import dev.vclip.cli.base.WindowOptions;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.eval.DetectionMetrics;
import dev.vclip.eval.LocalisationMetrics;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "localize", mixinStandardHelpOptions = true, description = {
        "Find where text queries happen in a long video: sliding windows (W frames, stride S) encoded once and cached, "
                + "each query scored against every window, frame scores, and the top-K segments (times and "
                + "normalised scores). The report's timelines show the frame logits.",
        "Example: vclip localize synth/long/long_000.mp4 --model models/xclip-synth --query \"a red circle moving "
                + "left\" --query \"a square growing\""})
final class LocalizeCommand extends VclipCommand {

    @Parameters(paramLabel = "VIDEO", description = "the long video: a file, a folder of frames, or archive.tar#member")
    String video;

    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--query", required = true, paramLabel = "TEXT", converter = Checks.NotBlank.class,
            description = "a query (repeatable)")
    List<String> queries;

    @Mixin
    WindowOptions windowing = new WindowOptions();

    @Option(names = "--top", paramLabel = "K", converter = Checks.AtLeastOne.class,
            description = "segments kept per query, best first (default: ${DEFAULT-VALUE})")
    int top = Localisation.DEFAULT_SEGMENTS;

    @Option(names = "--json", description = "print the segments of every query as one JSON document instead of "
            + "tables")
    boolean json;

    @Mixin
    EncodingOptions encoding;

    /** What the segment scores are: frame scores min-max normalised per query, not the logits the chart shows. */
    static final String SEGMENT_SCORE = "normalised score (0-1)";
    /** What the timeline shows: a frame's mean window logit. */
    static final String FRAME_SCORE = "logit";

    @Override
    public Integer call() {
        try (VideoTextModel m = model.load(); FeatureStore store = encoding.openStore(m)) {
            for (String q : queries) {
                if (m.tokenizer().isTruncated(q, m.config().text().maxPositionEmbeddings())) {
                    err().println("warning: query longer than the model's context of "
                            + m.config().text().maxPositionEmbeddings() + " tokens, truncated: " + q);
                }
            }
            int frameCount = Localisation.frameCount(video);
            double fps;
            try (var source = dev.vclip.video.VideoSources.open(video)) {
                fps = source.info().fps();
            }
            VideoEncoder encoder = encoding.encoder(m, windowing.sampler(encoding.framesFor(m),
                    m.config().vision().imageSize()), store);
            int windows = LocalisationMetrics.windowStarts(frameCount, windowing.window(), windowing.stride()).length;
            VideoEncoder.Result encoded;
            try (dev.vclip.report.Progress progress = ConsoleProgress.start("localize: encode windows", windows)) {
                encoded = encoder.encodeAllCountingClips(List.of(video), progress::stepTo);
            }
            if (encoded.encoded().get(0) == null) {
                throw new dev.vclip.VclipException(encoded.skipped().get(0).toString());
            }
            List<Localisation.QueryScores> scores = Localisation.score(m, encoded.encoded().get(0), frameCount, queries,
                    windowing.window(), windowing.stride(), top);
            RunReport report = RunReport.create("Localisation", typedCommandLine());
            report.summary("video", video).summary("frames", frameCount).summary("windows",
                    encoded.encoded().get(0).clips());
            List<String> headers = List.of("start", "end", "frames", SEGMENT_SCORE);
            List<Map<String, Object>> payload = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (Localisation.QueryScores s : scores) {
                List<List<Object>> rows = new ArrayList<>();
                List<Interval> predicted = new ArrayList<>();
                List<Map<String, Object>> segments = new ArrayList<>();
                for (DetectionMetrics.Proposal p : s.segments()) {
                    rows.add(List.of(String.format("%.2f s", p.start() / fps), String.format("%.2f s", p.end() / fps),
                            p.start() + "-" + p.end(), String.format("%.3f", p.score())));
                    predicted.add(Interval.of(p.start() / fps, p.end() / fps));
                    Map<String, Object> segment = new LinkedHashMap<>();
                    segment.put("start_seconds", p.start() / fps);
                    segment.put("end_seconds", p.end() / fps);
                    segment.put("start_frame", p.start());
                    segment.put("end_frame", p.end());
                    segment.put("normalised_score", p.score());
                    segments.add(segment);
                }
                text.append("query      ").append(s.query()).append('\n').append(Tables.render(headers, rows));
                report.table("Segments: " + s.query(), headers, rows);
                report.timeline("Frame logits: " + s.query(), FRAME_SCORE, times(s.frameScores().length, fps),
                        s.frameScores(), List.of(), predicted);
                Map<String, Object> query = new LinkedHashMap<>();
                query.put("query", s.query());
                query.put("segments", segments);
                payload.add(query);
            }
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("video", video);
            document.put("fps", fps);
            document.put("frames", frameCount);
            document.put("window", windowing.window());
            document.put("stride", windowing.stride());
            document.put("queries", payload);
            report.json("segments", document);
            Path out = encoding.outDir("localize");
            report.writeJson(out.resolve("segments.json"));
            report.writeHtml(out.resolve("report.html"));
            if (json) {
                printJson(document);
            } else {
                out().print(text);
                out().println("report     " + out.resolve("report.html") + " (and segments.json)");
            }
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
