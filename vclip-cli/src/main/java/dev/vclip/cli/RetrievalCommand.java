package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.data.Captions;
import dev.vclip.data.ParseReport;
import dev.vclip.eval.RetrievalMetrics;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Percent;
import dev.vclip.data.AttributeQueries;
import dev.vclip.eval.AttributeRetrieval;
import dev.vclip.report.RunReport;
import dev.vclip.report.Series;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "retrieval", mixinStandardHelpOptions = true, description = {
        "Text-video retrieval: every video and caption encoded once, every caption scored against every video (X-CLIP "
                + "through its prompt generator), R@1/5/10, median and mean rank, text->video and video->text, and "
                + "the top-K videos of every caption in the report.",
        "Captions: MSR-VTT/MSVD style CSV (video_id,sentence), msrvtt_data.json, {video_id: [captions]} JSON, DiDeMo "
                + "test_data.json, ActivityNet Captions val_1.json or MSVD AllVideoDescriptions.txt.",
        "Protocols (--protocol): msvd ranks every caption (video->text by each video's best caption), msrvtt-1k one "
                + "caption per video (MSR-VTT 1k-A), paragraph a video's sentences joined into one caption (DiDeMo, "
                + "ActivityNet).",
        "Example: vclip retrieval --model models/xclip-synth --captions synth/retrieval/captions.csv --top 3",
        "Example: vclip retrieval --model models/xclip-synth --captions synth/retrieval/test_jsfusion.csv --protocol "
                + "msrvtt-1k --sampling centerclip"})
