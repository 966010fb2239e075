package dev.vclip.weights;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The tensor names of one kind of original checkpoint (OpenAI CLIP, VideoX X-CLIP, ViFi-CLIP, ...) and the rules
 * that rename them to the Hugging Face names a model family loads. Families declare their layouts
 * ({@code ModelFamily.checkpointLayouts}); {@link KeyMapping} applies them.
 *
 * @param name     short name, also written to converted folders' provenance ({@code "XCLIP_ORIGINAL"})
 * @param detector tells the layout from a checkpoint's names (a leading {@code module.} already stripped)
 * @param rules    one rule per row of the family's mapping table, tried in order ({@link KeyMappingRules})
 */
public record CheckpointLayout(String name, Predicate<Set<String>> detector, List<KeyMappingRules.Rule> rules) {

    /** Hugging Face names, used as they are. */
    public static final CheckpointLayout HF = new CheckpointLayout("HF",
            names -> KeyMapping.anyStartsWith(names, "text_model.", "vision_model."), List.of());

    public CheckpointLayout {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detector, "detector");
        rules = List.copyOf(rules);
    }

    @Override
    public String toString() {
        return name;
    }
}
