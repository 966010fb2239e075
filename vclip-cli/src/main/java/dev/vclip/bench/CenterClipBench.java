package dev.vclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.AtomicFiles;
import dev.vclip.model.Clip4Clip;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.TokenClustering;
import dev.vclip.model.Trace;
import dev.vclip.model.VideoTextModel;
import dev.vclip.train.ConfigPaths;
import dev.vclip.train.LossHead;
import dev.vclip.train.LrSchedule;
import dev.vclip.train.MicroBatch;
import dev.vclip.train.ModelPresets;
import dev.vclip.train.ModelSetup;
import dev.vclip.train.Precision;
import dev.vclip.train.TrainConfig;
import dev.vclip.train.TrainableModel;
import dev.vclip.train.Trainer;
import dev.vclip.weights.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.vclip.bench.Stats.median;

/**
 * What CenterCLIP's token clustering (Zhao et al., SIGIR 2022) buys inside a CLIP4Clip ViT on this machine, against
 * the claims of the paper (training memory −35 %, inference up to 14 % faster, spectral clustering about 2× slower
 * than k-medoids). Random weights of a {@link ModelPresets} architecture (ViT-B/32 by default), 12 frames at 224 px:
 *
 * <ol>
 *   <li>inference, {@code --batch} videos per call: CLIP4Clip meanP without clustering (the baseline), k-medoids
 *       ({@code kmediods++}) at {@code --block} for each {@code --segments} count, spectral (HeatKernel graph) at the
 *       same block for the first segment count;</li>
 *   <li>one training step (forward, backward, AdamW update; contrastive loss on the batch's captions), built the way
 *       {@code vclip train} builds it ({@link ModelSetup#build}, {@link Trainer}), without and with k-medoids.</li>
 * </ol>
 *
 * <p>Time: all models of a part are loaded in this process, warmed up, then timed in alternating rounds (each round
 * runs every configuration once, in a rotating order) so that background load hits all alike; the median is
 * reported. Clustering share: the input of the clustering block is recorded once per model ({@link Trace}'s
 * {@code cluster_input}) and {@link TokenClustering#apply} is timed alone on it in the same rounds, so the timed
 * forwards carry no hook; median apply time / median forward (or training step) time.
 *
 * <p>Memory: each configuration runs again in a fresh JVM (this command with a hidden option), which builds its
 * model, resets the peak RSS ({@link PeakMemory}), runs warm-up + 1 calls (steps) and reports VmHWM (the whole
 * process: weights, activations, optimiser state, JVM) and VmHWM minus the RSS right after loading (what the calls
 * themselves needed).
 */
@Command(name = "centerclip", mixinStandardHelpOptions = true, description = {
        "CenterCLIP's token clustering in a CLIP4Clip ViT against no clustering: ms per video, clustering share and "
                + "peak memory of inference (k-medoids at one block for each segment count, spectral clustering) and "
                + "of one training step (contrastive, AdamW) with k-medoids. Random weights; times in alternating "
                + "rounds in this process, peak memory in a fresh JVM per configuration.",
        "Example: vclip bench centerclip --arch tiny --num-frames 4 --size 32 --segments 2,1 --clusters 8"})
final class CenterClipBench extends VclipCommand {

    @Option(names = "--arch", paramLabel = "NAME", description = "random-weight architecture: ViT-B/32, ViT-B/16, "
            + "ViT-L/14, tiny (default: ${DEFAULT-VALUE})")
    String arch = "ViT-B/32";

    @Option(names = {"--num-frames", "--frames"}, paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "frames per video (default: ${DEFAULT-VALUE})")
    int frames = 12;

    @Option(names = "--size", paramLabel = "PIXELS", converter = Checks.AtLeastOne.class,
            description = "input size (default: ${DEFAULT-VALUE})")
    int size = 224;

    @Option(names = "--batch", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "videos per inference call and per training step (default: ${DEFAULT-VALUE})")
    int batch = 4;

    @Option(names = "--iterations", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "timed rounds; each runs every configuration once (default: ${DEFAULT-VALUE})")
    int iterations = 5;

