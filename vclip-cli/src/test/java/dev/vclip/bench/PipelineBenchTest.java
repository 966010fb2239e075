package dev.vclip.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.TestResources;
import dev.vclip.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip bench pipeline}: end to end against the model alone on a folder of real videos. */
class PipelineBenchTest {

    @TempDir
    Path dir;

    @Test
    void bothPathsEncodeEveryVideoOfTheFolder() throws Exception {
        CliRun.Result synth = CliRun.run("synth", "--out", dir.resolve("synth").toString(), "--clips-per-class", "2",
                "--classes", "moving left,growing", "--resolution", "64x48", "--long-videos", "0", "--seed", "2");
        assertEquals(0, synth.exit(), synth.err());
        Files.writeString(dir.resolve("synth/videos/notes.txt"), "not a video"); // ignored: not a video name
        Path json = dir.resolve("pipeline.json");
        CliRun.Result r = CliRun.run("bench", "pipeline", "--videos", dir.resolve("synth/videos").toString(),
                "--model", TestResources.path("models/xclip-tiny-a").toString(), "--rounds", "1", "--batch", "3",
                "--out", json.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, doc.path("videos").asInt());
        assertTrue(doc.path("model_only_videos_per_s").asDouble() > 0 && doc.path("end_to_end_videos_per_s").asDouble() > 0);
        assertEquals(doc.path("end_to_end_videos_per_s").asDouble() / doc.path("model_only_videos_per_s").asDouble(),
                doc.path("end_to_end_fraction_of_model_only").asDouble(), 1e-9);
        assertTrue(r.out().contains("end to end (decode overlapped with the model)"), r.out());
    }

    @Test
    void aFolderWithoutVideosIsNamed() {
        CliRun.Result r = CliRun.run("bench", "pipeline", "--videos", dir.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains(dir + ": no videos"), r.err());
        CliRun.Result missing = CliRun.run("bench", "pipeline", "--videos", dir.resolve("nope").toString());
        assertEquals(2, missing.exit(), missing.err());
    }
}
