package dev.vclip.verify;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vclip.eval.BaseToNovel;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.eval.DetectionMetrics;
import dev.vclip.eval.LocalisationMetrics;
import dev.vclip.eval.RetrievalMetrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Golden metric cases ({@code shared/fixtures/metrics/cases.json}, format version 1) and a checker that runs every
 * case of every section against this package.
 *
 * <p>File layout: {@code format_version}, {@code tolerance}, {@code reference_environment}, then one list of cases
 * per {@linkplain #SECTIONS section}; every case has a {@code name}, its inputs and (except
 * {@code base_to_novel_hm}) an {@code expected} object. Floats are compared with the file's tolerance
 * ({@code |got - want| <= relative * max(|got|, |want|)}, or {@code |got| <= absolute_for_zero} when want is 0);
 * integer outputs (ranks, {@code y_true}, window starts, frame bounds, predicted classes) exactly.
 *
 * <p>Nothing passes unexamined: an expected output this checker does not know fails its case, and a top-level
 * section it does not know (or one that holds facts rather than cases, {@code vifi_clip_split_facts}) is reported
 * as {@linkplain Report#notChecked() not checked}.
 */
public final class MetricCases {

    /** The sections of cases this checker runs, in file order. */
    public static final List<String> SECTIONS = List.of("retrieval", "classification", "localisation_frames",
            "detection_map", "moment_retrieval", "proposals_our_convention", "base_to_novel_hm");

    /** The tolerance of the fixtures' README, used when a file does not state one. */
    public static final Tolerance DEFAULT_TOLERANCE = new Tolerance(1e-9, 1e-12);

    private static final Set<String> METADATA = Set.of("format_version", "tolerance", "reference_environment");
    private static final Map<String, String> FACT_SECTIONS = Map.of("vifi_clip_split_facts",
            "facts counted from ViFi-CLIP's split files, no metric to compute");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private MetricCases() {
    }

    /** Float tolerance: relative, and absolute where the wanted value is 0. */
    public record Tolerance(double relative, double absoluteForZero) {

        public boolean accepts(double got, double want) {
            if (Double.isNaN(got) || Double.isNaN(want)) {
                return Double.isNaN(got) && Double.isNaN(want);
            }
            if (want == 0) {
                return Math.abs(got) <= absoluteForZero;
            }
            if (got == want) {
                return true; // also equal infinities
            }
            return Math.abs(got - want) <= relative * Math.max(Math.abs(got), Math.abs(want));
        }
    }

    /** One case: its section, its name and its JSON object (inputs and expected outputs). */
    public record Case(String section, String name, JsonNode data) {

        public String displayName() {
            return "[" + section + "] " + name;
        }
    }

    /** The outcome of one case; {@code message} is the first mismatch (or error), null when it passed. */
    public record CaseResult(String section, String name, boolean passed, String message)
            implements CheckReport.Outcome {

        public String displayName() {
            return "[" + section + "] " + name;
        }
    }

    /** A top-level entry of the file that was not checked, and why. */
    public record NotChecked(String section, String reason) {
    }

    /** A parsed case file. */
    public record CaseFile(String source, Tolerance tolerance, List<Case> cases, List<NotChecked> notChecked) {
    }

    /** Every case's result, and the parts of the file that were not checked. */
    public record Report(List<CaseResult> results, List<NotChecked> notChecked) implements CheckReport<CaseResult> {

        /** Per section: {@code [passed, failed]}, sections in file order. */
        public Map<String, long[]> countsBySection() {
            Map<String, long[]> counts = new LinkedHashMap<>();
            for (CaseResult result : results) {
                counts.computeIfAbsent(result.section(), s -> new long[2])[result.passed() ? 0 : 1]++;
            }
            return counts;
        }
    }

    /** Reads a case file. */
    public static CaseFile read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a case file from a stream.
     *
     * @throws IllegalArgumentException if it is not a version-1 case file
     */
    public static CaseFile read(InputStream in, String sourceName) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(sourceName + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(sourceName + ": a metric case file is a JSON object");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.isIntegralNumber() || version.asInt() != 1) {
            throw new IllegalArgumentException(sourceName + ": format_version " + version + " is not supported "
                    + "(this checker reads format 1)");
        }
        Tolerance tolerance = DEFAULT_TOLERANCE;
        JsonNode toleranceNode = root.get("tolerance");
        if (toleranceNode != null) {
            tolerance = new Tolerance(number(toleranceNode, "relative", "tolerance"),
                    number(toleranceNode, "absolute_for_zero", "tolerance"));
        }
        List<Case> cases = new ArrayList<>();
        List<NotChecked> notChecked = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String section = entry.getKey();
            if (METADATA.contains(section)) {
                continue;
            }
            if (FACT_SECTIONS.containsKey(section)) {
                notChecked.add(new NotChecked(section, FACT_SECTIONS.get(section)));
                continue;
            }
            if (!SECTIONS.contains(section)) {
                notChecked.add(new NotChecked(section, "unknown section"));
                continue;
            }
            if (!entry.getValue().isArray()) {
                throw new IllegalArgumentException(sourceName + ": section " + section + " is not a list of cases");
            }
            int index = 0;
            for (JsonNode data : entry.getValue()) {
                JsonNode name = data.get("name");
                cases.add(new Case(section, name != null && name.isTextual() ? name.asText() : "#" + index, data));
                index++;
            }
        }
        return new CaseFile(sourceName, tolerance, List.copyOf(cases), List.copyOf(notChecked));
    }

    /** Reads a case file and checks every case. */
    public static Report verify(Path file) {
        return verify(read(file));
    }

    /** Checks every case of a case file. */
    public static Report verify(CaseFile file) {
        List<CaseResult> results = new ArrayList<>();
        for (Case c : file.cases()) {
            results.add(check(c, file.tolerance()));
        }
        return new Report(List.copyOf(results), file.notChecked());
    }

    /** Runs one case against the implementation; the result names the first mismatch. */
    public static CaseResult check(Case c, Tolerance tolerance) {
        Expect expect = new Expect(tolerance);
        try {
            switch (c.section()) {
                case "retrieval" -> checkRetrieval(c.data(), expect);
                case "classification" -> checkClassification(c.data(), expect);
                case "localisation_frames" -> checkLocalisation(c.data(), expect);
                case "detection_map" -> checkDetection(c.data(), expect);
                case "moment_retrieval" -> checkMomentRetrieval(c.data(), expect);
                case "proposals_our_convention" -> checkProposals(c.data(), expect);
                case "base_to_novel_hm" -> checkBaseToNovel(c.data(), expect);
                default -> throw new Mismatch("section " + c.section() + " has no checker");
            }
            return new CaseResult(c.section(), c.name(), true, null);
        } catch (Mismatch mismatch) {
            return new CaseResult(c.section(), c.name(), false, mismatch.getMessage());
        } catch (RuntimeException e) {
            String problem = e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
            return new CaseResult(c.section(), c.name(), false, "error: " + problem);
        }
    }

    // ---------------------------------------------------------------------------------------------- retrieval

    private static void checkRetrieval(JsonNode c, Expect expect) {
        double[][] sim = matrix(c, "sim");
        String kind = text(c, "kind");
        Expected expected = expect.object(c, "expected");
        switch (kind) {
            case "single_caption" -> {
                RetrievalMetrics.SingleCaptionResult result = RetrievalMetrics.singleCaption(sim);
                Expected t2v = expected.object("t2v");
                checkDirection(t2v, result.textToVideo(), true);
                t2v.noOtherKeys();
                Expected v2t = expected.object("v2t");
                checkDirection(v2t, result.videoToText(), true);
                v2t.noOtherKeys();
            }
            case "multi_caption" -> {
                RetrievalMetrics.MultiCaptionResult result =
                        RetrievalMetrics.multiCaption(sim, ints(c, "captions_per_video"));
                Expected t2v = expected.object("t2v");
                checkDirection(t2v, result.textToVideo(), false);
                RetrievalMetrics.Ranking ranking = result.textToVideo().ranking();
                t2v.number("Std_Rank", result.textToVideo().stdRank());
                t2v.number("R1_exact", ranking.recallAt(1));
                t2v.number("R5_exact", ranking.recallAt(5));
                t2v.number("R10_exact", ranking.recallAt(10));
                t2v.number("MedianR_numpy", ranking.medianRank());
                t2v.noOtherKeys();
                Expected v2t = expected.object("v2t");
                checkDirection(v2t, result.videoToText(), true);
                v2t.matrix("video_by_caption_group_max_sim", result.videoByCaptionGroupMaxSim());
                v2t.noOtherKeys();
            }
            default -> throw new Mismatch("kind: unknown retrieval kind '" + kind + "'");
        }
        expected.noOtherKeys();
    }

    private static void checkDirection(Expected expected, RetrievalMetrics.DirectionMetrics got, boolean withRows) {
        expected.number("R1", got.r1());
        expected.number("R5", got.r5());
        expected.number("R10", got.r10());
        expected.number("MedianR", got.medianRank());
        expected.number("MeanR", got.meanRank());
        expected.integers("ranks", got.ranking().ranks());
        if (withRows) {
            expected.integers("rank_rows", got.ranking().queryOfRank());
        }
    }

    // ----------------------------------------------------------------------------------------- classification

    private static void checkClassification(JsonNode c, Expect expect) {
        int numClasses = integer(c, "num_classes");
        int views = integer(c, "views_per_video");
        JsonNode logitsNode = field(c, "logits");
        double[][][] logits = new double[logitsNode.size()][][];
        for (int v = 0; v < logits.length; v++) {
            logits[v] = matrix(logitsNode.get(v), "logits[" + v + "]");
            if (logits[v].length != views || logits[v][0].length != numClasses) {
                throw new IllegalArgumentException("logits[" + v + "] is " + logits[v].length + " x "
                        + logits[v][0].length + ", views_per_video x num_classes is " + views + " x " + numClasses);
            }
        }
        ClassificationMetrics.Result result = ClassificationMetrics.evaluate(logits, ints(c, "labels"));
        Expected expected = expect.object(c, "expected");
        expected.number("top1", result.top1());
        expected.number("top5", result.top5());
        expected.matrix("aggregated_scores", result.aggregatedScores());
        expected.integers("top1_pred", result.top1Predictions());
        expected.integerMatrix("top5_pred", result.top5Predictions());
        expected.noOtherKeys();
    }

    // ------------------------------------------------------------------------------------ localisation_frames

    private static void checkLocalisation(JsonNode c, Expect expect) {
        int windowLength = integer(c, "num_frames");
        int stride = integer(c, "stride");
        List<LocalisationMetrics.Item> items = new ArrayList<>();
        JsonNode itemNodes = field(c, "items");
        for (int i = 0; i < itemNodes.size(); i++) {
            JsonNode item = itemNodes.get(i);
            String where = "items[" + i + "]";
            int[] starts = ints(item, "window_starts");
            int[] computedStarts = LocalisationMetrics.windowStarts(integer(item, "video_frames"), windowLength, stride);
            expect.sameIntegers(where + ".window_starts", computedStarts, starts);
            items.add(new LocalisationMetrics.Item(text(item, "video"), text(item, "query"), starts,
                    doubles(item, "window_scores"), matrix(item, "gts", true)));
        }
        LocalisationMetrics.Summary summary = LocalisationMetrics.evaluate(items, windowLength);
        Expected expected = expect.object(c, "expected");
        List<Expected> perItem = expected.list("per_item", summary.items().size());
        for (int i = 0; i < perItem.size(); i++) {
            Expected want = perItem.get(i);
            LocalisationMetrics.ItemResult got = summary.items().get(i);
            want.text("video", got.video());
            want.text("query", got.query());
            want.integer("n_frames_eval", got.evaluatedFrames());
            want.numbers("frame_scores", got.frameScores());
            want.integers("y_true", got.yTrue());
            want.bool("skipped", got.skipped());
            if (got.skipped()) {
                want.text("reason", got.skipReason());
            } else {
                want.number("auroc", got.auroc());
                want.number("ap", got.averagePrecision());
            }
            want.noOtherKeys();
        }
        expected.number("macro_AUROC", summary.macroAuroc());
        expected.number("macro_AP", summary.macroAveragePrecision());
        expected.noOtherKeys();
    }

    // ------------------------------------------------------------------------------------------ detection_map

    private static void checkDetection(JsonNode c, Expect expect) {
        double[] thresholds = doubles(c, "tiou_thresholds");
        List<DetectionMetrics.GroundTruthSegment> groundTruth = new ArrayList<>();
        for (JsonNode gt : field(c, "ground_truth")) {
            double[] segment = doubles(gt, "segment");
            groundTruth.add(new DetectionMetrics.GroundTruthSegment(text(gt, "video"), text(gt, "label"),
                    pairStart(segment), segment[1]));
        }
        List<DetectionMetrics.PredictedSegment> predictions = new ArrayList<>();
        for (JsonNode p : field(c, "predictions")) {
            double[] segment = doubles(p, "segment");
            predictions.add(new DetectionMetrics.PredictedSegment(text(p, "video"), text(p, "label"),
                    pairStart(segment), segment[1], number(p, "score", "prediction")));
        }
        checkDetectionResult(expect.object(c, "expected"), DetectionMetrics.detectionMeanAveragePrecision(
                groundTruth, predictions, thresholds, DetectionMetrics.ScoreTieOrder.LATER_LISTED_FIRST));
        if (c.has("expected_stable_sort")) {
            checkDetectionResult(expect.object(c, "expected_stable_sort"), DetectionMetrics.detectionMeanAveragePrecision(
                    groundTruth, predictions, thresholds, DetectionMetrics.ScoreTieOrder.LISTED_ORDER));
        }
    }

    private static void checkDetectionResult(Expected expected, DetectionMetrics.DetectionResult got) {
        expected.numbersByKey("ap", got.averagePrecision());
        expected.numbers("mAP", got.meanAveragePrecision());
        expected.number("average_mAP", got.averageMeanAveragePrecision());
        expected.noOtherKeys();
    }

    // --------------------------------------------------------------------------------------- moment_retrieval

    private static void checkMomentRetrieval(JsonNode c, Expect expect) {
        double[] thresholds = doubles(c, "tiou_thresholds");
        List<DetectionMetrics.MomentQuery> queries = new ArrayList<>();
        for (JsonNode q : field(c, "queries")) {
            List<DetectionMetrics.Window> groundTruth = new ArrayList<>();
            for (double[] w : matrix(q, "gt_windows", true)) {
                requireLength(w, 2, "gt window");
                groundTruth.add(new DetectionMetrics.Window(w[0], w[1]));
            }
            List<DetectionMetrics.ScoredWindow> predictions = new ArrayList<>();
            for (double[] w : matrix(q, "pred_windows", true)) {
                requireLength(w, 3, "predicted window");
                predictions.add(new DetectionMetrics.ScoredWindow(w[0], w[1], w[2]));
            }
            queries.add(new DetectionMetrics.MomentQuery(field(q, "qid").asText(), groundTruth, predictions));
        }
        DetectionMetrics.MomentRetrievalResult result = DetectionMetrics.momentRetrieval(queries, thresholds);
        Expected expected = expect.object(c, "expected");
        expected.numbersByKey("per_query_ap", result.perQueryAveragePrecision());
        expected.numbers("mAP", result.meanAveragePrecision());
        expected.numbers("R1", result.recallAt1());
        expected.numbers("top1_iou", result.top1IoU());
        Expected report = expected.object("moment_detr_report");
        for (Map.Entry<String, Map<String, Double>> part : result.momentDetrReport().entrySet()) {
            Expected values = report.object(part.getKey());
            for (Map.Entry<String, Double> value : part.getValue().entrySet()) {
                values.number(value.getKey(), value.getValue());
            }
            values.noOtherKeys();
        }
        report.noOtherKeys();
        expected.noOtherKeys();
    }

    // ------------------------------------------------------------------------------- proposals_our_convention

    private static void checkProposals(JsonNode c, Expect expect) {
        JsonNode params = field(c, "params");
        DetectionMetrics.ProposalRule rule = new DetectionMetrics.ProposalRule(doubles(params, "thresholds"),
                integer(params, "merge_gap"), integer(params, "min_len"), number(params, "nms_iou", "params"),
                integer(params, "top_k"));
        List<DetectionMetrics.Proposal> proposals = DetectionMetrics.proposals(doubles(c, "frame_scores"), rule);
        Expected expected = expect.object(c, "expected");
        List<Expected> segments = expected.tuples("segments", proposals.size(), 3);
        for (int i = 0; i < proposals.size(); i++) {
            segments.get(i).integerAt(0, proposals.get(i).start());
            segments.get(i).integerAt(1, proposals.get(i).end());
            segments.get(i).numberAt(2, proposals.get(i).score());
        }
        if (expected.has("segments_seconds") || expected.has("activitynet_ap")) {
            double fps = number(c, "fps", "case");
            List<DetectionMetrics.ScoredWindow> inSeconds = proposals.stream().map(p -> p.inSeconds(fps)).toList();
            if (expected.has("segments_seconds")) {
                List<Expected> seconds = expected.tuples("segments_seconds", inSeconds.size(), 3);
                for (int i = 0; i < inSeconds.size(); i++) {
                    seconds.get(i).numberAt(0, inSeconds.get(i).start());
                    seconds.get(i).numberAt(1, inSeconds.get(i).end());
                    seconds.get(i).numberAt(2, inSeconds.get(i).score());
                }
            }
            if (expected.has("activitynet_ap")) {
                List<DetectionMetrics.GroundTruthSegment> groundTruth = new ArrayList<>();
                for (double[] w : matrix(c, "ground_truth_seconds", true)) {
                    requireLength(w, 2, "ground-truth segment");
                    groundTruth.add(new DetectionMetrics.GroundTruthSegment("video", "segment", w[0], w[1]));
                }
                List<DetectionMetrics.PredictedSegment> predictions = inSeconds.stream()
                        .map(w -> new DetectionMetrics.PredictedSegment("video", "segment", w.start(), w.end(),
                                w.score())).toList();
                expected.numbers("activitynet_ap", DetectionMetrics.averagePrecision(groundTruth, predictions,
                        DetectionMetrics.DEFAULT_TIOU_THRESHOLDS, DetectionMetrics.ScoreTieOrder.LATER_LISTED_FIRST));
            }
        }
        expected.noOtherKeys();
    }

    // ---------------------------------------------------------------------------------------- base_to_novel_hm

    private static void checkBaseToNovel(JsonNode c, Expect expect) {
        double hm = BaseToNovel.harmonicMean(number(c, "base", "case"), number(c, "novel", "case"));
        expect.number("expected_hm", hm, field(c, "expected_hm"));
        if (c.has("readme_hm_1dp")) {
            double oneDecimal = new BigDecimal(hm).setScale(1, RoundingMode.HALF_EVEN).doubleValue();
            expect.number("readme_hm_1dp (HM rounded to 1 decimal)", oneDecimal, c.get("readme_hm_1dp"));
        }
    }

    // ------------------------------------------------------------------------------------- reading the inputs

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing input '" + name + "'");
        }
        return value;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("input '" + name + "' is not a string");
        }
        return value.asText();
    }

    private static int integer(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException("input '" + name + "' is not an int: " + value);
        }
        return value.intValue();
    }

    private static double number(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException(where + ": '" + name + "' is missing or not a number");
        }
        return value.doubleValue();
    }

    private static double[] doubles(JsonNode node, String name) {
        return numberList(field(node, name), name);
    }

    private static double[] numberList(JsonNode array, String name) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("input '" + name + "' is not a list");
        }
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            if (!array.get(i).isNumber()) {
                throw new IllegalArgumentException("input '" + name + "'[" + i + "] is not a number");
            }
            values[i] = array.get(i).doubleValue();
        }
        return values;
    }

    private static int[] ints(JsonNode node, String name) {
        JsonNode array = field(node, name);
        if (!array.isArray()) {
            throw new IllegalArgumentException("input '" + name + "' is not a list");
        }
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            if (!array.get(i).isIntegralNumber() || !array.get(i).canConvertToInt()) {
                throw new IllegalArgumentException("input '" + name + "'[" + i + "] is not an int");
            }
            values[i] = array.get(i).intValue();
        }
        return values;
    }

    private static double[][] matrix(JsonNode node, String name) {
        return matrix(node, name, false);
    }

    /** A list of lists of numbers; {@code mayBeEmpty} allows an empty outer list (no rows). */
    private static double[][] matrix(JsonNode node, String name, boolean mayBeEmpty) {
        JsonNode array = node.isArray() ? node : field(node, name);
        if (!array.isArray() || (!mayBeEmpty && array.isEmpty())) {
            throw new IllegalArgumentException("input '" + name + "' is not a non-empty list of lists");
        }
        double[][] rows = new double[array.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = numberList(array.get(i), name + "[" + i + "]");
        }
        return rows;
    }

    private static double pairStart(double[] segment) {
        requireLength(segment, 2, "segment");
        return segment[0];
    }

    private static void requireLength(double[] values, int length, String what) {
        if (values.length != length) {
            throw new IllegalArgumentException("a " + what + " needs " + length + " numbers, got " + values.length);
        }
    }

    // ---------------------------------------------------------------------------------- comparing the outputs

    /** The first mismatch of a case (thrown, so that checking stops there). */
    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    /** Compares computed values with wanted JSON values under a tolerance. */
    private static final class Expect {
        private final Tolerance tolerance;

        Expect(Tolerance tolerance) {
            this.tolerance = tolerance;
        }

        Expected object(JsonNode parent, String key) {
            JsonNode node = parent.get(key);
            if (node == null || !node.isObject()) {
                throw new Mismatch(key + ": missing or not an object in the file");
            }
            return new Expected(this, key, node);
        }

        void number(String path, double got, JsonNode want) {
            if (want == null || !want.isNumber()) {
                throw new Mismatch(path + ": want " + want + ", which is not a number");
            }
            double wanted = want.doubleValue();
            if (!tolerance.accepts(got, wanted)) {
                double relative = Math.abs(got - wanted) / Math.max(Math.abs(got), Math.abs(wanted));
                throw new Mismatch(path + ": got " + got + ", want " + wanted + " (relative difference "
                        + String.format("%.3g", relative) + ")");
            }
        }

        void integer(String path, long got, JsonNode want) {
            if (want == null || !want.isNumber() || (!want.isIntegralNumber() && want.doubleValue() % 1 != 0)) {
                throw new Mismatch(path + ": want " + want + ", which is not an integer");
            }
            if (got != want.longValue()) {
                throw new Mismatch(path + ": got " + got + ", want " + want.longValue());
            }
        }

        void sameIntegers(String path, int[] got, int[] want) {
            if (got.length != want.length) {
                throw new Mismatch(path + ": got " + got.length + " values, want " + want.length);
            }
            for (int i = 0; i < got.length; i++) {
                if (got[i] != want[i]) {
                    throw new Mismatch(path + "[" + i + "]: got " + got[i] + ", want " + want[i]);
                }
            }
        }

        JsonNode array(String path, JsonNode want, int length) {
            if (want == null || !want.isArray()) {
                throw new Mismatch(path + ": want " + want + ", which is not a list");
            }
            if (want.size() != length) {
                throw new Mismatch(path + ": got " + length + " values, want " + want.size());
            }
            return want;
        }
    }

    /**
     * An expected JSON object: every key compared is consumed, and {@link #noOtherKeys} fails on what is left (an
     * output this checker does not compute must not pass unexamined).
     */
    private static final class Expected {
        private final Expect expect;
        private final String path;
        private final JsonNode node;
        private final Set<String> consumed = new LinkedHashSet<>();

        Expected(Expect expect, String path, JsonNode node) {
            this.expect = expect;
            this.path = path;
            this.node = node;
        }

        boolean has(String key) {
            return node.has(key);
        }

        private JsonNode take(String key) {
            consumed.add(key);
            JsonNode value = node.get(key);
            if (value == null) {
                throw new Mismatch(path + "." + key + ": missing in the file");
            }
            return value;
        }

        Expected object(String key) {
            JsonNode value = take(key);
            if (!value.isObject()) {
                throw new Mismatch(path + "." + key + ": not an object in the file");
            }
            return new Expected(expect, path + "." + key, value);
        }

        void number(String key, double got) {
            expect.number(path + "." + key, got, take(key));
        }

        void integer(String key, long got) {
            expect.integer(path + "." + key, got, take(key));
        }

        void bool(String key, boolean got) {
            JsonNode want = take(key);
            if (!want.isBoolean() || want.booleanValue() != got) {
                throw new Mismatch(path + "." + key + ": got " + got + ", want " + want);
            }
        }

        void text(String key, String got) {
            JsonNode want = take(key);
            if (!want.isTextual() || !want.asText().equals(got)) {
                throw new Mismatch(path + "." + key + ": got \"" + got + "\", want " + want);
            }
        }

        void numbers(String key, double[] got) {
            String where = path + "." + key;
            JsonNode want = expect.array(where, take(key), got.length);
            for (int i = 0; i < got.length; i++) {
                expect.number(where + "[" + i + "]", got[i], want.get(i));
            }
        }

        void integers(String key, int[] got) {
            String where = path + "." + key;
            JsonNode want = expect.array(where, take(key), got.length);
            for (int i = 0; i < got.length; i++) {
                expect.integer(where + "[" + i + "]", got[i], want.get(i));
            }
        }

        void matrix(String key, double[][] got) {
            String where = path + "." + key;
            JsonNode want = expect.array(where, take(key), got.length);
            for (int i = 0; i < got.length; i++) {
                JsonNode row = expect.array(where + "[" + i + "]", want.get(i), got[i].length);
                for (int j = 0; j < got[i].length; j++) {
                    expect.number(where + "[" + i + "][" + j + "]", got[i][j], row.get(j));
                }
            }
        }

        void integerMatrix(String key, int[][] got) {
            String where = path + "." + key;
            JsonNode want = expect.array(where, take(key), got.length);
            for (int i = 0; i < got.length; i++) {
                JsonNode row = expect.array(where + "[" + i + "]", want.get(i), got[i].length);
                for (int j = 0; j < got[i].length; j++) {
                    expect.integer(where + "[" + i + "][" + j + "]", got[i][j], row.get(j));
                }
            }
        }

        /** An object of number lists keyed like {@code got}: same keys, each list compared. */
        void numbersByKey(String key, Map<String, double[]> got) {
            Expected values = object(key);
            Set<String> wantedKeys = new TreeSet<>();
            values.node.fieldNames().forEachRemaining(wantedKeys::add);
            if (!wantedKeys.equals(new TreeSet<>(got.keySet()))) {
                throw new Mismatch(values.path + ": got keys " + new TreeSet<>(got.keySet()) + ", want " + wantedKeys);
            }
            for (Map.Entry<String, double[]> entry : got.entrySet()) {
                values.numbers(entry.getKey(), entry.getValue());
            }
        }

        /** A list of objects, one per computed item. */
        List<Expected> list(String key, int length) {
            String where = path + "." + key;
            JsonNode want = expect.array(where, take(key), length);
            List<Expected> items = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                if (!want.get(i).isObject()) {
                    throw new Mismatch(where + "[" + i + "]: not an object in the file");
                }
                items.add(new Expected(expect, where + "[" + i + "]", want.get(i)));
            }
            return items;
        }

        /** A list of fixed-length tuples, one per computed item (use {@link #numberAt}, {@link #integerAt}). */
        List<Expected> tuples(String key, int length, int tupleLength) {
            String where = path + "." + key;
            JsonNode want = expect.array(where, take(key), length);
            List<Expected> items = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                expect.array(where + "[" + i + "]", want.get(i), tupleLength);
                items.add(new Expected(expect, where + "[" + i + "]", want.get(i)));
            }
            return items;
        }

        void numberAt(int index, double got) {
            expect.number(path + "[" + index + "]", got, node.get(index));
        }

        void integerAt(int index, long got) {
            expect.integer(path + "[" + index + "]", got, node.get(index));
        }

        void noOtherKeys() {
            if (!node.isObject()) {
                return;
            }
            List<String> unchecked = new ArrayList<>();
            node.fieldNames().forEachRemaining(k -> {
                if (!consumed.contains(k)) {
                    unchecked.add(k);
                }
            });
            if (!unchecked.isEmpty()) {
                throw new Mismatch(path + ": outputs " + unchecked + " are not computed by this checker");
            }
        }
    }
}
