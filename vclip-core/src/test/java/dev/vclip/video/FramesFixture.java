package dev.vclip.video;

import dev.vclip.weights.DType;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The golden frames file, a copy of fixtures/processor/frames.safetensors in the test resources. (The whole file is
 * checked by {@code dev.vclip.verify.ProcessorCases}, {@code vclip preprocess --verify}, in vclip-cli.)
 */
final class FramesFixture {
    static final int FRAME_COUNT = 8;

    private FramesFixture() {
    }

    static Path path() {
        URL url = FramesFixture.class.getResource("/processor/frames.safetensors");
        if (url == null) {
            throw new IllegalStateException("test resource processor/frames.safetensors is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TensorFile open() {
        return SafeTensors.open(path());
    }

    /** A U8 [H, W, 3] tensor of the file ({@code frame_i}, {@code resized_i}) as a frame. */
    static RgbFrame frame(StoredTensor t) {
        long[] s = t.shape();
        if (t.dtype() != DType.U8 || s.length != 3 || s[2] != 3) {
            throw new IllegalArgumentException(t.name() + " is not U8 [H, W, 3]");
        }
        byte[] rgb = new byte[Math.toIntExact(t.byteSize())];
        t.data().duplicate().get(rgb);
        return new RgbFrame(Math.toIntExact(s[1]), Math.toIntExact(s[0]), rgb);
    }
}
