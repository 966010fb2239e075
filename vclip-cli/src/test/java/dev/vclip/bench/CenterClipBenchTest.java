package dev.vclip.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vclip bench centerclip} on the tiny preset at tiny sizes (seconds): every configuration is measured, and
 * every number of every row, in the table and in the JSON, is there and positive. Checks the command, not the
 * figures (timings here mean nothing).
 */
class CenterClipBenchTest {

    @TempDir
    Path dir;

    private static final List<String> INFERENCE = List.of("none", "kmedoids-2", "kmedoids-1", "spectral-2");
    private static final List<String> TRAINING = List.of("train-none", "train-kmedoids-2");

    @Test
    void everyConfigurationHasATimeAPeakAndRatios() throws Exception {
        Path json = dir.resolve("centerclip.json");
        CliRun.Result r = CliRun.run("bench", "centerclip", "--arch", "tiny", "--num-frames", "4", "--size", "32",
                "--batch", "2", "--segments", "2,1", "--clusters", "8", "--iterations", "1", "--warmup", "1",
                "--out", json.toString());
        assertEquals(0, r.exit(), r.err());

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, doc.path("block").asInt(), "layers/2 + 1 of the tiny preset's 2");
        assertTrue(doc.path("spectral_sigma").asDouble() > 0, doc.toString());
        assertTrue(doc.path("machine").path("cores").asInt() > 0 && doc.path("machine").path("threads").asInt() > 0);
        assertRows(doc.path("inference"), INFERENCE);
        assertRows(doc.path("training"), TRAINING);

        // the table: one line per configuration, each number positive
        List<String> rows = r.out().lines().filter(l -> l.startsWith("  ")).toList();
        assertEquals(INFERENCE.size() + TRAINING.size(), rows.size(), r.out());
        List<JsonNode> all = new ArrayList<>();
        doc.path("inference").forEach(all::add);
        doc.path("training").forEach(all::add);
        for (int i = 0; i < rows.size(); i++) {
            String label = all.get(i).path("configuration").asText();
            String line = rows.get(i);
            assertTrue(line.startsWith("  " + label), line + " / " + label);
            String[] cells = line.substring(2 + label.length()).trim().split("\\s+");
            boolean clusters = !all.get(i).path("clustering_share").isNull();
            assertEquals(8, cells.length, line);
            for (int c = 0; c < cells.length; c++) {
                if ((c == 2 || c == 3) && !clusters) {
                    assertEquals("-", cells[c], line);
                } else {
                    assertTrue(Double.parseDouble(cells[c].replace("%", "")) > 0, line + ": cell " + c);
                }
            }
        }
        assertTrue(r.out().contains("machine: ") && r.out().contains("cores") && r.out().contains("threads"), r.out());
    }

    private static void assertRows(JsonNode rows, List<String> keys) {
        List<String> found = new ArrayList<>();
        rows.forEach(n -> found.add(n.path("key").asText()));
        assertEquals(keys, found, "a configuration is missing or extra");
        for (JsonNode n : rows) {
            for (String f : List.of("ms_per_video", "median_ms", "ratio", "peak_mib", "peak_ratio", "over_load_mib",
                    "over_load_ratio")) {
                assertTrue(n.path(f).isNumber() && n.path(f).asDouble() > 0, n.path("key") + " " + f + ": " + n);
            }
            n.path("ms").forEach(v -> assertTrue(v.asDouble() > 0, n.toString()));
            boolean clusters = !n.path("key").asText().endsWith("none");
            if (clusters) {
                double share = n.path("clustering_share").asDouble();
                // a ratio of two medians timed apart: above 1 is possible for a tiny model, so only its sign is checked
                assertTrue(n.path("clustering_ms_per_video").asDouble() > 0 && share > 0, n.toString());
            } else {
                assertTrue(n.path("clustering_share").isNull(), n.toString());
                assertEquals(1.0, n.path("ratio").asDouble(), 1e-12);
            }
        }
    }
}