    @Option(names = "--warmup", paramLabel = "N", converter = Checks.AtLeastZero.class,
            description = "untimed calls per configuration first (default: ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--block", paramLabel = "B", converter = Checks.AtLeastZero.class,
            description = "1-based vision block whose input is clustered; 0: layers/2 + 1, block 7 of ViT-B's 12, the "
                    + "paper's B_6 setting (default: ${DEFAULT-VALUE})")
    int block = 0;

    @Option(names = "--clusters", paramLabel = "K", converter = Checks.AtLeastOne.class,
            description = "tokens kept per segment (cluster_num_blocks; default: ${DEFAULT-VALUE})")
    int clusters = 49;

    @Option(names = "--segments", paramLabel = "S", split = ",", converter = Checks.AtLeastOne.class,
            description = "segments per video after the block, one k-medoids row each; spectral uses the first "
                    + "(default: 4,3, i.e. 3 and 4 frames per segment of 12)")
    List<Integer> segments = new ArrayList<>(List.of(4, 3));

    @Option(names = "--spectral-sigma", paramLabel = "X", description = "heat-kernel width of the spectral graph "
            + "(default: the median distance between the tokens of a segment at the block's input, where the "
            + "affinity is e^-1/2; CenterCLIP's 2.0 gives affinities of about 0 on random-weight tokens)")
    Double spectralSigma;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the weights and the pixels (default: "
            + "${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the results to this JSON file")
    Path out;

    @Option(names = "--json", description = "print the results as one JSON document instead of the table")
    boolean json;

    @Option(names = "--memory-child", hidden = true, paramLabel = "KEY",
            description = "internal: run one configuration and report its peak memory")
    String memoryChild;

    /** Marks the child's one result line on its standard output. */
    static final String CHILD_MARKER = "vclip-centerclip-memory ";

    private static final List<String> CAPTIONS = List.of("a red square moving left", "a blue circle moving right",
            "a green star growing", "a yellow cross shrinking", "a white triangle rotating", "a black disc bouncing");

    /** One measured configuration; {@code algorithm} null: no clustering. */
    record Setting(String key, boolean training, TokenClustering.Algorithm algorithm, int segments) {
        boolean clusters() {
            return algorithm != null;
        }
    }

    /** Peak RSS of a configuration's child JVM, bytes; {@code reset}: whether the peak was reset after loading. */
    record Memory(long peak, long loaded, boolean reset) {
        long aboveLoad() {
            return peak - loaded;
        }
    }

    /** The results of one configuration. */
    private record Row(Setting setting, String label, double[] ms, double[] clusterMs, Memory memory) {
    }

    private int layers;
    private int patchesPerFrame;

    @Override
    public Integer call() throws Exception {
        ModelConfig plain = ModelPresets.config(arch, "clip4clip", frames, size);
        layers = plain.vision().numHiddenLayers();
        int side = plain.vision().imageSize() / plain.vision().patchSize();
        patchesPerFrame = side * side;
        if (block == 0) {
            block = layers / 2 + 1;
        }
        validate();
        if (memoryChild != null) {
            return memoryChild(find(memoryChild));
        }
        PrintErr progress = new PrintErr();
        Inference inference = inference(progress);
        Map<String, double[]> trainMs = training(progress);
        Map<String, Memory> memory = new LinkedHashMap<>();
        for (Setting s : settings()) {
            progress.line("memory: " + s.key() + " in a fresh JVM");
            memory.put(s.key(), childMemory(s, inference.sigma));
        }

        List<Row> inferRows = new ArrayList<>();
        List<Row> trainRows = new ArrayList<>();
        Setting firstKmedoids = settings().stream().filter(s -> !s.training() && s.clusters()).findFirst().orElseThrow();
        for (Setting s : settings()) {
            if (s.training()) {
                double[] c = s.clusters() ? inference.clusterMs.get(firstKmedoids.key()) : null;
                trainRows.add(new Row(s, label(s), trainMs.get(s.key()), c, memory.get(s.key())));
            } else {
                inferRows.add(new Row(s, label(s), inference.ms.get(s.key()),
                        inference.clusterMs.get(s.key()), memory.get(s.key())));
            }
        }
        ObjectNode root = document(inferRows, trainRows, inference);
        if (json) {
            printJson(root);
        } else {
            printTable(inferRows, trainRows, inference);
        }
        if (out != null) {
            AtomicFiles.write(out, root.toPrettyString().getBytes(StandardCharsets.UTF_8));
            err().println("wrote " + out);
        }
        return 0;
    }

