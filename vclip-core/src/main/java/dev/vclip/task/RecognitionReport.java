package dev.vclip.task;

import dev.vclip.data.LabelTable;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.eval.DirectionPairs;
import dev.vclip.report.BarOrder;
import dev.vclip.report.ChartSpec;
import dev.vclip.report.Percent;
import dev.vclip.report.RunReport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sections every recognition report has ({@code vclip zeroshot}, {@code vclip eval}): top-1/top-5, the
 * direction-pair metrics on a vclip synth set, per-class accuracy (chart and table), the most confused pairs, and the
 * same figures as JSON under {@code metrics}.
 *
 * <p>Every rate in the JSON is a fraction (0.523 is 52.3 %), in {@code data.metrics} as in the summary, and the
 * payload says so ({@code rate_unit}). The metric functions return percent, as the reference code does; the reports
 * and logs convert where they write them.
 */
public final class RecognitionReport {
    private RecognitionReport() {
    }

    /**
     * Adds the sections to {@code report}.
     *
     * @param twins direction-only twins of the classes ({@code DatasetJson.directionTwins}), or null
     * @param extra further JSON metrics (views, skipped lines, ...), written after the standard ones
     */
    public static void addTo(RunReport report, ZeroShot.Result r, LabelTable labels, int[] twins,
                             Map<String, Object> extra) {
        report.summary("top-1", r.metrics().top1() / 100, "%")
                .summary("top-5", r.metrics().top5() / 100, "%");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(Percent.UNIT_KEY, Percent.UNIT);
        json.put("top1", r.metrics().top1() / 100);
        json.put("top5", r.metrics().top5() / 100);
        if (twins != null) {
            DirectionPairs.Result pairs = r.directionPairs(twins);
            report.summary("top-1, direction-only classes", pairs.top1(), "%")
                    .summary("order (true class above its twin)", pairs.pairAccuracy(), "%");
            json.put("direction_only_top1", pairs.top1());
            json.put("order_accuracy", pairs.pairAccuracy());
        }
        report.summary("videos", r.videos().size());
        List<String> names = new ArrayList<>();
        List<List<Object>> perClass = new ArrayList<>();
        double[] percent = r.perClassAccuracy(); // ClassificationMetrics.perClassAccuracy: percent, NaN without videos
        for (int c = 0; c < labels.size(); c++) {
            long videos = Arrays.stream(r.confusion()[c]).sum();
            names.add(labels.name(c));
            perClass.add(List.of(labels.name(c), videos, Double.isNaN(percent[c]) ? "-" : Percent.of(percent[c] / 100)));
        }
        report.barChart("Per-class accuracy (%)", names, percent, "top-1 accuracy (%)", BarOrder.AS_GIVEN,
                chance(labels.size()));
        report.table("Per-class accuracy", List.of("class", "videos", "top-1"), perClass);
        List<List<Object>> confused = new ArrayList<>();
        for (ClassificationMetrics.ConfusedPair p : r.confused()) {
            confused.add(List.of(labels.name(p.trueClass()), labels.name(p.predictedClass()), p.count()));
        }
        report.table("Most confused pairs", List.of("true class", "predicted as", "videos"), confused);
        json.put("videos", r.videos().size());
        json.put("skipped_videos", r.skipped().size());
        json.put("per_class_accuracy", Arrays.stream(percent).map(p -> p / 100).toArray());
        json.put("class_texts", r.classTexts());
        json.putAll(extra);
        report.json("metrics", json);
    }

    /** Top-1 accuracy of guessing, in percent: one class in {@code classes}. */
    public static ChartSpec.Reference chance(int classes) {
        return new ChartSpec.Reference(String.format(java.util.Locale.ROOT, "chance %.1f %% (1 of %d classes)",
                100.0 / classes, classes), 100.0 / classes);
    }
}
