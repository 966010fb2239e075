package dev.vclip.train;

import dev.vclip.data.synth.Action;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.TensorFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/** Shared inputs of the training tests: tiny models and a tiny synthetic dataset generated once per JVM. */
final class TrainFixtures {
    private TrainFixtures() {
    }

    static final int FRAMES = 4;
    static final int SIZE = 32;
    static final List<String> CLASS_TEXTS = List.of("moving left", "moving right", "growing", "shrinking");

    private static Path dataset;

    /** 4 classes (moving left/right, growing, shrinking), 4 clips each for training, 64x64, 16 frames. */
    static synchronized Path dataset() {
        if (dataset == null) {
            try {
                dataset = Files.createTempDirectory("vclip-train-test").resolve("synth");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SynthConfig config = SynthConfig.of(SynthConfig.Size.SMALL)
                    .withClasses(List.of(Action.MOVING_LEFT, Action.MOVING_RIGHT, Action.GROWING, Action.SHRINKING))
                    .withClipsPerClass(6).withClipFrames(16).withResolution(64, 64).withLongVideos(0, 20).withSeed(5);
            SyntheticDataset.generate(dataset, config, false, null);
        }
        return dataset;
    }

    static ModelConfig tiny(String type) {
        return ModelPresets.config("tiny", type, FRAMES, SIZE);
    }

    /** A tiny model with random weights (seed), trainable where {@code trainable} says. */
    static TrainableModel model(String type, long seed, Predicate<String> trainable) {
        return model(tiny(type), seed, trainable, Map.of());
    }

    static TrainableModel model(ModelConfig config, long seed, Predicate<String> trainable, Map<String, float[]> extra) {
        Map<String, long[]> shapes = new LinkedHashMap<>(ModelFolder.parameterShapes(config));
        MemoryTensors init = new MemoryTensors("test init");
        try (ModelWeights random = ModelWeights.random(ModelFolder.parameterShapes(config), seed, null)) {
            random.toStoredTensors().forEach(init::put);
        }
        extra.forEach((name, values) -> {
            long[] shape = {values.length / widthOf(name, config), widthOf(name, config)};
            shapes.put(name, shape);
            init.put(name, shape, values);
        });
        List<TensorFile> files = new ArrayList<>(List.of(init));
        return TrainableModel.load(config, files, shapes, null, s -> ParameterPlan.build(s, trainable,
                config.family().newModuleKeywords(), 10));
    }

    private static int widthOf(String name, ModelConfig config) {
        return name.startsWith("text_model") ? config.text().hiddenSize() : config.vision().hiddenSize();
    }

    /** A random batch of {@code videos} clips with labels cycling over the classes (one-hot targets). */
    static MicroBatch randomBatch(int videos, long seed) {
        Random r = new Random(seed);
        float[] pixels = new float[videos * FRAMES * 3 * SIZE * SIZE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        int[] labels = new int[videos];
        for (int i = 0; i < videos; i++) {
            labels[i] = i % CLASS_TEXTS.size();
        }
        return new MicroBatch(pixels, videos, FRAMES, SIZE, Blending.oneHot(labels, CLASS_TEXTS.size(), 0), labels,
                null);
    }

    /** A config for the synthetic dataset and the tiny preset; {@code opts} on top. */
    static TrainConfig datasetConfig(Path output, String... opts) {
        Path d = dataset();
        List<String> all = new ArrayList<>(List.of(
                "DATA.ROOT", d.resolve("videos").toString(),
                "DATA.TRAIN_FILE", d.resolve("train.txt").toString(),
                "DATA.VAL_FILE", d.resolve("val.txt").toString(),
                "DATA.LABEL_LIST", d.resolve("labels.csv").toString(),
                "DATA.NUM_FRAMES", String.valueOf(FRAMES),
                "DATA.INPUT_SIZE", String.valueOf(SIZE),
                "MODEL.ARCH", "tiny",
                "TRAIN.EPOCHS", "2",
                "TRAIN.WARMUP_EPOCHS", "0",
                "TRAIN.BATCH_SIZE", "2",
                "TRAIN.LR", "1e-3",
                "TRAIN.NUM_WORKERS", "2",
                "TRAIN.KEEP_CHECKPOINTS", "10",
                "OUTPUT", output.toString()));
        all.addAll(List.of(opts));
        return TrainConfig.defaults().withOpts(all);
    }
}
