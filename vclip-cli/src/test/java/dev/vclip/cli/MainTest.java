package dev.vclip.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The process-wide settings {@link Main} makes, and only where the user made none. */
class MainTest {

    @Test
    void aMegabytePathInAnErrorIsCutInTheMiddle() {
        String path = "/videos/" + "a".repeat(1 << 20) + ".mp4";
        String shown = Main.shorten(path + ": no such file or folder");
        org.junit.jupiter.api.Assertions.assertTrue(shown.length() < 1000, "length " + shown.length());
        org.junit.jupiter.api.Assertions.assertTrue(shown.startsWith("/videos/aaa") && shown.endsWith(
                "aaa.mp4: no such file or folder") && shown.contains("characters left out"), shown);
        assertEquals("a.mp4: no such file", Main.shorten("a.mp4: no such file"));
    }

    @Test
    void libtorchGetsOneIntraOpThreadPerProcessorUnlessTheUserChose() {
        assertEquals("2", Main.torchThreads(null, null, 2));
        assertEquals("16", Main.torchThreads(null, "", 16));
        assertEquals("1", Main.torchThreads(null, null, 0));
        assertNull(Main.torchThreads("3", null, 2), "-Dai.djl.pytorch.num_threads wins");
        assertNull(Main.torchThreads(null, "1", 2), "OMP_NUM_THREADS wins (libtorch reads it itself)");
    }

    @Test
    void runningTheCommandLineSetsTheThreadPropertyOnlyWhenNeitherPropertyNorEnvironmentSaysSo() {
        String before = System.getProperty(Main.TORCH_THREADS);
        try {
            System.setProperty(Main.TORCH_THREADS, "3");
            Main.configureProcess();
            assertEquals("3", System.getProperty(Main.TORCH_THREADS));
            System.clearProperty(Main.TORCH_THREADS);
            Main.configureProcess();
            String expected = System.getenv("OMP_NUM_THREADS") == null || System.getenv("OMP_NUM_THREADS").isBlank()
                    ? Integer.toString(Runtime.getRuntime().availableProcessors()) : null;
            assertEquals(expected, System.getProperty(Main.TORCH_THREADS));
        } finally {
            if (before == null) {
                System.clearProperty(Main.TORCH_THREADS);
            } else {
                System.setProperty(Main.TORCH_THREADS, before);
            }
        }
    }
}
