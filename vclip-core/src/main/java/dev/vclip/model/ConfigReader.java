package dev.vclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Typed access to one object of a {@code config.json} ({@code ""}, {@code "text_config."} or
 * {@code "vision_config."}), with errors that name the file and the full key. It remembers every key it was asked
 * for, present or not: those are the keys vclip reads, so {@link #checkUnknownKeys} can tell a misspelling
 * ({@code num_hiden_layers}: an error with a suggestion) from a key vclip does not use (one warning).
 * A family reads its own keys through the same readers ({@link ModelFamily#readConfig}).
 */
public final class ConfigReader {

    /** Keys every HF {@code PretrainedConfig} may carry; they never change the forward pass. */
    static final Set<String> GENERIC_KEYS = Set.of(
            "_name_or_path", "_commit_hash", "_attn_implementation", "_attn_implementation_autoset", "architectures",
            "transformers_version", "torch_dtype", "dtype", "model_type", "initializer_factor", "initializer_range",
            "add_cross_attention", "bad_words_ids", "begin_suppress_tokens", "chunk_size_feed_forward",
            "cross_attention_hidden_size", "decoder_start_token_id", "diversity_penalty", "do_sample", "dropout",
            "early_stopping", "encoder_no_repeat_ngram_size", "exponential_decay_length_penalty", "finetuning_task",
            "forced_bos_token_id", "forced_eos_token_id", "id2label", "label2id", "is_decoder", "is_encoder_decoder",
            "length_penalty", "max_length", "min_length", "no_repeat_ngram_size", "num_beam_groups", "num_beams",
            "num_return_sequences", "output_attentions", "output_hidden_states", "output_scores", "prefix",
            "problem_type", "pruned_heads", "remove_invalid_values", "repetition_penalty", "return_dict",
            "return_dict_in_generate", "sep_token_id", "suppress_tokens", "task_specific_params", "temperature",
            "tf_legacy_loss", "tie_encoder_decoder", "tie_word_embeddings", "tokenizer_class", "top_k", "top_p",
            "torchscript", "typical_p", "use_bfloat16", "use_cache", "attention_dropout", "projection_dropout",
            "drop_path_rate", "prompt_attention_dropout", "prompt_projection_dropout", "text_config_dict",
            "vision_config_dict", "text_config", "vision_config", "projection_dim", "logit_scale_init_value",
            "pad_token_id", "bos_token_id", "eos_token_id");

    /** Activations the models implement. */
    public static final Set<String> ACTIVATIONS = Set.of("quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu");

    private final String source;
    private final String prefix;
    private final ObjectNode node;
    private final Set<String> asked = new LinkedHashSet<>();

    ConfigReader(String source, String prefix, ObjectNode node) {
        this.source = source;
        this.prefix = prefix;
        this.node = node;
    }

    /**
     * A reader over a JSON object that is not a {@code config.json} (an original run's argument dump); errors name
     * {@code source}. Fails when {@code node} is not an object.
     */
    static ConfigReader of(String source, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(source + ": not a JSON object");
        }
        return new ConfigReader(source, "", (ObjectNode) node);
    }

    /** The file (or other origin) the config came from, for messages. */
    public String source() {
        return source;
    }

    /** Whether the key is present (and not null). */
    public boolean has(String key) {
        asked.add(key);
        return value(key) != null;
    }

    private JsonNode value(String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    /** An error naming the file and the full key. */
    public ConfigException error(String key, String problem) {
        return new ConfigException(source + ": key '" + prefix + key + "' " + problem);
    }

    private ConfigException wrongType(String key, String expected, JsonNode value) {
        return error(key, "must be " + expected + ", found " + value.getNodeType().toString().toLowerCase(Locale.ROOT)
                + " " + value);
    }

    public int integer(String key, int defaultValue) {
        asked.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(key, "an integer", value);
        }
        return value.intValue();
    }

    /** A number; the strings "inf" / "infinity" (how Python's json writes float('inf') is not JSON) read as ∞. */
    public double number(String key, double defaultValue) {
        asked.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.isTextual() && value.textValue().toLowerCase(Locale.ROOT).matches("\\+?inf(inity)?")) {
            return Double.POSITIVE_INFINITY;
        }
        if (!value.isNumber()) {
            throw wrongType(key, "a number", value);
        }
        return value.doubleValue();
    }

    public boolean bool(String key, boolean defaultValue) {
        asked.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw wrongType(key, "true or false", value);
        }
        return value.booleanValue();
    }

    /** A flag as argparse dumps it (0/1) or as JSON writes it (true/false). */
    public boolean flag(String key, boolean defaultValue) {
        asked.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.longValue() != 0;
        }
        throw wrongType(key, "0/1 or true/false", value);
    }

    /** A list of integers; a scalar 0 (argparse's default for an unset {@code nargs='+'} option) reads as absent. */
    public List<Integer> intList(String key, List<Integer> defaultValue) {
        asked.add(key);
        JsonNode value = value(key);
        if (value == null || value.isIntegralNumber() && value.intValue() == 0) {
            return defaultValue;
        }
        if (!value.isArray()) {
            throw wrongType(key, "a list of integers", value);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isIntegralNumber() || !item.canConvertToInt()) {
                throw wrongType(key, "a list of integers", value);
            }
            out.add(item.intValue());
        }
        return out;
    }

    /** One of {@code values}, spelled as {@code name} spells it. */
    public <E extends Enum<E>> E choice(String key, E[] values, E defaultValue, java.util.function.Function<E, String> name) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        for (E e : values) {
            if (name.apply(e).equals(value)) {
                return e;
            }
        }
        throw error(key, "is '" + value + "'; expected one of " + java.util.Arrays.stream(values).map(name).toList());
    }

    public String string(String key, String defaultValue) {
        asked.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isTextual()) {
            throw wrongType(key, "a string", value);
        }
        return value.textValue();
    }

    /** A string that must be one of {@code allowed}. */
    public String choice(String key, String defaultValue, Set<String> allowed) {
        String value = string(key, defaultValue);
        if (value != null && !allowed.contains(value)) {
            throw error(key, "is '" + value + "'; expected one of " + allowed);
        }
        return value;
    }

    /** An activation name the layers implement. */
    public String activation(String key, String defaultValue) {
        String act = string(key, defaultValue);
        if (!ACTIVATIONS.contains(act)) {
            throw error(key, "is '" + act + "'; vclip implements " + ACTIVATIONS);
        }
        return act;
    }

    /** A nested object, read with its own reader (keys named {@code prefix.key.inner}). */
    public ConfigReader object(String key) {
        asked.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return new ConfigReader(source, prefix + key + ".", node.objectNode());
        }
        if (!value.isObject()) {
            throw wrongType(key, "an object", value);
        }
        return new ConfigReader(source, prefix + key + ".", (ObjectNode) value);
    }

    ObjectNode node() {
        return node;
    }

    /**
     * Fails on a key within edit distance 2 of one that was read (a misspelling), and reports the other keys that
     * were never read and are not generic HF keys in one warning.
     */
    void checkUnknownKeys(Consumer<String> warnings) {
        List<String> ignored = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (asked.contains(key) || GENERIC_KEYS.contains(key)) {
                continue;
            }
            for (String known : asked) {
                if (editDistance(key, known) <= 2) {
                    throw new ConfigException(source + ": unknown key '" + prefix + key + "' (did you mean '" + prefix
                            + known + "'?)");
                }
            }
            ignored.add(prefix + key);
        }
        if (!ignored.isEmpty()) {
            warnings.accept(source + ": ignoring keys vclip does not use: " + String.join(", ", ignored));
        }
    }

    /** Levenshtein distance (for "did you mean" suggestions). */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
