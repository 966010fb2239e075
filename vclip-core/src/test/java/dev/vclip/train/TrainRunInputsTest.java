package dev.vclip.train;

import dev.vclip.model.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs a run can check before its first update are refused then, naming the key, not an hour later. */
class TrainRunInputsTest {

    @TempDir
    Path dir;

    private ConfigException refused(TrainConfig cfg) {
        return assertThrows(ConfigException.class, () -> TrainRun.run(cfg, new TrainRun.Options(null, false, -1,
                new PrintStream(new ByteArrayOutputStream()), "test", dev.vclip.report.Progress.Factory.SILENT)));
    }

    /** A validation list read under another DATA.ROOT: every path missing. */
    @Test
    void aValidationListWhoseVideosAreAllMissingIsRefused() throws Exception {
        Path list = dir.resolve("val.txt");
        Files.writeString(list, "elsewhere/moving_left_000.mp4 0\nelsewhere/moving_right_000.mp4 1\n");
        ConfigException e = refused(TrainFixtures.datasetConfig(dir.resolve("run"), "DATA.VAL_FILE", list.toString()));
        assertTrue(e.getMessage().contains("DATA.VAL_FILE") && e.getMessage().contains("none of them exists")
                && e.getMessage().contains("elsewhere/moving_left_000.mp4"), e.getMessage());
    }

    /** Mixup blends two clips, but the joint loss pairs each clip with texts about it. */
    @Test
    void mixupWithTheJointLossIsRefused() {
        Path texts = TrainFixtures.dataset().resolve("retrieval/texts.jsonl");
        ConfigException e = refused(TrainFixtures.datasetConfig(dir.resolve("run"), "TRAIN.LOSS", "joint",
                "DATA.TEXTS", texts.toString(), "MODEL.FIX_TEXT", "false", "AUG.MIXUP", "0.8"));
        assertTrue(e.getMessage().contains("AUG.MIXUP") && e.getMessage().contains("joint"), e.getMessage());
    }
}
