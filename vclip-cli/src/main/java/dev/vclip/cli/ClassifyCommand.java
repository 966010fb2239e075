package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.data.LabelTable;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Percent;
import dev.vclip.report.RunReport;
import dev.vclip.report.Tables;
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
            List<String> texts = new ArrayList<>();
            for (int c = 0; c < table.size(); c++) {
                texts.add(ZeroShot.classText(recognition.template, table.name(c)));
            }
            List<ZeroShot.Ranked> ranked = ZeroShot.classify(m, encoder, video, texts);
            List<List<Object>> rows = new ArrayList<>();
            List<Map<String, Object>> classes = new ArrayList<>();
            for (ZeroShot.Ranked r : ranked.subList(0, Math.min(top, ranked.size()))) {
                rows.add(List.of(table.name(r.index()), Percent.of(r.probability())));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("class", table.name(r.index()));
                row.put("probability", r.probability());
                classes.add(row);
            }
            List<String> headers = List.of("class", "probability");
            RunReport report = RunReport.create("Classification of one video", typedCommandLine());
            report.summary("video", video)
                    .summary("model", model.name())
                    .summary("top class", table.name(ranked.get(0).index()));
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
}
