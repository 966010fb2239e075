package dev.vclip.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code trainer_state.json}: the best top-1 is a fraction, and files of older versions (percent) still read. */
class CheckpointsTest {

    @TempDir
    Path dir;

    private static final String REQUIRED = "\"updates\": 12, \"epoch\": 3, \"window\": 0, \"adam_steps\": 12, "
            + "\"seed\": 1, \"micro_batches_per_epoch\": 4";

    @Test
    void theStateWrittenNowHoldsAFractionAndReadsBackAsOne() throws IOException {
        Checkpoints.State state = new Checkpoints.State(12, 3, 0, 12, 65536, 0, 1, 4, 32, "abc", 0.4375);
        Path checkpoint = Files.createDirectories(dir.resolve("now"));
        Files.writeString(checkpoint.resolve(Checkpoints.STATE_FILE), state.toJson().toString());
        assertEquals("fraction", state.toJson().path("rate_unit").asText());
        assertEquals(0.4375, state.toJson().path("best_top1").asDouble());
        assertEquals(state, Checkpoints.readState(checkpoint));
    }

    @Test
    void aStateOfAnOlderVersionHoldsPercentAndIsReadAsAFraction() throws IOException {
        assertEquals(0.4375, read("old", "{" + REQUIRED + ", \"best_top1\": 43.75}").bestTop1(), 1e-12);
        // no rate_unit: percent whatever the size, so 0.8 there is 0.8 %
        assertEquals(0.008, read("low", "{" + REQUIRED + ", \"best_top1\": 0.8}").bestTop1(), 1e-12);
        assertEquals(0, read("none", "{" + REQUIRED + "}").bestTop1());
        assertEquals(0.8, read("new", "{" + REQUIRED + ", \"best_top1\": 0.8, \"rate_unit\": \"fraction\"}")
                .bestTop1(), 1e-12);
    }

    private Checkpoints.State read(String name, String json) throws IOException {
        Path checkpoint = Files.createDirectories(dir.resolve(name));
        Files.writeString(checkpoint.resolve(Checkpoints.STATE_FILE), json);
        return Checkpoints.readState(checkpoint);
    }
}
