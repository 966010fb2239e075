package dev.vclip.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Building blocks of the rename tables of {@link CheckpointLayout}s: one {@link Rule} per row of a family's mapping
 * table, and OpenAI CLIP's towers ({@link #clipTowers}), which every CLIP-family checkpoint shares.
 *
 * <p>Patterns are literal names with two placeholders: {@code {n}} a layer index, {@code {p}} either
 * {@code weight} or {@code bias}. Targets use the same placeholders, plus {@code {qkv}} for the three thirds
 * of a split {@code in_proj}. Sources: HF {@code convert_clip_original_pytorch_to_hf.py},
 * {@code convert_x_clip_original_pytorch_to_hf.py}; microsoft/VideoX X-CLIP {@code models/{xclip,cct,mit,prompt}.py};
 * muzairkhattak/ViFi-CLIP {@code trainers/vificlip.py}, {@code clip/model.py}, {@code utils/tools.py}.
 */
public final class KeyMappingRules {
    private KeyMappingRules() {
    }

    /** What happens to a tensor that a rule matches. */
    public enum Action {
        /** Same data under the HF name (zero-copy). */
        RENAME,
        /** A 2-D {@code [in, out]} parameter used as {@code x @ W} becomes an {@code nn.Linear} weight {@code [out, in]}. */
        TRANSPOSE,
        /** {@code nn.MultiheadAttention.in_proj_*} {@code [3w, ...]}: rows [0,w) → q, [w,2w) → k, [2w,3w) → v. */
        SPLIT_QKV,
        /** Kept under its original name and listed in {@link KeyMapping.Mapped#extras()}. */
        EXTRA,
        /** Not a weight HF needs; listed in {@link KeyMapping.Mapped#dropped()}. */
        DROP
    }

    public record Rule(String source, String target, Action action, Pattern pattern) {
        public Rule(String source, String target, Action action) {
            this(source, target, action, compile(source));
        }
    }

    /** A rule that matched a name, with the placeholders it captured. */
    record Match(Rule rule, String layer, String param) {
        /** The target name; for SPLIT_QKV pass "q", "k" or "v". */
        String target(String qkv) {
            String name = rule.target();
            if (layer != null) {
                name = name.replace("{n}", layer);
            }
            if (param != null) {
                name = name.replace("{p}", param);
            }
            return qkv == null ? name : name.replace("{qkv}", qkv);
        }
    }

    static Match match(List<Rule> rules, String name) {
        for (Rule rule : rules) {
            Matcher m = rule.pattern().matcher(name);
            if (m.matches()) {
                String layer = rule.source().contains("{n}") ? m.group("n") : null;
                String param = rule.source().contains("{p}") ? m.group("p") : null;
                return new Match(rule, layer, param);
            }
        }
        return null;
    }

    /**
     * OpenAI CLIP (clip/model.py) → HF CLIPModel / XCLIPModel.
     *
     * @param textFrom   prefix of the text tower's names ("" in OpenAI CLIP, "text_encoder." in ViFi-CLIP)
     * @param visionFrom prefix of the vision tower ("visual." or ViFi-CLIP's "image_encoder.")
     * @param preNorm    HF's name of the vision pre-norm: CLIP spells it "pre_layrnorm", X-CLIP "pre_layernorm"
     */
    public static List<Rule> clipTowers(String textFrom, String visionFrom, String preNorm) {
        List<Rule> rules = new ArrayList<>();
        rules.add(rename("token_embedding.weight", "text_model.embeddings.token_embedding.weight"));
        rules.add(rename(textFrom + "positional_embedding", "text_model.embeddings.position_embedding.weight"));
        rules.addAll(encoderLayer(textFrom + "transformer.resblocks.{n}.", "text_model.encoder.layers.{n}."));
        rules.add(rename(textFrom + "ln_final.{p}", "text_model.final_layer_norm.{p}"));
        rules.add(transpose(textFrom + "text_projection", "text_projection.weight"));

        rules.add(rename(visionFrom + "class_embedding", "vision_model.embeddings.class_embedding"));
        rules.add(rename(visionFrom + "positional_embedding", "vision_model.embeddings.position_embedding.weight"));
        rules.add(rename(visionFrom + "conv1.weight", "vision_model.embeddings.patch_embedding.weight"));
        rules.add(rename(visionFrom + "ln_pre.{p}", "vision_model." + preNorm + ".{p}"));
        rules.addAll(encoderLayer(visionFrom + "transformer.resblocks.{n}.", "vision_model.encoder.layers.{n}."));
        rules.add(rename(visionFrom + "ln_post.{p}", "vision_model.post_layernorm.{p}"));
        rules.add(transpose(visionFrom + "proj", "visual_projection.weight"));

        rules.add(rename("logit_scale", "logit_scale"));
        // Scalars OpenAI's JIT archives carry; clip/model.py build_model deletes them before loading.
        rules.add(drop("input_resolution"));
        rules.add(drop("context_length"));
        rules.add(drop("vocab_size"));
        return rules;
    }

    /** One residual attention block (clip/model.py ResidualAttentionBlock) → HF CLIPEncoderLayer. */
    public static List<Rule> encoderLayer(String from, String to) {
        return List.of(
                split(from + "attn.in_proj_weight", to + "self_attn.{qkv}_proj.weight"),
                split(from + "attn.in_proj_bias", to + "self_attn.{qkv}_proj.bias"),
                rename(from + "attn.out_proj.{p}", to + "self_attn.out_proj.{p}"),
                rename(from + "ln_1.{p}", to + "layer_norm1.{p}"),
                rename(from + "mlp.c_fc.{p}", to + "mlp.fc1.{p}"),
                rename(from + "mlp.c_proj.{p}", to + "mlp.fc2.{p}"),
                rename(from + "ln_2.{p}", to + "layer_norm2.{p}"));
    }

    public static Rule rename(String source, String target) {
        return new Rule(source, target, Action.RENAME);
    }

    public static Rule transpose(String source, String target) {
        return new Rule(source, target, Action.TRANSPOSE);
    }

    public static Rule split(String source, String target) {
        return new Rule(source, target, Action.SPLIT_QKV);
    }

    public static Rule extra(String name) {
        return new Rule(name, name, Action.EXTRA);
    }

    public static Rule drop(String source) {
        return new Rule(source, null, Action.DROP);
    }

    public static List<Rule> concat(List<Rule> a, List<Rule> b) {
        List<Rule> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Pattern compile(String source) {
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (at < source.length()) {
            if (source.startsWith("{n}", at)) {
                regex.append("(?<n>\\d+)");
                at += 3;
            } else if (source.startsWith("{p}", at)) {
                regex.append("(?<p>weight|bias)");
                at += 3;
            } else {
                int next = nextPlaceholder(source, at);
                regex.append(Pattern.quote(source.substring(at, next)));
                at = next;
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static int nextPlaceholder(String source, int from) {
        int n = source.indexOf("{n}", from);
        int p = source.indexOf("{p}", from);
        int next = source.length();
        if (n >= 0) {
            next = Math.min(next, n);
        }
        if (p >= 0) {
            next = Math.min(next, p);
        }
        return next;
    }
}
