package dev.vclip.train;

import dev.vclip.model.Clip4Clip;
import dev.vclip.model.TokenClustering;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFamilies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vclip.model.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A training configuration with the key names of the seeds' yacs configs: X-CLIP {@code utils/config.py}
 * (microsoft/VideoX) and ViFi-CLIP {@code utils/config.py} (muzairkhattak/ViFi-CLIP, which adds
 * {@code TRAINER.ViFi_CLIP.*} and {@code TEST.MULTI_VIEW_INFERENCE}), read from YAML files as theirs are, with the
 * same defaults; CLIP4Clip's arguments ({@code main_task_retrieval.py get_args}: {@code sim_header},
 * {@code cross_num_hidden_layers}, {@code max_words}, {@code coef_lr}, {@code freeze_layer_num}) upper-cased under
 * {@code MODEL}, {@code DATA} and {@code TRAIN} (defaults: its argparse values, but {@code max_words} 32 as its
 * scripts run it). A few keys are vclip's own (marked below, in sections {@code TRAIN}, {@code AUG},
 * {@code LINEAR_PROBE} and {@code MODEL}); they default to what the seeds hard-code.
 *
 * <p>Merging follows yacs: defaults, then the {@code BASE} files of a file (relative to it, recursively), then the
 * file, then {@code --opts KEY VALUE ...}. Unlike yacs, every problem is an error that names where the value came
 * from (the file or {@code --opts}) and the key: an unknown key (with the closest known key as a suggestion), a value
 * of the wrong type, or a value out of range.
 *
 * <p>Values are typed by the key: strings, integers, numbers (an integer is accepted where a number is expected, and
 * a string such as {@code 1e-5}, which PyYAML reads as a string, is parsed), booleans ({@code true/false} in any
 * case, as yacs' {@code literal_eval} of {@code True}), string lists (a YAML list, or in {@code --opts} a
 * comma-separated list or a flow list {@code [a, b]}), and nullable strings ({@code MODEL.PRETRAINED},
 * {@code MODEL.RESUME}: {@code null}, {@code None} or empty mean unset).
 */
public final class TrainConfig {

    /** The type of a key's value. */
    enum Kind { STRING, NULLABLE_STRING, INT, FLOAT, BOOL, STRING_LIST }

    /** A range or set check on a value; returns null when fine, else what the value must be. */
    @FunctionalInterface
    interface Check {
        String problem(Object value);
    }

    /** A known key: its type, default and check. */
    record Key(String name, Kind kind, Object defaultValue, Check check, String help) {
    }

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    private static void key(String name, Kind kind, Object def, Check check, String help) {
        KEYS.put(name, new Key(name, kind, def, check, help));
    }

    private static Check atLeast(double min) {
        return v -> ((Number) v).doubleValue() >= min ? null : "a number >= " + fmt(min);
    }

    /** A list whose every item is a positive integer. */
    private static Check positiveInts() {
        return v -> ((List<?>) v).stream().allMatch(o -> o.toString().matches("[1-9][0-9]*")) ? null
                : "a list of positive integers";
    }

    private static Check positive() {
        return v -> ((Number) v).doubleValue() > 0 ? null : "a number > 0";
    }

    private static Check probability() {
        return v -> {
            double d = ((Number) v).doubleValue();
            return d >= 0 && d <= 1 ? null : "a probability in [0, 1]";
        };
    }

    private static Check oneOf(String... allowed) {
        return v -> Arrays.asList(allowed).contains(v) ? null : "one of " + String.join(", ", allowed);
    }

    /** A registered family's model_type ({@link ModelFamilies}; case, - and _ ignored). */
    private static Check modelType() {
        return v -> ModelFamilies.forModelType((String) v).isPresent() ? null
                : "one of " + String.join(", ", new TreeSet<>(ModelFamilies.modelTypes()));
    }

