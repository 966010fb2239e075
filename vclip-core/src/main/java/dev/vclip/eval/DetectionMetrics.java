package dev.vclip.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Temporal localisation metrics on segments:
 * <ul>
 *   <li>{@linkplain #detectionMeanAveragePrecision temporal detection mAP} at tIoU thresholds (usually 0.3, 0.5,
 *       0.7), as activitynet/ActivityNet {@code Evaluation/eval_detection.py} ({@code ANETdetection},
 *       {@code compute_average_precision_detection}) and {@code Evaluation/utils.py} ({@code segment_iou},
 *       {@code interpolated_prec_rec});</li>
 *   <li>{@linkplain #momentRetrieval moment retrieval} mAP and R@1 at IoU thresholds, as jayleicn/moment_detr
 *       {@code standalone_eval/eval.py} ({@code compute_mr_ap}, {@code compute_mr_r1});</li>
 *   <li>{@linkplain #proposals proposals}: our fully specified rule (not a reference) for turning frame scores into
 *       scored segments: threshold, merge, drop short, 1-D NMS.</li>
 * </ul>
 */
public final class DetectionMetrics {

    /** The tIoU thresholds of the seeds' reports. */
    public static final double[] DEFAULT_TIOU_THRESHOLDS = {0.3, 0.5, 0.7};
    /** Moment-DETR {@code compute_mr_ap(max_pred_windows=10)}: only the first 10 predicted windows count. */
    public static final int MAX_PREDICTED_WINDOWS = 10;

    private DetectionMetrics() {
    }

    /** A ground-truth instance: a segment {@code [start, end]} (seconds) of class {@code label} in {@code video}. */
    public record GroundTruthSegment(String video, String label, double start, double end) {
    }

    /** A detection: a scored segment {@code [start, end]} (seconds) of class {@code label} in {@code video}. */
    public record PredictedSegment(String video, String label, double start, double end, double score) {
    }

    /** A segment {@code [start, end]}. */
    public record Window(double start, double end) {
    }

    /** A scored segment {@code [start, end]}. */
    public record ScoredWindow(double start, double end, double score) {
    }

    /**
     * How predictions of equal score are ordered when sorting by descending score.
     */
    public enum ScoreTieOrder {
        /**
         * ActivityNet {@code eval_detection.py}: the reverse of numpy's ascending {@code argsort}, which for up to 16
         * predictions (insertion sort, stable) puts the later-listed one first; our convention for any count.
         */
        LATER_LISTED_FIRST,
        /** The MMAction2 / Moment-DETR port ({@code list.sort(key=-score)}, stable): the listed order. */
        LISTED_ORDER
    }

    /**
     * ActivityNet detection results: {@code averagePrecision.get(label)[t]} per ground-truth class (in order of
     * first appearance in the ground truth) and threshold, {@code meanAveragePrecision[t]} the mean over the
     * classes, {@code averageMeanAveragePrecision} the mean over the thresholds.
     */
    public record DetectionResult(double[] tiouThresholds, Map<String, double[]> averagePrecision,
                                  double[] meanAveragePrecision, double averageMeanAveragePrecision) {
    }

    /** A moment-retrieval query: its ground-truth windows and its predicted windows in submitted order. */
    public record MomentQuery(String qid, List<Window> groundTruth, List<ScoredWindow> predictions) {
    }

    /**
     * Moment-retrieval results, as fractions: per-query AP and their mean per threshold, R@1 per threshold, and
     * the tIoU of each query's first predicted window with its best-overlapping ground-truth window.
     */
    public record MomentRetrievalResult(double[] tiouThresholds, Map<String, double[]> perQueryAveragePrecision,
                                        double[] meanAveragePrecision, double[] recallAt1, double[] top1IoU) {

        /**
         * The report of Moment-DETR {@code compute_mr_ap} and {@code compute_mr_r1}: {@code "MR-mAP"} and
         * {@code "MR-R1"}, each keyed by the threshold as Python prints it ({@code "0.5"}), MR-mAP also by
         * {@code "average"}; values in percent rounded to 2 decimals ({@code float(f"{100 * v:.2f}")}).
         */
        public Map<String, Map<String, Double>> momentDetrReport() {
            Map<String, Double> map = new LinkedHashMap<>();
            Map<String, Double> r1 = new LinkedHashMap<>();
            for (int t = 0; t < tiouThresholds.length; t++) {
                String key = pythonThresholdKey(tiouThresholds[t]);
                map.put(key, percentTwoDecimals(meanAveragePrecision[t]));
                r1.put(key, percentTwoDecimals(recallAt1[t]));
            }
            map.put("average", percentTwoDecimals(mean(meanAveragePrecision)));
            Map<String, Map<String, Double>> report = new LinkedHashMap<>();
            report.put("MR-mAP", map);
            report.put("MR-R1", r1);
            return report;
        }
    }

    /** Parameters of {@link #proposals}: thresholds, merge gap and minimum length in frames, NMS tIoU, top k. */
    public record ProposalRule(double[] thresholds, int mergeGap, int minLength, double nmsIoU, int topK) {

        public ProposalRule {
            if (thresholds.length == 0 || mergeGap < 0 || minLength < 0 || topK < 1 || Double.isNaN(nmsIoU)) {
                throw new IllegalArgumentException("a proposal rule needs thresholds, mergeGap >= 0, minLength >= 0, "
                        + "a nmsIoU and topK >= 1");
            }
        }
    }

    /** A proposed segment of frames {@code [start, end)} (end exclusive) with its score. */
    public record Proposal(int start, int end, double score) {

        public int length() {
            return end - start;
        }

        /** The segment in seconds, {@code frames / fps}, with the same score. */
        public ScoredWindow inSeconds(double fps) {
            return new ScoredWindow(start / fps, end / fps, score);
        }
    }

    /**
     * Temporal IoU of two segments, ActivityNet {@code segment_iou}:
     * {@code max(0, min(a1, b1) - max(a0, b0)) / ((a1 - a0) + (b1 - b0) - intersection)}; 0 when the union is 0
     * (two zero-length segments at one point, where the reference divides 0 by 0).
     */
    public static double temporalIoU(double aStart, double aEnd, double bStart, double bEnd) {
        double intersection = Math.max(0.0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));
        double union = (aEnd - aStart) + (bEnd - bStart) - intersection;
        return union > 0 ? intersection / union : 0.0;
    }

    /**
     * ActivityNet temporal detection mAP ({@code ANETdetection.evaluate}): per ground-truth class the
     * {@linkplain #averagePrecision average precision} of the predictions of that class (0 for a class without
     * predictions), {@code mAP[t]} the mean over the classes, and the average of {@code mAP} over the thresholds.
     *
     * @throws IllegalArgumentException if a prediction's label has no ground truth (the reference crashes)
     */
    public static DetectionResult detectionMeanAveragePrecision(List<GroundTruthSegment> groundTruth,
                                                                List<PredictedSegment> predictions,
                                                                double[] tiouThresholds, ScoreTieOrder tieOrder) {
        Set<String> labels = new LinkedHashSet<>();
        for (GroundTruthSegment gt : groundTruth) {
            labels.add(gt.label());
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("detection mAP needs ground truth");
        }
        for (PredictedSegment prediction : predictions) {
            if (!labels.contains(prediction.label())) {
                throw new IllegalArgumentException("predicted label '" + prediction.label()
                        + "' has no ground truth (ActivityNet's evaluation rejects it)");
            }
        }
        Map<String, double[]> apByLabel = new LinkedHashMap<>();
        double[] mAP = new double[tiouThresholds.length];
        for (String label : labels) {
            List<GroundTruthSegment> classGroundTruth = groundTruth.stream()
                    .filter(gt -> gt.label().equals(label)).toList();
            List<PredictedSegment> classPredictions = predictions.stream()
                    .filter(p -> p.label().equals(label)).toList();
            double[] ap = averagePrecision(classGroundTruth, classPredictions, tiouThresholds, tieOrder);
            apByLabel.put(label, ap);
            for (int t = 0; t < ap.length; t++) {
                mAP[t] += ap[t];
            }
        }
        for (int t = 0; t < mAP.length; t++) {
            mAP[t] /= labels.size();
        }
        return new DetectionResult(tiouThresholds.clone(), apByLabel, mAP, mean(mAP));
    }

    /**
     * Average precision of one class at each tIoU threshold, ActivityNet {@code compute_average_precision_detection}
     * (labels are not looked at: pass the ground truth and predictions of one class):
     * <ol>
     *   <li>predictions by descending score, equal scores in {@code tieOrder};</li>
     *   <li>independently per threshold, each prediction in turn: in a video without ground truth it is a false
     *       positive; otherwise the video's ground truths are visited by descending tIoU (equal tIoU: later-listed
     *       first); the first below the threshold ends the search (false positive), an already matched one is
     *       skipped, the first unmatched one with {@code tIoU >= threshold} makes it a true positive and is locked;
     *       if every candidate clearing the threshold is taken it is a false positive;</li>
     *   <li>{@code precision_i = TP_i / i}, {@code recall_i = TP_i / #groundTruth}, and the
     *       {@linkplain #interpolatedAveragePrecision VOC 2011 interpolated} area.</li>
     * </ol>
     * All zeros without predictions.
     *
     * @throws IllegalArgumentException without ground truth (recall would be x/0)
     */
    public static double[] averagePrecision(List<GroundTruthSegment> groundTruth, List<PredictedSegment> predictions,
                                            double[] tiouThresholds, ScoreTieOrder tieOrder) {
        if (groundTruth.isEmpty()) {
            throw new IllegalArgumentException("average precision needs at least one ground-truth segment");
        }
        double[] ap = new double[tiouThresholds.length];
        if (predictions.isEmpty()) {
            return ap;
        }
        Map<String, List<Integer>> groundTruthByVideo = new LinkedHashMap<>();
        for (int g = 0; g < groundTruth.size(); g++) {
            groundTruthByVideo.computeIfAbsent(groundTruth.get(g).video(), v -> new ArrayList<>()).add(g);
        }
        int[] order = byDescendingScore(predictions, tieOrder);
        boolean[][] truePositive = new boolean[tiouThresholds.length][order.length];
        boolean[][] groundTruthTaken = new boolean[tiouThresholds.length][groundTruth.size()];
        for (int rank = 0; rank < order.length; rank++) {
            PredictedSegment prediction = predictions.get(order[rank]);
            List<Integer> candidates = groundTruthByVideo.get(prediction.video());
            if (candidates == null) {
                continue; // a false positive at every threshold
            }
            double[] tiou = new double[candidates.size()];
            for (int c = 0; c < tiou.length; c++) {
                GroundTruthSegment gt = groundTruth.get(candidates.get(c));
                tiou[c] = temporalIoU(prediction.start(), prediction.end(), gt.start(), gt.end());
            }
            int[] byTiou = descendingLaterFirst(tiou);
            for (int t = 0; t < tiouThresholds.length; t++) {
                for (int c : byTiou) {
                    if (tiou[c] < tiouThresholds[t]) {
                        break; // false positive
                    }
                    int g = candidates.get(c);
                    if (groundTruthTaken[t][g]) {
                        continue;
                    }
                    truePositive[t][rank] = true;
                    groundTruthTaken[t][g] = true;
                    break;
                }
            }
        }
        for (int t = 0; t < tiouThresholds.length; t++) {
            double[] precision = new double[order.length];
            double[] recall = new double[order.length];
            int truePositives = 0;
            for (int rank = 0; rank < order.length; rank++) {
                if (truePositive[t][rank]) {
                    truePositives++;
                }
                precision[rank] = (double) truePositives / (rank + 1);
                recall[rank] = (double) truePositives / groundTruth.size();
            }
            ap[t] = interpolatedAveragePrecision(precision, recall);
        }
        return ap;
    }

    /**
     * VOC 2011 interpolated average precision, ActivityNet {@code interpolated_prec_rec}: prepend (recall 0,
     * precision 0), append (recall 1, precision 0), replace every precision by the maximum precision at any later
     * point, then sum {@code (recall_i - recall_{i-1}) * precision_i} over the points where recall changes.
     */
    public static double interpolatedAveragePrecision(double[] precision, double[] recall) {
        if (precision.length != recall.length) {
            throw new IllegalArgumentException(precision.length + " precisions but " + recall.length + " recalls");
        }
        int n = precision.length + 2;
        double[] p = new double[n];
        double[] r = new double[n];
        System.arraycopy(precision, 0, p, 1, precision.length);
        System.arraycopy(recall, 0, r, 1, recall.length);
        r[n - 1] = 1.0;
        for (int i = n - 2; i >= 0; i--) {
            p[i] = Math.max(p[i], p[i + 1]);
        }
        double ap = 0;
        for (int i = 1; i < n; i++) {
            if (r[i] != r[i - 1]) {
                ap += (r[i] - r[i - 1]) * p[i];
            }
        }
        return ap;
    }

    /**
     * Moment retrieval as Moment-DETR evaluates it:
     * <ul>
     *   <li>per query, the {@linkplain #averagePrecision detection AP} with the query as the only video and class,
     *       over its first {@value #MAX_PREDICTED_WINDOWS} predicted windows, equal scores in listed order
     *       ({@code compute_mr_ap}, whose port sorts stably); mAP = the mean over the queries;</li>
     *   <li>R@1[t]: the fraction of queries whose <b>first</b> predicted window has tIoU >= t with the ground-truth
     *       window it overlaps most ({@code compute_mr_r1}).</li>
     * </ul>
     *
     * @throws IllegalArgumentException for a query without ground-truth or without predicted windows (the
     *         reference's AP is 0/0 and its R@1 fails on them)
     */
    public static MomentRetrievalResult momentRetrieval(List<MomentQuery> queries, double[] tiouThresholds) {
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("moment retrieval needs at least one query");
        }
        Map<String, double[]> perQuery = new LinkedHashMap<>();
        double[] mAP = new double[tiouThresholds.length];
        double[] top1IoU = new double[queries.size()];
        double[] recallAt1 = new double[tiouThresholds.length];
        for (int q = 0; q < queries.size(); q++) {
            MomentQuery query = queries.get(q);
            if (query.groundTruth().isEmpty() || query.predictions().isEmpty()) {
                throw new IllegalArgumentException("query " + query.qid() + " has no "
                        + (query.groundTruth().isEmpty() ? "ground-truth" : "predicted") + " windows");
            }
            List<GroundTruthSegment> groundTruth = query.groundTruth().stream()
                    .map(w -> new GroundTruthSegment(query.qid(), "", w.start(), w.end())).toList();
            List<PredictedSegment> predictions = query.predictions().stream()
                    .limit(MAX_PREDICTED_WINDOWS)
                    .map(w -> new PredictedSegment(query.qid(), "", w.start(), w.end(), w.score())).toList();
            double[] ap = averagePrecision(groundTruth, predictions, tiouThresholds, ScoreTieOrder.LISTED_ORDER);
            if (perQuery.put(query.qid(), ap) != null) {
                throw new IllegalArgumentException("query " + query.qid() + " occurs twice");
            }
            ScoredWindow first = query.predictions().get(0);
            double best = 0;
            for (Window gt : query.groundTruth()) {
                best = Math.max(best, temporalIoU(first.start(), first.end(), gt.start(), gt.end()));
            }
            top1IoU[q] = best;
            for (int t = 0; t < tiouThresholds.length; t++) {
                mAP[t] += ap[t];
                if (best >= tiouThresholds[t]) {
                    recallAt1[t]++;
                }
            }
        }
        for (int t = 0; t < tiouThresholds.length; t++) {
            mAP[t] /= queries.size();
            recallAt1[t] /= queries.size();
        }
        return new MomentRetrievalResult(tiouThresholds.clone(), perQuery, mAP, recallAt1, top1IoU);
    }

    /**
     * Scored segments from frame scores: <b>our convention</b>, not a reference (fixture section
     * {@code proposals_our_convention}).
     * <ol>
     *   <li>for each threshold tau: the maximal runs of consecutive frames with {@code score >= tau}, as
     *       {@code [start, end)};</li>
     *   <li>left to right, a run merges into the previous segment when {@code run.start - previous.end <=
     *       mergeGap} (the gap frames become part of the segment);</li>
     *   <li>segments with {@code end - start < minLength} are dropped;</li>
     *   <li>a segment's score is the mean frame score over {@code [start, end)}, gap frames included;</li>
     *   <li>the segments of all thresholds are pooled (an identical {@code [start, end)} kept once) and sorted by
     *       score descending, then start ascending, then length ascending;</li>
     *   <li>greedy 1-D NMS: a segment is kept when its tIoU with every kept segment is {@code <= nmsIoU}; at most
     *       {@code topK} are kept.</li>
     * </ol>
     */
    public static List<Proposal> proposals(double[] frameScores, ProposalRule rule) {
        for (int f = 0; f < frameScores.length; f++) {
            if (Double.isNaN(frameScores[f])) {
                throw new IllegalArgumentException("score of frame " + f + " is NaN");
            }
        }
        Map<List<Integer>, Proposal> pooled = new LinkedHashMap<>();
        for (double threshold : rule.thresholds()) {
            for (int[] segment : mergedRuns(frameScores, threshold, rule.mergeGap())) {
                if (segment[1] - segment[0] < rule.minLength()) {
                    continue;
                }
                double sum = 0;
                for (int f = segment[0]; f < segment[1]; f++) {
                    sum += frameScores[f];
                }
                pooled.putIfAbsent(List.of(segment[0], segment[1]),
                        new Proposal(segment[0], segment[1], sum / (segment[1] - segment[0])));
            }
        }
        List<Proposal> candidates = new ArrayList<>(pooled.values());
        candidates.sort(Comparator.comparingDouble(Proposal::score).reversed()
                .thenComparingInt(Proposal::start).thenComparingInt(Proposal::length));
        List<Proposal> kept = new ArrayList<>();
        for (Proposal candidate : candidates) {
            if (kept.size() == rule.topK()) {
                break;
            }
            boolean suppressed = false;
            for (Proposal k : kept) {
                if (temporalIoU(candidate.start(), candidate.end(), k.start(), k.end()) > rule.nmsIoU()) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(candidate);
            }
        }
        return List.copyOf(kept);
    }

    /** Steps 1 and 2 of {@link #proposals}: runs at or above the threshold, merged across small gaps. */
    private static List<int[]> mergedRuns(double[] frameScores, double threshold, int mergeGap) {
        List<int[]> segments = new ArrayList<>();
        int f = 0;
        while (f < frameScores.length) {
            if (!(frameScores[f] >= threshold)) {
                f++;
                continue;
            }
            int start = f;
            while (f < frameScores.length && frameScores[f] >= threshold) {
                f++;
            }
            int[] previous = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (previous != null && start - previous[1] <= mergeGap) {
                previous[1] = f;
            } else {
                segments.add(new int[] {start, f});
            }
        }
        return segments;
    }

    /** Prediction indices by descending score, equal scores in {@code tieOrder}. */
    private static int[] byDescendingScore(List<PredictedSegment> predictions, ScoreTieOrder tieOrder) {
        Integer[] order = new Integer[predictions.size()];
        for (int i = 0; i < order.length; i++) {
            if (Double.isNaN(predictions.get(i).score())) {
                throw new IllegalArgumentException("prediction " + i + " has a NaN score");
            }
            order[i] = i;
        }
        Comparator<Integer> byScore = (a, b) -> {
            double sa = predictions.get(a).score();
            double sb = predictions.get(b).score();
            return sa > sb ? -1 : sa < sb ? 1 : 0;
        };
        Arrays.sort(order, tieOrder == ScoreTieOrder.LISTED_ORDER ? byScore
                : byScore.thenComparing(Comparator.reverseOrder()));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** Indices by descending value, equal values later index first (numpy {@code argsort()[::-1]}). */
    private static int[] descendingLaterFirst(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> values[a] > values[b] ? -1 : values[a] < values[b] ? 1 : Integer.compare(b, a));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    /** {@code float(f"{100 * v:.2f}")}: the exact binary value of {@code 100 * v} rounded half-even to 2 decimals. */
    static double percentTwoDecimals(double fraction) {
        return new BigDecimal(100 * fraction).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
    }

    /** {@code str(float(f"{threshold:.2f}"))}: "0.5", "0.75", "1.0". */
    static String pythonThresholdKey(double threshold) {
        BigDecimal rounded = new BigDecimal(threshold).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros();
        String text = rounded.toPlainString();
        return text.contains(".") ? text : text + ".0";
    }
}
