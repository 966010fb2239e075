package dev.vclip.cli;

import dev.vclip.data.LabelTable;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Percent;
import dev.vclip.report.RunReport;
import dev.vclip.report.Tables;
import dev.vclip.task.Scoring;
import dev.vclip.task.VideoEncoder;
import dev.vclip.task.ZeroShot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "classify", mixinStandardHelpOptions = true, description = {
        "Classify one video against the class names of a labels CSV: the top-K classes with probabilities (softmax "
                + "over the classes, views averaged); writes report.json and report.html.",
        "Example: vclip classify synth/videos/moving_left_000.mp4 --model models/xclip-synth --labels "
                + "synth/labels.csv"})
final class ClassifyCommand extends VclipCommand {

    @Parameters(paramLabel = "VIDEO", description = "a video file, a folder of frames, or archive.tar#member")
    String video;

    @Mixin
    ModelOption model = new ModelOption();

    @Mixin
    RecognitionOptions recognition = new RecognitionOptions();

    @Option(names = "--top", paramLabel = "K", converter = Checks.AtLeastOne.class,
            description = "classes shown, best first (default: ${DEFAULT-VALUE})")
    int top = 5;

    @Option(names = "--json", description = "print the classes and probabilities as one JSON document instead of a "
            + "table")
    boolean json;

    @Mixin
    EncodingOptions encoding;

    @Override
    public Integer call() {
        LabelTable table = LabelTable.read(recognition.labels);
        try (VideoTextModel m = model.load()) {
            VideoEncoder encoder = recognition.encoder(encoding, m, null);
            VideoEncoder.Result encoded = encoder.encodeAll(List.of(video), null);
            if (encoded.encoded().get(0) == null) {
                throw new dev.vclip.VclipException(encoded.skipped().get(0).toString());
            }
            List<String> texts = new ArrayList<>();
            for (int c = 0; c < table.size(); c++) {
                texts.add(ZeroShot.classText(recognition.template, table.name(c)));
            }
            float[][] logits = Scoring.logits(m, encoded.encoded(), Scoring.textFeatures(m, texts), 32);
            double[] probability = new double[table.size()];
            for (float[] view : logits) {
                double[] p = ClassificationMetrics.softmax(toDouble(view));
                for (int c = 0; c < p.length; c++) {
                    probability[c] += p[c] / logits.length;
                }
            }
            List<List<Object>> rows = new ArrayList<>();
            List<Map<String, Object>> classes = new ArrayList<>();
            for (int c : ClassificationMetrics.topClasses(probability, Math.min(top, table.size()))) {
                rows.add(List.of(table.name(c), Percent.of(probability[c])));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("class", table.name(c));
                row.put("probability", probability[c]);
                classes.add(row);
            }
            List<String> headers = List.of("class", "probability");
            RunReport report = RunReport.create("Classification of one video", typedCommandLine());
            report.summary("video", video)
                    .summary("model", model.name())
                    .summary("top class", table.name(ClassificationMetrics.topClasses(probability, 1)[0]));
            report.table("Top " + rows.size() + " classes", headers, rows);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("video", video);
            payload.put("views", recognition.views.toString());
            payload.put("classes", classes);
            report.json("classes", payload);
            Path out = encoding.outDir("classify");
            report.writeJson(out.resolve("report.json"));
            report.writeHtml(out.resolve("report.html"));
            if (json) {
                printJson(payload);
            } else {
                out().println(video);
                out().print(Tables.render(headers, rows));
                out().println("report     " + out.resolve("report.html") + " (and report.json)");
            }
        }
        return 0;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
