package dev.vclip.model;

/**
 * What video input a model takes: how many frames per clip and what square size, so that callers sample and
 * pre-process without knowing the family.
 *
 * @param frames      frames per clip the model expects (fixed) or is usually given (any)
 * @param fixedFrames true when the model takes exactly {@code frames} (X-CLIP's MIT has one position per frame)
 * @param imageSize   the side S of the [3, S, S] frames
 */
public record VideoInput(int frames, boolean fixedFrames, int imageSize) {

    public static VideoInput fixedFrames(int frames, int imageSize) {
        return new VideoInput(frames, true, imageSize);
    }

    public static VideoInput anyFrames(int defaultFrames, int imageSize) {
        return new VideoInput(defaultFrames, false, imageSize);
    }

    /**
     * The frames to sample when a user asked for {@code requested} (null: the model's choice).
     *
     * @throws ConfigException when the model takes a fixed count and {@code requested} differs
     */
    public int framesFor(Integer requested) {
        if (requested == null) {
            return frames;
        }
        if (fixedFrames && requested != frames) {
            throw new ConfigException("this model takes exactly " + frames + " frames per clip, not " + requested);
        }
        return requested;
    }
}
