package dev.vclip;

import dev.vclip.data.synth.Action;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.task.ClipSampler;
import dev.vclip.task.VideoEncoder;
import dev.vclip.task.ZeroShot;
import dev.vclip.video.Sampling;
import dev.vclip.video.VideoException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's library example ("Library", first code block) runs as written: the bundled model
 * ({@code models/xclip-synth}) ranks the labels of a real synthetic video. The test's code is a copy of the README's;
 * {@link #theReadmeExampleIsTheCodeOfThisTest} fails when the two drift apart.
 */
class LibraryExampleTest {

    @TempDir
    static Path dir;

    /** A real video as {@code ./vclip synth} makes them: one clip of "moving left", 128×128, 24 frames, H.264. */
    static Path synthVideo;

    @BeforeAll
    static void makeVideo() {
        SynthConfig config = SynthConfig.of(SynthConfig.Size.SMALL).withSeed(1).withClasses(List.of(Action.MOVING_LEFT))
                .withClipsPerClass(1).withLongVideos(0, 60).withTar(false).withThreads(1);
        SyntheticDataset.generate(dir.resolve("synth"), config, false, null);
        synthVideo = dir.resolve("synth/videos/moving_left_000.mp4");
    }

    @Test
    void theReadmeExampleRanksFiveLabelsOfARealVideoWithTheBundledModel() {
        Path modelDir = TestResources.repositoryModel("xclip-synth");
        Path video = synthVideo;
        // From here to the end of the try block: the README's example, line for line (the checks excepted).
        List<String> labels = List.of("moving left", "moving right", "moving up", "moving down", "rotating clockwise",
                "rotating counter-clockwise", "growing", "shrinking", "appearing", "vanishing", "bouncing");
        try (VideoTextModel model = ModelFolder.load(modelDir)) {
            List<ZeroShot.Ranked> top5 = ZeroShot.classify(model, video, labels).subList(0, 5);
            for (ZeroShot.Ranked r : top5) {
                System.out.printf("%-28s %.3f%n", r.text(), r.probability());
            }
            // the checks, not in the README
            assertEquals(5, top5.size());
            assertEquals(5, new HashSet<>(top5.stream().map(ZeroShot.Ranked::text).toList()).size(), top5.toString());
            double sum = 0;
            for (int i = 0; i < top5.size(); i++) {
                ZeroShot.Ranked r = top5.get(i);
                assertEquals(labels.get(r.index()), r.text());
                assertTrue(r.probability() > 0 && r.probability() < 1, r.toString());
                if (i > 0) {
                    assertTrue(r.probability() <= top5.get(i - 1).probability(), top5.toString());
                }
                sum += r.probability();
            }
            assertTrue(sum <= 1 + 1e-9, "top-5 probabilities sum to " + sum);
            assertTrue(top5.get(0).probability() > 1.0 / labels.size(), top5.toString());
            // the bundled model's top-5 accuracy is 91 %; this clip's class is among its five (deterministic)
            assertTrue(top5.stream().anyMatch(r -> r.text().equals("moving left")), top5.toString());
        }
    }

    @Test
    void classifyWithAnEncoderOfOneOwnAveragesItsViewsAndSumsToOne() {
        List<String> labels = List.of("moving left", "moving right", "growing");
        try (VideoTextModel model = ModelFolder.load(TestResources.repositoryModel("xclip-synth"))) {
            ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(model.videoInput().frames(), 2),
                    model.videoInput().imageSize(), 3, null);
            List<ZeroShot.Ranked> ranked = ZeroShot.classify(model, new VideoEncoder(model, sampler, null, 2, 4),
                    synthVideo.toString(), labels);
            assertEquals(3, ranked.size());
            assertEquals(1.0, ranked.stream().mapToDouble(ZeroShot.Ranked::probability).sum(), 1e-6);
            assertTrue(ranked.get(0).probability() >= ranked.get(1).probability());
        }
    }

    @Test
    void aVideoThatCannotBeDecodedIsAVideoExceptionNamingIt() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.mp4"), "not a video");
        try (VideoTextModel model = ModelFolder.load(TestResources.repositoryModel("xclip-synth"))) {
            VideoException e = assertThrows(VideoException.class,
                    () -> ZeroShot.classify(model, broken, List.of("moving left")));
            assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
        }
    }

    /**
     * Every line of the README's first Library code block is in this file, in the same order: the imports, then the
     * example's body. The two {@code Path} lines are compared up to their {@code =}: the test finds the model and
     * the video in its own way.
     */
    @Test
    void theReadmeExampleIsTheCodeOfThisTest() throws IOException {
        Path root = TestResources.repositoryModel("xclip-synth").getParent().getParent();
        String readme = Files.readString(root.resolve("README.md"));
        int library = readme.indexOf("\n## Library\n");
        assertTrue(library >= 0, "README.md has no '## Library' section");
        int start = readme.indexOf("```java\n", library);
        int end = readme.indexOf("```", start + 7);
        assertTrue(start >= 0 && end > start, "no java code block under '## Library'");
        List<String> wanted = new ArrayList<>();
        for (String line : readme.substring(start + 8, end).split("\n")) {
            String code = line.strip();
            if (code.isEmpty()) {
                continue;
            }
            wanted.add(code.startsWith("Path ") ? code.substring(0, code.indexOf('=') + 1) : code);
        }
        assertTrue(wanted.size() > 10, "README example: " + wanted);

        Path self = root.resolve("vclip-core/src/test/java/dev/vclip/LibraryExampleTest.java");
        List<String> mine = Files.readAllLines(self).stream().map(String::strip).toList();
        int at = 0;
        for (String line : wanted) {
            while (at < mine.size() && !sameCode(mine.get(at), line)) {
                at++;
            }
            assertTrue(at < mine.size(), "README.md's library example has '" + line + "', which " + self.getFileName()
                    + " lacks (or has out of order): copy the README's code into the test, or the test's into the "
                    + "README");
            at++;
        }
    }

    /** A line of this file against one of the README's (a {@code Path} line only up to its {@code =}). */
    private static boolean sameCode(String mine, String readme) {
        return readme.endsWith("=") ? mine.startsWith(readme) : mine.equals(readme);
    }
}
