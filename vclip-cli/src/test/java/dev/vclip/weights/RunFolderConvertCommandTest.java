package dev.vclip.weights;

import dev.vclip.cli.CliRun;
import dev.vclip.model.Clip4Clip;
import dev.vclip.model.ModelFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip convert} on original CLIP4Clip / CenterCLIP run folders: --configuration and --base. */
class RunFolderConvertCommandTest {

    private static final Path CLIP4CLIP = OriginalLayout.fixtureFolder("clip4clip-tiny-a");

    @TempDir
    Path dir;

    @Test
    void infoListsTheConfigurationsAndConvertTakesOneByName() {
        CliRun.Result info = CliRun.run("info", "--model", CLIP4CLIP.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("configs    meanP, seqLSTM, seqTransf, tightTransf"), info.out());
        assertTrue(info.out().contains("convert --configuration NAME"), info.out());

        Path out = dir.resolve("seqtransf");
        CliRun.Result r = CliRun.run("convert", "--checkpoint", CLIP4CLIP.toString(), "--configuration", "seqTransf",
                "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("config     seqTransf"), r.out());
        assertTrue(r.out().contains("not used   27 tensors") && r.out().contains("lstm_visual.weight_ih_l0"), r.out());
        assertFalse(r.out().contains("filled from base"), r.out());
        assertEquals(Clip4Clip.SimHeader.seqTransf, Clip4Clip.load(out).simHeader());

        CliRun.Result defaults = CliRun.run("convert", "--checkpoint", CLIP4CLIP.toString(), "--out",
                dir.resolve("default").toString());
        assertEquals(0, defaults.exit(), defaults.err());
        assertEquals(Clip4Clip.SimHeader.meanP, Clip4Clip.load(dir.resolve("default")).simHeader());
    }

    @Test
    void anUnknownConfigurationIsAUsageErrorListingTheNames() {
        CliRun.Result r = CliRun.run("convert", "--checkpoint", CLIP4CLIP.toString(), "--configuration", "seqtransf",
                "--out", dir.resolve("x").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--configuration: ") && r.err().contains("no configuration 'seqtransf'")
                && r.err().contains("meanP, seqLSTM, seqTransf, tightTransf"), r.err());
        assertFalse(Files.exists(dir.resolve("x")));

        CliRun.Result hf = CliRun.run("convert", "--checkpoint", OriginalLayout.fixtureFolder("clip-tiny-a").toString(),
                "--configuration", "meanP", "--out", dir.resolve("y").toString());
        assertEquals(2, hf.exit(), hf.err());
        assertTrue(hf.err().contains("no configuration 'meanP'"), hf.err());
    }

    @Test
    void baseFillsWhatTheCheckpointLacksAndEveryFilledKeyIsPrinted() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.copy(CLIP4CLIP.resolve("config.json"), run.resolve("config.json"));
        Map<String, StoredTensor> all = OriginalLayout.readCheckpoint(CLIP4CLIP.resolve("pytorch_model.bin"));
        Map<String, StoredTensor> gaps = new LinkedHashMap<>(all);
        gaps.keySet().removeIf(n -> n.equals("frame_position_embeddings.weight") || n.startsWith("clip.visual.ln_post."));
        OriginalLayout.writeStateDict(run.resolve("pytorch_model.bin"), gaps);

        CliRun.Result missing = CliRun.run("convert", "--checkpoint", run.toString(), "--configuration", "seqLSTM",
                "--out", dir.resolve("missing").toString());
        assertEquals(1, missing.exit(), missing.out());
        assertTrue(missing.err().contains("lacks 3 parameter(s)")
                && missing.err().contains("vision_model.post_layernorm.weight")
                && missing.err().contains("frame_position_embeddings.weight") && missing.err().contains("--base"),
                missing.err());

        // the base as a folder holding OpenAI's CLIP: the checkpoint's own clip.* tensors
        Path base = Files.createDirectories(dir.resolve("clip"));
        Map<String, StoredTensor> clip = new LinkedHashMap<>();
        all.forEach((n, t) -> {
            if (n.startsWith("clip.")) {
                String bare = n.substring("clip.".length());
                clip.put(bare, new StoredTensor(bare, t.dtype(), t.shape(), t.data()));
            }
        });
        OriginalLayout.writeStateDict(base.resolve("pytorch_model.bin"), clip);
        Path out = dir.resolve("filled");
        CliRun.Result r = CliRun.run("convert", "--checkpoint", run.toString(), "--configuration", "seqLSTM",
                "--base", base.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("filled from base: 3 keys\n"), r.out());
        assertTrue(r.out().contains("  frame_position_embeddings.weight <- "
                + "text_model.embeddings.position_embedding.weight\n"), r.out());
        assertTrue(r.out().contains("  vision_model.post_layernorm.weight\n")
                && r.out().contains("  vision_model.post_layernorm.bias\n"), r.out());
        try (var model = ModelFolder.load(out)) {
            assertEquals("clip4clip", model.config().modelType());
        }
    }
}
