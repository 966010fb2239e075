package dev.vclip.cli;

import dev.vclip.data.LabelTable;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Tables;
import dev.vclip.task.Scoring;
import dev.vclip.task.VideoEncoder;
import dev.vclip.task.ZeroShot;
import dev.vclip.video.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "classify", description = "Classify one video against the class names of a labels CSV: top-5 with "
        + "probabilities (softmax over the classes, views averaged).")
final class ClassifyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "VIDEO")
    String video;

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--labels", required = true, paramLabel = "FILE")
    Path labels;

    @Option(names = "--template", description = "class text; {} is the class name (default: '${DEFAULT-VALUE}')")
    String template = "{}";

    @Option(names = "--views", paramLabel = "CLIPSxCROPS", description = "(default: ${DEFAULT-VALUE})")
    String views = "1x1";

    @Mixin
    EncodingOptions encoding;

    @Override
    public Integer call() {
        LabelTable table = LabelTable.read(labels);
        int[] clipsCrops = ZeroshotCommand.parseViews(views);
        try (VideoTextModel m = ModelFolder.load(model)) {
            VideoEncoder encoder = encoding.encoder(m, new Sampling.SegmentMiddle(encoding.framesFor(m), clipsCrops[0]),
                    clipsCrops[1], null);
            VideoEncoder.Result encoded = encoder.encodeAll(List.of(video), null);
            if (encoded.encoded().get(0) == null) {
                throw new IllegalArgumentException(encoded.skipped().get(0).toString());
            }
            List<String> texts = new ArrayList<>();
            for (int c = 0; c < table.size(); c++) {
                texts.add(ZeroShot.classText(template, table.name(c)));
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
            for (int c : ClassificationMetrics.topClasses(probability, Math.min(5, table.size()))) {
                rows.add(List.of(table.name(c), String.format("%.1f %%", 100 * probability[c])));
            }
            System.out.println(video);
            System.out.print(Tables.render(List.of("class", "probability"), rows));
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
