package dev.vclip.verify;

import dev.vclip.TestResources;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessorCasesTest {

    /** Frames in the golden file (a copy of fixtures/processor/frames.safetensors in vclip-core's test resources). */
    private static final int FRAME_COUNT = 8;

    @Test
    void everyGoldenPasses() {
        ProcessorCases.Report report = ProcessorCases.verify(TestResources.path("processor/frames.safetensors"));
        List<ProcessorCases.Result> results = report.results();
        for (ProcessorCases.Result r : results) {
            System.out.printf(Locale.ROOT, "%-20s %-4s max |Δ| %-8s %s%n", r.name(), r.passed() ? "ok" : "FAIL",
                    r.maxAbsDiff(), r.detail());
        }
        System.out.println(report.summary());
        // 8 frames x 2 variants x (resized + pixel_values)
        assertEquals(4 * FRAME_COUNT, results.size());
        for (ProcessorCases.Result r : results) {
            assertTrue(r.passed(), r.name() + ": " + r.detail());
            assertTrue(r.maxAbsDiff() <= ProcessorCases.PIXEL_TOLERANCE, r.name() + ": " + r.maxAbsDiff());
        }
        assertEquals(4 * FRAME_COUNT + " passed, 0 failed", report.summary());
    }
}
