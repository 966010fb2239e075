package dev.vclip.cli;

import dev.vclip.data.Captions;
import dev.vclip.data.ParseReport;
import dev.vclip.eval.RetrievalMetrics;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.RunReport;
import dev.vclip.report.Tables;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.Retrieval;
import dev.vclip.task.VideoFiles;
import dev.vclip.video.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "retrieval", description = {
        "Text-video retrieval: every video and caption encoded once, every caption scored against every video (X-CLIP "
                + "through its prompt generator), R@1/5/10, median and mean rank, text->video and video->text.",
        "Captions: MSR-VTT/MSVD style CSV (video_id,sentence), msrvtt_data.json, or {video_id: [captions]} JSON."})
final class RetrievalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--captions", required = true, paramLabel = "FILE")
    Path captions;

    @Option(names = "--videos", paramLabel = "DIR", description = "where <video_id>.mp4 are (default: videos/ beside "
            + "or above the captions file)")
    Path videos;

    @Mixin
    EncodingOptions encoding;

    @Override
    public Integer call() {
        ParseReport parse = ParseReport.lenient();
        Captions c = Captions.read(captions, parse);
        List<Path> videoDirs = videos != null ? List.of(videos) : VideoFiles.besideAnnotations(captions);
        try (VideoTextModel m = ModelFolder.load(model); FeatureStore store = encoding.openStore(m)) {
            Retrieval.Result r;
            try (dev.vclip.report.Progress progress = ConsoleProgress.start("retrieval: encode videos", c.videoIds().size())) {
                r = Retrieval.run(m, c, VideoFiles.in(videoDirs),
                        encoding.encoder(m, new Sampling.SegmentMiddle(encoding.framesFor(m), 1), 1, store),
                        EncodingOptions.doneCounter(progress));
            }
            List<List<Object>> rows = List.of(row("text->video", r.metrics().textToVideo()),
                    row("video->text", r.metrics().videoToText()));
            List<String> headers = List.of("direction", "R@1", "R@5", "R@10", "MdR", "MnR");
            System.out.printf("videos     %d scored, %d skipped; %d captions; %d from the feature cache%n",
                    r.videoIds().size(), r.skipped().size(), r.captions().size(), r.fromCache());
            System.out.print(Tables.render(headers, rows));
            r.skipped().forEach(s -> System.out.println("skipped    " + s));
            if (!r.truncatedCaptions().isEmpty()) {
                System.out.println("warning    " + r.truncatedCaptions().size() + " captions are longer than the model's "
                        + "context and were truncated, e.g. " + r.truncatedCaptions().get(0));
            }
            parse.problems().forEach(p -> System.out.println("skipped    " + p));

            RunReport report = RunReport.create("Text-video retrieval", RunReport.commandLine("vclip", "retrieval",
                    "--model", model.toString(), "--captions", captions.toString()));
            report.summary("model", String.valueOf(model.toAbsolutePath().normalize().getFileName()))
                    .summary("t2v R@1", r.metrics().textToVideo().r1() / 100, "%")
                    .summary("v2t R@1", r.metrics().videoToText().r1() / 100, "%")
                    .summary("videos", r.videoIds().size()).summary("captions", r.captions().size())
                    .summary("skipped", r.skipped().size() + parse.skippedCount());
            report.table("Retrieval", headers, rows);
            List<String> skipped = new ArrayList<>();
            r.skipped().forEach(s -> skipped.add(s.toString()));
            parse.problems().forEach(p -> skipped.add(p.toString()));
            report.notes("Skipped", skipped);
            report.notes("Captions truncated to the model's context", r.truncatedCaptions());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("text_to_video", metrics(r.metrics().textToVideo()));
            json.put("video_to_text", metrics(r.metrics().videoToText()));
            json.put("videos", r.videoIds());
            json.put("captions_per_video", r.captionsPerVideo());
            report.json("metrics", json);
            Path out = encoding.outDir("retrieval");
            report.writeJson(out.resolve("metrics.json"));
            report.writeHtml(out.resolve("report.html"));
            System.out.println("report     " + out.resolve("report.html") + " (and metrics.json)");
        }
        return 0;
    }

    private static List<Object> row(String name, RetrievalMetrics.DirectionMetrics d) {
        return List.of(name, String.format("%.1f", d.r1()), String.format("%.1f", d.r5()), String.format("%.1f", d.r10()),
                String.format("%.1f", d.medianRank()), String.format("%.2f", d.meanRank()));
    }

    private static Map<String, Object> metrics(RetrievalMetrics.DirectionMetrics d) {
        return Map.of("R1", d.r1(), "R5", d.r5(), "R10", d.r10(), "MedianR", d.medianRank(), "MeanR", d.meanRank());
    }
}
