package dev.vclip.train;

import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelFamily;
import dev.vclip.model.ModelFamily.TrainingRecipe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which parameters train, which get weight decay, and each one's learning-rate factor, by HF parameter name.
 *
 * <p><b>Weight decay</b> follows X-CLIP {@code utils/optimizer.py set_weight_decay}: no decay for 1-D parameters
 * (LayerNorm weights and biases, {@code class_embedding}, {@code prompts_generator.alpha}), names ending in
 * {@code .bias}, and names containing X-CLIP's {@code no_weight_decay_keywords} {@code positional_embedding} — in HF
 * names {@code position_embedding} (text, vision and {@code mit.position_embedding}). vclip adds the 0-d
 * {@code logit_scale} and {@code token_embedding}: X-CLIP's rule would decay both, but with its default
 * {@code MODEL.FIX_TEXT} they are frozen there, and ViFi-CLIP never trains the token embedding (its prompt learner
 * keeps token embeddings as buffers). ViFi-CLIP's own optimizer decays every parameter; vclip uses X-CLIP's
 * grouping for both.
 *
 * <p>CLIP4Clip ({@code prep_optimizer}: {@code no_decay = ['bias', 'LayerNorm.bias', 'LayerNorm.weight']}, matched
 * anywhere in the name) exempts only names containing {@code bias}: none of its parameters is called
 * {@code LayerNorm} (CLIP's and the header's are {@code ln_1}, {@code ln_final}, {@code ln_pool}, ...), so its
 * LayerNorm gains, embeddings and {@code logit_scale} decay; vclip applies that rule to the HF names, which gives
 * the same groups. Its weight decay is 0.2 ({@code TRAIN.WEIGHT_DECAY} in its configs).
 *
 * <p><b>Learning rates</b>: X-CLIP's {@code build_optimizer} gives the new modules (names containing {@code mit},
 * {@code prompts} or {@code message_}) ten times {@code TRAIN.LR}: {@code TRAIN.NEW_MODULE_LR_SCALE}.
 * CLIP4Clip's {@code prep_optimizer} gives CLIP's parameters ({@code clip.*} there: the towers, projections and
 * {@code logit_scale}) {@code coef_lr} times the rate, {@code TRAIN.COEF_LR}, and its new modules (the similarity
 * header, the family's {@link ModelFamily#newModuleKeywords}) {@code TRAIN.LR}. Which rule applies is the family's
 * {@link TrainingRecipe}; the keys of another recipe must keep their defaults.
 *
 * <p><b>Freezing</b>, in this order:
 * <ol>
 *   <li>X-CLIP models: {@code MODEL.FIX_TEXT} (default true) keeps only the vision side, MIT and prompts training —
 *   {@code fix_text} freezes every name without {@code visual.}, {@code mit} or {@code prompts}; in HF names
 *   {@code vision_model.*}, {@code visual_projection}, {@code mit.*}, {@code prompts_*} train.</li>
 *   <li>CLIP models (ViFi-CLIP, {@code trainers/vificlip.py returnCLIP}): {@code TRAINER.ViFi_CLIP.PROMPT_MODEL}
 *   trains only the VL prompt tokens ({@code *.prompt_ctx}); otherwise {@code TRAINER.ViFi_CLIP.USE}: {@code both}
 *   (every parameter but the token embedding), {@code image} ({@code vision_model.*}, {@code visual_projection}),
 *   {@code text} ({@code text_model.*} but the token embedding, {@code text_projection}).</li>
 *   <li>CLIP4Clip models ({@code main_task_retrieval.py main()}): {@code MODEL.FREEZE_LAYER_NUM} N (default 0) freezes
 *   CLIP's embeddings (token, positions, patches, class token, {@code pre_layrnorm}) and its encoder layers below N;
 *   the final LayerNorms, projections, {@code logit_scale} and the header always train; -1 freezes nothing.</li>
 *   <li>{@code TRAIN.TRAINABLE} (globs), when set, replaces the rule above; {@code TRAIN.FREEZE} (globs) then
 *   freezes what matches. A glob's {@code *} matches any characters, {@code ?} one; it must match a whole name.</li>
 * </ol>
 */
public final class ParameterPlan {

    /** X-CLIP no_weight_decay_keywords in HF names, plus vclip's additions (see the class comment). */
    static final List<String> NO_DECAY_KEYWORDS = List.of("position_embedding", "token_embedding", "class_embedding",
            "logit_scale", "prompts_generator.alpha");

    /**
     * CLIP4Clip's top of CLIP, trained whatever MODEL.FREEZE_LAYER_NUM says: ln_final, text_projection,
     * logit_scale, visual.ln_post, visual.proj in HF names.
     */
    static final List<String> CLIP4CLIP_TOP = List.of("text_model.final_layer_norm.", "text_projection",
            "logit_scale", "vision_model.post_layernorm.", "visual_projection");

    /** The optimiser keys of CLIP4Clip's recipe. */
    static final List<String> CLIP4CLIP_KEYS = List.of("TRAIN.COEF_LR", "MODEL.FREEZE_LAYER_NUM");

    private static final Pattern CLIP_LAYER =
            Pattern.compile("(?:text_model|vision_model)\\.encoder\\.layers\\.(\\d+)\\.");

    /** Suffix of the ViFi-CLIP VL prompt parameters (see {@link VlPrompts}). */
    static final String PROMPT_SUFFIX = ".prompt_ctx";

    /** One parameter's treatment. */
    public record Entry(String name, long[] shape, boolean trainable, boolean decay, double lrScale) {
    }

    private final Map<String, Entry> entries;

    private ParameterPlan(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** The plan for a model's parameters under a training config, by the family's {@link TrainingRecipe}. */
    public static ParameterPlan of(Map<String, long[]> shapes, ModelFamily family, TrainConfig config) {
        TrainingRecipe recipe = family.trainingRecipe();
        List<String> newModules = family.newModuleKeywords();
        Predicate<String> isNew = n -> newModules.stream().anyMatch(n::contains);
        String what = family.displayName() + " models";
        if (recipe == TrainingRecipe.CLIP4CLIP) {
            config.rejectChanged(List.of("MODEL.FIX_TEXT", "TRAIN.NEW_MODULE_LR_SCALE"), what, "X-CLIP's recipe");
            config.rejectChanged(List.of("TRAINER.ViFi_CLIP.USE"), what, "ViFi-CLIP's recipe");
        } else {
            config.rejectChanged(CLIP4CLIP_KEYS, what, "CLIP4Clip's recipe");
        }
        Predicate<String> base;
        if (config.bool("TRAINER.ViFi_CLIP.PROMPT_MODEL")) {
            base = n -> n.endsWith(PROMPT_SUFFIX);
        } else {
            base = switch (recipe) {
                case XCLIP -> config.bool("MODEL.FIX_TEXT")
                        ? n -> n.startsWith("vision_model.") || n.startsWith("visual_projection") || isNew.test(n)
                        : n -> true;
                case CLIP4CLIP -> clip4clipTrainable(shapes, config, isNew);
                case VIFI_CLIP -> switch (config.string("TRAINER.ViFi_CLIP.USE")) {
                    case "image" -> n -> n.startsWith("vision_model.") || n.startsWith("visual_projection");
                    case "text" -> n -> (n.startsWith("text_model.") && !n.contains("token_embedding"))
                            || n.startsWith("text_projection");
                    default -> n -> !n.contains("token_embedding");
                };
            };
        }
        List<String> trainable = config.list("TRAIN.TRAINABLE");
        List<String> freeze = config.list("TRAIN.FREEZE");
        Predicate<String> rule = base;
        if (!trainable.isEmpty()) {
            List<Pattern> globs = globs(trainable, shapes, config, "TRAIN.TRAINABLE");
            rule = n -> globs.stream().anyMatch(g -> g.matcher(n).matches());
        }
        if (!freeze.isEmpty()) {
            List<Pattern> globs = globs(freeze, shapes, config, "TRAIN.FREEZE");
            Predicate<String> before = rule;
            rule = n -> before.test(n) && globs.stream().noneMatch(g -> g.matcher(n).matches());
        }
        return switch (recipe) {
            case CLIP4CLIP -> build(shapes, rule, (n, shape) -> !n.contains("bias"),
                    n -> isNew.test(n) ? 1.0 : config.number("TRAIN.COEF_LR"));
            // X-CLIP's new-module factor; a ViFi-CLIP family declares no new modules, so every factor is 1
            case XCLIP, VIFI_CLIP -> build(shapes, rule, newModules, config.number("TRAIN.NEW_MODULE_LR_SCALE"));
        };
    }

    /**
     * CLIP4Clip {@code main()} with {@code freeze_layer_num} N ≥ 0: CLIP's top (final LayerNorms, projections,
     * {@code logit_scale}) and its encoder layers from N on train, its embeddings and the layers below N are frozen;
     * the header always trains. N = −1 freezes nothing.
     */
    private static Predicate<String> clip4clipTrainable(Map<String, long[]> shapes, TrainConfig config,
                                                        Predicate<String> isNew) {
        int n = config.integer("MODEL.FREEZE_LAYER_NUM");
        if (n < 0) {
            return name -> true;
        }
        int layers = shapes.keySet().stream().mapToInt(ParameterPlan::clipLayer).max().orElse(-1) + 1;
        if (n > layers) {
            throw config.error("MODEL.FREEZE_LAYER_NUM", "is " + n + " but the CLIP towers have " + layers
                    + " layers (-1: freeze nothing; 0: the embeddings; " + layers + ": every CLIP layer too)");
        }
        return name -> isNew.test(name) || CLIP4CLIP_TOP.stream().anyMatch(name::startsWith) || clipLayer(name) >= n;
    }

    /** The index of a CLIP tower's encoder layer a parameter belongs to, or −1. */
    static int clipLayer(String name) {
        Matcher m = CLIP_LAYER.matcher(name);
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** A plan from an explicit trainable predicate (decay and LR factors by X-CLIP's rules above). */
    public static ParameterPlan build(Map<String, long[]> shapes, Predicate<String> trainable, List<String> newModules,
                                      double newModuleScale) {
        return build(shapes, trainable, ParameterPlan::decays,
                name -> newModules.stream().anyMatch(name::contains) ? newModuleScale : 1.0);
    }

    /** A plan from explicit rules: what trains, what decays, each parameter's LR factor. */
    static ParameterPlan build(Map<String, long[]> shapes, Predicate<String> trainable,
                               BiPredicate<String, long[]> decays, ToDoubleFunction<String> lrScale) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> entries.put(name, new Entry(name, shape.clone(), trainable.test(name),
                decays.test(name, shape), lrScale.applyAsDouble(name))));
        if (entries.values().stream().noneMatch(Entry::trainable)) {
            throw new ConfigException("no parameter is left to train (check MODEL.FIX_TEXT, TRAINER.ViFi_CLIP.*, "
                    + "MODEL.FREEZE_LAYER_NUM, TRAIN.TRAINABLE and TRAIN.FREEZE)");
        }
        return new ParameterPlan(entries);
    }

    /** X-CLIP set_weight_decay's test, with vclip's keywords: true when the parameter gets weight decay. */
    static boolean decays(String name, long[] shape) {
        return shape.length >= 2 && !name.endsWith(".bias") && NO_DECAY_KEYWORDS.stream().noneMatch(name::contains);
    }

    private static List<Pattern> globs(List<String> patterns, Map<String, long[]> shapes, TrainConfig config,
                                       String key) {
        List<Pattern> out = new ArrayList<>();
        for (String p : patterns) {
            Pattern g = glob(p);
            if (shapes.keySet().stream().noneMatch(n -> g.matcher(n).matches())) {
                String example = shapes.keySet().iterator().next();
                throw config.error(key, "has pattern '" + p + "' that matches no parameter (names look like '"
                        + example + "'; '*' matches any characters)");
            }
            out.add(g);
        }
        return out;
    }

    /** A glob as an anchored regex: {@code *} any characters, {@code ?} one, everything else literal. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    public Entry get(String name) {
        return entries.get(name);
    }

    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    public List<String> trainableNames() {
        return entries.values().stream().filter(Entry::trainable).map(Entry::name).toList();
    }

    public long trainableCount() {
        return entries.values().stream().filter(Entry::trainable).mapToLong(e -> elements(e.shape())).sum();
    }

    public long totalCount() {
        return entries.values().stream().mapToLong(e -> elements(e.shape())).sum();
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * The optimiser groups as X-CLIP builds them (decay / no decay × LR factor), with parameter counts, e.g.
     * {@code "decay, lr x10" → 12}.
     */
    public Map<String, Integer> groups() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            if (e.trainable()) {
                String g = (e.decay() ? "decay" : "no decay") + (e.lrScale() != 1 ? ", lr x" + fmt(e.lrScale()) : "");
                out.merge(g, 1, Integer::sum);
            }
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
