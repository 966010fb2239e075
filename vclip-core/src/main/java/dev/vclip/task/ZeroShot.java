package dev.vclip.task;

import dev.vclip.data.LabelTable;
import dev.vclip.data.VideoEntry;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.eval.DirectionPairs;
import dev.vclip.model.VideoInput;
import dev.vclip.model.VideoTextModel;
import dev.vclip.video.Sampling;
import dev.vclip.video.VideoException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Zero-shot video recognition as X-CLIP and ViFi-CLIP evaluate it: every class name becomes a text (through a
 * template), each video is encoded once per view (temporal clips × spatial crops), each view is scored against all
 * class texts, and the views are aggregated as the metrics define it (softmax per view, summed). Videos that fail
 * to decode are skipped, counted and listed; the metrics cover the videos that were scored ({@link #run}).
 * {@link #classify} does one video without labels or metrics: the texts ranked by probability.
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

    /** One of the texts given for a video: its position among them, the text, and its probability. */
    public record Ranked(int index, String text, double probability) {
    }

    /**
     * Zero-shot classification of one video, the short way: one view of the video (the model's frames per clip, each
     * from the middle of one of as many equal segments, centre crop), scored against every text.
     *
     * @param video a video file, a folder of frames, or {@code archive.tar#member}
     * @return every text, best first, with its probability (softmax over the texts)
     * @throws VideoException when the video cannot be decoded
     */
    public static List<Ranked> classify(VideoTextModel model, Path video, List<String> texts) {
        VideoInput input = model.videoInput();
        ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(input.frames(), 1), input.imageSize(), 1,
                null);
        return classify(model, new VideoEncoder(model, sampler, null, 1, 1), video.toString(), texts);
    }

    /**
     * As {@link #classify(VideoTextModel, Path, List)}, with the sampling, views and feature cache of
     * {@code encoder}: with several views, the softmax of each view is averaged.
     */
    public static List<Ranked> classify(VideoTextModel model, VideoEncoder encoder, String video, List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to score " + video + " against");
        }
        VideoEncoder.Result encoded = encoder.encodeAll(List.of(video), null);
        if (encoded.encoded().get(0) == null) {
            throw new VideoException(encoded.skipped().get(0).toString());
        }
        float[][] views = Scoring.logits(model, encoded.encoded(), Scoring.textFeatures(model, texts), 32);
        double[] probability = new double[texts.size()];
        for (float[] view : views) {
            double[] logits = new double[view.length];
            for (int t = 0; t < view.length; t++) {
                logits[t] = view[t];
            }
            double[] p = ClassificationMetrics.softmax(logits);
            for (int t = 0; t < p.length; t++) {
                probability[t] += p[t] / views.length;
            }
        }
        List<Ranked> ranked = new ArrayList<>();
        for (int t : ClassificationMetrics.topClasses(probability, texts.size())) {
            ranked.add(new Ranked(t, texts.get(t), probability[t]));
        }
        return ranked;
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
        // each video is scored as soon as it is encoded and only its logits are kept (views x classes floats): at
        // full size a video's prompt context is about 100 KB per view, 24 GB for 20k videos of 12 views if held
        float[][][] logits = new float[entries.size()][][];
        VideoEncoder.Streamed encoded = encoder.encodeEach(specs, progress,
                (index, e) -> logits[index] = Scoring.logits(model, List.of(e), classFeatures, 32));

        List<float[][]> kept = new ArrayList<>();
        List<String> keptVideos = new ArrayList<>();
        List<Integer> keptLabels = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (logits[i] != null) {
                kept.add(logits[i]);
                keptVideos.add(specs.get(i));
                keptLabels.add(entries.get(i).label());
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalStateException("no video could be decoded (" + encoded.skipped().size() + " skipped; first: "
                    + (encoded.skipped().isEmpty() ? "-" : encoded.skipped().get(0)) + ")");
        }
        float[][][] perVideo = kept.toArray(new float[0][][]);
        int[] y = keptLabels.stream().mapToInt(Integer::intValue).toArray();
        ClassificationMetrics.Result metrics = ClassificationMetrics.evaluate(perVideo, y);
        long[][] confusion = ClassificationMetrics.confusionMatrix(y, metrics.top1Predictions(), labels.size());
        return new Result(metrics, keptVideos, y, texts, confusion, ClassificationMetrics.perClassAccuracy(confusion),
                ClassificationMetrics.mostConfusedPairs(confusion, 10), encoded.skipped(), encoded.fromCache());
    }
}
