package dev.vclip.weights;

import dev.vclip.weights.KeyMappingRules.Action;
import dev.vclip.weights.KeyMappingRules.Match;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renames the tensors of an original checkpoint to the Hugging Face names a model family loads, by the rules of a
 * {@link CheckpointLayout} (declared by the families: the tables are in {@code Clip.java} and {@code XClip.java}).
 *
 * <p>Usage: {@code Mapped m = KeyMapping.toHf(KeyMapping.detect(names, layouts), checkpoint)}, then
 * {@code m.tensors()} for the weights and {@code m.unmapped()} to warn or fail. A leading {@code module.}
 * (DataParallel / DDP) is stripped from every name first. Renamed and split tensors share the source's buffers;
 * transposed ones are new direct buffers.
 */
public final class KeyMapping {
    private KeyMapping() {
    }

    /**
     * The result of a mapping.
     *
     * @param tensors  HF-named tensors, in source order (extras included). Renamed and split tensors share the
     *                 source's buffers (valid while the source is open); transposed ones are new direct buffers
     * @param extras   names in {@code tensors} that are not HF names (ViFi-CLIP prompt vectors)
     * @param dropped  source names deliberately left out (see the tables)
     * @param unmapped source names no rule knows: a caller warns or fails
     */
    public record Mapped(CheckpointLayout layout, Map<String, StoredTensor> tensors, List<String> extras,
                         List<String> dropped, List<String> unmapped) {
        public Mapped {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            extras = List.copyOf(extras);
            dropped = List.copyOf(dropped);
            unmapped = List.copyOf(unmapped);
        }

        /** The names of {@code expected} the mapping did not provide, in their order. */
        public List<String> missing(Set<String> expected) {
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(tensors.keySet());
            return missing;
        }
    }

    // ---- detection ----

    /**
     * The layout of a checkpoint from its tensor names (a {@code module.} prefix is ignored): {@link
     * CheckpointLayout#HF} for Hugging Face names, else the first of {@code layouts} whose detector accepts them.
     *
     * @throws WeightsException when no layout fits, naming the first few names
     */
    public static CheckpointLayout detect(Set<String> names, List<CheckpointLayout> layouts) {
        Set<String> stripped = new LinkedHashSet<>();
        for (String name : names) {
            stripped.add(stripModulePrefix(name));
        }
        if (CheckpointLayout.HF.detector().test(stripped)) {
            return CheckpointLayout.HF;
        }
        if (anyStartsWith(stripped, "visual.layer1.", "visual.attnpool.")) {
            throw new WeightsException("this is a ResNet CLIP checkpoint (visual.layer1..., visual.attnpool...); "
                    + "Hugging Face CLIPModel and vclip have ViT backbones only");
        }
        Optional<CheckpointLayout> found = layouts.stream().filter(l -> l.detector().test(stripped)).findFirst();
        return found.orElseThrow(() -> new WeightsException("cannot tell the checkpoint's layout from its tensor names "
                + "(first ones: " + preview(stripped) + "); vclip reads Hugging Face names and the original layouts "
                + layouts.stream().map(CheckpointLayout::name).toList()));
    }

    // ---- mapping ----

    /** Detects the layout of {@code source} among {@code layouts} and maps it. */
    public static Mapped toHf(TensorFile source, List<CheckpointLayout> layouts) {
        return toHf(detect(source.names(), layouts), source);
    }

    /** Maps every tensor of {@code source} to its HF name by the layout's rules. */
    public static Mapped toHf(CheckpointLayout layout, TensorFile source) {
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (String name : source.names()) {
            tensors.put(name, source.get(name));
        }
        return toHf(layout, tensors, source.path().toString());
    }

