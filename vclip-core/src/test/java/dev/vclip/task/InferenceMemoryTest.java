package dev.vclip.task;

import dev.vclip.NativeMemory;
import dev.vclip.TestResources;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.video.ClipImageProcessor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A soak of the bundled model at default settings: thousands of video encodings and text encodings keep native
 * memory flat (every NDArray lives in a sub-manager closed after its call). A leaked clip tensor of this model is
 * about 400 KB, so 1,800 leaks would be about 700 MB against a bound of 40 MB.
 */
class InferenceMemoryTest {

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void thousandsOfEncodingsKeepNativeMemoryFlat() {
        try (VideoTextModel model = ModelFolder.load(TestResources.repositoryModel("xclip-synth"))) {
            int frames = model.videoInput().frames();
            int size = ClipImageProcessor.forImageSize(model.config().vision().imageSize()).cropHeight();
            float[] pixels = new float[frames * 3 * size * size];
            Random r = new Random(4);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) r.nextGaussian();
            }
            ClipSampler.Clips clips = new ClipSampler.Clips(1, frames, size, pixels);
            VideoEncoder encoder = new VideoEncoder(model, null, null, 1, 1);
            VideoEncoder.Encoded first = encoder.encodeClips(clips);
            int warmup = 200;
            int rounds = 2000;
            List<Long> samples = new java.util.ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                VideoEncoder.Encoded e = encoder.encodeClips(clips);
                assertEquals(first.features()[0], e.features()[0], 1e-5f);
                if (i % 20 == 0) {
                    Scoring.textFeatures(model, List.of("a red circle moving left " + i % 7));
                }
                if (i >= warmup && i % 100 == 0) {
                    samples.add(NativeMemory.inUse());
                }
            }
            assertTrue(samples.stream().allMatch(v -> v > 0), "native memory measurable here");
            // glibc's in-use count swings by +-20 MB from call to call (libtorch's per-thread buffers), so the
            // median of the first third of the samples is compared with the median of the last third
            int third = samples.size() / 3;
            long early = median(samples.subList(0, third));
            long late = median(samples.subList(samples.size() - third, samples.size()));
            long growth = late - early;
            System.out.printf("InferenceMemoryTest: %s median %.1f MB early, %.1f MB late (%+.2f MB over %d "
                    + "encodings)%n", NativeMemory.measure(), early / 1048576.0, late / 1048576.0,
                    growth / 1048576.0, rounds - warmup);
            long bound = NativeMemory.exact() ? 40L << 20 : 128L << 20;
            assertTrue(growth < bound, NativeMemory.measure() + " grew by " + (growth >> 20) + " MB over "
                    + (rounds - warmup) + " encodings");
        }
    }
}
