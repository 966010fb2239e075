package dev.vclip.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.VclipException;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.AtomicFiles;
import dev.vclip.weights.DType;
import dev.vclip.weights.KeyMapping;
import dev.vclip.weights.pytorch.MappedCheckpoint;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.WeightsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Converts a checkpoint into a Hugging Face model folder ({@code config.json} + {@code model.safetensors}, loadable by
 * vclip and by {@code transformers}): {@code vclip convert} as one call.
 *
 * <p>The source is an original PyTorch checkpoint (OpenAI CLIP, X-CLIP, ViFi-CLIP, or one in HF names): its layout is
 * detected and its names mapped by the registered families' rules ({@link ModelFamilies#checkpointLayouts()}), its
 * config inferred from the tensor shapes by the family the layout belongs to (or read from {@link Options#config}),
 * every parameter checked against that config, and the folder written with {@code conversion.json} (where it came
 * from, what was dropped or unmapped) and {@code extras.safetensors} (tensors of the checkpoint the model does not
 * use but a user may want, such as X-CLIP's class prompts). Or the source is a model folder, rewritten, for instance
 * in another element type, with its tokenizer and processor files.
 *
 * <pre>{@code
 * ModelConversion.Result r = ModelConversion.convert(ModelConversion.Options.of(pth, out).withDtype(DType.F16));
 * }</pre>
 *
 * <p>Every file is written atomically (temporary file, then rename); nothing is written when a check fails.
 */
public final class ModelConversion {
    private static final System.Logger LOG = System.getLogger(ModelConversion.class.getName());

    /**
     * What to convert.
     *
     * @param checkpoint a {@code torch.save} file ({@code .pth}, {@code .bin}, {@code .pt}) or a model folder
     * @param out        the folder to write
     * @param dtype      the element type of the written floating-point weights (F32, F16, BF16); null: as stored
     * @param config     a config.json to use instead of inferring one (or, for a folder, instead of its own); may be
     *                   null
     * @param base       a model folder or original checkpoint to take the tensors the checkpoint lacks from (the token
     *                   embedding ViFi-CLIP does not save); may be null
     * @param force      write into a folder that already has files
     */
    public record Options(Path checkpoint, Path out, DType dtype, Path config, Path base, boolean force) {
        public Options {
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(out, "out");
            if (dtype != null && dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
                throw new IllegalArgumentException("weights convert to F32, F16 or BF16, not " + dtype);
            }
        }

        /** Converts {@code checkpoint} into {@code out} as stored, with an inferred config. */
        public static Options of(Path checkpoint, Path out) {
            return new Options(checkpoint, out, null, null, null, false);
        }

        public Options withDtype(DType dtype) {
            return new Options(checkpoint, out, dtype, config, base, force);
        }

        public Options withConfig(Path config) {
            return new Options(checkpoint, out, dtype, config, base, force);
        }

        public Options withBase(Path base) {
            return new Options(checkpoint, out, dtype, config, base, force);
        }

        public Options withForce(boolean force) {
            return new Options(checkpoint, out, dtype, config, base, force);
        }
    }

    /**
     * What a conversion read and wrote.
     *
     * @param layout        the detected layout of an original checkpoint ({@code "openai"}, ...); null when the source
     *                      was a model folder
     * @param sourceTensors the checkpoint's tensors after name mapping (a folder: the parameters)
     * @param unmapped      checkpoint names no rule knows: not converted
     * @param dropped       checkpoint names the rules drop on purpose (buffers, training state)
     * @param extras        HF names of tensors the model does not use, written to {@code extras.safetensors}
     * @param modelType     the config's {@code model_type}
     * @param parameters    the parameters checked and written to {@code model.safetensors}
     * @param dtype         the element type they were cast to; null: as stored
     * @param copied        the tokenizer and processor files copied from a source folder
     */
    public record Result(Path out, String layout, int sourceTensors, List<String> unmapped, List<String> dropped,
                         List<String> extras, String modelType, int parameters, DType dtype, List<String> copied) {
        public Result {
            unmapped = List.copyOf(unmapped);
            dropped = List.copyOf(dropped);
            extras = List.copyOf(extras);
            copied = List.copyOf(copied);
        }

        /** Whether the source was a model folder rather than an original checkpoint. */
        public boolean fromFolder() {
            return layout == null;
        }

        public Path weightsFile() {
            return out.resolve("model.safetensors");
        }

        public Path configFile() {
            return out.resolve("config.json");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelConversion() {
    }

    /** Converts; warnings (names no rule knows) go to the logger. */
    public static Result convert(Options options) {
        return convert(options, w -> LOG.log(System.Logger.Level.WARNING, w));
    }

    /**
     * Converts; {@code warnings} hears of checkpoint names no rule knows as soon as the checkpoint is read (they are
     * in the result too).
     *
     * @throws VclipException when {@code out} has files and {@code force} is off, when the checkpoint cannot be read
     *                        or mapped, when no config can be inferred, or when a parameter of the config is missing
     *                        or has another shape (every problem named)
     */
    public static Result convert(Options options, Consumer<String> warnings) {
        requireEmptyOrForced(options);
        if (Files.isDirectory(options.checkpoint())) {
            return rewriteFolder(options);
        }
        try (MappedCheckpoint source = MappedCheckpoint.open(options.checkpoint(), ModelFamilies.checkpointLayouts())) {
            KeyMapping.Mapped mapping = source.mapping();
            if (!mapping.unmapped().isEmpty()) {
                warnings.accept(mapping.unmapped().size() + " tensor(s) no rule knows, not converted: "
                        + String.join(", ", mapping.unmapped()));
            }
            List<TensorFile> files = new ArrayList<>(List.of(source));
            try {
                if (options.base() != null) {
                    files.addAll(Files.isDirectory(options.base()) ? ModelFolder.openWeights(options.base())
                            : List.of(MappedCheckpoint.open(options.base(), ModelFamilies.checkpointLayouts())));
                }
                ModelConfig config = options.config() != null ? ModelConfig.read(options.config())
                        : inferConfig(mapping);
                Map<String, long[]> shapes = checkedShapes(files, config);
                Map<String, String> metadata = new LinkedHashMap<>();
                metadata.put("source_format", mapping.layout().name());
                writeWeights(options, files, shapes, metadata);
                if (!mapping.extras().isEmpty()) {
                    List<StoredTensor> extras = mapping.extras().stream().map(n -> mapping.tensors().get(n)).toList();
                    SafeTensors.write(options.out().resolve("extras.safetensors"), extras, metadata(metadata));
                }
                config.write(options.out().resolve("config.json"));
                writeProvenance(options, mapping);
                return new Result(options.out(), mapping.layout().name(), mapping.tensors().size(),
                        mapping.unmapped(), mapping.dropped(), mapping.extras(), config.modelType(), shapes.size(),
                        options.dtype(), List.of());
            } finally {
                files.subList(1, files.size()).forEach(TensorFile::close);
            }
        }
    }

    /**
     * A config from the tensor shapes, by the family the checkpoint's layout belongs to; what the weights cannot tell
     * takes the original code's conventions (heads = width / 64).
     *
     * @throws ConfigException when a dimension cannot be read or the heads rule refuses a width
     */
    public static ModelConfig inferConfig(KeyMapping.Mapped mapping) {
        ModelConfig c = ModelFamilies.of(mapping).inferConfig(mapping.tensors(), ModelConfig.HeadCount.CLIP_RULE);
        c.validate("config inferred from " + mapping.layout() + " tensor shapes");
        return c;
    }

    private static void requireEmptyOrForced(Options options) {
        if (!Files.isDirectory(options.out()) || options.force()) {
            return;
        }
        try (Stream<Path> entries = Files.list(options.out())) {
            if (entries.findAny().isPresent()) {
                throw new VclipException(options.out() + ": folder is not empty (use --force, or Options.withForce(true), "
                        + "to write into it)");
            }
        } catch (IOException e) {
            throw new WeightsException(options.out() + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** An HF model folder rewritten: its config, its weights (cast), its tokenizer and processor files. */
    private static Result rewriteFolder(Options options) {
        Path folder = options.checkpoint();
        ModelConfig config = ModelConfig.read(options.config() != null ? options.config()
                : folder.resolve("config.json"));
        List<TensorFile> files = ModelFolder.openWeights(folder);
        Map<String, long[]> shapes;
        try {
            shapes = checkedShapes(files, config);
            writeWeights(options, files, shapes, Map.of());
        } finally {
            files.forEach(TensorFile::close);
        }
        config.write(options.out().resolve("config.json"));
        List<String> copied = new ArrayList<>();
        for (String name : Stream.concat(ClipTokenizer.FOLDER_FILES.stream(),
                Stream.of("preprocessor_config.json")).toList()) {
            Path src = folder.resolve(name);
            Path target = options.out().resolve(name);
            if (Files.isRegularFile(src) && !src.toAbsolutePath().equals(target.toAbsolutePath())) {
                try {
                    AtomicFiles.write(target, Files.readAllBytes(src));
                } catch (IOException e) {
                    throw new WeightsException(src + ": cannot read: " + e.getMessage(), e);
                }
                copied.add(name);
            }
        }
        return new Result(options.out(), null, shapes.size(), List.of(), List.of(), List.of(), config.modelType(),
                shapes.size(), options.dtype(), copied);
    }

    /** The config's parameter shapes, once every one is checked to be in {@code files} with that shape. */
    private static Map<String, long[]> checkedShapes(List<TensorFile> files, ModelConfig config) {
        Map<String, long[]> shapes = ModelFolder.parameterShapes(config);
        try (ModelWeights ignored = ModelWeights.load(files, shapes, null, null)) {
            return shapes;
        }
    }

    /** Writes OUT/model.safetensors: every parameter of {@code shapes}, cast to the options' dtype. */
    private static void writeWeights(Options options, List<TensorFile> files, Map<String, long[]> shapes,
                                     Map<String, String> extraMetadata) {
        List<StoredTensor> weights = new ArrayList<>();
        for (String name : shapes.keySet()) {
            StoredTensor t = find(files, name);
            weights.add(options.dtype() == null || !t.dtype().isFloating() ? t : t.castTo(options.dtype()));
        }
        try {
            Files.createDirectories(options.out());
        } catch (IOException e) {
            throw new WeightsException(options.out() + ": cannot create: " + e.getMessage(), e);
        }
        SafeTensors.write(options.out().resolve("model.safetensors"), weights, metadata(extraMetadata));
    }

    private static Map<String, String> metadata(Map<String, String> extra) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("converted_by", "vclip convert");
        metadata.putAll(extra);
        return metadata;
    }

    private static void writeProvenance(Options options, KeyMapping.Mapped mapping) {
        ObjectNode provenance = JSON.createObjectNode();
        provenance.put("source", options.checkpoint().toAbsolutePath().toString());
        try {
            provenance.put("source_bytes", Files.size(options.checkpoint()));
            provenance.put("source_format", mapping.layout().name());
            provenance.put("config", options.config() == null ? "inferred from tensor shapes"
                    : options.config().toString());
            provenance.putPOJO("unmapped", mapping.unmapped());
            provenance.putPOJO("dropped", mapping.dropped());
            AtomicFiles.write(options.out().resolve("conversion.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(provenance));
        } catch (IOException e) {
            throw new WeightsException(options.out().resolve("conversion.json") + ": cannot write: "
                    + e.getMessage(), e);
        }
    }

    private static StoredTensor find(List<TensorFile> files, String name) {
        for (TensorFile f : files) {
            if (f.names().contains(name)) {
                return f.get(name);
            }
        }
        throw new IllegalStateException(name + " was checked but is not found"); // ModelWeights.load checked it
    }
}
