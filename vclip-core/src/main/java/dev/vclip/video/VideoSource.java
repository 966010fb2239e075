package dev.vclip.video;

import java.util.List;

/**
 * A decodable video: a file FFmpeg reads, a video inside a tar archive, or a folder of extracted frames.
 * Frames are addressed by index 0..frameCount-1 and come back as RGB, frame-exact: the frame asked for is the
 * frame returned, whatever the keyframe layout. Not thread-safe; one source per thread.
 */
public interface VideoSource extends AutoCloseable {

    VideoInfo info();

    /**
     * The frames at the given indices (any order, repeats allowed), returned in the order asked.
     * Throws {@link VideoException} naming the source when an index is out of range or decoding fails.
     */
    List<RgbFrame> read(int[] frameIndices);

    @Override
    void close();
}
