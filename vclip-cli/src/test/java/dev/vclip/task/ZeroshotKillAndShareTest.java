package dev.vclip.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.cli.CliRun;
import dev.vclip.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feature cache under a zero-shot run killed with SIGKILL at a random moment, and under two runs at once: the
 * rerun and both concurrent runs exit 0 with the predictions of a run without a cache, and the rerun uses what the
 * killed run stored.
 */
class ZeroshotKillAndShareTest {
    @TempDir
    static Path dir;
    static Path list;
    static JsonNode clean;

    /** 120 list lines over copies of the fixture clips (copies: distinct files, so distinct cache entries). */
    @BeforeAll
    static void library() throws IOException {
        Path data = TaskFixtures.dataset();
        Path videos = Files.createDirectories(dir.resolve("videos"));
        List<String> lines = new ArrayList<>();
        List<String> val = Files.readAllLines(data.resolve("val.txt"));
        for (int copy = 0; lines.size() < 120; copy++) {
            for (String line : val) {
                String[] f = line.trim().split("\\s+");
                String name = copy + "_" + f[0];
                Files.copy(data.resolve("videos").resolve(f[0]), videos.resolve(name));
                lines.add(name + " " + f[1]);
            }
        }
        list = Files.write(dir.resolve("list.txt"), lines);
        CliRun.Result r = CliRun.run(args("--no-cache", "--out", dir.resolve("clean").toString()));
        assertEquals(0, r.exit(), r.err());
        clean = predictions(dir.resolve("clean"));
    }

    private static String[] args(String... more) {
        Path data = TaskFixtures.dataset();
        List<String> a = new ArrayList<>(List.of("zeroshot", "--model", TaskFixtures.model("xclip").toString(),
                "--list", list.toString(), "--labels", data.resolve("labels.csv").toString(), "--root",
                dir.resolve("videos").toString(), "--workers", "1"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    private static JsonNode predictions(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).path("data").path("predictions");
    }

    /** The same command in a child JVM (so it can be killed), output to {@code log}. */
    private static Process child(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-D") || a.startsWith("--add-") || a.startsWith("-Xss")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Entries the cache holds now (LMDB lets another process read it while a run writes). */
    private static long storedEntries(Path cache) {
        if (!Files.exists(cache.resolve("data.mdb"))) {
            return 0;
        }
        try (dev.vclip.data.LmdbStore store = dev.vclip.data.LmdbStore.open(cache, "features",
                dev.vclip.data.LmdbStore.DEFAULT_MAP_SIZE)) {
            return store.size();
        } catch (RuntimeException e) {
            return 0; // the run is still creating it
        }
    }

    @Test
    void aRunKilledAtARandomMomentLeavesACacheTheRerunUsesWithTheSameResults() throws Exception {
        Path cache = dir.resolve("cache-killed");
        Process p = child(dir.resolve("killed.log"), args("--cache", cache.toString(), "--out",
                dir.resolve("killed").toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (storedEntries(cache) == 0 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20); // until the run has committed its first encodings
        }
        Thread.sleep(new Random().nextInt(800)); // then somewhere inside the run
        assertTrue(p.isAlive(), "the run was still going when killed: " + Files.readString(dir.resolve("killed.log")));
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        CliRun.Result rerun = CliRun.run(args("--cache", cache.toString(), "--out", dir.resolve("rerun").toString()));
        assertEquals(0, rerun.exit(), rerun.err());
        assertEquals(clean, predictions(dir.resolve("rerun")));
        assertTrue(java.util.regex.Pattern.compile("[1-9][0-9]* from the feature cache").matcher(rerun.out()).find(),
                "what the killed run stored is used: " + rerun.out());
    }

    @Test
    void twoRunsSharingOneCacheBothGiveTheResultsOfARunWithoutIt() throws Exception {
        Path cache = dir.resolve("cache-shared");
        Process a = child(dir.resolve("a.log"), args("--cache", cache.toString(), "--out", dir.resolve("a").toString()));
        Process b = child(dir.resolve("b.log"), args("--cache", cache.toString(), "--out", dir.resolve("b").toString()));
        assertTrue(a.waitFor(300, TimeUnit.SECONDS) && b.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, a.exitValue(), Files.readString(dir.resolve("a.log")));
        assertEquals(0, b.exitValue(), Files.readString(dir.resolve("b.log")));
        assertEquals(clean, predictions(dir.resolve("a")));
        assertEquals(clean, predictions(dir.resolve("b")));
    }
}