final class RetrievalCommand extends VclipCommand {

    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--captions", required = true, paramLabel = "FILE", description = "captions: CSV "
            + "(video_id,sentence), msrvtt_data.json, {video_id: [captions]} JSON, DiDeMo test_data.json, "
            + "ActivityNet val_1.json or AllVideoDescriptions.txt")
    Path captions;

    @Option(names = "--protocol", paramLabel = "NAME", converter = ProtocolName.class,
            description = "how captions are ranked: msvd (every caption a query; a video ranks the videos' caption "
                    + "groups by its best caption), msrvtt-1k (one caption per video, as MSRVTT_JSFUSION_test.csv), "
                    + "paragraph (each video's sentences joined with a space into one caption, as CLIP4Clip "
                    + "evaluates DiDeMo and ActivityNet); default msvd")
    Retrieval.Protocol protocol = Retrieval.Protocol.MSVD;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--videos", paramLabel = "DIR", description = "where <video_id>.mp4 are (default: videos/ beside "
            + "or above the captions file)")
    Path videos;

    @Option(names = "--top", paramLabel = "K", converter = Checks.AtLeastOne.class,
            description = "videos listed per caption in the report, best first (default: ${DEFAULT-VALUE})")
    int top = 5;

    @Option(names = "--json", description = "print the report as one JSON document instead of the table")
    boolean json;

    @Option(names = "--attribute-queries", paramLabel = "FILE", description = "also rank the videos for attribute "
            + "queries ('a red shape', 'a shape moving up', 'a blue star growing'; vclip synth writes "
            + "retrieval/attribute_queries.json): precision@5, a hit being a video whose tags include all of the query's")
    Path attributeQueries;

    @Mixin
    EncodingOptions encoding;

    /** {@code --protocol} names as {@link Retrieval.Protocol#id()} spells them. */
    static final class ProtocolName implements picocli.CommandLine.ITypeConverter<Retrieval.Protocol> {
        @Override
        public Retrieval.Protocol convert(String value) {
            try {
                return Retrieval.Protocol.of(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("expected msrvtt-1k, msvd or paragraph, not '"
                        + value + "'");
            }
        }
    }

    /** The K of attribute queries' precision@K. */
    static final int ATTRIBUTE_K = 5;

    /** The ranks R@K is reported at. */
    private static final int[] RECALL_KS = {1, 5, 10};

    @Override
    public Integer call() {
        ParseReport parse = ParseReport.lenient();
        Captions c = Captions.read(captions, parse);
        protocol.captions(c); // captions that do not fit the protocol fail here, before the model loads
        AttributeQueries attributes = attributeQueries == null ? null : AttributeQueries.read(attributeQueries);
        List<Path> videoDirs = videos != null ? List.of(videos) : VideoFiles.besideAnnotations(captions);
        try (VideoTextModel m = model.load(); FeatureStore store = encoding.openStore(m)) {
            Sampling frames = sampling.sampling(m.videoInput(), encoding.framesFor(m));
            Retrieval.Result r;
            try (dev.vclip.report.Progress progress = ConsoleProgress.start("retrieval: encode videos",
                    c.videoIds().size())) {
                r = Retrieval.run(m, c, protocol, VideoFiles.in(videoDirs),
                        encoding.encoder(m, frames, 1, store), progress::stepTo, attributes, ATTRIBUTE_K);
            }
            double[] chanceT2v = Arrays.stream(RECALL_KS).mapToDouble(k -> chanceTextToVideo(k, r.videoIds().size()))
                    .toArray();
            double[] chanceV2t = Arrays.stream(RECALL_KS).mapToDouble(k -> chanceVideoToText(k, r.captionsPerVideo()))
                    .toArray();
            List<List<Object>> rows = List.of(row("text->video", r.metrics().textToVideo()),
                    row("video->text", r.metrics().videoToText()), chanceRow("chance (random ranking)", chanceT2v));
            List<String> headers = List.of("direction", "R@1", "R@5", "R@10", "MdR", "MnR");

            RunReport report = RunReport.create("Text-video retrieval", typedCommandLine());
            report.summary("model", model.name())
                    .summary("protocol", protocol.id()).summary("sampling", frames.toString())
                    .summary("t2v R@1", r.metrics().textToVideo().r1() / 100, "%")
                    .summary("v2t R@1", r.metrics().videoToText().r1() / 100, "%")
                    .summary("chance R@1", chanceT2v[0], "%")
                    .summary("videos", r.videoIds().size()).summary("captions", r.captions().size())
                    .summary("skipped", r.skipped().size() + parse.skippedCount());
            report.table("Retrieval", headers, rows);
            double[] ks = Arrays.stream(RECALL_KS).asDoubleStream().toArray();
            report.lineChart("Recall at K (%)", List.of(
                    Series.xy("text->video", ks, recalls(r.metrics().textToVideo())),
                    Series.xy("video->text", ks, recalls(r.metrics().videoToText())),
                    Series.xy("chance, text->video", ks, Arrays.stream(chanceT2v).map(p -> 100 * p).toArray()),
                    Series.xy("chance, video->text", ks, Arrays.stream(chanceV2t).map(p -> 100 * p).toArray())),
                    "K", "recall at K (%)");
            List<Map<String, Object>> topJson = topResults(r, report);
            List<List<Object>> attributeRows = attributeRows(r.attributes());
            List<String> attributeHeaders = List.of("query kind", "queries", "P@" + ATTRIBUTE_K, "chance");
            if (r.attributes() != null) {
                report.table("Attribute queries: precision@" + ATTRIBUTE_K + " (a hit matches every attribute of the "
                        + "query)", attributeHeaders, attributeRows);
                report.table("Attribute queries, one by one", List.of("kind", "query", "hits in top " + ATTRIBUTE_K,
                        "matching videos", "first hit's rank"), r.attributes().queries().stream()
                        .map(q -> List.<Object>of(q.kind(), q.text(), q.hits(), q.matches(), q.firstHitRank()))
                        .toList());
            }
            List<String> skipped = new ArrayList<>();
            r.skipped().forEach(s -> skipped.add(s.toString()));
            parse.problems().forEach(p -> skipped.add(p.toString()));
            report.notes("Skipped", skipped);
            report.notes("Captions truncated to the model's context", r.truncatedCaptions());
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put(Percent.UNIT_KEY, Percent.UNIT); // 0.25 is 25 %, as the summary stores rates
            metrics.put("protocol", protocol.id());
            metrics.put("sampling", frames.toString());
            metrics.put("text_to_video", metrics(r.metrics().textToVideo(), chanceT2v));
            metrics.put("video_to_text", metrics(r.metrics().videoToText(), chanceV2t));
            if (r.attributes() != null) {
                Map<String, Object> byKind = new LinkedHashMap<>();
                r.attributes().kinds().forEach(k -> byKind.put(k.kind(), Map.of("queries", k.queries(),
                        "precision_at_" + ATTRIBUTE_K, k.precision(), "chance", k.chance())));
                metrics.put("attribute_queries", byKind);
            }
            metrics.put("videos", r.videoIds());
            metrics.put("captions_per_video", r.captionsPerVideo());
            report.json("metrics", metrics);
            report.json("top", topJson);
            Path out = encoding.outDir("retrieval");
            report.writeJson(out.resolve("metrics.json"));
            report.writeHtml(out.resolve("report.html"));
            if (json) {
                out().print(report.toJson());
                return 0;
            }
            out().println("protocol   " + protocol.id() + "; frames " + frames);
            out().printf("videos     %d scored, %d skipped; %d captions; %d from the feature cache%n",
                    r.videoIds().size(), r.skipped().size(), r.captions().size(), r.fromCache());
            out().print(Tables.render(headers, rows));
            if (r.attributes() != null) {
                out().println("attribute queries, precision@" + ATTRIBUTE_K + " (a hit matches every attribute):");
                out().print(Tables.render(attributeHeaders, attributeRows));
            }
            r.skipped().forEach(s -> out().println("skipped    " + s));
            if (!r.truncatedCaptions().isEmpty()) {
                out().println("warning    " + r.truncatedCaptions().size() + " captions are longer than the model's "
                        + "context and were truncated, e.g. " + r.truncatedCaptions().get(0));
            }
            parse.problems().forEach(p -> out().println("skipped    " + p));
            out().println("report     " + out.resolve("report.html") + " (and metrics.json)");
        }
        return 0;
    }

    private static List<List<Object>> attributeRows(AttributeRetrieval.Result a) {
        if (a == null) {
            return List.of();
        }
        return a.kinds().stream().map(k -> List.<Object>of(k.kind(), k.queries(), Percent.of(k.precision()),
                Percent.of(k.chance()))).toList();
    }

    /** The top-K videos of every caption, as a report table and as JSON rows. */
    private List<Map<String, Object>> topResults(Retrieval.Result r, RunReport report) {
        int k = Math.min(top, r.videoIds().size());
        List<List<Object>> rows = new ArrayList<>();
        List<Map<String, Object>> json = new ArrayList<>();
        int caption = 0;
        for (int v = 0; v < r.captionsPerVideo().length; v++) {
            for (int i = 0; i < r.captionsPerVideo()[v]; i++, caption++) {
                float[] scores = r.sim()[caption];
                Integer[] order = new Integer[scores.length];
                Arrays.setAll(order, j -> j);
                Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
                List<String> best = new ArrayList<>();
                for (int j = 0; j < k; j++) {
                    best.add(r.videoIds().get(order[j]));
                }
                int rank = Arrays.asList(order).indexOf(v) + 1;
                rows.add(List.of(r.captions().get(caption), r.videoIds().get(v), String.join(", ", best), rank));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("caption", r.captions().get(caption));
                row.put("video", r.videoIds().get(v));
                row.put("top", best);
                row.put("rank", rank);
                json.add(row);
            }
        }
        report.table("Top " + k + " videos per caption", List.of("caption", "its video", "top " + k + ", best first",
                "rank of its video"), rows);
        return json;
    }

    /** R@K of a random ranking for text->video: the one true video among {@code videos} lands in the top K. */
    static double chanceTextToVideo(int k, int videos) {
        return videos == 0 ? Double.NaN : Math.min(1.0, (double) k / videos);
    }

    /**
     * R@K of a random ranking for video->text: at least one of a video's c captions among all C lands in the top K,
     * 1 - (C-c choose K) / (C choose K), averaged over the videos.
     */
    static double chanceVideoToText(int k, int[] captionsPerVideo) {
        int total = Arrays.stream(captionsPerVideo).sum();
        double sum = 0;
        for (int c : captionsPerVideo) {
            double noneInTopK = 1;
            for (int i = 0; i < Math.min(k, total); i++) {
                noneInTopK *= Math.max(0, total - c - i) / (double) (total - i);
            }
            sum += 1 - noneInTopK;
        }
        return captionsPerVideo.length == 0 ? Double.NaN : sum / captionsPerVideo.length;
    }

    private static double[] recalls(RetrievalMetrics.DirectionMetrics d) {
        return new double[]{d.r1(), d.r5(), d.r10()};
    }

    private static List<Object> row(String name, RetrievalMetrics.DirectionMetrics d) {
        return List.of(name, String.format("%.1f", d.r1()), String.format("%.1f", d.r5()), String.format("%.1f", d.r10()),
                String.format("%.1f", d.medianRank()), String.format("%.2f", d.meanRank()));
    }

    private static List<Object> chanceRow(String name, double[] chance) {
        return List.of(name, String.format("%.1f", 100 * chance[0]), String.format("%.1f", 100 * chance[1]),
                String.format("%.1f", 100 * chance[2]), "", "");
    }

    /** Recalls as fractions, like every rate in a vclip report's JSON; ranks as ranks. */
    private static Map<String, Object> metrics(RetrievalMetrics.DirectionMetrics d, double[] chance) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("R1", d.r1() / 100);
        m.put("R5", d.r5() / 100);
        m.put("R10", d.r10() / 100);
        m.put("MedianR", d.medianRank());
        m.put("MeanR", d.meanRank());
        m.put("chance_R1", chance[0]);
        m.put("chance_R5", chance[1]);
        m.put("chance_R10", chance[2]);
        return m;
    }
}
