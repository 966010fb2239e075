package dev.vclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.TestResources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip index} and {@code vclip search}: a run killed with SIGKILL resumes; usage errors and bad input. */
class IndexCommandTest {

    @TempDir
    static Path shared;

    static Path library;
    static final String MODEL = TestResources.repositoryModel("xclip-synth").toString();

    @TempDir
    Path dir;

    @BeforeAll
    static void library() throws IOException {
        Path synth = shared.resolve("synth");
        CliRun.Result r = CliRun.run("synth", "--out", synth.toString(), "--clips-per-class", "4", "--resolution",
                "64x64", "--long-videos", "0", "--seed", "8");
        assertEquals(0, r.exit(), r.err());
        // 6 copies of the 44 clips under other names: enough work to be killed in the middle of
        library = Files.createDirectories(shared.resolve("library"));
        try (Stream<Path> clips = Files.list(synth.resolve("videos"))) {
            for (Path clip : clips.toList()) {
                for (int copy = 0; copy < 6; copy++) {
                    Files.copy(clip, library.resolve(copy + "_" + clip.getFileName()));
                }
            }
        }
    }

    @Test
    void aRunKilledWithSigkillLeavesAnIndexTheNextRunCompletes() throws Exception {
        Path index = dir.resolve("idx");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-D") || a.startsWith("--add-") || a.startsWith("-Xss")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "index", "--model", MODEL,
                "--index", index.toString(), "--commit-every", "5", "--workers", "1", library.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!committed(index) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the run ended before its first commit could be seen: " + Files.readString(dir.resolve(
                "log.txt")));
        Thread.sleep(150); // mid-way between commits
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));

        CliRun.Result status = CliRun.run("index", "--index", index.toString(), "--status", "--json");
        assertEquals(0, status.exit(), "the killed run's last commit opens: " + status.err());
        int before = new ObjectMapper().readTree(status.out()).path("videos").asInt();
        assertTrue(before > 0 && before < 264, "some but not all videos committed: " + before);

        CliRun.Result rerun = CliRun.run("index", "--model", MODEL, "--index", index.toString(), library.toString(),
                "--json");
        assertEquals(0, rerun.exit(), rerun.err());
        JsonNode r = new ObjectMapper().readTree(rerun.out());
        assertEquals(264, r.path("videos").asInt());
        assertEquals(before, r.path("unchanged").asInt(), "what was committed is not embedded again");
        assertEquals(264 - before, r.path("embedded").asInt());
        CliRun.Result after = CliRun.run("index", "--index", index.toString(), "--status", "--json");
        assertEquals(264, new ObjectMapper().readTree(after.out()).path("videos").asInt());

        CliRun.Result search = CliRun.run("search", "--index", index.toString(), "growing", "--top", "3", "--json");
        assertEquals(0, search.exit(), search.err());
        assertEquals(3, new ObjectMapper().readTree(search.out()).path("results").size());

        // the two stages (100 HNSW candidates of 264, then X-CLIP's logits) against X-CLIP scoring every entry
        int same = 0;
        List<String> names = List.of("moving left", "moving right", "moving up", "moving down", "rotating clockwise",
                "rotating counter-clockwise", "growing", "shrinking", "appearing", "vanishing", "bouncing");
        for (String name : names) {
            List<String> twoStage = ids(CliRun.run("search", "--index", index.toString(), name, "--top", "5", "--json"));
            List<String> exact = ids(CliRun.run("search", "--index", index.toString(), name, "--top", "5", "--json",
                    "--exhaustive"));
            assertEquals(5, exact.size());
            same += twoStage.equals(exact) ? 1 : 0;
        }
        System.out.printf("two-stage top 5 equal to the exhaustive X-CLIP ranking for %d of %d class-name queries%n",
                same, names.size());
        // Measured: 8 of 11 with the bundled model of configs/synth/bundled.sh (11 of 11 with the earlier class-name
        // model). The misses are "moving left/up/down": that model cannot tell the directions apart, every moving clip
        // scores within 0.1 logit, and its prompt generator reorders them away from the unprompted cosine the first
        // stage ranks by, so the best of them lies outside the 100 candidates (README, "Searching a video library").
        assertTrue(same >= names.size() - 3, same + " of " + names.size());
    }

    private static List<String> ids(CliRun.Result r) throws IOException {
        assertEquals(0, r.exit(), r.err());
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(r.out()).path("results").forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    private static boolean committed(Path index) throws IOException {
        if (!Files.isDirectory(index)) {
            return false;
        }
        try (Stream<Path> files = Files.list(index)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("segments_"));
        }
    }

    @Test
    void usageErrorsAndBadInputGetTheirExitCodes() throws IOException {
        Path index = dir.resolve("idx");
        assertEquals(2, CliRun.run("index", "--index", index.toString(), library.toString()).exit(), "no --model");
        assertEquals(2, CliRun.run("index", "--model", MODEL, "--index", index.toString()).exit(), "no PATH");
        CliRun.Result moments = CliRun.run("index", "--model", MODEL, "--index", index.toString(), "--moments", "8s",
                library.toString());
        assertEquals(2, moments.exit());
        assertTrue(moments.err().contains("--moments"), moments.err());
        CliRun.Result missing = CliRun.run("index", "--model", MODEL, "--index", index.toString(),
                dir.resolve("nowhere").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("nowhere: no such file or folder"), missing.err());

        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.write(broken.resolve("bad.mp4"), new byte[]{1, 2, 3, 4});
        Files.copy(library.resolve("0_growing_000.mp4"), broken.resolve("good.mp4"));
        CliRun.Result partly = CliRun.run("index", "--model", MODEL, "--index", index.toString(), broken.toString());
        assertEquals(1, partly.exit(), "a skipped video is bad input: " + partly.out());
        assertTrue(partly.out().contains("skipped " + broken.resolve("bad.mp4").toAbsolutePath()), partly.out());

        assertEquals(2, CliRun.run("search", "--index", index.toString()).exit(), "neither text nor --like");
        assertEquals(2, CliRun.run("search", "--index", index.toString(), "x", "--top", "0").exit());
        assertEquals(2, CliRun.run("search", "--index", index.toString(), " ").exit(), "blank text");
        assertEquals(2, CliRun.run("search", "--index", index.toString(), "x", "--videos", "--moments").exit());
        CliRun.Result noIndex = CliRun.run("search", "--index", dir.resolve("none").toString(), "x");
        assertEquals(1, noIndex.exit());
        assertTrue(noIndex.err().contains("no such folder"), noIndex.err());
    }
}
