package dev.vclip.cli.base;

import dev.vclip.task.ClipSampler;
import dev.vclip.task.Localisation;
import picocli.CommandLine.Option;

/** {@code --window} and {@code --stride}: the sliding windows localisation scores a long video in. */
public final class WindowOptions {

    @Option(names = "--window", paramLabel = "FRAMES", converter = Checks.AtLeastOne.class,
            description = "window length in frames (default: ${DEFAULT-VALUE})")
    int window = Localisation.DEFAULT_WINDOW;

    @Option(names = "--stride", paramLabel = "FRAMES", converter = Checks.AtLeastOne.class,
            description = "window stride in frames (default: ${DEFAULT-VALUE})")
    int stride = Localisation.DEFAULT_STRIDE;

    public int window() {
        return window;
    }

    public int stride() {
        return stride;
    }

    /** The windows of {@code frames} frames each, as {@code size}-pixel views ({@link Localisation#windowSampler}). */
    public ClipSampler sampler(int frames, int size) {
        return Localisation.windowSampler(frames, window, stride, size);
    }
}
