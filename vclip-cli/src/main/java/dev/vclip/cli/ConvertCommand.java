package dev.vclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFamilies;
import dev.vclip.model.ModelFolder;
import dev.vclip.train.Checkpoints;
import dev.vclip.weights.AtomicFiles;
import dev.vclip.weights.DType;
import dev.vclip.weights.KeyMapping;
import dev.vclip.weights.MappedCheckpoint;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

@Command(name = "convert", mixinStandardHelpOptions = true, description = {
        "Convert a PyTorch checkpoint (OpenAI CLIP, official X-CLIP, ViFi-CLIP, or HF names) into a Hugging Face "
                + "model folder: config.json + model.safetensors, loadable by vclip and by transformers.",
        "The config is inferred from the tensor shapes (heads = width / 64, as CLIP's build_model) unless --config "
                + "gives one (an original checkpoint: --checkpoint k400_32_8.pth --out xclip-b32). Then check it: "
                + "vclip verify --model OUT --case outputs-from-python.safetensors",
        "Example: vclip convert --checkpoint models/xclip-synth --dtype float32 --out runs/xclip-synth-fp32"})
final class ConvertCommand extends VclipCommand {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE|DIR", description = "torch.save file (.pth, "
            + ".bin, .pt), or a Hugging Face model folder (to change its --dtype)")
    Path checkpoint;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "element type of the written weights: float32, "
            + "float16 or bfloat16 (half the size; vclip computes in float32 whatever it loads) (default: as stored)")
    String dtype;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write")
    Path out;

    @Option(names = "--config", paramLabel = "config.json", description = "use this config instead of inferring one")
    Path config;

    @Option(names = "--base", paramLabel = "DIR|FILE", description = "take tensors the checkpoint lacks from this "
            + "model (an HF folder or an original checkpoint), e.g. the token embedding ViFi-CLIP does not save")
    Path base;

    @Option(names = "--force", description = "write into a folder that already has files")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (Files.isDirectory(out) && !force) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new dev.vclip.VclipException(out + ": folder is not empty (use --force to write into it)");
                }
            }
        }
        DType target = targetType();
        if (Files.isDirectory(checkpoint)) {
            copyFolder(target);
            return 0;
        }
        try (MappedCheckpoint source = MappedCheckpoint.open(checkpoint, ModelFamilies.checkpointLayouts())) {
            KeyMapping.Mapped mapping = source.mapping();
            out().println("checkpoint " + checkpoint + ": " + mapping.layout() + " names, "
                    + mapping.tensors().size() + " tensors");
            if (!mapping.unmapped().isEmpty()) {
                err().println("warning: " + mapping.unmapped().size() + " tensor(s) no rule knows, not converted: "
                        + String.join(", ", mapping.unmapped()));
            }
            if (!mapping.dropped().isEmpty()) {
                out().println("dropped    " + String.join(", ", mapping.dropped()));
            }
            List<TensorFile> files = new ArrayList<>(List.of(source));
            if (base != null) {
                files.addAll(Files.isDirectory(base) ? ModelFolder.openWeights(base) : List.of(MappedCheckpoint.open(base, ModelFamilies.checkpointLayouts())));
            }
            try {
                ModelConfig modelConfig = config != null ? ModelConfig.read(config) : inferConfig(mapping);
                Map<String, long[]> shapes = ModelFolder.parameterShapes(modelConfig);
                // load once: every tensor the config needs is there with the right shape
                try (ModelWeights ignored = ModelWeights.load(files, shapes, null, null)) {
                    out().println("checked    " + shapes.size() + " parameters against the " + modelConfig.modelType()
                            + " config");
                }
                write(files, shapes, mapping, modelConfig, target);
            } finally {
                files.subList(1, files.size()).forEach(TensorFile::close);
            }
        }
        return 0;
    }

    private DType targetType() {
        if (dtype == null) {
            return null;
        }
        return switch (dtype.toLowerCase(java.util.Locale.ROOT)) {
            case "float32", "fp32", "f32" -> DType.F32;
            case "float16", "fp16", "f16", "half" -> DType.F16;
            case "bfloat16", "bf16" -> DType.BF16;
            default -> throw new dev.vclip.VclipException("--dtype must be float32, float16 or bfloat16, not '" + dtype + "'");
        };
    }

    private static StoredTensor cast(StoredTensor t, DType target) {
        return target == null || !t.dtype().isFloating() ? t : t.castTo(target);
    }

    /** Writes OUT/model.safetensors: every parameter of {@code shapes}, cast to {@code target} (null: as stored). */
    private List<StoredTensor> writeWeights(List<TensorFile> files, Map<String, long[]> shapes, DType target,
                                            Map<String, String> extraMetadata) throws IOException {
        Files.createDirectories(out);
        List<StoredTensor> weights = new ArrayList<>();
        for (String name : shapes.keySet()) {
            weights.add(cast(find(files, name), target));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("converted_by", "vclip convert");
        metadata.putAll(extraMetadata);
        SafeTensors.write(out.resolve("model.safetensors"), weights, metadata);
        return weights;
    }

    /** An HF model folder rewritten (its config, weights in {@code target}, tokenizer and processor files). */
    private void copyFolder(DType target) throws IOException {
        ModelConfig modelConfig = ModelConfig.read(config != null ? config : checkpoint.resolve("config.json"));
        Map<String, long[]> shapes = ModelFolder.parameterShapes(modelConfig);
        List<TensorFile> files = ModelFolder.openWeights(checkpoint);
        try {
            try (ModelWeights ignored = ModelWeights.load(files, shapes, null, null)) {
                out().println("checked    " + shapes.size() + " parameters against the " + modelConfig.modelType()
                        + " config");
            }
            writeWeights(files, shapes, target, new LinkedHashMap<>());
        } finally {
            files.forEach(TensorFile::close);
        }
        ObjectMapper json = new ObjectMapper();
        AtomicFiles.write(out.resolve("config.json"),
                json.writerWithDefaultPrettyPrinter().writeValueAsBytes(modelConfig.toJson()));
        List<String> copied = new ArrayList<>();
        for (String name : Stream.concat(Checkpoints.TOKENIZER_FILES.stream(),
                Stream.of("preprocessor_config.json")).toList()) {
            Path src = checkpoint.resolve(name);
            if (Files.isRegularFile(src) && !src.toAbsolutePath().equals(out.resolve(name).toAbsolutePath())) {
                AtomicFiles.write(out.resolve(name), Files.readAllBytes(src));
                copied.add(name);
            }
        }
        out().println("wrote      " + out.resolve("model.safetensors") + " (" + shapes.size() + " tensors"
                + (target == null ? "" : ", " + target) + "), config.json"
                + (copied.isEmpty() ? "" : ", " + String.join(", ", copied)));
    }

    private void write(List<TensorFile> files, Map<String, long[]> shapes, KeyMapping.Mapped mapping,
                       ModelConfig modelConfig, DType target) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt", "converted_by", "vclip convert"));
        metadata.put("source_format", mapping.layout().name());
        List<StoredTensor> weights = writeWeights(files, shapes, target, metadata);
        if (!mapping.extras().isEmpty()) {
            List<StoredTensor> extras = mapping.extras().stream().map(n -> mapping.tensors().get(n)).toList();
            SafeTensors.write(out.resolve("extras.safetensors"), extras, metadata);
            out().println("extras     " + String.join(", ", mapping.extras()) + " -> extras.safetensors");
        }
        ObjectMapper json = new ObjectMapper();
        AtomicFiles.write(out.resolve("config.json"),
                json.writerWithDefaultPrettyPrinter().writeValueAsBytes(modelConfig.toJson()));
        ObjectNode provenance = json.createObjectNode();
        provenance.put("source", checkpoint.toAbsolutePath().toString());
        provenance.put("source_bytes", Files.size(checkpoint));
        provenance.put("source_format", mapping.layout().name());
        provenance.put("config", config == null ? "inferred from tensor shapes" : config.toString());
        provenance.putPOJO("unmapped", mapping.unmapped());
        provenance.putPOJO("dropped", mapping.dropped());
        AtomicFiles.write(out.resolve("conversion.json"),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(provenance).getBytes(StandardCharsets.UTF_8));
        out().println("wrote      " + out.resolve("model.safetensors") + " (" + weights.size() + " tensors), "
                + out.resolve("config.json"));
    }

    private static StoredTensor find(List<TensorFile> files, String name) {
        for (TensorFile f : files) {
            if (f.names().contains(name)) {
                return f.get(name);
            }
        }
        throw new IllegalStateException(name + " was checked but is not found"); // ModelWeights.load checked it
    }

    /**
     * A config from the tensor shapes, by the family the checkpoint's layout belongs to; what the weights cannot tell
     * takes the original code's conventions (heads = width / 64).
     */
    static ModelConfig inferConfig(KeyMapping.Mapped mapping) {
        ModelConfig c = ModelFamilies.of(mapping).inferConfig(mapping.tensors(), ModelConfig.HeadCount.CLIP_RULE);
        c.validate("config inferred from " + mapping.layout() + " tensor shapes");
        return c;
    }
}
