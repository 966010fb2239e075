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
import java.util.Arrays;
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
     * @param checkpoint    a {@code torch.save} file ({@code .pth}, {@code .bin}, {@code .pt}), a model folder, or an
     *                      original run folder (CLIP4Clip's {@code pytorch_model.bin[.N]} with its run files,
     *                      CenterCLIP's {@code ckpt.best.pth.tar} with {@code hparams_*.json})
     * @param out           the folder to write
     * @param dtype         the element type of the written floating-point weights (F32, F16, BF16); null: as stored
     * @param config        a config.json to use instead of inferring one (or, for a folder, instead of its own); may
     *                      be null
     * @param base          a model folder or original checkpoint (for CLIP4Clip / CenterCLIP: the CLIP it was trained
     *                      from) to fill the parameters the checkpoint lacks from, as the family's
     *                      {@link ModelFamily#baseSource} says (the token embedding ViFi-CLIP does not save, CLIP4Clip's
     *                      header initialised from CLIP's text transformer); may be null
     * @param force         write into a folder that already has files
     * @param configuration which of the configurations the source describes to convert
     *                      ({@link ModelFolder#configs}: CLIP4Clip's headers, CenterCLIP's evaluation runs); null or
     *                      "": the source's own
     */
    public record Options(Path checkpoint, Path out, DType dtype, Path config, Path base, boolean force,
                          String configuration) {
        public Options {
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(out, "out");
            if (dtype != null && dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
                throw new IllegalArgumentException("weights convert to F32, F16 or BF16, not " + dtype);
            }
            configuration = configuration == null ? "" : configuration;
        }

        /** Converts {@code checkpoint} into {@code out} as stored, with an inferred config. */
        public static Options of(Path checkpoint, Path out) {
            return new Options(checkpoint, out, null, null, null, false, "");
        }

        public Options withDtype(DType dtype) {
            return new Options(checkpoint, out, dtype, config, base, force, configuration);
        }

        public Options withConfig(Path config) {
            return new Options(checkpoint, out, dtype, config, base, force, configuration);
        }

        public Options withBase(Path base) {
            return new Options(checkpoint, out, dtype, config, base, force, configuration);
        }

        public Options withForce(boolean force) {
            return new Options(checkpoint, out, dtype, config, base, force, configuration);
        }

        public Options withConfiguration(String configuration) {
            return new Options(checkpoint, out, dtype, config, base, force, configuration);
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
     * @param configuration the configuration converted ("": the source's own)
     * @param filled        the parameters the checkpoint lacked, each with the base tensor it was filled from, in
     *                      the model's order (empty without a base)
     * @param unused        checkpoint tensors (mapped names) the converted configuration does not use: not written
     *                      (e.g. the other headers of a CLIP4Clip checkpoint)
     */
    public record Result(Path out, String layout, int sourceTensors, List<String> unmapped, List<String> dropped,
                         List<String> extras, String modelType, int parameters, DType dtype, List<String> copied,
                         String configuration, Map<String, String> filled, List<String> unused) {
        public Result {
            unmapped = List.copyOf(unmapped);
            dropped = List.copyOf(dropped);
            extras = List.copyOf(extras);
            copied = List.copyOf(copied);
            filled = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(filled));
            unused = List.copyOf(unused);
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
     * @throws ModelFolder.NoSuchConfiguration when the source does not describe {@link Options#configuration}
     *                                         (naming the ones it does)
     * @throws VclipException                  when {@code out} has files and {@code force} is off, when the
     *                                         checkpoint cannot be read or mapped, when no config can be inferred,
     *                                         when a parameter of the config is missing (without a base, or one the
     *                                         base cannot provide) or has another shape (every problem named)
     */
    public static Result convert(Options options, Consumer<String> warnings) {
        requireEmptyOrForced(options);
        Path source = options.checkpoint();
        if (Files.isDirectory(source) && ModelFolder.hasModelType(source)) {
            if (!options.configuration().isEmpty()) {
                throw new ModelFolder.NoSuchConfiguration(source, options.configuration(), List.of(""));
            }
            return rewriteFolder(options);
        }
        try (MappedCheckpoint checkpoint = openCheckpoint(source)) {
            return convertCheckpoint(options, checkpoint, warnings);
        }
    }

    /** The configurations a source describes, by name ("" its own; see {@link ModelFolder#configs}). */
    public static java.util.Set<String> configurations(Path source) {
        if (Files.isDirectory(source) && ModelFolder.hasModelType(source)) {
            return java.util.Set.of("");
        }
        try (MappedCheckpoint checkpoint = openCheckpoint(source)) {
            Map<String, ModelConfig> configs = ModelFamilies.of(checkpoint.mapping())
                    .runConfigs(runFolder(source), checkpoint.mapping().tensors());
            return configs.isEmpty() ? java.util.Set.of("") : configs.keySet();
        }
    }

    /** A torch.save file, or the checkpoint of an original run folder. */
    private static MappedCheckpoint openCheckpoint(Path source) {
        if (!Files.isDirectory(source)) {
            return MappedCheckpoint.open(source, ModelFamilies.checkpointLayouts());
        }
        List<TensorFile> files = ModelFolder.openWeights(source);
        if (files.size() == 1 && files.get(0) instanceof MappedCheckpoint checkpoint) {
            return checkpoint;
        }
        files.forEach(TensorFile::close);
        throw new ConfigException(source + ": neither a model folder (its config.json names no model_type) nor an "
                + "original run folder (no torch.save checkpoint: pytorch_model.bin[.N], ckpt.best.pth.tar, ...)");
    }

    /** The folder whose run files describe a source's configurations: the folder itself, or a file's folder. */
    private static Path runFolder(Path source) {
        return Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
    }

    private static Result convertCheckpoint(Options options, MappedCheckpoint source, Consumer<String> warnings) {
        KeyMapping.Mapped mapping = source.mapping();
        if (!mapping.unmapped().isEmpty()) {
            warnings.accept(mapping.unmapped().size() + " tensor(s) no rule knows, not converted: "
                    + String.join(", ", mapping.unmapped()));
        }
        List<TensorFile> bases = new ArrayList<>();
        try {
            if (options.base() != null) {
                bases.addAll(Files.isDirectory(options.base()) ? ModelFolder.openWeights(options.base())
                        : List.of(MappedCheckpoint.open(options.base(), ModelFamilies.checkpointLayouts())));
            }
            // the sizes come from the checkpoint and, for what it lacks, the base (CLIP4Clip reads its CLIP's sizes
            // off the pretrained CLIP)
            Map<String, StoredTensor> known = new LinkedHashMap<>(mapping.tensors());
            for (TensorFile base : bases) {
                for (String name : base.names()) {
                    known.putIfAbsent(name, base.get(name));
                }
            }
            String[] configSource = new String[1];
            ModelConfig config;
            try {
                config = chooseConfig(options, mapping, known, configSource);
            } catch (ConfigException e) {
                if (bases.isEmpty() && e.getMessage().contains("no tensor '")) {
                    throw new ConfigException(e.getMessage() + " (the checkpoint lacks it: give the CLIP it was "
                            + "trained from as --base DIR|FILE, Options.withBase, to read it there)");
                }
                throw e;
            }
            Map<String, long[]> shapes = ModelFolder.parameterShapes(config);
            Map<String, String> filled = fillFromBase(options, mapping, config, shapes, bases);
            List<TensorFile> files = filled.isEmpty() ? List.of(source)
                    : List.of(source, new FilledTensors(options.base(), bases, filled));
            checkedShapes(files, config);
            List<String> unused = new ArrayList<>();
            for (String name : mapping.tensors().keySet()) {
                if (!shapes.containsKey(name) && !mapping.extras().contains(name) && !name.endsWith("position_ids")) {
                    unused.add(name);
                }
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("source_format", mapping.layout().name());
            writeWeights(options, files, shapes, metadata);
            if (!mapping.extras().isEmpty()) {
                List<StoredTensor> extras = mapping.extras().stream().map(n -> mapping.tensors().get(n)).toList();
                SafeTensors.write(options.out().resolve("extras.safetensors"), extras, metadata(metadata));
            }
            config.write(options.out().resolve("config.json"));
            writeProvenance(options, source, configSource[0], filled, unused);
            return new Result(options.out(), mapping.layout().name(), mapping.tensors().size(),
                    mapping.unmapped(), mapping.dropped(), mapping.extras(), config.modelType(), shapes.size(),
                    options.dtype(), List.of(), options.configuration(), filled, unused);
        } finally {
            bases.forEach(TensorFile::close);
        }
    }

    /**
     * The config to convert to: {@link Options#config} when given; else the named configuration of the source's run
     * files ({@link ModelFamily#runConfigs}); else, for "", one inferred from the tensor shapes.
     */
    private static ModelConfig chooseConfig(Options options, KeyMapping.Mapped mapping,
                                            Map<String, StoredTensor> known, String[] description) {
        String name = options.configuration();
        if (options.config() != null) {
            if (!name.isEmpty()) {
                throw new VclipException("give either a config file (" + options.config() + ") or a configuration "
                        + "name ('" + name + "'), not both");
            }
            description[0] = options.config().toString();
            return ModelConfig.read(options.config());
        }
        ModelFamily family = ModelFamilies.of(mapping);
        Map<String, ModelConfig> configs = family.runConfigs(runFolder(options.checkpoint()), known);
        if (!configs.isEmpty()) {
            description[0] = "the run files' configuration '" + name + "'";
            return ModelFolder.pick(options.checkpoint(), configs, name);
        }
        if (!name.isEmpty()) {
            throw new ModelFolder.NoSuchConfiguration(options.checkpoint(), name, List.of(""));
        }
        description[0] = "inferred from tensor shapes";
        ModelConfig c = family.inferConfig(known, ModelConfig.HeadCount.CLIP_RULE);
        c.validate("config inferred from " + mapping.layout() + " tensor shapes");
        return c;
    }

    /**
     * The parameters of {@code shapes} the checkpoint lacks, each with the base tensor that fills it (as the family's
     * {@link ModelFamily#baseSource} says).
     *
     * @throws WeightsException without a base (naming every missing parameter), or when the base cannot fill one
     *                          (no source, absent, or another shape: key and both shapes named)
     */
    private static Map<String, String> fillFromBase(Options options, KeyMapping.Mapped mapping, ModelConfig config,
                                                    Map<String, long[]> shapes, List<TensorFile> bases) {
        List<String> missing = mapping.missing(shapes.keySet());
        Map<String, String> filled = new LinkedHashMap<>();
        if (missing.isEmpty()) {
            return filled;
        }
        String model = config.family().displayName() + " model" + (options.configuration().isEmpty() ? ""
                : " of configuration '" + options.configuration() + "'");
        if (bases.isEmpty()) {
            throw new WeightsException(options.checkpoint() + ": the checkpoint lacks " + missing.size()
                    + " parameter(s) the " + model + " needs: " + String.join(", ", missing) + ". Give the CLIP it "
                    + "was trained from as --base DIR|FILE (Options.withBase) to fill them from it");
        }
        List<String> problems = new ArrayList<>();
        for (String name : missing) {
            String from = config.family().baseSource(config, name);
            StoredTensor t = from == null ? null : find(bases, from);
            if (from == null) {
                problems.add("'" + name + "' " + Arrays.toString(shapes.get(name)) + ": no tensor of a base fills it "
                        + "(the original initialises it at random)");
            } else if (t == null) {
                problems.add("'" + name + "' " + Arrays.toString(shapes.get(name)) + ": the base has no '" + from
                        + "'");
            } else if (!Arrays.equals(t.shape(), shapes.get(name))) {
                problems.add("'" + name + "' has shape " + Arrays.toString(shapes.get(name)) + " in the " + model
                        + " but the base's '" + from + "' has shape " + Arrays.toString(t.shape()));
            } else if (!t.dtype().isFloating()) {
                problems.add("the base's '" + from + "' (for '" + name + "') is " + t.dtype()
                        + ", expected a floating-point type");
            } else {
                filled.put(name, from);
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightsException(options.checkpoint() + ": " + problems.size() + " of the " + missing.size()
                    + " parameter(s) the checkpoint lacks cannot be filled from the base " + options.base() + ":\n  "
                    + String.join("\n  ", problems));
        }
        return filled;
    }

    /** The base's tensors that fill a checkpoint's gaps, under the names of the parameters they fill. */
    private static final class FilledTensors implements TensorFile {
        private final Path base;
        private final List<TensorFile> bases;
        private final Map<String, String> filled;

        FilledTensors(Path base, List<TensorFile> bases, Map<String, String> filled) {
            this.base = base;
            this.bases = bases;
            this.filled = filled;
        }

        @Override
        public Path path() {
            return base == null ? Path.of("(no base)") : base;
        }

        @Override
        public java.util.Set<String> names() {
            return filled.keySet();
        }

        @Override
        public StoredTensor get(String name) {
            StoredTensor t = find(bases, filled.get(name));
            return new StoredTensor(name, t.dtype(), t.shape(), t.data());
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public void close() {
            // the base files are closed by their opener
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
                shapes.size(), options.dtype(), copied, "", Map.of(), List.of());
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
            StoredTensor t = Objects.requireNonNull(find(files, name), name); // checked before
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

    private static void writeProvenance(Options options, MappedCheckpoint source, String configSource,
                                        Map<String, String> filled, List<String> unused) {
        KeyMapping.Mapped mapping = source.mapping();
        ObjectNode provenance = JSON.createObjectNode();
        provenance.put("source", source.path().toAbsolutePath().toString());
        try {
            provenance.put("source_bytes", Files.size(source.path()));
            provenance.put("source_format", mapping.layout().name());
            provenance.put("config", configSource);
            provenance.put("configuration", options.configuration());
            if (options.base() != null) {
                provenance.put("base", options.base().toAbsolutePath().toString());
            }
            provenance.putPOJO("filled_from_base", filled);
            provenance.putPOJO("unused", unused);
            provenance.putPOJO("unmapped", mapping.unmapped());
            provenance.putPOJO("dropped", mapping.dropped());
            AtomicFiles.write(options.out().resolve("conversion.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(provenance));
        } catch (IOException e) {
            throw new WeightsException(options.out().resolve("conversion.json") + ": cannot write: "
                    + e.getMessage(), e);
        }
    }

    /** The named tensor of the first file that has it; null when none has. */
    private static StoredTensor find(List<TensorFile> files, String name) {
        for (TensorFile f : files) {
            if (f.names().contains(name)) {
                return f.get(name);
            }
        }
        return null;
    }
}
