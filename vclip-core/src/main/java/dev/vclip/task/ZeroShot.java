package dev.vclip.task;

import dev.vclip.data.LabelTable;
import dev.vclip.data.VideoEntry;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.eval.DirectionPairs;
import dev.vclip.model.VideoTextModel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Zero-shot video recognition as X-CLIP and ViFi-CLIP evaluate it: every class name becomes a text (through a
 * template), each video is encoded once per view (temporal clips × spatial crops), each view is scored against all
 * class texts, and the views are aggregated as the metrics define it (softmax per view, summed). Videos that fail
 * to decode are skipped, counted and listed; the metrics cover the videos that were scored.
 */
public final class ZeroShot {
    private ZeroShot() {
    }

    /** The outcome: metrics, per-video predictions, and what was skipped. */
    public record Result(ClassificationMetrics.Result metrics, List<String> videos, int[] labels, List<String> classTexts,
                         long[][] confusion, double[] perClassAccuracy, List<ClassificationMetrics.ConfusedPair> confused,
                         List<VideoEncoder.Skipped> skipped, int fromCache) {

        /** Metrics over the classes with a direction-only twin ({@code twinOf[class]}, -1 for none). */
        public DirectionPairs.Result directionPairs(int[] twinOf) {
            return DirectionPairs.evaluate(metrics.aggregatedScores(), labels, twinOf);
        }
    }

    /** The text of a class: {@code template} with {@code {}} replaced by the class name. */
    public static String classText(String template, String className) {
        return template.contains("{}") ? template.replace("{}", className) : template + " " + className;
    }

    public static Result run(VideoTextModel model, List<VideoEntry> entries, LabelTable labels, String template,
                             VideoEncoder encoder, IntConsumer progress) {
        List<String> texts = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            texts.add(classText(template, labels.name(c)));
        }
        float[][] classFeatures = Scoring.textFeatures(model, texts);
        List<String> specs = entries.stream().map(VideoEntry::spec).toList();
        VideoEncoder.Result encoded = encoder.encodeAll(specs, progress);

        List<VideoEncoder.Encoded> kept = new ArrayList<>();
        List<String> keptVideos = new ArrayList<>();
        List<Integer> keptLabels = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (encoded.encoded().get(i) != null) {
                kept.add(encoded.encoded().get(i));
                keptVideos.add(specs.get(i));
                keptLabels.add(entries.get(i).label());
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalStateException("no video could be decoded (" + encoded.skipped().size() + " skipped; first: "
                    + (encoded.skipped().isEmpty() ? "-" : encoded.skipped().get(0)) + ")");
        }
        float[][] rows = Scoring.logits(model, kept, classFeatures, 32);
        float[][][] perVideo = new float[kept.size()][][];
        int row = 0;
        for (int v = 0; v < kept.size(); v++) {
            int clips = kept.get(v).clips();
            perVideo[v] = java.util.Arrays.copyOfRange(rows, row, row + clips);
            row += clips;
        }
        int[] y = keptLabels.stream().mapToInt(Integer::intValue).toArray();
        ClassificationMetrics.Result metrics = ClassificationMetrics.evaluate(perVideo, y);
        long[][] confusion = ClassificationMetrics.confusionMatrix(y, metrics.top1Predictions(), labels.size());
        return new Result(metrics, keptVideos, y, texts, confusion, ClassificationMetrics.perClassAccuracy(confusion),
                ClassificationMetrics.mostConfusedPairs(confusion, 10), encoded.skipped(), encoded.fromCache());
    }
}