    private void validate() {
        if (block < 1 || block > layers) {
            throw usage("--block must be between 1 and " + layers + " (the vision layers of " + arch + "), not " + block);
        }
        if (segments.isEmpty()) {
            throw usage("--segments needs at least one segment count");
        }
        for (int s : segments) {
            if (s >= frames || frames % s != 0) {
                throw usage("--segments " + s + " must divide --num-frames " + frames + " and be smaller (every "
                        + "segment has the same number of frames, and the frames must drop at the block)");
            }
            int n = frames / s * patchesPerFrame;
            if (clusters < 2 || clusters > n) {
                throw usage("--clusters " + clusters + " must be between 2 and the " + n + " patch tokens of a segment "
                        + "(" + frames / s + " frames x " + patchesPerFrame + " patches) at --segments " + s);
            }
        }
        if (spectralSigma != null && !(spectralSigma > 0)) {
            throw usage("--spectral-sigma must be above 0, not " + spectralSigma);
        }
    }

    /** Every configuration, inference first: the baseline, k-medoids per segment count, spectral; then training. */
    List<Setting> settings() {
        List<Setting> all = new ArrayList<>();
        all.add(new Setting("none", false, null, 0));
        for (int s : segments.stream().distinct().toList()) {
            all.add(new Setting("kmedoids-" + s, false, TokenClustering.Algorithm.KMEDOIDS, s));
        }
        all.add(new Setting("spectral-" + segments.get(0), false, TokenClustering.Algorithm.SPECTRAL, segments.get(0)));
        all.add(new Setting("train-none", true, null, 0));
        all.add(new Setting("train-kmedoids-" + segments.get(0), true, TokenClustering.Algorithm.KMEDOIDS,
                segments.get(0)));
        return all;
    }

    private Setting find(String key) {
        return settings().stream().filter(s -> s.key().equals(key)).findFirst()
                .orElseThrow(() -> usage("no configuration '" + key + "'"));
    }

    private String label(Setting s) {
        if (!s.clusters()) {
            return s.training() ? "CLIP4Clip meanP, no clustering" : "CLIP4Clip meanP, no clustering (baseline)";
        }
        String algo = s.algorithm() == TokenClustering.Algorithm.SPECTRAL ? "spectral (HeatKernel)" : "k-medoids";
        return String.format(Locale.ROOT, "%s, block %d, %d segment%s (fd %d), K %d", algo, block, s.segments(),
                s.segments() == 1 ? "" : "s", frames / s.segments(), clusters);
    }

    // ================================================================================================ configs

    /**
     * The training config of a setting: the preset's keys, and CenterCLIP's clustering keys as {@code vclip train}
     * takes them: {@code cluster_num_blocks} K everywhere, {@code target_frames_blocks} the frame count before the
     * block and the segment count from it on, so that the block (and only it) clusters.
     */
    TrainConfig trainConfig(Setting s, double sigma) {
        List<String> opts = new ArrayList<>(List.of("MODEL.ARCH", arch, "MODEL.TYPE", "clip4clip",
                "DATA.NUM_FRAMES", String.valueOf(frames), "DATA.INPUT_SIZE", String.valueOf(size),
                "SEED", String.valueOf(seed)));
        if (s.clusters()) {
            List<String> num = new ArrayList<>();
            List<String> target = new ArrayList<>();
            for (int i = 1; i <= layers; i++) {
                num.add(String.valueOf(clusters));
                target.add(String.valueOf(i < block ? frames : s.segments()));
            }
            opts.addAll(List.of("MODEL.CLUSTER_INTER", "true", "MODEL.CLUSTER_ALGO", s.algorithm().key(),
                    "MODEL.CLUSTER_NUM_BLOCKS", String.join(",", num), "MODEL.TARGET_FRAMES_BLOCKS",
                    String.join(",", target), "MODEL.SPECTRAL_GRAPH", TokenClustering.Graph.HEAT_KERNEL.key()));
            if (s.algorithm() == TokenClustering.Algorithm.SPECTRAL) {
                opts.addAll(List.of("MODEL.SPECTRAL_SIGMA", Double.toString(sigma)));
            }
        }
        return TrainConfig.defaults().withOpts(opts);
    }

