package dev.vclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.TestResources;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip cluster --verify}: CenterCLIP's token clustering against the reference's golden cases. */
class ClusterCommandTest {

    private static final Path CASES = TestResources.path("fixtures/centerclip/cases.json");

    @TempDir
    Path dir;

    @Test
    void everyFixtureCasePassesWithOneLineEach() {
        CliRun.Result r = CliRun.run("cluster", "--verify", CASES.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(17, lines.size(), r.out());
        assertTrue(lines.subList(0, 16).stream().allMatch(l -> l.startsWith("ok ")), r.out());
        assertTrue(lines.get(0).matches("ok +blobs_fd2 +max \\|y diff\\| 0 +medoid_index 0/36 differ, "
                + "assignment 0/72 differ"), lines.get(0));
        assertEquals("16 passed, 0 failed", lines.get(16));
    }

    @Test
    void jsonListsEveryCase() throws IOException {
        CliRun.Result r = CliRun.run("cluster", "--verify", CASES.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(16, doc.get("passed").asInt());
        assertEquals(0, doc.get("failed").asInt());
        assertEquals("spectral_knn_f64", doc.get("results").get(14).get("name").asText());
        assertEquals(0, doc.get("results").get(14).get("medoidMismatches").asInt());
    }

    @Test
    void aCorruptedCaseFailsAndIsNamed() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("centerclip"));
        try (Stream<Path> files = Files.list(CASES.getParent())) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        // the reference's medoid 0 of blobs_fd2's first segment becomes another token
        Path blobs = copy.resolve("blobs_fd2.safetensors");
        List<StoredTensor> tensors = new ArrayList<>();
        try (SafeTensors file = SafeTensors.open(CASES.resolveSibling("blobs_fd2.safetensors"))) {
            for (String name : file.names()) {
                StoredTensor t = file.get(name);
                ByteBuffer data = ByteBuffer.allocateDirect(t.data().remaining()).order(ByteOrder.LITTLE_ENDIAN);
                data.put(t.data().duplicate()).flip();
                if (name.equals("medoid_index")) {
                    data.putLong(0, data.getLong(0) + 1);
                }
                tensors.add(new StoredTensor(name, t.dtype(), t.shape(), data));
            }
        }
        SafeTensors.write(blobs, tensors, Map.of());

        CliRun.Result r = CliRun.run("cluster", "--verify", copy.resolve("cases.json").toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        String failed = r.out().lines().filter(l -> l.startsWith("FAIL")).findFirst().orElse("");
        assertTrue(failed.startsWith("FAIL blobs_fd2"), r.out());
        assertTrue(failed.contains("medoid_index 1/36 differ") && failed.contains("medoid_index differs first at "
                + "[segment 0, 0]"), failed);
        assertTrue(r.out().contains("15 passed, 1 failed"), r.out());

        // a case whose file is missing fails with the file named; the others still run
        Files.delete(copy.resolve("random_fd2.safetensors"));
        CliRun.Result missing = CliRun.run("cluster", "--verify", copy.resolve("cases.json").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.out().contains("random_fd2.safetensors: no such file"), missing.out());
        assertTrue(missing.out().contains("14 passed, 2 failed"), missing.out());
    }

    @Test
    void aMissingFileIsBadInputAndAMissingOptionAUsageError() {
        CliRun.Result r = CliRun.run("cluster", "--verify", dir.resolve("none.json").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: " + dir.resolve("none.json") + ": no such file"), r.err());
        CliRun.Result usage = CliRun.run("cluster");
        assertEquals(2, usage.exit());
        assertTrue(usage.err().contains("Missing required option: '--verify=FILE'"), usage.err());
    }
}
