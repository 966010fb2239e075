package dev.vclip.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.VideoEntry;
import dev.vclip.data.VideoList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vclip synth} end to end. The command class is package-private in dev.vclip.cli; picocli builds it by
 * reflection, which is how Main runs it too.
 */
class SynthCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static synchronized Run synth(String... args) throws Exception {
        CommandLine cli = new CommandLine(Class.forName("dev.vclip.cli.SynthCommand"));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> { // as Main does
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8)); // commands print through picocli's writers
        int exit = cli.execute(args);
        cli.getOut().flush();
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void optionsReachTheDatasetAndANonEmptyFolderIsRefused() throws Exception {
        Path out = dir.resolve("ds");
        Run r = synth("--out", out.toString(), "--seed", "3", "--classes", "moving up,moving down",
                "--clips-per-class", "3", "--long-videos", "0", "--fps", "8", "--resolution", "64x48",
                "--clip-frames", "12", "--captions", "2", "--no-tar", "--threads", "1");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("codec") && r.out().contains("time"), r.out());
        JsonNode ds = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertEquals(3, ds.get("seed").asInt());
        assertEquals(64, ds.get("video").get("width").asInt());
        assertEquals(48, ds.get("video").get("height").asInt());
        assertEquals(8, ds.get("video").get("fps").asInt());
        assertEquals(12, ds.get("video").get("clip_frames").asInt());
        assertEquals(6, ds.get("counts").get("clips").asInt());
        assertEquals(2, ds.get("counts").get("captions_per_clip").asInt());
        assertTrue(Files.notExists(out.resolve("videos.tar")));
        assertEquals(12, Decoded.read(out.resolve("videos/moving_up_000.mp4")).frames().size());

        Run again = synth("--out", out.toString(), "--classes", "moving up", "--clips-per-class", "1",
                "--long-videos", "0");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("not empty") && again.err().contains("--force"), again.err());

        Run odd = synth("--out", dir.resolve("odd").toString(), "--resolution", "65x64");
        assertEquals(1, odd.exit());
        assertTrue(odd.err().contains("even"), odd.err());
    }

    /** The default dataset (--preset small), timed. Prints the time; asserts only what it contains. */
    @Test
    void defaultSizeGeneratesQuickly() throws Exception {
        Path out = dir.resolve("small");
        long start = System.nanoTime();
        Run r = synth("--out", out.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, r.exit(), r.out() + r.err());
        System.out.print(r.out());
        System.out.printf("default synth dataset (--preset small) generated in %.2f s on %d cores%n", seconds,
                Runtime.getRuntime().availableProcessors());
        JsonNode ds = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertEquals(11, ds.get("counts").get("classes").asInt());
        assertEquals(132, ds.get("counts").get("clips").asInt());
        assertEquals(2, ds.get("counts").get("long_videos").asInt());
        assertEquals(5, ds.get("direction_pairs").size());
        assertTrue(Files.size(out.resolve("videos.tar")) > 0);

        // few-shot lists: K clips of every class, all from train, smaller K among the larger K's clips
        LabelTable labels = LabelTable.read(out.resolve("labels.csv"));
        String root = out.resolve("videos").toString();
        VideoList train = VideoList.read(out.resolve("train.txt"), root, labels, ParseReport.strict());
        Set<String> trainFiles = train.entries().stream().map(VideoEntry::relativePath).collect(Collectors.toSet());
        Map<Integer, Set<String>> byK = new TreeMap<>();
        for (int k : List.of(2, 4, 8)) {
            VideoList list = VideoList.read(out.resolve("few_shot/train1_few_shot_" + k + ".txt"), root, labels,
                    ParseReport.strict());
            assertEquals(11 * k, list.size());
            list.byClass().values().forEach(v -> assertEquals(k, v.size()));
            Set<String> files = list.entries().stream().map(VideoEntry::relativePath).collect(Collectors.toSet());
            assertTrue(trainFiles.containsAll(files));
            byK.put(k, files);
        }
        assertTrue(byK.get(4).containsAll(byK.get(2)) && byK.get(8).containsAll(byK.get(4)));
        assertTrue(Files.notExists(out.resolve("few_shot/train1_few_shot_16.txt")), "8 train clips per class");

        // base-to-novel: three differently drawn 4-shot lists over the 6 base classes
        LabelTable base = LabelTable.read(out.resolve("base2novel/base_labels.csv"));
        assertEquals(List.of("moving left", "moving right", "rotating clockwise", "rotating counter-clockwise",
                "appearing", "vanishing"), base.names());
        Set<List<String>> draws = new HashSet<>();
        for (int s = 1; s <= 3; s++) {
            VideoList fs = VideoList.read(out.resolve("base2novel/fs_base_s" + s + "_train.txt"), root, base,
                    ParseReport.strict());
            assertEquals(6 * 4, fs.size());
            draws.add(fs.entries().stream().map(VideoEntry::relativePath).toList());
        }
        assertEquals(3, draws.size(), "the three seeds draw different clips");
    }
}
