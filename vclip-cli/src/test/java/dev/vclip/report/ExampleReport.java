package dev.vclip.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A report with every kind of element, as a zero-shot + localisation run would write it. */
final class ExampleReport {

    static final String MALICIOUS_FILE = "<script>alert(1)</script>.mp4";
    static final int CLASSES = 40;
    /** Ten minutes at 25 fps. */
    static final int FRAMES = 15_000;

    private ExampleReport() {
    }

    record Metrics(double top1, double top5, int videos, Map<String, Double> perClass) {
    }

    static RunReport build() {
        RunReport report = RunReport.create("Zero-shot recognition",
                RunReport.commandLine("vclip", "zeroshot", "--model", "models/xclip-base-patch32",
                        "--videos", "data/my videos/", "--prompt", "a video of {}"));
        report.summary("top-1", 0.734, "%").summary("top-5", 0.95, "%").summary("videos", 132)
                .summary("skipped", 2).summary("model", "xclip-base-patch32")
                .summary("wall time", Duration.ofSeconds(245)).summary("throughput", 12.5, "videos/s");

        List<String> classes = new ArrayList<>();
        double[] accuracy = new double[CLASSES];
        List<List<Object>> rows = new ArrayList<>();
        Map<String, Double> perClass = new LinkedHashMap<>();
        for (int c = 0; c < CLASSES; c++) {
            String name = "class " + (c + 1) + (c % 7 == 0 ? " (a longer class name here)" : "");
            classes.add(name);
            accuracy[c] = 0.35 + 0.6 * ((c * 37) % CLASSES) / CLASSES;
            rows.add(List.of(name, 3 + c % 5, Percent.of(accuracy[c]), accuracy[c] * 0.9));
            perClass.put(name, accuracy[c]);
        }
        report.table("Per-class accuracy", List.of("class", "videos", "accuracy", "mean score"), rows);
        report.table("Most confused pairs", List.of("true class", "predicted", "times"), List.of(
                List.of("class 3", "class 17", 4), List.of("class 8", "class 2", 3),
                List.of("class 21", "class 22", 2)));
        report.barChart("Per-class accuracy (sorted)", classes, accuracy, "accuracy", BarOrder.DESCENDING);

        double[] fpr = new double[101];
        double[] tpr = new double[101];
        double[] recall = new double[101];
        double[] precision = new double[101];
        for (int i = 0; i <= 100; i++) {
            fpr[i] = i / 100.0;
            tpr[i] = Math.pow(fpr[i], 0.3);
            recall[i] = i / 100.0;
            precision[i] = 1 - 0.55 * Math.pow(recall[i], 2.5);
        }
        report.lineChart("ROC: query 'a red circle moving left'",
                List.of(Series.xy("ROC (AUC 0.77)", fpr, tpr), Series.xy("chance", new double[]{0, 1},
                        new double[]{0, 1})), "false positive rate", "true positive rate");
        report.lineChart("Precision-recall: query 'a red circle moving left'",
                List.of(Series.xy("PR (AP 0.81)", recall, precision)), "recall", "precision");

        int steps = 5000;
        double[] trainLoss = new double[steps];
        double[] valLoss = new double[steps];
        for (int s = 0; s < steps; s++) {
            trainLoss[s] = 2.5 * Math.exp(-s / 900.0) + 0.4 + 0.08 * Math.sin(s * 1.7);
            valLoss[s] = 2.5 * Math.exp(-s / 1100.0) + 0.55;
        }
        double[] evalSteps = {0, 1000, 2000, 3000, 4000, 4999};
        double[] evalAccuracy = {0.1, 0.42, 0.58, 0.66, 0.7, 0.72};
        report.lineChart("Training curves", List.of(Series.of("train loss", trainLoss), Series.of("val loss", valLoss),
                Series.xy("val top-1", evalSteps, evalAccuracy)), "step", "loss / accuracy");

        double[] times = new double[FRAMES];
        double[] scores = new double[FRAMES];
        for (int f = 0; f < FRAMES; f++) {
            times[f] = f / 25.0;
            double t = times[f];
            boolean inMoment = (t >= 95 && t <= 140) || (t >= 400 && t <= 430);
            scores[f] = 0.21 + 0.015 * Math.sin(t / 7.0) + 0.01 * Math.sin(f * 12.9898) + (inMoment ? 0.06 : 0);
        }
        report.timeline("Frame scores vs ground truth: 'a red circle moving left'", times, scores,
                List.of(Interval.of(95, 140), Interval.of(400, 430)),
                List.of(Interval.of(98, 137), Interval.of(402, 425), Interval.of(510, 514)), 0.25);

        report.notes("skipped", List.of("videos/clip_0042.mp4: cannot decode (truncated)",
                "videos/" + MALICIOUS_FILE + ": unsupported codec 'vp9'"));

        report.json("metrics", new Metrics(0.734, 0.95, 132, perClass));
        report.json("config", Map.of("frames", 8, "prompt", "a video of {}", "elapsed", Duration.ofMillis(1500)));
        return report;
    }
}
