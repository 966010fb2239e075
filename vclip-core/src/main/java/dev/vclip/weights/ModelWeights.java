package dev.vclip.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A model's parameters as NDArrays, keyed by their Hugging Face state-dict names
 * ({@code vision_model.encoder.layers.3.self_attn.q_proj.weight}).
 *
 * <p>It owns the {@link NDManager} its arrays live in; closing it frees them. F32 tensors of a memory-mapped file are
 * wrapped without a copy (read-only: fine for inference); F16/BF16/F64 tensors are widened to F32, because on this
 * CPU fp32 is the fast path and DJL cannot hold BF16 arrays. {@link #trainable()} gives writable copies for training:
 * the same model code then runs with gradients on the chosen parameters.
 *
 * <p>Model code reads weights through {@link Scope}s whose path spells the key:
 * {@code w.at("vision_model.encoder.layers", i).at("message_fc").get("weight")}.
 */
public final class ModelWeights implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> arrays;
    private final String source;
    private final String identity;
    /** The weight files, for {@link #contentIdentity()}; empty for weights made in memory. */
    private List<Path> files = List.of();
    private String contentIdentity;

    private ModelWeights(NDManager manager, Map<String, NDArray> arrays, String source, String identity) {
        this.manager = manager;
        this.arrays = arrays;
        this.source = source;
        this.identity = identity;
    }

    /**
     * Wraps the tensors (in a manager of their own under {@code parent}, or a new base manager when it is null) of a file that the model expects ({@code expected}: name → shape, in the model's order),
     * checking each shape. Missing tensors and wrong shapes are one error listing every problem with both shapes;
     * tensors the model does not use are passed to {@code unused} (HF's non-persistent {@code position_ids} buffers,
     * which older checkpoints still carry, are dropped silently).
     */
    public static ModelWeights load(List<TensorFile> files, Map<String, long[]> expected, NDManager parent,
                                    Consumer<String> unused) {
        Map<String, TensorFile> owner = new LinkedHashMap<>();
        for (TensorFile f : files) {
            for (String name : f.names()) {
                owner.putIfAbsent(name, f);
            }
        }
        String source = files.size() == 1 ? files.get(0).path().toString() : files.size() + " files in "
                + files.get(0).path().getParent();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorFile f = owner.get(e.getKey());
            if (f == null) {
                problems.add("missing tensor '" + e.getKey() + "' (expected shape " + Arrays.toString(e.getValue()) + ")");
                continue;
            }
            StoredTensor t = f.get(e.getKey());
            if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + " in the file but the config expects " + Arrays.toString(e.getValue()));
            } else if (!t.dtype().isFloating()) {
                problems.add("tensor '" + e.getKey() + "' is " + t.dtype() + ", expected a floating-point type");
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightsException(source + ": " + problems.size() + " problem(s) with the weights:\n  "
                    + String.join("\n  ", problems));
        }
        List<String> extra = new ArrayList<>();
        for (String name : owner.keySet()) {
            if (!expected.containsKey(name) && !name.endsWith("position_ids")) {
                extra.add(name);
            }
        }
        if (!extra.isEmpty() && unused != null) {
            unused.accept(source + ": " + extra.size() + " tensor(s) not used by the model: "
                    + String.join(", ", extra.subList(0, Math.min(extra.size(), 10)))
                    + (extra.size() > 10 ? ", ..." : ""));
        }
        NDManager manager = Torch.subManager(parent);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try {
            for (String name : expected.keySet()) {
                NDArray array = Tensors.toNDArray(owner.get(name).get(name), manager);
                array.setName(name);
                arrays.put(name, array);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        ModelWeights weights = new ModelWeights(manager, arrays, source, identityOf(files));
        weights.files = files.stream().map(f -> f.path().toAbsolutePath().normalize()).toList();
        return weights;
    }

    /** The files' paths, sizes and modification times: changes whenever the weights on disk change. */
    private static String identityOf(List<TensorFile> files) {
        StringBuilder id = new StringBuilder();
        for (TensorFile f : files) {
            Path path = f.path().toAbsolutePath().normalize();
            try {
                id.append(path).append('|').append(Files.size(path)).append('|')
                        .append(Files.getLastModifiedTime(path).toMillis()).append(';');
            } catch (IOException e) {
                id.append(path).append(';');
            }
        }
        return id.toString();
    }

    /**
     * Random weights of the given shapes: LayerNorm-like keys (ending in {@code layer_norm*}, {@code layernorm},
     * {@code ln*}, {@code norm*}) get weight 1 and bias 0, everything else N(0, std²) with std = 1/sqrt(fan-in) for
     * matrices and 0.02 for vectors. For tests and for training from scratch.
     */
    public static ModelWeights random(Map<String, long[]> shapes, long seed, NDManager parent) {
        NDManager manager = Torch.subManager(parent);
        Random random = new Random(seed);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            int n = Math.toIntExact(StoredTensor.elementCount(shape));
            float[] values = new float[n];
            boolean norm = isNormKey(name);
            if (norm && name.endsWith(".weight")) {
                Arrays.fill(values, 1f);
            } else if (!(norm && name.endsWith(".bias"))) {
                double std = shape.length >= 2 ? 1.0 / Math.sqrt(n / (double) shape[0]) : 0.02;
                if (name.endsWith("logit_scale")) {
                    Arrays.fill(values, (float) Math.log(1 / 0.07));
                    std = 0;
                }
                for (int i = 0; i < n && std > 0; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            }
            NDArray array = manager.create(values, new Shape(shape));
            array.setName(name);
            arrays.put(name, array);
        }
        return new ModelWeights(manager, arrays, "random(seed=" + seed + ")", "random(seed=" + seed + ")");
    }

    private static boolean isNormKey(String name) {
        String leaf = name.substring(0, name.lastIndexOf('.') < 0 ? name.length() : name.lastIndexOf('.'));
        leaf = leaf.substring(leaf.lastIndexOf('.') + 1);
        return leaf.contains("norm") || leaf.contains("layrnorm") || leaf.startsWith("ln");
    }

    /** The array named {@code key}; an error naming the key and the source when absent. */
    public NDArray get(String key) {
        NDArray array = arrays.get(key);
        if (array == null) {
            throw new WeightsException(source + ": no weight named '" + key + "'");
        }
        return array;
    }

    public boolean contains(String key) {
        return arrays.containsKey(key);
    }

    /** A view of the keys under {@code prefix} (no trailing dot). */
    public Scope at(String prefix) {
        return new Scope(this, prefix);
    }

    public Scope at(String prefix, int index) {
        return new Scope(this, prefix + "." + index);
    }

    /** All arrays, by name, in the model's order (unmodifiable). */
    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public long parameterCount() {
        return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    public NDManager manager() {
        return manager;
    }

    public String source() {
        return source;
    }

    /**
     * What identifies these weights for caches: the files' paths, sizes and modification times (or the seed of
     * random weights). Trainable copies change as they train, so each has an identity of its own.
     */
    public String identity() {
        return identity;
    }

    /**
     * What identifies these weights wherever their files are: per file its name, size and a SHA-256 of its first and
     * last MiB (a copy on another machine, or in another folder, has the same; retrained or other weights do not).
     * For weights made in memory, {@link #identity()}. Used where an identity travels between machines (an index
     * embedded on a cluster and searched on a laptop).
     */
    public synchronized String contentIdentity() {
        if (contentIdentity == null) {
            if (files.isEmpty()) {
                contentIdentity = identity;
            } else {
                StringBuilder id = new StringBuilder();
                for (Path f : files) {
                    id.append(f.getFileName()).append('|').append(fingerprint(f)).append(';');
                }
                contentIdentity = id.toString();
            }
        }
        return contentIdentity;
    }

    private static String fingerprint(Path file) {
        final int end = 1 << 20;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate((int) Math.min(size, end));
            while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                // reads the first MiB
            }
            sha.update(head.flip());
            if (size > end) {
                long from = Math.max(end, size - end);
                java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) (size - from));
                while (tail.hasRemaining() && ch.read(tail, from + tail.position()) > 0) {
                    // reads the last MiB
                }
                sha.update(tail.flip());
            }
            return size + "|" + java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writable F32 copies of every array (memory-mapped weights are read-only), in a new manager under
     * {@code parent}; switch gradients on per parameter with {@code setRequiresGradient(true)}.
     */
    public ModelWeights trainable(NDManager parent) {
        NDManager copyManager = Torch.subManager(parent);
        Map<String, NDArray> copies = new LinkedHashMap<>();
        arrays.forEach((name, a) -> {
            NDArray copy = copyManager.create(a.toFloatArray(), a.getShape());
            copy.setName(name);
            copies.put(name, copy);
        });
        return new ModelWeights(copyManager, copies, source + " (trainable copy)", "trainable:" + System.identityHashCode(copies));
    }

    /**
     * Copies of every array converted to {@code type} (FLOAT16 working weights for mixed-precision training on a
     * GPU), in a new manager under {@code parent}. BFLOAT16 is refused: DJL 0.36 aborts the JVM on any BF16 array.
     */
    public ModelWeights castCopy(ai.djl.ndarray.types.DataType type, NDManager parent) {
        if (type == ai.djl.ndarray.types.DataType.BFLOAT16) {
            throw new IllegalArgumentException("BFLOAT16 arrays abort the JVM in DJL 0.36; use FLOAT16");
        }
        NDManager castManager = Torch.subManager(parent);
        Map<String, NDArray> copies = new LinkedHashMap<>();
        arrays.forEach((name, a) -> {
            NDArray copy = a.toType(type, true);
            copy.attach(castManager);
            copy.setName(name);
            copies.put(name, copy);
        });
        return new ModelWeights(castManager, copies, source + " (" + type + " copy)",
                "cast:" + System.identityHashCode(copies));
    }

    /** The weights as stored F32 tensors, e.g. to save them as safetensors. */
    public List<StoredTensor> toStoredTensors() {
        List<StoredTensor> out = new ArrayList<>();
        arrays.forEach((name, a) -> out.add(Tensors.fromNDArray(name, a)));
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * A prefix-scoped view of the weights: {@code at("self_attn").get("q_proj.weight")} reads
     * {@code <prefix>.self_attn.q_proj.weight}.
     */
    public record Scope(ModelWeights weights, String prefix) {
        public Scope at(String name) {
            return new Scope(weights, prefix.isEmpty() ? name : prefix + "." + name);
        }

        public Scope at(String name, int index) {
            return at(name + "." + index);
        }

        public NDArray get(String leaf) {
            return weights.get(key(leaf));
        }

        public String key(String leaf) {
            return prefix.isEmpty() ? leaf : prefix + "." + leaf;
        }

        public NDArray weight() {
            return get("weight");
        }

        public NDArray bias() {
            return get("bias");
        }
    }
}
