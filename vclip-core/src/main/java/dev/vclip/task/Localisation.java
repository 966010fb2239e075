package dev.vclip.task;

import dev.vclip.eval.DetectionMetrics;
import dev.vclip.eval.LocalisationMetrics;
import dev.vclip.model.VideoTextModel;
import dev.vclip.video.Sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * Language-guided temporal localisation in long videos, as XCLIP_Baseline sets it up: sliding windows of W frames
 * with stride S (16 and 8 by default), each window scored against each text query, window scores averaged into
 * frame scores, then frame-level AUROC/AUPRC against the ground truth and segments for detection metrics.
 *
 * <p>Where the baseline runs the whole model for every window × query, vclip encodes each window once (vision
 * tower, MIT, and for X-CLIP the prompt generator's visual context; cached on disk per video) and then only runs the
 * cheap text side and the prompt generator per pair. {@code LocalisationTest} checks that both give the same scores.
 *
 * <p>A window's score for a query is the model's logit, exp(logit_scale)·cos(window, query), with X-CLIP's
 * video-specific prompt for that window.
 */
public final class Localisation {
    private Localisation() {
    }

    public static final int DEFAULT_WINDOW = 16;
    public static final int DEFAULT_STRIDE = 8;
    /** Segments kept per query by the default proposal rule. */
    public static final int DEFAULT_SEGMENTS = 5;

    /**
     * How segments are cut from frame scores (our convention, the fixture's proposal rule): frame scores are
     * min–max normalised per query, runs above thresholds 0.5…0.9 merged across gaps up to a stride, segments shorter
     * than half a window dropped, 1-D NMS at tIoU 0.5, at most {@value #DEFAULT_SEGMENTS} kept.
     */
    public static DetectionMetrics.ProposalRule defaultRule(int window, int stride) {
        return defaultRule(window, stride, DEFAULT_SEGMENTS);
    }

    /** As {@link #defaultRule(int, int)}, keeping at most {@code maxSegments} segments. */
    public static DetectionMetrics.ProposalRule defaultRule(int window, int stride, int maxSegments) {
        return new DetectionMetrics.ProposalRule(new double[]{0.5, 0.6, 0.7, 0.8, 0.9}, stride, Math.max(1, window / 2),
                0.5, maxSegments);
    }

    /**
     * A sampler whose views are the sliding windows of a video: for each window start (as XCLIP_Baseline's
     * {@code VideoWindowDataset} lays them out), {@code framesPerWindow} segment-middle frames of the window.
     */
    public static ClipSampler windowSampler(int framesPerWindow, int window, int stride, int imageSize) {
        ClipSampler.FrameViews views = (frameCount, fps) -> {
            int[] starts = LocalisationMetrics.windowStarts(frameCount, window, stride);
            int[][] out = new int[starts.length][];
            for (int w = 0; w < starts.length; w++) {
                // a window past the end (video shorter than W) repeats the last frame, as the baseline pads
                out[w] = new Sampling.FrameRange(starts[w], starts[w] + window, framesPerWindow).views(frameCount, fps)[0];
            }
            return out;
        };
        return new ClipSampler(views, "windows(W=" + window + ",S=" + stride + ",T=" + framesPerWindow + ")", imageSize,
                1, null);
    }

    /** Scores of one query over one video. */
    public record QueryScores(String query, int[] windowStarts, double[] windowScores, double[] frameScores,
                              List<DetectionMetrics.Proposal> segments) {
    }

    /**
     * Scores {@code queries} against the encoded windows of one video ({@code windows.clips()} = number of windows),
     * with frame scores and segments.
     */
    public static List<QueryScores> score(VideoTextModel model, VideoEncoder.Encoded windows, int frameCount,
                                          List<String> queries, int window, int stride) {
        return score(model, windows, frameCount, queries, window, stride, DEFAULT_SEGMENTS);
    }

    /** As {@link #score(VideoTextModel, VideoEncoder.Encoded, int, List, int, int)}, keeping up to {@code maxSegments}
     * segments per query. */
    public static List<QueryScores> score(VideoTextModel model, VideoEncoder.Encoded windows, int frameCount,
                                          List<String> queries, int window, int stride, int maxSegments) {
        int[] starts = LocalisationMetrics.windowStarts(frameCount, window, stride);
        if (starts.length != windows.clips()) {
            throw new IllegalArgumentException(windows.clips() + " encoded windows, but the layout gives " + starts.length);
        }
        float[][] logits = Scoring.logits(model, List.of(windows), Scoring.textFeatures(model, queries), 64);
        int evaluated = LocalisationMetrics.evaluatedLength(starts, window);
        List<QueryScores> out = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            double[] windowScores = new double[starts.length];
            for (int w = 0; w < starts.length; w++) {
                windowScores[w] = logits[w][q];
            }
            double[] frames = LocalisationMetrics.frameScores(evaluated, starts, windowScores, window);
            List<DetectionMetrics.Proposal> segments = DetectionMetrics.proposals(normalised(frames),
                    defaultRule(window, stride, maxSegments));
            out.add(new QueryScores(queries.get(q), starts, windowScores, frames, segments));
        }
        return out;
    }

    /** Min–max normalised to [0, 1]; a constant series becomes all zeros. */
    static double[] normalised(double[] scores) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        double[] out = new double[scores.length];
        if (max > min) {
            for (int i = 0; i < scores.length; i++) {
                out[i] = (scores[i] - min) / (max - min);
            }
        }
        return out;
    }

    /** Scores of every (video, query) of a triplets file, the frame-level and the moment metrics. */
    public record EvalResult(LocalisationMetrics.Summary frames, DetectionMetrics.MomentRetrievalResult moments,
                             List<VideoQueries> videos, List<VideoEncoder.Skipped> skipped, int fromCache) {
    }

    /** One video's queries with their scores and ground truth ([start, end) frame ranges per query). */
    public record VideoQueries(String videoId, double fps, int frameCount, List<QueryScores> scores,
                               List<double[][]> groundTruth) {
    }

    /**
     * Evaluates the queries of a triplets file: every video's windows encoded once (cached), every query of that
     * video scored against them, frame AUROC/AUPRC per (video, query) and their macro average, and moment retrieval
     * mAP / R@1 of the proposed segments (in seconds) at tIoU 0.3, 0.5, 0.7.
     *
     * @param progress started once the videos are counted, with the number of windows to encode: a few long videos
     *                 take minutes each, so a count of videos would sit at 0 of 1 for all of them
     */
    public static EvalResult evaluate(VideoTextModel model, dev.vclip.data.Triplets triplets,
                                      java.util.function.Function<String, String> videoSpec, VideoEncoder encoder,
                                      int window, int stride, dev.vclip.report.Progress.Factory progress) {
        java.util.Map<String, List<dev.vclip.data.Triplets.Query>> byVideo = new java.util.LinkedHashMap<>();
        for (dev.vclip.data.Triplets.Query q : triplets.queries()) {
            byVideo.computeIfAbsent(q.videoId(), k -> new ArrayList<>()).add(q);
        }
        List<String> ids = new ArrayList<>(byVideo.keySet());
        List<String> specs = ids.stream().map(videoSpec).toList();
        int[] frameCounts = new int[specs.size()];
        long windowCount = 0;
        for (int v = 0; v < specs.size(); v++) {
            try {
                frameCounts[v] = frameCount(specs.get(v));
                windowCount += LocalisationMetrics.windowStarts(frameCounts[v], window, stride).length;
            } catch (RuntimeException e) {
                frameCounts[v] = -1; // the encoder meets the same problem and lists the video as skipped
            }
        }
        VideoEncoder.Result encoded;
        try (dev.vclip.report.Progress windows = progress.start("encode windows", windowCount)) {
            encoded = encoder.encodeAllCountingClips(specs, windows::stepTo);
        }
        List<LocalisationMetrics.Item> items = new ArrayList<>();
        List<DetectionMetrics.MomentQuery> moments = new ArrayList<>();
        List<VideoQueries> videos = new ArrayList<>();
        for (int v = 0; v < ids.size(); v++) {
            VideoEncoder.Encoded windows = encoded.encoded().get(v);
            if (windows == null) {
                continue;
            }
            List<dev.vclip.data.Triplets.Query> queries = byVideo.get(ids.get(v));
            int frameCount = frameCounts[v] >= 0 ? frameCounts[v] : frameCount(specs.get(v));
            List<QueryScores> scores = score(model, windows, frameCount,
                    queries.stream().map(dev.vclip.data.Triplets.Query::text).toList(), window, stride);
            List<double[][]> truths = new ArrayList<>();
            for (int q = 0; q < queries.size(); q++) {
                dev.vclip.data.Triplets.Query query = queries.get(q);
                double[][] truth = query.moments().stream()
                        .map(t -> new double[]{t.startFrame(), t.endFrame()}).toArray(double[][]::new);
                truths.add(truth);
                QueryScores s = scores.get(q);
                items.add(new LocalisationMetrics.Item(ids.get(v), query.text(), s.windowStarts(), s.windowScores(),
                        truth));
                double fps = query.fps();
                List<DetectionMetrics.Window> gt = query.moments().stream()
                        .map(t -> new DetectionMetrics.Window(t.startFrame() / fps, t.endFrame() / fps)).toList();
                List<DetectionMetrics.ScoredWindow> predicted = s.segments().stream()
                        .map(p -> new DetectionMetrics.ScoredWindow(p.start() / fps, p.end() / fps, p.score())).toList();
                if (!predicted.isEmpty()) {
                    moments.add(new DetectionMetrics.MomentQuery(ids.get(v) + " / " + query.text(), gt, predicted));
                }
            }
            videos.add(new VideoQueries(ids.get(v), queries.get(0).fps(), frameCount, scores, truths));
        }
        LocalisationMetrics.Summary frames = LocalisationMetrics.evaluate(items, window);
        DetectionMetrics.MomentRetrievalResult momentResult = moments.isEmpty() ? null
                : DetectionMetrics.momentRetrieval(moments, DetectionMetrics.DEFAULT_TIOU_THRESHOLDS);
        return new EvalResult(frames, momentResult, videos, encoded.skipped(), encoded.fromCache());
    }

    /** The frame count of a video (the window layout depends on it). */
    public static int frameCount(String spec) {
        try (dev.vclip.video.VideoSource video = dev.vclip.video.VideoSources.open(spec)) {
            return video.info().frameCount();
        }
    }
}
