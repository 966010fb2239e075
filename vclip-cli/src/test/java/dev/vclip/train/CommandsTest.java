package dev.vclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The train, eval and linear-probe commands end to end through picocli (the command classes are package-private
 * in dev.vclip.cli, as every vclip command; picocli instantiates them reflectively, as Main does once registered).
 */
class CommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Outcome(int exit, String out, String err) {
    }

    private static Outcome run(String command, String... args) throws Exception {
        Class<?> type = Class.forName("dev.vclip.cli." + command);
        CommandLine cli = new CommandLine(type);
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8)); // commands print through picocli's writers
        int exit = cli.execute(args);
        cli.getOut().flush();
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    /** Rates are fractions in [0, 1], and the object says so: {@code "rate_unit": "fraction"}. */
    private static void assertFractions(JsonNode node, String... keys) {
        assertEquals("fraction", node.path("rate_unit").asText(), node.toString());
        for (String key : keys) {
            assertTrue(node.path(key).isNumber(), key + " in " + node);
            double rate = node.path(key).asDouble();
            assertTrue(rate >= 0 && rate <= 1, key + " is not a fraction: " + node);
        }
    }

    private Path writeConfig() throws Exception {
        Path d = TrainFixtures.dataset();
        String yaml = String.join("\n",
                "DATA:",
                "    ROOT: '" + d.resolve("videos") + "'",
                "    TRAIN_FILE: '" + d.resolve("train.txt") + "'",
                "    VAL_FILE: '" + d.resolve("val.txt") + "'",
                "    LABEL_LIST: '" + d.resolve("labels.csv") + "'",
                "    NUM_FRAMES: 4",
                "    INPUT_SIZE: 32",
                "MODEL:",
                "    ARCH: tiny",
                "TRAIN:",
                "    EPOCHS: 1",
                "    WARMUP_EPOCHS: 0",
                "    BATCH_SIZE: 4",
                "    LR: 1.e-3",
                "LINEAR_PROBE:",
                "    EPOCHS: 20",
                "");
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void trainThenEvalThenLinearProbe() throws Exception {
        Path config = writeConfig();
        Path out = dir.resolve("run");
        Outcome train = run("TrainCommand", "-cfg", config.toString(), "--out", out.toString(),
                "--opts", "TRAIN.OPT_LEVEL", "O1", "PRINT_FREQ", "1");
        assertEquals(0, train.exit(), train.out() + train.err());
        assertTrue(train.out().contains("training in fp32"), train.out()); // O1 on a CPU says it falls back
        assertTrue(train.out().contains("step 4"), train.out());
        assertTrue(Files.isRegularFile(out.resolve("model/model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        assertEquals(5, TrainLog.read(out.resolve("log.jsonl")).size()); // 4 steps + 1 validation
        JsonNode validation = TrainLog.read(out.resolve("log.jsonl")).get(4);
        assertFractions(validation, "top1", "top5");
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertFractions(report.path("data").path("test"), "top1", "top5");
        assertFractions(report.path("data").path("training"), "best_top1");
        assertEquals(report.path("summary").path("top-1").asDouble(), report.path("data").path("test").path("top1")
                .asDouble(), 1e-12, "the summary and the payload store the same fraction");

        Outcome eval = run("EvalCommand", "-cfg", config.toString(), "--model", out.resolve("model").toString(),
                "--no-cache", "--opts", "TEST.NUM_CLIP", "2", "TEST.NUM_CROP", "3");
        assertEquals(0, eval.exit(), eval.out() + eval.err());
        assertTrue(eval.out().contains("2 clips x 3 crops") && eval.out().contains("top-1"), eval.out());

        Outcome probe = run("LinearProbeCommand", "-cfg", config.toString(), "--model", out.resolve("model").toString(),
                "--out", dir.resolve("probe").toString(), "--cache", dir.resolve("cache").toString());
        assertEquals(0, probe.exit(), probe.out() + probe.err());
        assertTrue(Files.isRegularFile(dir.resolve("probe/linear_probe.safetensors")));
        JsonNode probeReport = JSON.readTree(dir.resolve("probe/report.json").toFile());
        assertFractions(probeReport.path("data").path("linear_probe"), "top1", "top5");
        assertEquals(probeReport.path("summary").path("top-5").asDouble(),
                probeReport.path("data").path("linear_probe").path("top5").asDouble(), 1e-12);
        for (JsonNode line : TrainLog.read(dir.resolve("probe/log.jsonl"))) {
            assertFractions(line, "accuracy");
        }
        Outcome again = run("LinearProbeCommand", "-cfg", config.toString(), "--model", out.resolve("model").toString(),
                "--cache", dir.resolve("cache").toString());
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains(probe.out().lines().filter(l -> l.startsWith("validate")).findFirst().orElseThrow()),
                "a cached second probe gives the same result:\n" + again.out());
    }

    @Test
    void contrastiveTrainingOnCaptions() throws Exception {
        Path config = writeConfig();
        Path out = dir.resolve("retrieval");
        Outcome train = run("TrainCommand", "-cfg", config.toString(), "--out", out.toString(), "--opts",
                "TRAIN.LOSS", "contrastive", "DATA.CAPTIONS",
                TrainFixtures.dataset().resolve("retrieval/captions.csv").toString(), "MODEL.FIX_TEXT", "false");
        assertEquals(0, train.exit(), train.out() + train.err());
        List<com.fasterxml.jackson.databind.JsonNode> log = TrainLog.read(out.resolve("log.jsonl"));
        assertEquals(4, log.stream().filter(n -> n.path("type").asText().equals("train")).count());
        assertTrue(log.stream().allMatch(n -> !n.has("loss") || Double.isFinite(n.path("loss").asDouble())));
    }

    @Test
    void baseToNovelReportsTheHarmonicMeanAndSynthSetsTheDirectionPairs() throws Exception {
        Path config = writeConfig();
        Path b2n = TrainFixtures.dataset().resolve("base2novel");
        Path out = dir.resolve("b2n");
        Outcome train = run("TrainCommand", "-cfg", config.toString(), "--out", out.toString(), "--opts",
                "DATA.TRAIN_FILE", b2n.resolve("base_train.txt").toString(),
                "DATA.VAL_FILE", b2n.resolve("base_val.txt").toString(),
                "DATA.LABEL_LIST", b2n.resolve("base_labels.csv").toString(),
                "DATA.NOVEL_VAL_FILE", b2n.resolve("novel_val.txt").toString(),
                "DATA.NOVEL_LABEL_LIST", b2n.resolve("novel_labels.csv").toString());
        assertEquals(0, train.exit(), train.out() + train.err());
        assertTrue(train.out().contains("of 2 unseen classes"), train.out());
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("report.json").toFile());
        com.fasterxml.jackson.databind.JsonNode b = report.path("data").path("base_to_novel");
        assertFractions(b, "base_top1", "novel_top1", "hm");
        double base = b.path("base_top1").asDouble();
        double novel = b.path("novel_top1").asDouble();
        assertTrue(b.has("hm") && report.path("data").path("test").has("top1"), report.toString());
        assertEquals(report.path("data").path("test").path("top1").asDouble(), base, 1e-9);
        assertEquals(base + novel == 0 ? 0 : 2 * base * novel / (base + novel), b.path("hm").asDouble(), 1e-9);
        assertTrue(b.path("novel_videos").asInt() > 0, b.toString());
        // base2novel/ has no dataset.json: no direction-pair figures there; the set's own val.txt has them
        assertTrue(!train.out().contains("direction-only"), train.out());
        Outcome full = run("TrainCommand", "-cfg", config.toString(), "--out", dir.resolve("full").toString());
        assertEquals(0, full.exit(), full.out() + full.err());
        assertTrue(full.out().lines().anyMatch(l -> l.startsWith("validate") && l.contains("direction-only top-1")
                && l.contains("order")), full.out());

        Outcome half = run("TrainCommand", "-cfg", config.toString(), "--out", dir.resolve("half").toString(),
                "--opts", "DATA.NOVEL_VAL_FILE", b2n.resolve("novel_val.txt").toString());
        assertEquals(1, half.exit());
        assertTrue(half.err().contains("DATA.NOVEL_LABEL_LIST"), half.err());
    }

    @Test
    void configErrorsExitWithTheKeyNamed() throws Exception {
        Path config = writeConfig();
        Outcome bad = run("TrainCommand", "-cfg", config.toString(), "--out", dir.resolve("x").toString(),
                "--opts", "TRAIN.BATCHSIZE", "4");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("--opts: unknown key 'TRAIN.BATCHSIZE' (did you mean 'TRAIN.BATCH_SIZE'?)"),
                bad.err());
        Outcome range = run("TrainCommand", "-cfg", config.toString(), "--out", dir.resolve("y").toString(),
                "--opts", "AUG.GRAY_SCALE", "2");
        assertEquals(1, range.exit());
        assertTrue(range.err().contains("'AUG.GRAY_SCALE' must be a probability in [0, 1], got 2.0"), range.err());
    }
}