    private static Check ints(int... allowed) {
        return v -> Arrays.stream(allowed).anyMatch(a -> a == (Integer) v) ? null
                : "one of " + Arrays.toString(allowed).replaceAll("[\\[\\]]", "");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static {
        // -------------------------------------------------------------------- X-CLIP utils/config.py, in its order
        key("DATA.ROOT", Kind.STRING, "", null, "folder (or .tar) the list's paths are relative to");
        key("DATA.TRAIN_FILE", Kind.STRING, "", null, "training list: 'path label' per line");
        key("DATA.VAL_FILE", Kind.STRING, "", null, "validation list");
        key("DATA.DATASET", Kind.STRING, "kinetics400", null, "dataset name (reports only)");
        key("DATA.INPUT_SIZE", Kind.INT, 224, atLeast(1), "input size S of the model");
        key("DATA.NUM_FRAMES", Kind.INT, 8, atLeast(1), "frames per clip T");
        key("DATA.NUM_CLASSES", Kind.INT, 400, atLeast(1), "classes (checked against DATA.LABEL_LIST when set)");
        key("DATA.LABEL_LIST", Kind.STRING, "labels/kinetics_400_labels.csv", null, "labels CSV: id,name");
        key("MODEL.ARCH", Kind.STRING, "ViT-B/32", null, "size preset for random init (see ModelPresets)");
        key("MODEL.DROP_PATH_RATE", Kind.FLOAT, 0.0, v -> ((Number) v).doubleValue() == 0 ? null
                : "0 (the vclip model code has no drop-path)", "stochastic depth (not supported: 0)");
        key("MODEL.PRETRAINED", Kind.NULLABLE_STRING, null, null, "model folder to start from; unset: random init");
        key("MODEL.RESUME", Kind.NULLABLE_STRING, null, null, "checkpoint folder to resume from");
        key("MODEL.FIX_TEXT", Kind.BOOL, true, null, "X-CLIP: freeze the text tower (optimizer.py fix_text)");
        key("TRAIN.EPOCHS", Kind.INT, 30, atLeast(1), "epochs");
        key("TRAIN.WARMUP_EPOCHS", Kind.FLOAT, 5.0, atLeast(0), "linear warm-up length in epochs");
        key("TRAIN.WEIGHT_DECAY", Kind.FLOAT, 0.001, atLeast(0), "AdamW decoupled weight decay");
        key("TRAIN.LR", Kind.FLOAT, 8e-6, positive(), "base learning rate");
        key("TRAIN.BATCH_SIZE", Kind.INT, 8, atLeast(1), "videos per micro-batch");
        key("TRAIN.ACCUMULATION_STEPS", Kind.INT, 1, atLeast(1), "micro-batches per optimizer step");
        key("TRAIN.LR_SCHEDULER", Kind.STRING, "cosine", oneOf("cosine"), "schedule");
        key("TRAIN.OPTIMIZER", Kind.STRING, "adamw", oneOf("adamw"), "optimizer");
        key("TRAIN.OPT_LEVEL", Kind.STRING, "O1", oneOf("O0", "O1", "O2"),
                "apex level: O0 fp32; O1/O2 fp16 mixed precision on a GPU (fp32 on CPU)");
        key("TRAIN.AUTO_RESUME", Kind.BOOL, false, null, "resume from the latest checkpoint in OUTPUT");
        key("TRAIN.USE_CHECKPOINT", Kind.BOOL, false, v -> Boolean.FALSE.equals(v) ? null
                : "false (activation checkpointing is not implemented)", "activation checkpointing (not supported)");
        key("AUG.LABEL_SMOOTH", Kind.FLOAT, 0.1, v -> ((Number) v).doubleValue() >= 0
                && ((Number) v).doubleValue() < 1 ? null : "a number in [0, 1)", "label smoothing");
        key("AUG.COLOR_JITTER", Kind.FLOAT, 0.8, probability(), "probability of colour jitter");
        key("AUG.GRAY_SCALE", Kind.FLOAT, 0.2, probability(), "probability of grey scale");
        key("AUG.MIXUP", Kind.FLOAT, 0.8, atLeast(0), "mixup Beta alpha; 0 turns mixup and cutmix off");
        key("AUG.CUTMIX", Kind.FLOAT, 1.0, atLeast(0), "cutmix Beta alpha");
        key("AUG.MIXUP_SWITCH_PROB", Kind.FLOAT, 0.5, probability(), "probability of cutmix instead of mixup");
        key("TEST.NUM_CLIP", Kind.INT, 1, atLeast(1), "temporal views at test time");
        key("TEST.NUM_CROP", Kind.INT, 1, ints(1, 3), "spatial crops at test time");
        key("TEST.ONLY_TEST", Kind.BOOL, false, null, "evaluate only");
        key("TEST.MULTI_VIEW_INFERENCE", Kind.BOOL, false, null, "ViFi-CLIP: multi-view test (with NUM_CLIP/CROP)");
        key("OUTPUT", Kind.STRING, "", null, "output folder");
        key("SAVE_FREQ", Kind.INT, 1, atLeast(1), "checkpoint every N epochs (and after the last)");
        key("PRINT_FREQ", Kind.INT, 50, atLeast(1), "console line every N optimizer steps");
        key("SEED", Kind.INT, 1024, null, "seed of init, data order, augmentation, mixup");
        // -------------------------------------------------------------------- ViFi-CLIP utils/config.py TRAINER.ViFi_CLIP
        key("TRAINER.ViFi_CLIP.PROMPT_MODEL", Kind.BOOL, false, null, "second stage: learn VL prompts only");
        key("TRAINER.ViFi_CLIP.N_CTX_VISION", Kind.INT, 0, atLeast(0), "visual prompt tokens");
        key("TRAINER.ViFi_CLIP.N_CTX_TEXT", Kind.INT, 0, atLeast(0), "text context tokens");
        key("TRAINER.ViFi_CLIP.CTX_INIT", Kind.STRING, "a photo of a", null, "text context init words / template");
        key("TRAINER.ViFi_CLIP.PROMPT_DEPTH_VISION", Kind.INT, 0, atLeast(0), "layers with visual prompts");
        key("TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT", Kind.INT, 1, atLeast(0), "layers with text prompts");
        key("TRAINER.ViFi_CLIP.USE", Kind.STRING, "both", oneOf("both", "image", "text"),
                "which CLIP towers to fine-tune");
        key("TRAINER.ViFi_CLIP.ZS_EVAL", Kind.BOOL, false, null, "class texts without template (zero-shot eval)");
        // -------------------------------------------------------------------- CLIP4Clip main_task_retrieval.py get_args
        // (upper-cased; its max_frames is DATA.NUM_FRAMES). The model keys shape a random-init MODEL.TYPE clip4clip
        // model (a MODEL.PRETRAINED folder's config.json decides otherwise) and are an error with another MODEL.TYPE;
        // the optimiser keys apply to CLIP4Clip's recipe (ModelFamily.TrainingRecipe) and are an error with others.
        key("MODEL.SIM_HEADER", Kind.STRING, "meanP", oneOf(Arrays.stream(Clip4Clip.SimHeader.values())
                .map(Enum::name).toArray(String[]::new)), "CLIP4Clip: similarity header (sim_header)");
        key("MODEL.CROSS_NUM_HIDDEN_LAYERS", Kind.INT, 4, atLeast(1),
                "CLIP4Clip: layers of the seqTransf / tightTransf header (cross_num_hidden_layers)");
        key("MODEL.CROSS_NUM_ATTENTION_HEADS", Kind.INT, 8, atLeast(1),
                "CLIP4Clip: heads of the tightTransf cross transformer (cross-base/cross_config.json)");
        key("DATA.MAX_WORDS", Kind.INT, 32, atLeast(3),
                "CLIP4Clip: text tokens with [SOT] and [EOT] (max_words; its scripts use 32)");
        key("TRAIN.COEF_LR", Kind.FLOAT, 1.0, positive(),
                "CLIP4Clip: LR factor of CLIP's parameters; the header gets TRAIN.LR (coef_lr; its scripts use 1e-3)");
        key("MODEL.FREEZE_LAYER_NUM", Kind.INT, 0, atLeast(-1), "CLIP4Clip: freeze CLIP's embeddings and its "
                + "layers below N (freeze_layer_num; 0: only the embeddings, -1: nothing)");
        // -------------------------------------------------------------------- CenterCLIP params.py (upper-cased):
        // token clustering inside the vision tower of a random-init MODEL.TYPE clip4clip model (TokenClustering)
        key("MODEL.CLUSTER_INTER", Kind.BOOL, false, null, "CenterCLIP: cluster tokens inside the ViT (cluster_inter)");
        key("MODEL.CLUSTER_ALGO", Kind.STRING, "kmediods++", oneOf(Arrays.stream(TokenClustering.Algorithm.values())
                .map(TokenClustering.Algorithm::key).toArray(String[]::new)), "CenterCLIP: cluster_algo");
        key("MODEL.CLUSTER_NUM_BLOCKS", Kind.STRING_LIST, List.of(), positiveInts(),
                "CenterCLIP: tokens per segment after each vision block (cluster_num_blocks, one per layer)");
        key("MODEL.TARGET_FRAMES_BLOCKS", Kind.STRING_LIST, List.of(), positiveInts(),
                "CenterCLIP: segments per video after each vision block (target_frames_blocks, one per layer)");
        key("MODEL.CLUSTER_DISTANCE", Kind.STRING, "euclidean", oneOf("euclidean", "cosine"),
                "CenterCLIP: cluster_distance");
        key("MODEL.MINKOWSKI_NORM_P", Kind.FLOAT, 2.0, atLeast(0), "CenterCLIP: p of the Minkowski distance");
        key("MODEL.CLUSTER_ITER_LIMIT", Kind.INT, 100, atLeast(1), "CenterCLIP: most k-medoids steps");
        key("MODEL.CLUSTER_THRESHOLD", Kind.FLOAT, 1e-5, atLeast(0), "CenterCLIP: k-medoids stops below this shift");
        key("MODEL.PRE_NORM", Kind.BOOL, false, null, "CenterCLIP: search on L2-normalised tokens (pre_norm)");
        key("MODEL.AGGREGATION", Kind.STRING, "None", oneOf("None", "mean"),
                "CenterCLIP: a cluster's output token, its medoid (None) or the mean of its members (mean)");
        key("MODEL.SPECTRAL_SIGMA", Kind.FLOAT, 2.0, positive(), "CenterCLIP: heat-kernel width (spectral_sigma)");
        key("MODEL.SPECTRAL_GRAPH", Kind.STRING, "HeatKernel", oneOf("HeatKernel", "KNN"),
                "CenterCLIP: spectral_graph");
        key("MODEL.SPECTRAL_KNN_K", Kind.INT, 1, atLeast(1), "CenterCLIP: KNN graph neighbours (below 5: automatic)");
        // -------------------------------------------------------------------- vclip's own keys
        key("MODEL.TYPE", Kind.STRING, "xclip", modelType(), "vclip: model family for random init, a registered "
                + "model_type (a MODEL.PRETRAINED folder's config.json decides otherwise)");
        key("TRAIN.LOSS", Kind.STRING, "recognition", oneOf("recognition", "contrastive", "joint"),
                "vclip: recognition = cross-entropy over the class texts; contrastive = symmetric InfoNCE; joint = "
                        + "recognition + TRAIN.TEXT_WEIGHT x multi-positive InfoNCE over DATA.TEXTS with hard negatives");
        key("TRAIN.TEXT_WEIGHT", Kind.FLOAT, 1.0, atLeast(0), "vclip: weight of the text term of TRAIN.LOSS joint");
        key("TRAIN.NEW_MODULE_LR_SCALE", Kind.FLOAT, 10.0, positive(),
                "vclip: LR factor of X-CLIP's new modules (mit, prompts, message_; optimizer.py uses 10)");
        key("TRAIN.CLIP_GRAD", Kind.FLOAT, 0.0, atLeast(0), "vclip: max global gradient norm; 0 = no clipping");
        key("TRAIN.FREEZE", Kind.STRING_LIST, List.of(), null, "vclip: glob patterns of parameters to freeze");
        key("TRAIN.TRAINABLE", Kind.STRING_LIST, List.of(), null,
                "vclip: when set, only parameters matching these globs train");
        key("TRAIN.CHECKPOINT_STEPS", Kind.INT, 0, atLeast(0), "vclip: checkpoint every N optimizer steps; 0 = off");
        key("TRAIN.KEEP_CHECKPOINTS", Kind.INT, 2, atLeast(1), "vclip: checkpoints kept in OUTPUT/checkpoints");
        key("TRAIN.NUM_WORKERS", Kind.INT, 2, atLeast(1), "vclip: decoding threads");
        key("DATA.CAPTIONS", Kind.STRING, "", null,
                "vclip: captions file (csv/json/txt, by video id = file name without extension) for contrastive");
        key("DATA.TEXTS", Kind.STRING, "", null, "vclip: tagged texts (JSON lines: per video its tags, texts with the "
                + "tags they assert, hard negatives; vclip synth's retrieval/texts.jsonl) for TRAIN.LOSS joint");
        key("DATA.NOVEL_VAL_FILE", Kind.STRING, "", null, "vclip: base-to-novel: list of novel-class videos, "
                + "classified zero-shot after training (with DATA.NOVEL_LABEL_LIST); the report gives base, novel and HM");
        key("DATA.NOVEL_LABEL_LIST", Kind.STRING, "", null, "vclip: base-to-novel: labels CSV of the novel classes");
        key("DATA.SHOTS", Kind.INT, 0, atLeast(0), "vclip: keep K videos per class of the training list; 0 = all");
        key("AUG.TRAIN_AUGMENT", Kind.BOOL, true, null,
                "vclip: X-CLIP's random crop/flip/jitter; false: the test-time centre crop");
        key("AUG.FLIP", Kind.FLOAT, 0.5, probability(), "vclip: probability of a horizontal flip (X-CLIP: 0.5); "
                + "0 for classes a mirror turns into others (moving left/right, clockwise/counter-clockwise)");
        key("LINEAR_PROBE.EPOCHS", Kind.INT, 100, atLeast(1), "vclip: linear probe epochs");
        key("LINEAR_PROBE.LR", Kind.FLOAT, 1e-3, positive(), "vclip: linear probe learning rate");
        key("LINEAR_PROBE.WEIGHT_DECAY", Kind.FLOAT, 0.0, atLeast(0), "vclip: linear probe weight decay");
        key("LINEAR_PROBE.BATCH_SIZE", Kind.INT, 256, atLeast(1), "vclip: linear probe batch size");
    }

    /** Where a value came from: a file, {@code --opts} or the defaults. */
    private final Map<String, Object> values;
    private final Map<String, String> origins;

    private TrainConfig(Map<String, Object> values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /** The defaults of every key. */
    public static TrainConfig defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        KEYS.values().forEach(k -> {
            values.put(k.name(), k.defaultValue());
            origins.put(k.name(), "default");
        });
        return new TrainConfig(values, origins);
    }

    /** Reads a YAML file (with its BASE files) over the defaults, then applies {@code opts} (KEY VALUE pairs). */
    public static TrainConfig load(Path file, List<String> opts) {
        TrainConfig config = defaults();
        if (file != null) {
            config = config.mergeFile(file, new LinkedHashSet<>());
        }
        return config.withOpts(opts == null ? List.of() : opts);
    }

    /** A copy with {@code --opts}-style KEY VALUE pairs applied (values parsed as on the command line). */
    public TrainConfig withOpts(List<String> opts) {
        if (opts.size() % 2 != 0) {
            throw new ConfigException("--opts: expected KEY VALUE pairs, but '" + opts.get(opts.size() - 1)
                    + "' has no value");
        }
        TrainConfig out = copy();
        for (int i = 0; i < opts.size(); i += 2) {
            out.setFromText("--opts", opts.get(i), opts.get(i + 1));
        }
        return out;
    }

    /** A copy with one key set from text, as {@code --opts KEY VALUE} would. */
    public TrainConfig with(String key, Object value) {
        TrainConfig out = copy();
        if (value instanceof String s) {
            out.setFromText("code", key, s);
        } else {
            Key k = known("code", key);
            out.put("code", k, coerce("code", k, value));
        }
        return out;
    }

    private TrainConfig copy() {
        return new TrainConfig(new LinkedHashMap<>(values), new LinkedHashMap<>(origins));
    }

    // ------------------------------------------------------------------------------------------------ reading

    private static final YAMLMapper YAML = new YAMLMapper();

    private TrainConfig mergeFile(Path file, Set<Path> visiting) {
        Path abs = file.toAbsolutePath().normalize();
        if (!visiting.add(abs)) {
            throw new ConfigException(file + ": BASE files include each other in a cycle");
        }
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such config file");
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        TrainConfig out = copy();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out; // an empty file: defaults
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a mapping of keys (DATA:, TRAIN:, ...), found "
                    + root.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        JsonNode base = root.get("BASE");
        if (base != null && !base.isNull()) {
            List<String> bases = new ArrayList<>();
            if (base.isArray()) {
                base.forEach(b -> bases.add(b.asText()));
            } else {
                bases.add(base.asText());
            }
            for (String b : bases) {
                if (!b.isEmpty()) {
                    Path parent = abs.getParent();
                    out = out.mergeFile(parent.resolve(b), visiting);
                }
            }
        }
        out.mergeNode(file.toString(), "", (ObjectNode) root);
        visiting.remove(abs);
        return out;
    }

    private void mergeNode(String source, String prefix, ObjectNode node) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = prefix + e.getKey();
            if (name.equals("BASE")) {
                continue;
            }
            JsonNode value = e.getValue();
            if (value.isObject()) {
                if (KEYS.containsKey(name)) {
                    throw new ConfigException(source + ": key '" + name + "' takes a value, not a mapping");
                }
                if (!isSection(name)) {
                    throw unknown(source, name);
                }
                mergeNode(source, name + ".", (ObjectNode) value);
                continue;
            }
            Key k = KEYS.get(name);
            if (k == null) {
                throw isSection(name) ? new ConfigException(source + ": '" + name + "' is a section: give it keys, e.g. "
                        + firstKeyOf(name)) : unknown(source, name);
            }
            put(source, k, coerce(source, k, value));
        }
    }

    private void setFromText(String source, String name, String text) {
        Key k = known(source, name);
        Object value;
        String t = text.trim();
        switch (k.kind()) {
            case STRING -> value = text;
            case NULLABLE_STRING -> value = t.isEmpty() || t.equals("None") || t.equals("null") || t.equals("~")
                    ? null : text;
            case STRING_LIST -> value = parseList(t);
            default -> {
                JsonNode node;
                try {
                    node = YAML.readTree(t.isEmpty() ? "''" : t);
                } catch (JsonProcessingException e) {
                    node = YAML.getNodeFactory().textNode(t);
                }
                value = coerce(source, k, node);
            }
        }
        put(source, k, coerce(source, k, value));
    }

    private static List<String> parseList(String t) {
        String body = t;
        if (body.startsWith("[") && body.endsWith("]")) {
            body = body.substring(1, body.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String part : body.split(",")) {
            String p = part.trim();
            if ((p.startsWith("'") && p.endsWith("'") || p.startsWith("\"") && p.endsWith("\"")) && p.length() >= 2) {
                p = p.substring(1, p.length() - 1);
            }
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    private void put(String source, Key k, Object value) {
        if (value != null && k.check() != null) {
            String problem = k.check().problem(value);
            if (problem != null) {
                throw new ConfigException(source + ": key '" + k.name() + "' must be " + problem + ", got "
                        + show(value));
            }
        }
        values.put(k.name(), value);
        origins.put(k.name(), source);
    }

    private static Key known(String source, String name) {
        Key k = KEYS.get(name);
        if (k == null) {
            throw isSection(name) ? new ConfigException(source + ": '" + name + "' is a section, not a key; e.g. "
                    + firstKeyOf(name)) : unknown(source, name);
        }
        return k;
    }

    /** Converts a YAML node or a Java value to the key's type, or throws naming source and key. */
    private static Object coerce(String source, Key k, Object raw) {
        Object v = raw instanceof JsonNode n ? unwrap(n) : raw;
        String where = source + ": key '" + k.name() + "'";
        switch (k.kind()) {
            case STRING -> {
                if (v == null) {
                    return "";
                }
                if (v instanceof List || v instanceof Map) {
                    throw new ConfigException(where + " must be a string, got " + show(v));
                }
                return v instanceof Double d ? fmtNumber(d) : v.toString();
            }
            case NULLABLE_STRING -> {
                if (v == null) {
                    return null;
                }
                String s = v.toString();
                return s.isEmpty() || s.equals("None") ? null : s;
            }
            case INT -> {
                if (v instanceof Integer || v instanceof Long) {
                    long l = ((Number) v).longValue();
                    if (l != (int) l) {
                        throw new ConfigException(where + " is out of the integer range: " + l);
                    }
                    return (int) l;
                }
                if (v instanceof String s) {
                    try {
                        return Integer.parseInt(s.trim());
                    } catch (NumberFormatException e) {
                        // fall through to the error
                    }
                }
                throw new ConfigException(where + " must be an integer, got " + show(v));
            }
            case FLOAT -> {
                if (v instanceof Number n) {
                    return n.doubleValue();
                }
                if (v instanceof String s) {
                    try {
                        double d = Double.parseDouble(s.trim()); // PyYAML reads 1e-5 (no dot) as a string
                        if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                            return d;
                        }
                    } catch (NumberFormatException e) {
                        // fall through to the error
                    }
                }
                throw new ConfigException(where + " must be a number, got " + show(v));
            }
            case BOOL -> {
                if (v instanceof Boolean b) {
                    return b;
                }
                if (v instanceof String s) {
                    String l = s.trim().toLowerCase(Locale.ROOT);
                    if (l.equals("true") || l.equals("false")) {
                        return Boolean.parseBoolean(l);
                    }
                }
                throw new ConfigException(where + " must be true or false, got " + show(v));
            }
            case STRING_LIST -> {
                if (v == null) {
                    return List.of();
                }
                if (v instanceof List<?> list) {
                    List<String> out = new ArrayList<>();
                    for (Object o : list) {
                        if (o instanceof List || o instanceof Map || o == null) {
                            throw new ConfigException(where + " must be a list of strings, got " + show(v));
                        }
                        out.add(o.toString());
                    }
                    return List.copyOf(out);
                }
                if (v instanceof String s) {
                    return List.copyOf(parseList(s));
                }
                throw new ConfigException(where + " must be a list of strings, got " + show(v));
            }
            default -> throw new IllegalStateException();
        }
    }

    private static Object unwrap(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            if (n.canConvertToLong()) {
                return Long.valueOf(n.longValue()); // (a ternary would widen the long to double)
            }
            return Double.valueOf(n.doubleValue());
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isArray()) {
            List<Object> out = new ArrayList<>();
            ((ArrayNode) n).forEach(e -> out.add(unwrap(e)));
            return out;
        }
        if (n.isObject()) {
            return Map.of("mapping", n.toString());
        }
        return n.asText();
    }

    private static String show(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        return v.toString();
    }

    private static String fmtNumber(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    // ------------------------------------------------------------------------------------------------ suggestions

    private static boolean isSection(String name) {
        String prefix = name + ".";
        return KEYS.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    private static String firstKeyOf(String section) {
        return KEYS.keySet().stream().filter(k -> k.startsWith(section + ".")).findFirst().orElse(section);
    }

    private static ConfigException unknown(String source, String name) {
        String suggestion = suggest(name);
        return new ConfigException(source + ": unknown key '" + name + "'"
                + (suggestion != null ? " (did you mean '" + suggestion + "'?)" : " (known sections: "
                + String.join(", ", sections()) + ")"));
    }

    private static Set<String> sections() {
        Set<String> out = new LinkedHashSet<>();
        KEYS.keySet().forEach(k -> out.add(k.contains(".") ? k.substring(0, k.indexOf('.')) : k));
        return out;
    }

    /**
     * The known key closest to {@code name}: smallest edit distance over the full dotted name (case-insensitive),
     * accepted within a third of the length; else a key with the same last part in another section.
     */
    static String suggest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String upper = name.toUpperCase(Locale.ROOT);
        for (String k : KEYS.keySet()) {
            int d = editDistance(upper, k.toUpperCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        if (best != null && bestDistance <= Math.max(2, name.length() / 3)) {
            return best;
        }
        String leaf = upper.substring(upper.lastIndexOf('.') + 1);
        for (String k : KEYS.keySet()) {
            String kLeaf = k.toUpperCase(Locale.ROOT).substring(k.lastIndexOf('.') + 1);
            if (editDistance(leaf, kLeaf) <= Math.max(1, leaf.length() / 4)) {
                return k;
            }
        }
        return null;
    }

    /** Levenshtein distance, shared with the model config's typo check. */
    static int editDistance(String a, String b) {
        return ModelConfig.editDistance(a, b);
    }

    // ------------------------------------------------------------------------------------------------ access

    private Object value(String key, Kind kind) {
        Key k = KEYS.get(key);
        if (k == null) {
            throw new IllegalArgumentException("no config key '" + key + "'");
        }
        if (k.kind() != kind && !(kind == Kind.STRING && k.kind() == Kind.NULLABLE_STRING)) {
            throw new IllegalArgumentException("config key '" + key + "' is " + k.kind() + ", not " + kind);
        }
        return values.get(key);
    }

    public String string(String key) {
        return (String) value(key, Kind.STRING);
    }

    public int integer(String key) {
        return (Integer) value(key, Kind.INT);
    }

    public double number(String key) {
        return (Double) value(key, Kind.FLOAT);
    }

    public boolean bool(String key) {
        return (Boolean) value(key, Kind.BOOL);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String key) {
        return (List<String>) value(key, Kind.STRING_LIST);
    }

    /** Where a key's value came from: a file name, {@code --opts}, {@code code} or {@code default}. */
    public String origin(String key) {
        return origins.getOrDefault(key, "default");
    }

    /** True when the value was set by a file or --opts rather than taken from the defaults. */
    public boolean isSet(String key) {
        return !"default".equals(origin(key));
    }

    /** True when the value differs from the key's default (set in a file or --opts to something else). */
    public boolean differsFromDefault(String key) {
        Key k = KEYS.get(key);
        if (k == null) {
            throw new IllegalArgumentException("no config key '" + key + "'");
        }
        return !Objects.equals(values.get(key), k.defaultValue());
    }

    /**
     * Rejects the first of {@code keys} whose value is not its default: they do not apply to {@code what}
     * (e.g. {@code "MODEL.TYPE xclip"}); {@code hint} says what does.
     */
    public void rejectChanged(List<String> keys, String what, String hint) {
        for (String key : keys) {
            if (differsFromDefault(key)) {
                throw error(key, "is " + show(values.get(key)) + " but applies only to " + hint + ", not to " + what
                        + " (remove it, or set it to its default " + show(KEYS.get(key).defaultValue()) + ")");
            }
        }
    }

    /** A {@link ConfigException} about a key's value, naming where it came from. */
    public ConfigException error(String key, String problem) {
        return new ConfigException(origin(key) + ": key '" + key + "' " + problem);
    }

    /** Every key with its value, in the defaults' order. */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** Known keys (for help texts and tests). */
    public static Set<String> knownKeys() {
        return Collections.unmodifiableSet(KEYS.keySet());
    }

    /** The config as nested YAML with every key (what a run used, written beside its output). */
    public String toYaml() {
        ObjectNode root = YAML.createObjectNode();
        values.forEach((key, value) -> {
            String[] parts = key.split("\\.");
            ObjectNode node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
            }
            String leaf = parts[parts.length - 1];
            if (value == null) {
                node.putNull(leaf);
            } else if (value instanceof Integer i) {
                node.put(leaf, i);
            } else if (value instanceof Double d) {
                node.put(leaf, d);
            } else if (value instanceof Boolean b) {
                node.put(leaf, b);
            } else if (value instanceof List<?> list) {
                ArrayNode array = node.putArray(leaf);
                list.forEach(o -> array.add(o.toString()));
            } else {
                node.put(leaf, value.toString());
            }
        });
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses YAML text (e.g. a checkpoint's config.yaml) over the defaults; {@code source} names it in errors. */
    public static TrainConfig parse(String source, String yaml) {
        TrainConfig out = defaults();
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root != null && root.isObject()) {
            out.mergeNode(source, "", (ObjectNode) root);
        }
        return out;
    }

    /** The keys whose values differ between two configs (for resume checks). */
    public List<String> differences(TrainConfig other) {
        List<String> out = new ArrayList<>();
        for (String key : KEYS.keySet()) {
            if (!Objects.equals(values.get(key), other.values.get(key))) {
                out.add(key);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return toYaml();
    }
}
