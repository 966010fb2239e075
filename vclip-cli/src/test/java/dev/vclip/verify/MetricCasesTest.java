package dev.vclip.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of every section of the golden metric cases (a copy of shared/fixtures/metrics/cases.json). */
class MetricCasesTest {

    private static final String RESOURCE = "/metrics/cases.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    static MetricCases.CaseFile fixture() {
        try (InputStream in = MetricCasesTest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test class path");
            }
            return MetricCases.read(in, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> fixtureCases() {
        return fixture().cases().stream().map(c -> Arguments.of(Named.of(c.displayName(), c)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureCases")
    void matchesTheReference(MetricCases.Case fixtureCase) {
        MetricCases.CaseResult result = MetricCases.check(fixtureCase, fixture().tolerance());
        assertTrue(result.passed(), () -> fixtureCase.displayName() + ": " + result.message());
    }

    @Test
    void theFixtureIsReadCompletelyWithItsOwnTolerance() {
        MetricCases.CaseFile file = fixture();
        assertEquals(new MetricCases.Tolerance(1e-9, 1e-12), file.tolerance());
        Map<String, Integer> perSection = new LinkedHashMap<>();
        file.cases().forEach(c -> perSection.merge(c.section(), 1, Integer::sum));
        assertEquals(Map.of("retrieval", 9, "classification", 4, "localisation_frames", 5, "detection_map", 4,
                "moment_retrieval", 2, "proposals_our_convention", 2, "base_to_novel_hm", 5), perSection);
        assertEquals(MetricCases.SECTIONS, List.copyOf(perSection.keySet()));
        assertEquals(List.of("vifi_clip_split_facts"),
                file.notChecked().stream().map(MetricCases.NotChecked::section).toList());
        MetricCases.Report report = MetricCases.verify(file);
        assertEquals("31 passed, 0 failed", report.summary());
    }

    @Test
    void anUnknownSectionIsReportedAsNotChecked(@TempDir Path dir) throws IOException {
        ObjectNode root = fixtureJson();
        root.putArray("highlight_detection").addObject().put("name", "x");
        MetricCases.Report report = MetricCases.verify(write(dir, root));
        assertEquals(0, report.failed());
        assertTrue(report.notChecked().contains(new MetricCases.NotChecked("highlight_detection", "unknown section")),
                report.notChecked().toString());
    }

    @Test
    void aChangedValueFailsAndNamesWhere(@TempDir Path dir) throws IOException {
        ObjectNode root = fixtureJson();
        ObjectNode t2v = (ObjectNode) root.get("retrieval").get(1).get("expected").get("t2v");
        ((ArrayNode) t2v.get("ranks")).set(3, 3);
        ObjectNode localisation = (ObjectNode) root.get("localisation_frames").get(0).get("expected");
        localisation.put("macro_AP", localisation.get("macro_AP").doubleValue() * (1 + 1e-8));
        MetricCases.Report report = MetricCases.verify(write(dir, root));
        assertEquals("29 passed, 2 failed", report.summary());
        List<MetricCases.CaseResult> failures = report.failures();
        assertEquals("[retrieval] single_ties", failures.get(0).displayName());
        assertEquals("expected.t2v.ranks[3]: got 2, want 3", failures.get(0).message());
        assertTrue(failures.get(1).message().startsWith("expected.macro_AP: got 0.9502793778801842"),
                failures.get(1).message());
    }

    @Test
    void anOutputTheCheckerDoesNotComputeFailsTheCase(@TempDir Path dir) throws IOException {
        ObjectNode root = fixtureJson();
        ((ObjectNode) root.get("classification").get(0).get("expected")).put("top3", 75.0);
        MetricCases.Report report = MetricCases.verify(write(dir, root));
        assertEquals(1, report.failed());
        assertEquals("expected: outputs [top3] are not computed by this checker", report.failures().get(0).message());
    }

    @Test
    void theWindowStartsOfTheFileAreChecked(@TempDir Path dir) throws IOException {
        ObjectNode root = fixtureJson();
        ObjectNode item = (ObjectNode) root.get("localisation_frames").get(2).get("items").get(1);
        item.put("video_frames", 111);
        MetricCases.Report report = MetricCases.verify(write(dir, root));
        assertEquals(1, report.failed());
        assertEquals("items[1].window_starts: got 12 values, want 11", report.failures().get(0).message());
    }

    @Test
    void badInputIsAFailedCaseNotACrash(@TempDir Path dir) throws IOException {
        ObjectNode root = fixtureJson();
        ((ObjectNode) root.get("retrieval").get(4)).remove("sim");
        MetricCases.Report report = MetricCases.verify(write(dir, root));
        assertEquals(1, report.failed());
        assertEquals("error: missing input 'sim'", report.failures().get(0).message());
    }

    @Test
    void otherFormatVersionsAreRejected(@TempDir Path dir) throws IOException {
        ObjectNode root = fixtureJson();
        root.put("format_version", 2);
        Path file = write(dir, root);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> MetricCases.read(file));
        assertTrue(error.getMessage().contains("format_version 2 is not supported"), error.getMessage());
        assertFalse(MetricCases.DEFAULT_TOLERANCE.accepts(1.0 + 2e-9, 1.0));
        assertTrue(MetricCases.DEFAULT_TOLERANCE.accepts(1.0 + 0.5e-9, 1.0));
        assertTrue(MetricCases.DEFAULT_TOLERANCE.accepts(1e-13, 0.0));
        assertFalse(MetricCases.DEFAULT_TOLERANCE.accepts(1e-11, 0.0));
    }

    private static ObjectNode fixtureJson() throws IOException {
        try (InputStream in = MetricCasesTest.class.getResourceAsStream(RESOURCE)) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    private static Path write(Path dir, ObjectNode root) throws IOException {
        Path file = dir.resolve("cases.json");
        Files.writeString(file, JSON.writeValueAsString(root));
        return file;
    }
}