    /** The inference model of a setting: random weights of the preset, the path {@code vclip bench model} takes. */
    private VideoTextModel inferenceModel(Setting s, double sigma) {
        VideoTextModel m = ModelFolder.random(ModelPresets.config(trainConfig(s, sigma)), seed);
        checkClusters(m, s);
        return m;
    }

    /** The clustering step of a model at the block; fails when the model clusters anywhere else or not at all. */
    private TokenClustering step(VideoTextModel m, Setting s) {
        TokenClustering.Config tc = ((Clip4Clip) m).tokenClustering().orElseThrow(
                () -> new IllegalStateException(s.key() + ": the model does not cluster"));
        if (!tc.clusterBlocks().equals(List.of(block))) {
            throw new IllegalStateException(s.key() + ": clusters at blocks " + tc.clusterBlocks() + ", not " + block);
        }
        return tc.at(block).orElseThrow();
    }

    private void checkClusters(VideoTextModel m, Setting s) {
        if (s.clusters()) {
            step(m, s);
        } else if (((Clip4Clip) m).tokenClustering().isPresent()) {
            throw new IllegalStateException("the baseline clusters");
        }
    }

    private float[] pixels() {
        Random r = new Random(seed);
        float[] p = new float[batch * frames * 3 * size * size];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextGaussian();
        }
        return p;
    }

    private Shape videoShape() {
        return new Shape(batch, frames, 3, size, size);
    }

    private MicroBatch trainBatch() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            texts.add(CAPTIONS.get(i % CAPTIONS.size()) + (i >= CAPTIONS.size() ? " " + i : ""));
        }
        return new MicroBatch(pixels(), batch, frames, size, null, null, texts);
    }

    /** A training model and its trainer, as {@code vclip train} builds them (TrainRun): preset, precision, AdamW. */
    private record Training(TrainableModel model, Trainer trainer, String precision) implements AutoCloseable {
        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }

    private Training training(Setting s) {
        TrainConfig cfg = trainConfig(s, 1.0);
        TrainableModel built = ModelSetup.build(cfg, new ConfigPaths(cfg, null));
        checkClusters(built.model(), s);
        Precision.Choice precision = Precision.resolve(cfg.string("TRAIN.OPT_LEVEL"), built.root().getDevice());
        var cast = Precision.fp16WorkingCopy();
        if (precision.mode() == Precision.Mode.MIXED_FP16 && cast.isPresent()) {
            built = built.withWorkingCopy(cast.get());
        }
        LrSchedule schedule = new LrSchedule(cfg.number("TRAIN.LR"), cfg.integer("TRAIN.EPOCHS"),
                cfg.number("TRAIN.WARMUP_EPOCHS"), 100, 1);
        Trainer trainer = new Trainer(built, new LossHead.Contrastive(), schedule,
                new Trainer.Settings(1, cfg.number("TRAIN.CLIP_GRAD"), cfg.number("TRAIN.WEIGHT_DECAY")));
        return new Training(built, trainer, precision.note());
    }

    // ================================================================================================ timing

    /** Inference times by setting key (ms per call), clustering times (ms per apply), the spectral sigma used. */
    private record Inference(Map<String, double[]> ms, Map<String, double[]> clusterMs, double sigma,
                             String sigmaSource, double defaultSigmaAffinity, double medianDistance) {
    }

    private Inference inference(PrintErr progress) {
        List<Setting> settings = settings().stream().filter(s -> !s.training()).toList();
        Map<String, VideoTextModel> models = new LinkedHashMap<>();
        Map<String, TokenClustering> steps = new HashMap<>();
        Map<String, NDArray> inputs = new HashMap<>();
        try (NDManager manager = Torch.newManager()) {
            float[] pixels = pixels();
            NDArray clip = manager.create(pixels, videoShape());
            Setting first = settings.stream().filter(Setting::clusters).findFirst().orElseThrow();
            // the block's input is the same for every clustering setting (same weights, same pixels, same blocks
            // before it): the token scale for the spectral sigma comes from it
            progress.line("inference: loading " + settings.size() + " random-weight " + arch + " models");
            double sigma = Double.NaN;
            double median = Double.NaN;
            double defaultAffinity = Double.NaN;
            for (Setting s : settings) {
                if (s.algorithm() == TokenClustering.Algorithm.SPECTRAL && Double.isNaN(sigma)) {
                    double[] d = segmentDistances(inputs.get(first.key()), frames / s.segments());
                    median = median(d);
                    defaultAffinity = Arrays.stream(d).map(x -> Math.exp(-x * x / (2 * 2.0 * 2.0))).average().orElse(0);
                    sigma = spectralSigma != null ? spectralSigma : median;
                }
                VideoTextModel m = inferenceModel(s, sigma);
                models.put(s.key(), m);
                if (s.clusters()) {
                    steps.put(s.key(), step(m, s));
                    inputs.put(s.key(), clusterInput(m, pixels, manager));
                }
            }
            if (Double.isNaN(sigma)) {
                sigma = spectralSigma != null ? spectralSigma : 0;
            }
            for (int w = 0; w < warmup; w++) {
                for (Setting s : settings) {
                    forward(models.get(s.key()), clip);
                    if (s.clusters()) {
                        applyOnce(steps.get(s.key()), inputs.get(s.key()));
                    }
                }
            }
            Map<String, double[]> ms = new LinkedHashMap<>();
            Map<String, double[]> clusterMs = new LinkedHashMap<>();
            for (Setting s : settings) {
                ms.put(s.key(), new double[iterations]);
                if (s.clusters()) {
                    clusterMs.put(s.key(), new double[iterations]);
                }
            }
            for (int r = 0; r < iterations; r++) {
                progress.line("inference: round " + (r + 1) + "/" + iterations);
                for (int j = 0; j < settings.size(); j++) { // rotating order: no configuration always runs first
                    Setting s = settings.get((r + j) % settings.size());
                    ms.get(s.key())[r] = forward(models.get(s.key()), clip);
                    if (s.clusters()) {
                        clusterMs.get(s.key())[r] = applyOnce(steps.get(s.key()), inputs.get(s.key()));
                    }
                }
            }
            return new Inference(ms, clusterMs, sigma, spectralSigma != null ? "--spectral-sigma"
                    : "median distance between the patch tokens of one segment at block " + block + "'s input",
                    defaultAffinity, median);
        } finally {
            models.values().forEach(VideoTextModel::close);
        }
    }

    private static double forward(VideoTextModel m, NDArray clip) {
        long start = System.nanoTime();
        try (NDArray features = m.videoFeatures(clip)) {
            features.toFloatArray(); // wait for the result
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static double applyOnce(TokenClustering step, NDArray input) {
        long start = System.nanoTime();
        TokenClustering.Result r = step.apply(input);
        r.tokens().getShape(); // libtorch CPU ops run eagerly: the tokens exist when apply returns
        double ms = (System.nanoTime() - start) / 1e6;
        r.tokens().close();
        return ms;
    }

    /** The clustering block's input {@code [1+P, B*T, D]} of one forward (recorded by a trace), kept in {@code keep}. */
    private NDArray clusterInput(VideoTextModel m, float[] pixels, NDManager keep) {
        try (NDManager sub = keep.newSubManager(); Trace trace = Trace.recording(sub)) {
            NDArray video = sub.create(pixels, videoShape());
            m.config().family().computeReference(m, Map.of("video", video), trace, new HashMap<>());
            NDArray recorded = trace.values().get("cluster_input");
            if (recorded == null) {
                throw new IllegalStateException("the forward recorded no cluster_input");
            }
            NDArray copy = recorded.duplicate();
            copy.attach(keep);
            return copy;
        }
    }

    /** Distances between every pair of patch tokens of the first segment (fd frames of video 0) of LND tokens. */
    private static double[] segmentDistances(NDArray lnd, int fd) {
        Shape s = lnd.getShape();
        int width = Math.toIntExact(s.get(2));
        float[] v;
        try (NDArray seg = lnd.get("1:, 0:{}, :", fd)) {
            v = seg.toFloatArray();
        }
        int n = v.length / width;
        double[] d = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double sum = 0;
                for (int c = 0; c < width; c++) {
                    double diff = v[i * width + c] - v[j * width + c];
                    sum += diff * diff;
                }
                d[k++] = Math.sqrt(sum);
            }
        }
        return d;
    }

    private Map<String, double[]> training(PrintErr progress) {
        List<Setting> settings = settings().stream().filter(Setting::training).toList();
        Map<String, Training> runs = new LinkedHashMap<>();
        try {
            progress.line("training: building " + settings.size() + " trainable " + arch + " models");
            for (Setting s : settings) {
                runs.put(s.key(), training(s));
            }
            precision = runs.values().iterator().next().precision();
            MicroBatch mb = trainBatch();
            for (int w = 0; w < warmup; w++) {
                for (Setting s : settings) {
                    stepTime(runs.get(s.key()).trainer(), mb);
                }
            }
            Map<String, double[]> ms = new LinkedHashMap<>();
            settings.forEach(s -> ms.put(s.key(), new double[iterations]));
            for (int r = 0; r < iterations; r++) {
                progress.line("training: round " + (r + 1) + "/" + iterations);
                for (int j = 0; j < settings.size(); j++) {
                    Setting s = settings.get((r + j) % settings.size());
                    ms.get(s.key())[r] = stepTime(runs.get(s.key()).trainer(), mb);
                }
            }
            return ms;
        } finally {
            runs.values().forEach(Training::close);
        }
    }

    private String precision = "";

    private static double stepTime(Trainer trainer, MicroBatch mb) {
        long start = System.nanoTime();
        Trainer.StepStats stats = trainer.step(List.of(mb));
        double ms = (System.nanoTime() - start) / 1e6;
        if (!Double.isFinite(stats.loss())) {
            throw new IllegalStateException("training step gave loss " + stats.loss());
        }
        return ms;
    }

    // ================================================================================================ memory

    /** In the child JVM: build one configuration, reset the peak, run warm-up + 1 calls, print the peak. */
    private Integer memoryChild(Setting s) {
        int calls = Math.max(warmup, 1) + 1;
        boolean reset;
        long loaded;
        long peak;
        if (s.training()) {
            try (Training t = training(s)) {
                MicroBatch mb = trainBatch();
                reset = PeakMemory.resetPeak();
                loaded = PeakMemory.rssBytes();
                for (int i = 0; i < calls; i++) {
                    stepTime(t.trainer(), mb);
                }
                peak = PeakMemory.peakBytes();
            }
        } else {
            double sigma = spectralSigma != null ? spectralSigma : 1.0;
            try (VideoTextModel m = inferenceModel(s, sigma); NDManager manager = Torch.newManager()) {
                NDArray clip = manager.create(pixels(), videoShape());
                reset = PeakMemory.resetPeak();
                loaded = PeakMemory.rssBytes();
                for (int i = 0; i < calls; i++) {
                    forward(m, clip);
                }
                peak = PeakMemory.peakBytes();
            }
        }
        ObjectNode r = new ObjectMapper().createObjectNode().put("key", s.key()).put("peak", peak)
                .put("loaded", loaded).put("reset", reset);
        out().println(CHILD_MARKER + r);
        out().flush();
        return 0;
    }

    /** The process settings {@code Main} makes that a child run needs too (offline natives, libtorch threads). */
    private static final List<String> CHILD_PROPERTIES = List.of("ai.djl.offline", "ai.djl.pytorch.num_threads",
            "java.awt.headless");

    /** The child JVM's entry point: this command alone, so that the bench package need not name the CLI's main. */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new CenterClipBench()).execute(args));
    }

    /** Runs one configuration in a fresh JVM (same Java, JVM options and class path) and reads its peak memory. */
    private Memory childMemory(Setting s, double sigma) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-javaagent") && !a.startsWith("-agentlib") && !a.startsWith("-agentpath")
                    && !a.startsWith("-Xrunjdwp") && !a.startsWith("-Xdebug")) {
                cmd.add(a);
            }
        }
        for (String property : CHILD_PROPERTIES) { // what the CLI set in this process, for the child's too
            if (System.getProperty(property) != null) {
                cmd.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CenterClipBench.class.getName(),
                "--arch", arch, "--num-frames", String.valueOf(frames),
                "--size", String.valueOf(size), "--batch", String.valueOf(batch), "--warmup", String.valueOf(warmup),
                "--block", String.valueOf(block), "--clusters", String.valueOf(clusters),
                "--segments", segments.stream().map(String::valueOf).collect(Collectors.joining(",")),
                "--seed", String.valueOf(seed), "--memory-child", s.key()));
        if (s.algorithm() == TokenClustering.Algorithm.SPECTRAL) {
            cmd.addAll(List.of("--spectral-sigma", Double.toString(sigma)));
        }
        Path errors = Files.createTempFile("vclip-centerclip-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
            p.getOutputStream().close();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the memory run of " + s.key() + " did not finish in an hour");
            }
            String line = stdout.lines().filter(l -> l.startsWith(CHILD_MARKER)).reduce((a, b) -> b).orElse(null);
            if (p.exitValue() != 0 || line == null) {
                String err = Files.readString(errors);
                throw new IllegalStateException("the memory run of " + s.key() + " failed (exit " + p.exitValue()
                        + "): " + err.substring(Math.max(0, err.length() - 3000)) + stdout);
            }
            JsonNode r = new ObjectMapper().readTree(line.substring(CHILD_MARKER.length()));
            return new Memory(r.get("peak").asLong(), r.get("loaded").asLong(), r.get("reset").asBoolean());
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    // ================================================================================================ output

    private static final double MIB = 1024.0 * 1024.0;

    private String memoryMethod() {
        return "each configuration in a fresh JVM: build the model (and optimiser), reset the peak RSS "
                + "(/proc/self/clear_refs), run " + (Math.max(warmup, 1) + 1) + " calls (steps); peak = VmHWM of that "
                + "process (weights, activations, optimiser state, JVM), over load = VmHWM - RSS after building";
    }

    private String timingMethod() {
        return warmup + " warm-up call(s) per configuration, then " + iterations + " rounds each running every "
                + "configuration of the part once in a rotating order, all in this process; median";
    }

    private static final String SHARE_METHOD = "TokenClustering.apply timed alone, in the same rounds, on the block "
            + "input recorded from one forward of the same model and pixels; median apply / median forward (training: "
            + "the k-medoids inference apply at the same batch / median training step)";

    private void printTable(List<Row> inferRows, List<Row> trainRows, Inference inf) {
        var o = out();
        o.printf(Locale.ROOT, "machine: %d cores, %d libtorch intra-op threads, device %s%n",
                Runtime.getRuntime().availableProcessors(), ai.djl.pytorch.jni.JniUtils.getNumThreads(),
                ai.djl.engine.Engine.getInstance().defaultDevice());
        o.printf(Locale.ROOT, "model: %s clip4clip meanP, random weights (seed %d); %d frames x %d px, %d videos per "
                + "call/step; clustering at block %d of %d, K %d%n", arch, seed, frames, size, batch, block, layers,
                clusters);
        o.printf(Locale.ROOT, "spectral sigma: %.4g (%s; CenterCLIP's default 2.0 gives a mean affinity of %.2e "
                + "there)%n", inf.sigma(), inf.sigmaSource(), inf.defaultSigmaAffinity());
        o.println("time: " + timingMethod());
        o.println("clustering share: " + SHARE_METHOD);
        o.println("memory: " + memoryMethod());
        o.println("training: " + precision);
        String head = "%-58s %9s %6s %11s %6s %9s %6s %9s %6s%n";
        String row = "%-58s %9.1f %6.2f %11s %6s %9.0f %6.2f %9.0f %6.2f%n";
        o.printf(Locale.ROOT, head, "configuration", "ms/video", "ratio", "clust ms/v", "share", "peak MiB", "ratio",
                "over load", "ratio");
        for (List<Row> part : List.of(inferRows, trainRows)) {
            o.println(part == inferRows ? "inference (video features)" : "training step (forward + backward + AdamW, "
                    + "contrastive)");
            Row base = part.get(0);
            for (Row r : part) {
                double m = median(r.ms());
                o.printf(Locale.ROOT, row, "  " + r.label(), m / batch, m / median(base.ms()),
                        r.clusterMs() == null ? "-" : String.format(Locale.ROOT, "%.1f", median(r.clusterMs()) / batch),
                        r.clusterMs() == null ? "-" : String.format(Locale.ROOT, "%.1f%%",
                                100 * median(r.clusterMs()) / m),
                        r.memory().peak() / MIB, (double) r.memory().peak() / base.memory().peak(),
                        r.memory().aboveLoad() / MIB, (double) r.memory().aboveLoad() / base.memory().aboveLoad());
            }
        }
    }

    private ObjectNode document(List<Row> inferRows, List<Row> trainRows, Inference inf) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.putObject("machine").put("cores", Runtime.getRuntime().availableProcessors())
                .put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads())
                .put("device", ai.djl.engine.Engine.getInstance().defaultDevice().toString());
        root.put("arch", arch).put("model_type", "clip4clip").put("sim_header", "meanP").put("seed", seed)
                .put("num_frames", frames).put("image_size", size).put("batch", batch).put("iterations", iterations)
                .put("warmup", warmup).put("layers", layers).put("block", block).put("clusters", clusters);
        segments.forEach(root.putArray("segments")::add);
        root.put("spectral_sigma", inf.sigma()).put("spectral_sigma_source", inf.sigmaSource())
                .put("segment_median_distance", inf.medianDistance())
                .put("default_sigma_mean_affinity", inf.defaultSigmaAffinity())
                .put("timing_method", timingMethod()).put("clustering_share_method", SHARE_METHOD)
                .put("memory_method", memoryMethod()).put("training_precision", precision);
        rows(root.putArray("inference"), inferRows);
        rows(root.putArray("training"), trainRows);
        return root;
    }

    private void rows(ArrayNode into, List<Row> part) {
        Row base = part.get(0);
        for (Row r : part) {
            double m = median(r.ms());
            ObjectNode n = into.addObject().put("key", r.setting().key()).put("configuration", r.label())
                    .put("ms_per_video", m / batch).put("median_ms", m).put("min_ms", Arrays.stream(r.ms()).min()
                            .orElse(Double.NaN)).put("ratio", m / median(base.ms()));
            ArrayNode all = n.putArray("ms");
            Arrays.stream(r.ms()).forEach(all::add);
            if (r.clusterMs() != null) {
                n.put("clustering_ms_per_video", median(r.clusterMs()) / batch)
                        .put("clustering_share", median(r.clusterMs()) / m);
            } else {
                n.putNull("clustering_ms_per_video").putNull("clustering_share");
            }
            n.put("peak_mib", r.memory().peak() / MIB)
                    .put("peak_ratio", (double) r.memory().peak() / base.memory().peak())
                    .put("over_load_mib", r.memory().aboveLoad() / MIB)
                    .put("over_load_ratio", (double) r.memory().aboveLoad() / base.memory().aboveLoad())
                    .put("peak_reset", r.memory().reset());
        }
    }

    /** Progress lines on standard error, with the seconds since the start. */
    private final class PrintErr {
        private final long start = System.nanoTime();

        void line(String text) {
            err().printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - start) / 1e9, text);
            err().flush();
        }
    }
}
