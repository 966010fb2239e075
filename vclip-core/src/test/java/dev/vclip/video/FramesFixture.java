package dev.vclip.video;

import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.TensorFile;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The golden frames file, a copy of fixtures/processor/frames.safetensors in the test resources. */
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
}