    /**
     * Maps named tensors to their HF names.
     *
     * @param sourceName names the source in messages
     */
    public static Mapped toHf(CheckpointLayout layout, Map<String, StoredTensor> source, String sourceName) {
        List<KeyMappingRules.Rule> rules = layout.rules();
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        List<String> extras = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        for (Map.Entry<String, StoredTensor> entry : source.entrySet()) {
            String originalName = entry.getKey();
            String name = stripModulePrefix(originalName);
            StoredTensor tensor = entry.getValue();
            if (layout == CheckpointLayout.HF) {
                put(out, renamed(tensor, name), originalName, sourceName);
                continue;
            }
            Match match = KeyMappingRules.match(rules, name);
            if (match == null) {
                unmapped.add(originalName);
                continue;
            }
            Action action = match.rule().action();
            switch (action) {
                case RENAME -> put(out, renamed(tensor, match.target(null)), originalName, sourceName);
                case EXTRA -> {
                    put(out, renamed(tensor, match.target(null)), originalName, sourceName);
                    extras.add(match.target(null));
                }
                case TRANSPOSE -> put(out, transposed(tensor, match.target(null), sourceName), originalName, sourceName);
                case SPLIT_QKV -> {
                    List<StoredTensor> thirds = splitInThree(tensor, sourceName);
                    put(out, renamed(thirds.get(0), match.target("q")), originalName, sourceName);
                    put(out, renamed(thirds.get(1), match.target("k")), originalName, sourceName);
                    put(out, renamed(thirds.get(2), match.target("v")), originalName, sourceName);
                }
                case DROP -> dropped.add(originalName);
            }
        }
        return new Mapped(layout, out, extras, dropped, unmapped);
    }

    /** Removes DataParallel / DistributedDataParallel prefixes ({@code module.}, possibly repeated). */
    public static String stripModulePrefix(String name) {
        String stripped = name;
        while (stripped.startsWith("module.")) {
            stripped = stripped.substring("module.".length());
        }
        return stripped;
    }

    // ---- helpers ----

    private static void put(Map<String, StoredTensor> out, StoredTensor tensor, String originalName, String sourceName) {
        if (out.putIfAbsent(tensor.name(), tensor) != null) {
            throw new WeightsException(sourceName + ": '" + originalName + "' maps to '" + tensor.name()
                    + "', which another tensor already took (is the checkpoint saved both with and without 'module.'?)");
        }
    }

    private static StoredTensor renamed(StoredTensor tensor, String name) {
        return new StoredTensor(name, tensor.dtype(), tensor.shape(), tensor.data());
    }

    /** {@code nn.MultiheadAttention.in_proj_*}: three equal row blocks, each a zero-copy slice. */
    private static List<StoredTensor> splitInThree(StoredTensor tensor, String sourceName) {
        long[] shape = tensor.shape();
        if (shape.length == 0 || shape[0] % 3 != 0) {
            throw new WeightsException(sourceName + ": tensor '" + tensor.name() + "' of shape "
                    + java.util.Arrays.toString(shape) + " cannot be split into q, k, v along its first dimension");
        }
        long[] third = shape.clone();
        third[0] = shape[0] / 3;
        int bytes = (int) (tensor.byteSize() / 3);
        List<StoredTensor> parts = new ArrayList<>(3);
        for (int i = 0; i < 3; i++) {
            parts.add(new StoredTensor(tensor.name(), tensor.dtype(), third, tensor.data().slice(i * bytes, bytes)));
        }
        return parts;
    }

    /** A 2-D tensor transposed into a new contiguous direct buffer. */
    private static StoredTensor transposed(StoredTensor tensor, String name, String sourceName) {
        long[] shape = tensor.shape();
        if (shape.length != 2) {
            throw new WeightsException(sourceName + ": tensor '" + tensor.name() + "' should be 2-D to become '" + name
                    + "', but has shape " + java.util.Arrays.toString(shape));
        }
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        int itemSize = tensor.dtype().byteSize();
        ByteBuffer in = tensor.data();
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(tensor.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int from = (r * cols + c) * itemSize;
                int to = (c * rows + r) * itemSize;
                for (int b = 0; b < itemSize; b++) {
                    out.put(to + b, in.get(from + b));
                }
            }
        }
        return new StoredTensor(name, tensor.dtype(), new long[] {cols, rows}, out);
    }

    /** Whether any name starts with any of the prefixes: the usual test of a layout detector. */
    public static boolean anyStartsWith(Set<String> names, String... prefixes) {
        for (String name : names) {
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String preview(Set<String> names) {
        List<String> first = new ArrayList<>();
        for (String name : names) {
            if (first.size() == 5) {
                first.add("...");
                break;
            }
            first.add(name);
        }
        return String.join(", ", first);
    }
}
