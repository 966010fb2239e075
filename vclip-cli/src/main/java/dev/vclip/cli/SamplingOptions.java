package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.model.VideoInput;
import dev.vclip.video.Sampling;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --sampling} and its settings: which frames of each video the model sees. {@code middle} is what every
 * command samples (X-CLIP's test frames); {@code clip4clip} and {@code centerclip} are the evaluation frames of
 * CLIP4Clip and CenterCLIP ({@link Sampling.Clip4ClipFrames}, {@link Sampling.CenterClipFrames}).
 */
final class SamplingOptions {

    enum Strategy { middle, clip4clip, centerclip }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--sampling", paramLabel = "NAME", description = "frames of each video: middle (the middles of"
            + " --num-frames equal segments, X-CLIP's test frames), clip4clip (CLIP4Clip: the first frame of every"
            + " second, at most --num-frames of them, cut by --slice-framepos; short videos give fewer frames), or"
            + " centerclip (CenterCLIP: the middles of --num-frames segments of the video as given, which CenterCLIP"
            + " re-encodes at 3 fps; short videos give all their frames); default ${DEFAULT-VALUE}")
    Strategy strategy = Strategy.middle;

    @Option(names = "--slice-framepos", paramLabel = "0|1|2", converter = SlicePos.class,
            description = "clip4clip: which --num-frames frames of a longer video are kept: 0 the first, 1 the last,"
                    + " 2 spread uniformly (default: 2, as CLIP4Clip's scripts)")
    Integer slicePos;

    @Option(names = "--frame-rate", paramLabel = "N", converter = Checks.AtLeastZero.class,
            description = "clip4clip: frames read per second, 0 for every frame (CLIP4Clip's --feature_framerate;"
                    + " default 1)")
    Integer frameRate;

    @Option(names = "--end-second", paramLabel = "S", converter = Checks.AtLeastOne.class,
            description = "clip4clip, centerclip: read each video up to second S only (their DiDeMo loaders use 31;"
                    + " default: the whole video)")
    Integer endSecond;

    /** {@code 0}, {@code 1} or {@code 2}. */
    static final class SlicePos implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = Checks.wholeNumber(value);
            if (n < 0 || n > 2) {
                throw new TypeConversionException("must be 0 (first), 1 (last) or 2 (uniform), not " + n);
            }
            return n;
        }
    }

    /**
     * The sampling these options name, for a model taking {@code input} and {@code frames} frames per clip (the
     * cap of clip4clip and centerclip).
     *
     * @throws ParameterException (exit 2) for settings of another strategy, or clip4clip with a model that takes a
     *                            fixed number of frames
     */
    Sampling sampling(VideoInput input, int frames) {
        if (strategy != Strategy.clip4clip && (slicePos != null || frameRate != null)) {
            throw usage((slicePos != null ? "--slice-framepos" : "--frame-rate") + " is a setting of --sampling"
                    + " clip4clip, not " + strategy);
        }
        if (strategy == Strategy.middle && endSecond != null) {
            throw usage("--end-second is a setting of --sampling clip4clip or centerclip, not middle");
        }
        int end = endSecond == null ? 0 : endSecond;
        return switch (strategy) {
            case middle -> new Sampling.SegmentMiddle(frames, 1);
            case clip4clip -> {
                if (input.fixedFrames()) {
                    throw usage("--sampling clip4clip gives each video as many frames as it has seconds (up to "
                            + frames + "), but this model takes exactly " + input.frames() + " frames per clip; use"
                            + " middle or centerclip");
                }
                yield new Sampling.Clip4ClipFrames(frameRate == null ? 1 : frameRate, frames,
                        Sampling.FrameSlice.ofCode(slicePos == null ? 2 : slicePos), end);
            }
            // a model that takes a fixed count gets the reference's index list, the last frame repeated
            case centerclip -> new Sampling.CenterClipFrames(frames, input.fixedFrames(), end);
        };
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
