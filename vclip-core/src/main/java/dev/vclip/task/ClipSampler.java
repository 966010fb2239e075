package dev.vclip.task;

import dev.vclip.data.FrameCache;
import dev.vclip.video.ClipImageProcessor;
import dev.vclip.video.ClipTransforms;
import dev.vclip.video.RgbFrame;
import dev.vclip.video.Sampling;
import dev.vclip.video.VideoInfo;
import dev.vclip.video.VideoSource;
import dev.vclip.video.VideoSources;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a video into the pixel values a model takes: decode the sampled frames, resize the shortest edge to S and
 * crop S×S (the centre, or mmaction's three crops), normalise. Temporal views × crops give the clips of one video,
 * laid out [clips, frames, 3, S, S].
 *
 * <p>With a {@link FrameCache}, the resized and cropped uint8 frames are stored on first use and read back after.
 */
public final class ClipSampler {

    /** Pixel values of one video: [clips, frames, 3, size, size]. */
    public record Clips(int clips, int frames, int size, float[] pixels) {
    }

    /** Which frames of a video to take: views of frame indices, given its frame count and rate. */
    @FunctionalInterface
    public interface FrameViews {
        int[][] views(int frameCount, double fps);
    }

    private final FrameViews sampling;
    private final String samplingName;
    private final ClipImageProcessor processor;
    private final int crops;
    private final FrameCache cache;

    /**
     * @param sampling  which frames (temporal views)
     * @param imageSize the model's input size S
     * @param crops     1 (centre) or 3 (mmaction ThreeCrop)
     * @param cache     a frame cache, or null
     */
    public ClipSampler(Sampling sampling, int imageSize, int crops, FrameCache cache) {
        this(sampling::views, sampling.toString(), imageSize, crops, cache);
        if (cache != null && sampling instanceof Sampling.TsnRandom) {
            throw new IllegalArgumentException("random (TSN) sampling draws new frames every time: nothing to cache");
        }
    }

    /** A sampler for any frame plan (e.g. sliding windows); {@code name} describes it in cache keys and reports. */
    public ClipSampler(FrameViews sampling, String name, int imageSize, int crops, FrameCache cache) {
        if (crops != 1 && crops != 3) {
            throw new IllegalArgumentException("crops must be 1 or 3, not " + crops);
        }
        this.sampling = sampling;
        this.samplingName = name;
        this.processor = ClipImageProcessor.forImageSize(imageSize);
        this.crops = crops;
        this.cache = cache;
    }

    /** What this sampler does, for cache keys and reports. */
    public String describe() {
        return samplingName + " crops=" + crops + " size=" + processor.cropHeight();
    }

    /** Reads {@code spec}: a file, a frame folder or {@code archive.tar#member}. */
    public Clips read(String spec) {
        byte[] key = cache == null ? null : FrameCache.key(identityFile(spec), spec, describe());
        List<List<RgbFrame>> clips = key == null ? null : cache.get(key).orElse(null);
        if (clips == null) {
            clips = decode(spec);
            if (key != null) {
                cache.put(key, clips);
            }
        }
        return normalise(clips);
    }

    /** The resized, cropped uint8 clips of a video, before normalisation. */
    public List<List<RgbFrame>> decode(String spec) {
        List<List<RgbFrame>> clips = new ArrayList<>();
        try (VideoSource video = VideoSources.open(spec)) {
            VideoInfo info = video.info();
            for (int[] view : sampling.views(info.frameCount(), info.fps())) {
                List<RgbFrame> frames = video.read(view);
                if (crops == 1) {
                    clips.add(frames.stream().map(processor::resizeAndCrop).toList());
                } else {
                    clips.addAll(ClipTransforms.threeCrop(frames, processor.cropHeight()));
                }
            }
        }
        return clips;
    }

    private Clips normalise(List<List<RgbFrame>> clips) {
        int size = processor.cropHeight();
        int frames = clips.get(0).size();
        int perFrame = 3 * size * size;
        float[] pixels = new float[clips.size() * frames * perFrame];
        int offset = 0;
        for (List<RgbFrame> clip : clips) {
            if (clip.size() != frames) {
                throw new IllegalStateException("clips of one video differ in length: " + clip.size() + " vs " + frames);
            }
            for (RgbFrame f : clip) {
                offset += processor.normalize(f, pixels, offset);
            }
        }
        return new Clips(clips.size(), frames, size, pixels);
    }

    /** The file whose size and time identify a spec's content: the video, the frame folder or the tar archive. */
    static Path identityFile(String spec) {
        return VideoSources.tarMember(spec).map(VideoSources.TarMember::archive).orElse(Path.of(spec));
    }
}
