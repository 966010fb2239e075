package dev.vclip.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.TestResources;
import dev.vclip.cli.CliRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip bench model --text --profile} on the tiny X-CLIP fixture: every part is there and adds up. */
class ModelBenchTest {

    @Test
    void theProfileAccountsForTheCallAndNamesItsGemms() throws Exception {
        String model = TestResources.path("models/xclip-tiny-a").toString();
        CliRun.Result r = CliRun.run("bench", "model", "--model", model, "--iterations", "1", "--warmup", "0",
                "--text", "--text-length", "8,4", "--prompts", "3", "--profile", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<Integer> lengths = new ArrayList<>();
        doc.path("text").forEach(t -> {
            lengths.add(t.path("length").asInt());
            assertTrue(t.path("ms_per_prompt").asDouble() > 0, t.toString());
            assertEquals(3, t.path("prompts").asInt());
        });
        assertEquals(List.of(8, 4), lengths);

        for (JsonNode p : List.of(doc.path("profile"), doc.path("text_profiles").path(0))) {
            double wall = p.path("wall_ms").asDouble();
            double inOps = p.path("op_ms").asDouble();
            assertTrue(wall > 0 && inOps > 0 && inOps <= wall * 1.05, p.toString());
            double sum = 0;
            for (JsonNode c : p.path("categories")) {
                sum += c.path("ms").asDouble();
            }
            assertEquals(inOps, sum, 1e-6, "the kinds of op add up to the time inside ops");
            assertTrue(p.path("gemm_gflop").asDouble() > 0, "matrix products counted from their shapes");
            JsonNode rates = p.path("gemm_rates");
            assertEquals(2048, rates.path(0).path("m").asLong(), "the roof first");
            assertTrue(rates.size() > 1 && rates.path(1).has("in_model_gflops"), rates.toString());
            assertTrue(p.path("top").size() > 0 && p.path("top").path(0).path("calls").asInt() > 0);
        }
        assertTrue(doc.path("profile").path("categories").path("attention (batched GEMMs, or fused)")
                .path("ops").asInt() > 0, "attention is found and classed");
    }

    @Test
    void aTextLengthBeyondTheModelsContextIsAUsageError() {
        String model = TestResources.path("models/xclip-tiny-a").toString();
        CliRun.Result r = CliRun.run("bench", "model", "--model", model, "--iterations", "1", "--text",
                "--text-length", "100000");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--text-length 100000"), r.err());
    }

    @Test
    void gemmFlopsComeFromTheShapes() {
        assertEquals(2.0 * 4 * 5 * 6, OpProfile.gemmFlop("aten::mm", new long[][]{{4, 5}, {5, 6}}));
        assertEquals(2.0 * 4 * 5 * 6, OpProfile.gemmFlop("aten::addmm", new long[][]{{6}, {4, 5}, {5, 6}}));
        assertEquals(2.0 * 3 * 4 * 5 * 6, OpProfile.gemmFlop("aten::bmm", new long[][]{{3, 4, 5}, {3, 5, 6}}));
        assertEquals(0, OpProfile.gemmFlop("aten::mul", new long[][]{{4, 5}, {4, 5}}));
    }
}
