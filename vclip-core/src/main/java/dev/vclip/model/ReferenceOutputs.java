package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model's outputs under their Hugging Face names, intermediates included, for the inputs a reference case holds:
 * what {@code transformers} would return for the same inputs and weights, so that the two can be compared tensor by
 * tensor. The model's family computes them ({@link ModelFamily#computeReference}); comparing them with stored
 * outputs is {@code vclip verify}'s job ({@code dev.vclip.verify.ReferenceCheck}).
 */
public final class ReferenceOutputs {

    /**
     * The input names of reference cases; every other tensor of a case is an expected output. Hugging Face cases
     * hold {@code input_ids}, {@code attention_mask}, {@code input_ids_eotpad}, {@code pixel_values} and (CLIP)
     * {@code pixel_values_video}; cases of the original CLIP4Clip / CenterCLIP code hold {@code video}
     * [B, T, 3, S, S] and {@code video_mask} [B, T] as their data loaders lay them out.
     */
    public static final Set<String> INPUTS = Set.of("input_ids", "attention_mask", "input_ids_eotpad", "pixel_values",
            "pixel_values_video", "video", "video_mask");

    private ReferenceOutputs() {
    }

    /**
     * Computes every output the inputs allow (see {@link ModelFamily#computeReference}), the recorded intermediates
     * after the family's own outputs of the same name.
     *
     * @param inputs  inputs by name, a subset of {@link #INPUTS} (and any other input the family reads)
     * @param manager the manager the returned arrays are attached to
     * @return outputs by name, in the order computed
     */
    public static Map<String, NDArray> compute(VideoTextModel model, Map<String, NDArray> inputs,
                                               NDManager manager) {
        Map<String, NDArray> computed = new LinkedHashMap<>();
        try (Trace trace = Trace.recording(manager)) {
            model.family().computeReference(model, inputs, trace, computed);
            trace.values().forEach(computed::putIfAbsent);
            computed.values().forEach(array -> array.attach(manager)); // out of the trace's manager, closed below
        }
        return computed;
    }
}
