package dev.vclip.model;

import dev.vclip.weights.CheckpointLayout;
import dev.vclip.weights.KeyMapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The registry of model families: {@code model_type} → {@link ModelFamily}. Families are found with
 * {@link ServiceLoader} in {@code META-INF/services/dev.vclip.model.ModelFamily} (one line per family, in the order
 * they are tried when tensors must tell the family), once per class loader, then never change: thread-safe.
 */
public final class ModelFamilies {

    private static final class Holder {
        static final Map<String, ModelFamily> BY_TYPE = load();
    }

    private ModelFamilies() {
    }

    private static Map<String, ModelFamily> load() {
        Map<String, ModelFamily> byType = new LinkedHashMap<>();
        for (ModelFamily family : ServiceLoader.load(ModelFamily.class, ModelFamily.class.getClassLoader())) {
            String type = ModelConfig.normaliseModelType(family.modelType());
            ModelFamily before = byType.putIfAbsent(type, family);
            if (before != null && before.getClass() != family.getClass()) {
                throw new IllegalStateException("two model families claim model_type '" + type + "': "
                        + before.getClass().getName() + " and " + family.getClass().getName());
            }
        }
        return byType;
    }

    /** The family of a {@code model_type} (case, {@code -} and {@code _} ignored: {@code x_clip} is {@code xclip}). */
    public static Optional<ModelFamily> forModelType(String modelType) {
        return Optional.ofNullable(Holder.BY_TYPE.get(ModelConfig.normaliseModelType(modelType)));
    }

    /** The family of a {@code model_type}; an error listing the known ones otherwise. */
    public static ModelFamily require(String modelType) {
        return forModelType(modelType).orElseThrow(() -> new ConfigException("model_type '" + modelType
                + "' is not supported (vclip reads " + modelTypes() + ")"));
    }

    /** Every registered family, in registration order. */
    public static List<ModelFamily> all() {
        return List.copyOf(Holder.BY_TYPE.values());
    }

    public static Set<String> modelTypes() {
        return Set.copyOf(Holder.BY_TYPE.keySet());
    }

    /** The first family that claims these HF-named tensors. */
    public static Optional<ModelFamily> claiming(Set<String> hfNames) {
        return all().stream().filter(f -> f.claims(hfNames)).findFirst();
    }

    /** The original checkpoint layouts of every family, in registration order. */
    public static List<CheckpointLayout> checkpointLayouts() {
        List<CheckpointLayout> layouts = new ArrayList<>();
        for (ModelFamily family : all()) {
            layouts.addAll(family.checkpointLayouts());
        }
        return layouts;
    }

    /**
     * The family a mapped checkpoint belongs to: the one that declares its layout, or for Hugging Face names the
     * first that claims them.
     */
    public static ModelFamily of(KeyMapping.Mapped mapped) {
        if (mapped.layout() == CheckpointLayout.HF) {
            return claiming(mapped.tensors().keySet()).orElseThrow(() -> new ConfigException("no model family "
                    + "recognises these tensor names (vclip reads " + modelTypes() + ")"));
        }
        return ofLayout(mapped.layout());
    }

    /** The family that declares a layout. */
    public static ModelFamily ofLayout(CheckpointLayout layout) {
        for (ModelFamily family : all()) {
            if (family.checkpointLayouts().contains(layout)) {
                return family;
            }
        }
        throw new IllegalArgumentException("no registered family declares layout " + layout.name());
    }
}
