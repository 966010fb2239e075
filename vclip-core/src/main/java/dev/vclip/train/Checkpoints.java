package dev.vclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.model.ModelConfig;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.WeightsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Model folders and training checkpoints on disk, each written as a whole: the files go into a temporary folder
 * beside the target ({@code .name.tmp-<nanos>}), are forced to disk, and the folder is renamed into place, so a
 * reader (or a resumed run after a kill) sees either no checkpoint or a complete one.
 *
 * <p>A <b>model folder</b> is what {@code vclip zeroshot --model} and {@code XClip.load} read: {@code config.json},
 * {@code model.safetensors} (every parameter, fp32, HF names) and the tokenizer files of the model it started from.
 *
 * <p>A <b>checkpoint</b> ({@code OUTPUT/checkpoints/step-<8 digits>}) is a model folder plus
 * {@code optimizer.safetensors} (AdamW moments and step count), {@code trainer_state.json} (updates done, epoch and
 * micro-batch position, loss scale, seed, best top-1 as a fraction) and {@code train_config.yaml} (the full config).
 */
public final class Checkpoints {

    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";
    public static final String CONFIG_FILE = "train_config.yaml";
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{8})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {
    }

    /**
     * The state a run resumes from. {@code bestTop1} is the best validation top-1 so far as a fraction (0..1), as
     * every rate in vclip's JSON ({@code "rate_unit": "fraction"} in the file).
     */
    public record State(long updates, int epoch, int window, long adamSteps, double lossScale, int goodSteps,
                        long seed, int microPerEpoch, int trainVideos, String trainListDigest, double bestTop1) {

        ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("updates", updates).put("epoch", epoch).put("window", window).put("adam_steps", adamSteps)
                    .put("loss_scale", lossScale).put("good_steps", goodSteps).put("seed", seed)
                    .put("micro_batches_per_epoch", microPerEpoch).put("train_videos", trainVideos)
                    .put("train_list_sha256", trainListDigest)
                    .put("best_top1", bestTop1).put("rate_unit", "fraction")
                    .put("rng", "counter-based: (SEED, epoch, position) seeds every draw; see TrainingData");
            return n;
        }

        static State fromJson(Path file, JsonNode n) {
            String[] required = {"updates", "epoch", "window", "adam_steps", "seed", "micro_batches_per_epoch"};
            for (String k : required) {
                if (!n.hasNonNull(k)) {
                    throw new WeightsException(file + ": key '" + k + "' is missing");
                }
            }
            return new State(n.get("updates").asLong(), n.get("epoch").asInt(), n.get("window").asInt(),
                    n.get("adam_steps").asLong(), n.path("loss_scale").asDouble(Precision.LossScaler.INIT_SCALE),
                    n.path("good_steps").asInt(0), n.get("seed").asLong(), n.get("micro_batches_per_epoch").asInt(),
                    n.path("train_videos").asInt(-1), n.path("train_list_sha256").asText(""),
                    bestTop1(n));
        }

        /**
         * {@code best_top1} as a fraction. Files written before {@code rate_unit} was added hold percent (0..100):
         * without the key the value is taken as percent and divided by 100, whatever its size (0.8 there is 0.8 %).
         */
        private static double bestTop1(JsonNode n) {
            double value = n.path("best_top1").asDouble(0);
            return "fraction".equals(n.path("rate_unit").asText()) ? value : value / 100;
        }
    }

    /** Writes a model folder at {@code dir} (replacing one that is there) in one rename. */
    public static void saveModel(Path dir, ModelConfig config, ModelWeights weights, Path tokenizerDir) {
        writeFolder(dir, tmp -> writeModelFiles(tmp, config, weights, tokenizerDir));
    }

    /** Writes checkpoint {@code step-<updates>} under {@code checkpointsDir} and keeps the newest {@code keep}. */
    public static Path saveCheckpoint(Path checkpointsDir, TrainableModel model, AdamW optimizer, State state,
                                      TrainConfig config, int keep) {
        Path dir = checkpointsDir.resolve(String.format("step-%08d", state.updates()));
        writeFolder(dir, tmp -> {
            writeModelFiles(tmp, model.config(), model.master(), model.tokenizerDir());
            optimizer.save(tmp.resolve(OPTIMIZER_FILE));
            writeBytes(tmp.resolve(STATE_FILE), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(state.toJson()));
            writeBytes(tmp.resolve(CONFIG_FILE), config.toYaml().getBytes(StandardCharsets.UTF_8));
        });
        prune(checkpointsDir, keep);
        return dir;
    }

    /** The newest complete checkpoint under {@code checkpointsDir}, or null. */
    public static Path latest(Path checkpointsDir) {
        return list(checkpointsDir).stream().reduce((a, b) -> b).orElse(null);
    }

    /** Complete checkpoints, oldest first. */
    public static List<Path> list(Path checkpointsDir) {
        if (!Files.isDirectory(checkpointsDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(checkpointsDir)) {
            return s.filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(checkpointsDir + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** Reads a checkpoint's trainer state. */
    public static State readState(Path checkpoint) {
        Path file = checkpoint.resolve(STATE_FILE);
        try {
            return State.fromJson(file, JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new WeightsException(file + ": cannot read the trainer state: " + e.getMessage(), e);
        }
    }

    /** Reads the config a checkpoint was written with. */
    public static TrainConfig readConfig(Path checkpoint) {
        Path file = checkpoint.resolve(CONFIG_FILE);
        try {
            return TrainConfig.parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new WeightsException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ writing

    @FunctionalInterface
    private interface FolderContent {
        void writeInto(Path tmp) throws IOException;
    }

    private static void writeModelFiles(Path dir, ModelConfig config, ModelWeights weights, Path tokenizerDir)
            throws IOException {
        config.write(dir.resolve("config.json"));
        SafeTensors.write(dir.resolve(MODEL_FILE), weights.toStoredTensors(), Map.of("format", "pt"));
        if (tokenizerDir != null) {
            for (String name : ClipTokenizer.FOLDER_FILES) {
                Path src = tokenizerDir.resolve(name);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void writeBytes(Path file, byte[] bytes) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            out.force(true);
        }
    }

    private static void writeFolder(Path target, FolderContent content) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Path tmp = parent.resolve("." + abs.getFileName() + ".tmp-" + System.nanoTime());
        Path old = null;
        try {
            Files.createDirectories(parent);
            Files.createDirectory(tmp);
            content.writeInto(tmp);
            forceDirectory(tmp);
            if (Files.exists(abs)) {
                old = parent.resolve("." + abs.getFileName() + ".old-" + System.nanoTime());
                move(abs, old);
            }
            move(tmp, abs);
            tmp = null;
            forceDirectory(parent);
        } catch (IOException e) {
            throw new WeightsException(target + ": cannot write: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
            if (old != null) {
                deleteTree(old);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system lets a directory be synced; the rename is still atomic
        }
    }

    private static void prune(Path checkpointsDir, int keep) {
        List<Path> all = new ArrayList<>(list(checkpointsDir));
        while (all.size() > keep) {
            deleteTree(all.remove(0));
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover temporary folder is ignored by list()
        }
    }
}
