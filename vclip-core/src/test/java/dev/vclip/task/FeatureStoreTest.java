package dev.vclip.task;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Stored video encodings: a round trip, and damaged values read as misses, never as huge allocations. */
class FeatureStoreTest {

    @Test
    void anEncodingRoundTrips() {
        Random r = new Random(1);
        float[] features = new float[2 * 4];
        float[] context = new float[2 * 3 * 4];
        for (int i = 0; i < features.length; i++) {
            features[i] = r.nextFloat();
        }
        for (int i = 0; i < context.length; i++) {
            context[i] = r.nextFloat();
        }
        VideoEncoder.Encoded back = FeatureStore.decode(FeatureStore.encode(
                new VideoEncoder.Encoded(2, 4, features, 3, context)));
        assertEquals(2, back.clips());
        assertArrayEquals(features, back.features());
        assertArrayEquals(context, back.context());
    }

    @Test
    void aValueWhoseSizesDoNotMatchItsLengthIsAMiss() {
        assertNull(FeatureStore.decode(ByteBuffer.allocate(12).putInt(100000).putInt(100000).putInt(50).array()));
        assertNull(FeatureStore.decode(new byte[5]));
        byte[] good = FeatureStore.encode(new VideoEncoder.Encoded(1, 2, new float[] {1, 2}, 0, null));
        assertNull(FeatureStore.decode(Arrays.copyOf(good, good.length - 4)));
        Random r = new Random(3);
        byte[] noise = new byte[64];
        for (int i = 0; i < 200; i++) {
            r.nextBytes(noise);
            VideoEncoder.Encoded e = FeatureStore.decode(noise);
            if (e != null) {
                assertEquals(noise.length, 12 + 4 * (e.features().length + (e.context() == null ? 0
                        : e.context().length)));
            }
        }
    }
}
