package dev.vclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.model.VideoTextModel;
import dev.vclip.AtomicFiles;
import dev.vclip.weights.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.vclip.bench.Stats.median;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks, each against a baseline run side "
        + "by side: model, pipeline, search, decode, data, localize, fp16, centerclip, spark.", subcommands = {
        BenchCommand.ModelBench.class, PipelineBench.class, SearchBench.class, DecodeBench.class, DataBench.class,
        LocalizeBench.class, Fp16Bench.class, CenterClipBench.class, SparkBench.class})
public final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "name a benchmark: model, pipeline, search, decode, data, localize, fp16, centerclip");
    }

    @Command(name = "model", mixinStandardHelpOptions = true, description = {
            "Time video encoding of a model side by side with a baseline: CLIP with the same vision tower and per-frame "
                    + "mean pooling (what X-CLIP adds is cross-frame messages, MIT and the prompt generator). "
                    + "Reports ms per video and the ratio to the baseline, measured in alternation so load affects both.",
            "Example: vclip bench model --preset xclip-base-patch32 --iterations 5 --out bench.json"})
    static final class ModelBench extends VclipCommand {

        @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: a random-weight preset)")
        Path model;

        @Option(names = "--preset", paramLabel = "NAME", description = "random-weight architecture when no "
                + "--model: xclip-base-patch32, xclip-base-patch16 (default: ${DEFAULT-VALUE})")
        String preset = "xclip-base-patch32";

        @Option(names = "--batch", paramLabel = "N", converter = Checks.AtLeastOne.class,
                description = "videos per call (default: ${DEFAULT-VALUE})")
        int batch = 1;

        @Option(names = "--iterations", paramLabel = "N", converter = Checks.AtLeastOne.class,
                description = "timed calls per model (default: ${DEFAULT-VALUE})")
        int iterations = 5;

        @Option(names = "--warmup", paramLabel = "N", converter = Checks.AtLeastZero.class,
                description = "untimed calls per model first (default: ${DEFAULT-VALUE})")
        int warmup = 1;

        @Option(names = "--out", paramLabel = "FILE", description = "also write the results to this JSON file")
        Path out;

        @Option(names = "--json", description = "print the results as one JSON document instead of the table")
        boolean json;

        @Option(names = "--profile", description = "after timing, profile one call of the model op by op (libtorch's "
                + "profiler): time per kind of op, the top op shapes, GEMM rates against this backend's 2048^3 roof, "
                + "time outside libtorch, page faults")
        boolean profile;

        @Option(names = "--text", description = "also time text features: --prompts prompts of each --text-length "
                + "(random ids, EOT last; the PyTorch anchor's shapes)")
        boolean text;

        @Option(names = "--prompts", paramLabel = "N", converter = Checks.AtLeastOne.class,
                description = "prompts per text call with --text (default: ${DEFAULT-VALUE})")
        int prompts = 16;

        @Option(names = "--text-length", paramLabel = "L", split = ",", converter = Checks.AtLeastOne.class,
                description = "token counts per prompt with --text, comma-separated (default: ${DEFAULT-VALUE})")
        List<Integer> textLengths = List.of(77, 16);

        @Option(names = "--top", paramLabel = "K", converter = Checks.AtLeastOne.class,
                description = "op shapes listed by --profile (default: ${DEFAULT-VALUE})")
        int top = 15;

        @Override
        public Integer call() {
            ObjectMapper mapper = new ObjectMapper();
            try (VideoTextModel target = model != null ? ModelFolder.load(model) : ModelFolder.random(presetConfig(preset), 1);
                 VideoTextModel baseline = ModelFolder.random(meanPoolBaseline(target.config()), 2);
                 NDManager manager = Torch.newManager()) {
                ModelConfig c = target.config();
                int frames = target.videoInput().frames();
                int size = c.vision().imageSize();
                NDArray clip = manager.randomNormal(new Shape(batch, frames, 3, size, size));
                String targetName = (model != null ? model.getFileName().toString() : preset) + " (" + c.modelType() + ")";
                String baselineName = "CLIP mean-pool, same ViT";
                for (int i = 0; i < warmup; i++) {
                    target.videoFeatures(clip).close();
                    baseline.videoFeatures(clip).close();
                }
                double[] t = new double[iterations];
                double[] b = new double[iterations];
                for (int i = 0; i < iterations; i++) { // alternate, so background load hits both alike
                    t[i] = time(target, clip);
                    b[i] = time(baseline, clip);
                }
                if (!json) {
                    printTable(targetName, baselineName, t, b, frames, size);
                }
                ObjectNode root = mapper.createObjectNode();
                root.put("batch", batch).put("frames", frames).put("image_size", size).put("iterations", iterations);
                ArrayNode rows = root.putArray("results");
                row(rows.addObject(), targetName, t, batch).put("ratio_to_baseline", median(t) / median(b));
                row(rows.addObject(), baselineName, b, batch).put("ratio_to_baseline", 1.0);
                if (text) {
                    ArrayNode texts = root.putArray("text");
                    for (int length : textLengths) {
                        double[] ms = timeText(target, manager, length);
                        texts.addObject().put("prompts", prompts).put("length", length).put("median_ms", median(ms))
                                .put("min_ms", min(ms)).put("ms_per_prompt", median(ms) / prompts);
                        if (!json) {
                            out().printf("text features, %d prompts x %d tokens: %.1f ms per call (min %.1f), %.2f ms "
                                    + "per prompt%n", prompts, length, median(ms), min(ms), median(ms) / prompts);
                        }
                    }
                }
                if (profile) {
                    OpProfile p = OpProfile.ofCall(() -> target.videoFeatures(clip));
                    List<OpProfile.GemmRate> gemms = p.gemmRates(manager, 7, 6);
                    if (!json) {
                        p.print(out(), targetName + ", " + batch + " video(s)", gemms, top);
                        out().printf("  threads: %d libtorch intra-op; OMP_WAIT_POLICY=%s; GLIBC_TUNABLES=%s%n",
                                ai.djl.pytorch.jni.JniUtils.getNumThreads(), System.getenv("OMP_WAIT_POLICY"),
                                System.getenv("GLIBC_TUNABLES"));
                    }
                    root.set("profile", p.toJson(gemms, top));
                    if (text) {
                        ArrayNode textProfiles = root.putArray("text_profiles");
                        for (int length : textLengths) {
                            OpProfile tp = OpProfile.ofCall(() -> textCall(target, manager, length));
                            List<OpProfile.GemmRate> tg = tp.gemmRates(manager, 7, 4);
                            if (!json) {
                                tp.print(out(), "text features, " + prompts + " prompts x " + length + " tokens", tg, top);
                            }
                            textProfiles.add(tp.toJson(tg, top).put("length", length));
                        }
                    }
                }
                if (json) {
                    printJson(root);
                }
                if (out != null) {
                    AtomicFiles.write(out, root.toPrettyString().getBytes(StandardCharsets.UTF_8));
                    err().println("wrote " + out);
                }
            }
            return 0;
        }

        private void printTable(String targetName, String baselineName, double[] t, double[] b, int frames, int size) {
            out().printf("input: %d video(s) x %d frames x 3 x %d x %d, %d iterations after %d warm-up, %d threads%n",
                    batch, frames, size, size, iterations, warmup, Runtime.getRuntime().availableProcessors());
            out().printf("%-40s %12s %12s %12s %10s%n", "model", "median ms", "min ms", "ms/video", "ratio");
            double tm = median(t);
            double bm = median(b);
            out().printf("%-40s %12.1f %12.1f %12.1f %10.2f%n", targetName, tm, min(t), tm / batch, tm / bm);
            out().printf("%-40s %12.1f %12.1f %12.1f %10.2f%n", baselineName, bm, min(b), bm / batch, 1.0);
        }

        private static ObjectNode row(ObjectNode row, String name, double[] ms, int batch) {
            row.put("model", name).put("median_ms", median(ms)).put("min_ms", min(ms)).put("ms_per_video", median(ms) / batch);
            ArrayNode all = row.putArray("ms");
            for (double v : ms) {
                all.add(v);
            }
            return row;
        }

        private static double time(VideoTextModel m, NDArray clip) {
            long start = System.nanoTime();
            NDArray out = m.videoFeatures(clip);
            out.toFloatArray(); // wait for the result
            double ms = (System.nanoTime() - start) / 1e6;
            out.close();
            return ms;
        }

        /** Median-ready times of text features for {@link #prompts} random prompts of {@code length} tokens. */
        private double[] timeText(VideoTextModel m, NDManager manager, int length) {
            if (!(m instanceof dev.vclip.model.ClipFamilyModel)) {
                throw new dev.vclip.VclipException("--text: this model's text tower takes no token ids");
            }
            int vocab = m.config().text().vocabSize();
            if (length > m.config().text().maxPositionEmbeddings()) {
                throw usage("--text-length " + length
                        + " is longer than the model's text context (" + m.config().text().maxPositionEmbeddings() + ")");
            }
            for (int i = 0; i < warmup; i++) {
                textCall(m, manager, length).close();
            }
            double[] ms = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long start = System.nanoTime();
                try (NDArray out = textCall(m, manager, length)) {
                    out.toFloatArray();
                }
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
            return ms;
        }

        /** One text-features call on {@link #prompts} random prompts of {@code length} tokens (seeded, EOT last). */
        private NDArray textCall(VideoTextModel m, NDManager manager, int length) {
            int vocab = m.config().text().vocabSize();
            java.util.Random random = new java.util.Random(3);
            long[] ids = new long[prompts * length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i % length == length - 1) ? vocab - 1 : random.nextInt(vocab - 1); // EOT = largest id, last
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray input = scope.create(ids, new Shape(prompts, length));
                NDArray mask = scope.ones(new Shape(prompts, length), ai.djl.ndarray.types.DataType.INT64);
                NDArray out = ((dev.vclip.model.ClipFamilyModel) m).textFeatures(input, mask);
                out.attach(manager);
                return out;
            }
        }

        static ModelConfig presetConfig(String preset) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode json = mapper.createObjectNode().put("model_type", "xclip");
            switch (preset) {
                case "xclip-base-patch32" -> { }
                case "xclip-base-patch16" -> json.putObject("vision_config").put("patch_size", 16);
                default -> throw new dev.vclip.VclipException("unknown --preset '" + preset
                        + "' (xclip-base-patch32, xclip-base-patch16)");
            }
            return ModelConfig.fromJson("preset " + preset, json, w -> { });
        }

        /** A CLIP config with the same towers as {@code c}: the frame-level baseline. */
        static ModelConfig meanPoolBaseline(ModelConfig c) {
            return new ModelConfig(dev.vclip.model.ModelFamilies.require("clip"), c.projectionDim(),
                    c.logitScaleInitValue(), c.text(), c.vision(), dev.vclip.model.Clip.Config.NONE);
        }

        private static double min(double[] values) {
            return Arrays.stream(values).min().orElse(Double.NaN);
        }

    }
}
