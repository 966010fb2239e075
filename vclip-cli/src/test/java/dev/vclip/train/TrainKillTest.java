package dev.vclip.train;

import dev.vclip.cli.CliRun;
import dev.vclip.cli.Main;
import dev.vclip.weights.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vclip train} killed with SIGKILL at a random moment after its first checkpoint, then {@code --resume}:
 * the resumed run ends with the weights of a run that was never killed (exactly), whatever the kill interrupted
 * (a step, a validation, a checkpoint being written).
 */
class TrainKillTest {
    @TempDir
    Path dir;

    private static final String[] OPTS = {"TRAIN.ACCUMULATION_STEPS", "2", "TRAIN.CHECKPOINT_STEPS", "2",
            "TRAIN.WARMUP_EPOCHS", "0.5", "TRAIN.CLIP_GRAD", "5.0", "AUG.MIXUP", "0.8", "AUG.LABEL_SMOOTH", "0.1"};

    @Test
    void aRunKilledWithSigkillResumesToTheWeightsOfARunNeverKilled() throws Exception {
        TrainRun.Result straight = TrainRun.run(TrainFixtures.datasetConfig(dir.resolve("straight"), OPTS),
                new TrainRun.Options(null, false, -1, new PrintStream(new ByteArrayOutputStream()), "test",
                        dev.vclip.report.Progress.Factory.SILENT));

        Path out = dir.resolve("killed");
        Path d = TrainFixtures.dataset();
        List<String> opts = new ArrayList<>(List.of("DATA.ROOT", d.resolve("videos").toString(), "DATA.TRAIN_FILE",
                d.resolve("train.txt").toString(), "DATA.VAL_FILE", d.resolve("val.txt").toString(),
                "DATA.LABEL_LIST", d.resolve("labels.csv").toString(), "DATA.NUM_FRAMES",
                String.valueOf(TrainFixtures.FRAMES), "DATA.INPUT_SIZE", String.valueOf(TrainFixtures.SIZE),
                "MODEL.ARCH", "tiny", "TRAIN.EPOCHS", "2", "TRAIN.WARMUP_EPOCHS", "0", "TRAIN.BATCH_SIZE", "2",
                "TRAIN.LR", "1e-3", "TRAIN.NUM_WORKERS", "2", "TRAIN.KEEP_CHECKPOINTS", "10", "OUTPUT",
                out.toString()));
        opts.addAll(List.of(OPTS));
        Path yaml = Files.writeString(dir.resolve("config.yaml"), "TRAIN:\n  EPOCHS: 2\n");
        List<String> args = new ArrayList<>(List.of("train", "-cfg", yaml.toString(), "--opts"));
        args.addAll(opts);

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-D") || a.startsWith("--add-") || a.startsWith("-Xss")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile())
                .start();
        Path checkpoints = out.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (p.isAlive() && System.nanoTime() < deadline && !(Files.isDirectory(checkpoints)
                && Files.list(checkpoints).anyMatch(c -> c.getFileName().toString().startsWith("step-")))) {
            Thread.sleep(10);
        }
        Thread.sleep(new Random().nextInt(400)); // anywhere in what follows: a step, a validation, a checkpoint
        assertTrue(p.isAlive(), "the run was still going when killed: " + Files.readString(dir.resolve("log.txt")));
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));

        List<String> resume = new ArrayList<>(args);
        resume.add("--resume");
        CliRun.Result r = CliRun.run(resume.toArray(new String[0]));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(java.util.regex.Pattern.compile("resume .*step-\\d+: update [1-9]").matcher(r.out()).find(),
                "it went on from the killed run's checkpoint: " + r.out());
        try (SafeTensors x = SafeTensors.open(straight.model().resolve("model.safetensors"));
             SafeTensors y = SafeTensors.open(out.resolve("model/model.safetensors"))) {
            assertEquals(x.names(), y.names());
            for (String name : x.names()) {
                assertArrayEquals(x.get(name).toFloatArray(), y.get(name).toFloatArray(), 0f, name);
            }
        }
    }
}
