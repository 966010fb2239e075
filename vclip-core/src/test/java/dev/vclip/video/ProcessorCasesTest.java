package dev.vclip.video;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessorCasesTest {

    @Test
    void everyGoldenPasses() {
        List<ProcessorCases.Result> results = ProcessorCases.verify(FramesFixture.path());
        for (ProcessorCases.Result r : results) {
            System.out.printf(Locale.ROOT, "%-20s %-4s max |Δ| %-8s %s%n", r.name(), r.passed() ? "ok" : "FAIL",
                    r.maxAbsDiff(), r.detail());
        }
        System.out.println(ProcessorCases.summary(results));
        // 8 frames x 2 variants x (resized + pixel_values)
        assertEquals(4 * FramesFixture.FRAME_COUNT, results.size());
        for (ProcessorCases.Result r : results) {
            assertTrue(r.passed(), r.name() + ": " + r.detail());
            assertTrue(r.maxAbsDiff() <= ProcessorCases.PIXEL_TOLERANCE, r.name() + ": " + r.maxAbsDiff());
        }
        assertEquals(4 * FramesFixture.FRAME_COUNT + " passed, 0 failed", ProcessorCases.summary(results));
    }
}
