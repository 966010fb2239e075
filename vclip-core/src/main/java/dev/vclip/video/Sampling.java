package dev.vclip.video;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Frame sampling strategies: which frame indices of a video a model sees. Each strategy is a record (so it can be
 * named, printed and passed around) backed by a pure static function of the frame count (and frame rate), with
 * the arithmetic of the reference code it reproduces.
 *
 * <p>References (clip_len = 1, frame_interval = 1 throughout, as the CLIP-family video models use them):
 * <ul>
 *   <li>X-CLIP / ViFi-CLIP {@code datasets/pipeline.py}, class {@code SampleFrames}, copied from mmaction2:
 *       {@code _get_test_clips} (test mode), {@code _get_train_clips} (training), and the
 *       {@code out_of_bound_opt='loop'} wrap {@code frame_inds % total_frames}. {@code datasets/build.py} uses
 *       {@code SampleFrames(clip_len=1, frame_interval=1, num_clips=DATA.NUM_FRAMES, test_mode=True)} for
 *       validation and {@code start_index=0} for videos.</li>
 *   <li>CenterCLIP {@code preprocess/compress_video.py} ({@code ffmpeg -r 3}: videos re-encoded at 3 fps) and
 *       {@code dataloaders/sampling.py::uniform_sampling} (test-time subsampling to {@code max_frames}),
 *       {@code dataloaders/decode.py::RawVideoExtractorpyAV.get_video_data} ({@link CenterClipFrames});</li>
 *   <li>CLIP4Clip {@code dataloaders/rawvideo_util.py::RawVideoExtractorCV2.video_to_tensor} (the first frames of
 *       every second) and the {@code slice_framepos} cut of its {@code dataloader_*_retrieval.py}
 *       ({@link Clip4ClipFrames}).</li>
 * </ul>
 *
 * <p>{@link Clip4ClipFrames} and {@link CenterClipFrames} give a short video fewer than {@code max_frames} frames:
 * the references pad with zeros (or repeat the last frame) and mask the padding out, which for a model that takes
 * any number of frames is the same as feeding the real frames alone.
 */
public sealed interface Sampling
        permits Sampling.SegmentMiddle, Sampling.TsnRandom, Sampling.FixedFps, Sampling.FrameRange,
        Sampling.Clip4ClipFrames, Sampling.CenterClipFrames {

    /** Short name, as the command line spells it. */
    String name();

    /**
     * The sampled frame indices, one row per temporal view (most strategies have one view).
     *
     * @param frameCount number of frames in the video, at least 1
     * @param fps        the video's frame rate (only {@link FixedFps} uses it)
     */
    int[][] views(int frameCount, double fps);

    /** All views concatenated, view after view (X-CLIP's {@code frame_inds} layout). */
    default int[] indices(int frameCount, double fps) {
        int[][] v = views(frameCount, fps);
        return Arrays.stream(v).flatMapToInt(Arrays::stream).toArray();
    }

    // ------------------------------------------------------------------------------------------------ strategies

    /**
     * X-CLIP / ViFi-CLIP test sampling: {@code numSegments} equal segments, the middle frame of each
     * ({@link #segmentMiddle(int, int, int)}), with {@code numClips} deterministic temporal views.
     */
    record SegmentMiddle(int numSegments, int numClips) implements Sampling {
        public SegmentMiddle {
            positive(numSegments, "numSegments");
            positive(numClips, "numClips");
        }

        @Override
        public String name() {
            return "middle";
        }

        @Override
        public int[][] views(int frameCount, double fps) {
            return segmentMiddle(frameCount, numSegments, numClips);
        }
    }

    /**
     * TSN-style training sampling: a random frame in each of {@code numSegments} segments
     * ({@link #tsnRandom(int, int, Random)}); {@code numViews > 1} draws independent views, which is what X-CLIP
     * evaluates with when {@code TEST.NUM_CLIP > 1} ({@link #tsnRandomViews}).
     */
    record TsnRandom(int numSegments, int numViews, Random random) implements Sampling {
        public TsnRandom {
            positive(numSegments, "numSegments");
            positive(numViews, "numViews");
            Objects.requireNonNull(random, "random");
        }

        /** One view, drawn from a generator seeded with {@code seed}. */
        public TsnRandom(int numSegments, long seed) {
            this(numSegments, 1, new Random(seed));
        }

        @Override
        public String name() {
            return "tsn";
        }

        @Override
        public int[][] views(int frameCount, double fps) {
            return tsnRandomViews(frameCount, numSegments, numViews, random);
        }
    }

    /** Frames at a fixed rate, capped at {@code maxFrames} ({@link #fixedFps(int, double, double, int)}). */
    record FixedFps(double targetFps, int maxFrames) implements Sampling {
        public FixedFps {
            if (!(targetFps > 0) || Double.isInfinite(targetFps)) {
                throw new IllegalArgumentException("targetFps must be positive, got " + targetFps);
            }
            positive(maxFrames, "maxFrames");
        }

        @Override
        public String name() {
            return "fps";
        }

        @Override
        public int[][] views(int frameCount, double fps) {
            return new int[][] {fixedFps(frameCount, fps, targetFps, maxFrames)};
        }
    }

    /**
     * {@code numFrames} segment-middle frames inside {@code [start, endExclusive)} ({@link #frameRange}); the
     * range is clipped to the video.
     */
    record FrameRange(int start, int endExclusive, int numFrames) implements Sampling {
        public FrameRange {
            if (start < 0 || endExclusive <= start) {
                throw new IllegalArgumentException("need 0 <= start < end, got [" + start + ", " + endExclusive + ")");
            }
            positive(numFrames, "numFrames");
        }

        @Override
        public String name() {
            return "range";
        }

        @Override
        public int[][] views(int frameCount, double fps) {
            checkFrameCount(frameCount);
            if (start >= frameCount) {
                throw new IllegalArgumentException("range [" + start + ", " + endExclusive + ") starts after the last"
                        + " frame (" + (frameCount - 1) + ")");
            }
            return new int[][] {frameRange(start, Math.min(endExclusive, frameCount), numFrames)};
        }
    }

    /**
     * CLIP4Clip's {@code slice_framepos}: which {@code max_frames} of a longer frame list are kept ({@code 0}: the
     * first, {@code 1}: the last, {@code 2}: spread uniformly, the setting of every script in its README).
     */
    enum FrameSlice {
        HEAD, TAIL, UNIFORM;

        /** The number CLIP4Clip's {@code --slice_framepos} takes. */
        public int code() {
            return ordinal();
        }

        /** The slice for {@code --slice_framepos code}. */
        public static FrameSlice ofCode(int code) {
            if (code < 0 || code > 2) {
                throw new IllegalArgumentException("slice_framepos must be 0 (head), 1 (tail) or 2 (uniform), not "
                        + code);
            }
            return values()[code];
        }
    }

    /**
     * CLIP4Clip's evaluation frames ({@link #clip4clipFrames}): {@code frameRate} frames of every second (the first
     * of each second at the default 1), at most {@code maxFrames} of them, cut by {@code slice}; {@code endSecond}
     * stops after that second (CLIP4Clip reads DiDeMo videos up to second 31), 0 reads the whole video.
     */
    record Clip4ClipFrames(int frameRate, int maxFrames, FrameSlice slice, int endSecond) implements Sampling {
        public Clip4ClipFrames {
            if (frameRate < 0) {
                throw new IllegalArgumentException("frameRate must be 0 (every frame) or more, got " + frameRate);
            }
            positive(maxFrames, "maxFrames");
            Objects.requireNonNull(slice, "slice");
            if (endSecond < 0) {
                throw new IllegalArgumentException("endSecond must be 0 (the whole video) or more, got " + endSecond);
            }
        }

        /** One frame per second of the whole video, as CLIP4Clip's scripts run it ({@code --feature_framerate 1}). */
        public Clip4ClipFrames(int maxFrames, FrameSlice slice) {
            this(1, maxFrames, slice, 0);
        }

        @Override
        public String name() {
            return "clip4clip";
        }

        @Override
        public int[][] views(int frameCount, double fps) {
            return new int[][] {clip4clipFrames(frameCount, fps, frameRate, maxFrames, slice, endSecond)};
        }
    }

    /**
     * CenterCLIP's evaluation frames ({@link #centerClipFrames}): the segment middles of {@code maxFrames} equal
     * segments of the video as given (CenterCLIP gives it videos re-encoded at 3 fps); a shorter video gives all its
     * frames, and with {@code repeatLast} its last frame again up to {@code maxFrames}, as the reference's index list
     * does (for a model that takes exactly {@code maxFrames}). {@code endSecond} > 0 keeps the frames up to that
     * second (CenterCLIP's DiDeMo loader passes 31).
     */
    record CenterClipFrames(int maxFrames, boolean repeatLast, int endSecond) implements Sampling {
        public CenterClipFrames {
            positive(maxFrames, "maxFrames");
            if (endSecond < 0) {
                throw new IllegalArgumentException("endSecond must be 0 (the whole video) or more, got " + endSecond);
            }
        }

        /** The whole video, short videos unpadded. */
        public CenterClipFrames(int maxFrames) {
            this(maxFrames, false, 0);
        }

        @Override
        public String name() {
            return "centerclip";
        }

        @Override
        public int[][] views(int frameCount, double fps) {
            return new int[][] {centerClipFrames(frameCount, fps, maxFrames, repeatLast, endSecond)};
        }
    }

    /** A window of consecutive frames {@code [start, endExclusive)}. */
    record Window(int start, int endExclusive) {
        public Window {
            if (start < 0 || endExclusive <= start) {
                throw new IllegalArgumentException("bad window [" + start + ", " + endExclusive + ")");
            }
        }

        public int length() {
            return endExclusive - start;
        }

        /** start, start + 1, ..., endExclusive - 1. */
        public int[] indices() {
            int[] out = new int[length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = start + i;
            }
            return out;
        }
    }

    // ------------------------------------------------------------------------------------------------ functions

    /**
     * X-CLIP / ViFi-CLIP test-time sampling, {@code SampleFrames._get_test_clips} with clip_len = 1,
     * frame_interval = 1, twice_sample = False:
     * <pre>
     *   avg_interval = (total_frames - 1 + 1) / float(num_clips)        # num_clips there = T segments here
     *   base_offsets = np.arange(num_clips) * avg_interval
     *   clip_offsets = (base_offsets + avg_interval / 2.0).astype(int)  # truncation
     *   frame_inds   = clip_offsets % total_frames                       # out_of_bound_opt='loop'
     * </pre>
     * i.e. the middle frame of each of T equal segments. A video shorter than T gives repeated indices
     * (e.g. 3 frames, T = 8: 0 0 0 1 1 2 2 2), exactly as the reference does (its {@code total_frames > 0} branch
     * always applies when clip_len = 1; the wrap never triggers because every offset is below total_frames).
     *
     * <p>{@code numClips > 1} (several temporal views, {@code TEST.NUM_CLIP}): view {@code v} uses the offset
     * {@code avg_interval * (2v + 1) / (2 * numClips)} inside each segment instead of {@code avg_interval / 2}, so
     * the views are evenly spaced and view 0 of 1 is exactly the reference above. Note that X-CLIP itself does
     * <em>not</em> do this: with {@code TEST.NUM_CLIP > 1} its {@code build.py} switches to
     * {@code SampleFrames(..., multiview=NUM_CLIP)} without test_mode, i.e. NUM_CLIP independent random training
     * samples; {@link #tsnRandomViews} reproduces that.
     *
     * @return {@code int[numClips][numSegments]}
     */
    static int[][] segmentMiddle(int frameCount, int numSegments, int numClips) {
        checkFrameCount(frameCount);
        positive(numSegments, "numSegments");
        positive(numClips, "numClips");
        double avgInterval = frameCount / (double) numSegments;
        int[][] out = new int[numClips][numSegments];
        for (int v = 0; v < numClips; v++) {
            // For numClips = 1 this is avgInterval * 1 / 2.0 == avgInterval / 2.0 exactly (division by 2 is exact).
            double shift = avgInterval * (2 * v + 1) / (2.0 * numClips);
            for (int k = 0; k < numSegments; k++) {
                double offset = k * avgInterval + shift; // np.arange(n) * avg, then + shift, in float64
                out[v][k] = Math.floorMod((int) offset, frameCount); // astype(int) truncates; then % total_frames
            }
        }
        return out;
    }

    /** One view of {@link #segmentMiddle(int, int, int)}: the X-CLIP test frames. */
    static int[] segmentMiddle(int frameCount, int numSegments) {
        return segmentMiddle(frameCount, numSegments, 1)[0];
    }

    /**
     * X-CLIP / mmaction2 training sampling, {@code SampleFrames._get_train_clips} with clip_len = 1:
     * <pre>
     *   avg_interval = (num_frames - 1 + 1) // num_clips
     *   if avg_interval > 0:   offsets = arange(num_clips) * avg_interval + randint(avg_interval, size=num_clips)
     *   elif num_frames > max(num_clips, 1): offsets = sort(randint(num_frames, size=num_clips))   # unreachable
     *   elif avg_interval == 0: offsets = around(arange(num_clips) * (num_frames / num_clips))
     *   frame_inds = offsets % total_frames
     * </pre>
     * The middle branch cannot be taken with clip_len = 1 ({@code avg_interval == 0} means
     * {@code num_frames < num_clips}); the last branch rounds half to even like {@code np.around}. The random
     * numbers come from {@code random} ({@link Random#nextInt(int)} per segment), so the draw is reproducible for a
     * seed but is not numpy's stream.
     */
    static int[] tsnRandom(int frameCount, int numSegments, Random random) {
        checkFrameCount(frameCount);
        positive(numSegments, "numSegments");
        Objects.requireNonNull(random, "random");
        int avgInterval = frameCount / numSegments;
        int[] out = new int[numSegments];
        if (avgInterval > 0) {
            for (int k = 0; k < numSegments; k++) {
                out[k] = k * avgInterval + random.nextInt(avgInterval);
            }
        } else {
            double ratio = frameCount / (double) numSegments;
            for (int k = 0; k < numSegments; k++) {
                out[k] = Math.floorMod((int) Math.rint(k * ratio), frameCount);
            }
        }
        return out;
    }

    /**
     * {@code numViews} independent {@link #tsnRandom} draws: X-CLIP's evaluation with {@code TEST.NUM_CLIP > 1}
     * ({@code SampleFrames(multiview=NUM_CLIP)}, which concatenates NUM_CLIP calls of {@code _get_train_clips}).
     */
    static int[][] tsnRandomViews(int frameCount, int numSegments, int numViews, Random random) {
        positive(numViews, "numViews");
        int[][] out = new int[numViews][];
        for (int v = 0; v < numViews; v++) {
            out[v] = tsnRandom(frameCount, numSegments, random);
        }
        return out;
    }

    /**
     * Frames at {@code targetFps}, at most {@code maxFrames} of them.
     *
     * <p>Step 1, the rate: the frames FFmpeg's {@code fps} filter keeps (default {@code round=near}) on a
     * constant-rate source whose first frame is at time 0. Each source frame {@code i} is given the output slot
     * {@code round(i * targetFps / sourceFps)} (halves away from zero), and slot {@code k} shows the <em>last</em>
     * source frame assigned to a slot {@code <= k}: {@code i_k = ceil((k + 0.5) * sourceFps / targetFps) - 1}, for
     * every {@code k} with {@code i_k < frameCount}. For 30 -> 3 fps that is 4, 14, 24, ... (not 0, 10, 20): the
     * last source frame before time {@code (k + 0.5) / targetFps}. SamplingTest checks this against
     * the {@code fps} filter of the FFmpeg build on the class path. CenterCLIP prepares its videos with
     * {@code ffmpeg -r 3}. A target rate at or above the source rate keeps every frame. A clip too short for
     * even one slot (shorter than half an output frame interval, where FFmpeg outputs nothing) gives its last
     * frame, so that every video yields at least one frame.
     *
     * <p>Step 2, the cap: if more than {@code maxFrames} remain, CenterCLIP's test-time
     * {@code uniform_sampling(max_frames, n)} picks {@code int(tick / 2.0 + tick * x)} with
     * {@code tick = n / float(max_frames)}, the segment middles over the resampled frames (the same arithmetic as
     * {@link #segmentMiddle(int, int)}). Below the cap nothing is dropped or padded.
     */
    static int[] fixedFps(int frameCount, double sourceFps, double targetFps, int maxFrames) {
        checkFrameCount(frameCount);
        if (!(sourceFps > 0) || Double.isInfinite(sourceFps)) {
            throw new IllegalArgumentException("sourceFps must be positive, got " + sourceFps);
        }
        if (!(targetFps > 0) || Double.isInfinite(targetFps)) {
            throw new IllegalArgumentException("targetFps must be positive, got " + targetFps);
        }
        positive(maxFrames, "maxFrames");
        int[] resampled;
        if (targetFps >= sourceFps) {
            resampled = new int[frameCount];
            for (int i = 0; i < frameCount; i++) {
                resampled[i] = i;
            }
        } else {
            double step = sourceFps / targetFps;
            List<Integer> list = new ArrayList<>();
            for (int k = 0; ; k++) {
                // The epsilon keeps exact products ((k + 0.5) * step == 15) from rounding up a whole frame.
                long idx = (long) Math.ceil((k + 0.5) * step - 1e-9) - 1;
                if (idx >= frameCount) {
                    break;
                }
                list.add((int) Math.max(0, idx));
            }
            if (list.isEmpty()) {
                list.add(frameCount - 1);
            }
            resampled = list.stream().mapToInt(Integer::intValue).toArray();
        }
        if (resampled.length <= maxFrames) {
            return resampled;
        }
        int[] pick = segmentMiddle(resampled.length, maxFrames);
        int[] out = new int[maxFrames];
        for (int i = 0; i < maxFrames; i++) {
            out[i] = resampled[pick[i]];
        }
        return out;
    }

    /**
     * Windows of {@code windowFrames} consecutive frames every {@code stride} frames, for scoring a long video
     * clip by clip (XCLIP_Baseline's temporal localisation scores 16-frame windows with stride 8).
     *
     * <p>Windows start at 0, S, 2S, ... while they fit. The tail rule: if the last full window ends before the
     * video does, one more window is added aligned to the end ({@code [frameCount - W, frameCount)}), so every
     * frame is covered by a full-length window and no window is padded; it overlaps its predecessor by more than
     * usual. A video shorter than one window gives a single window with all its frames.
     */
    static List<Window> slidingWindows(int frameCount, int windowFrames, int stride) {
        checkFrameCount(frameCount);
        positive(windowFrames, "windowFrames");
        positive(stride, "stride");
        List<Window> out = new ArrayList<>();
        if (frameCount <= windowFrames) {
            out.add(new Window(0, frameCount));
            return out;
        }
        int start = 0;
        for (; start + windowFrames <= frameCount; start += stride) {
            out.add(new Window(start, start + windowFrames));
        }
        if (out.get(out.size() - 1).endExclusive() < frameCount) {
            out.add(new Window(frameCount - windowFrames, frameCount));
        }
        return out;
    }

    /** {@link #slidingWindows(int, int, int)} with XCLIP_Baseline's defaults: 16-frame windows, stride 8. */
    static List<Window> slidingWindows(int frameCount) {
        return slidingWindows(frameCount, 16, 8);
    }

    /**
     * {@code numFrames} frames from {@code [start, endExclusive)} (a localisation triplet's segment), by the same
     * segment-middle arithmetic as {@link #segmentMiddle(int, int)} applied to the sub-range:
     * {@code start + int(k * avg + avg / 2.0)} with {@code avg = (end - start) / numFrames}. Ranges shorter than
     * numFrames repeat frames.
     */
    static int[] frameRange(int start, int endExclusive, int numFrames) {
        if (start < 0 || endExclusive <= start) {
            throw new IllegalArgumentException("need 0 <= start < end, got [" + start + ", " + endExclusive + ")");
        }
        int[] rel = segmentMiddle(endExclusive - start, numFrames);
        for (int i = 0; i < rel.length; i++) {
            rel[i] += start;
        }
        return rel;
    }

    /**
     * CLIP4Clip's evaluation frames: {@link #clip4clipSeconds} then {@link #sliceFramePos}. Fewer than
     * {@code maxFrames} are all kept (CLIP4Clip zero-pads them and masks the padding out).
     */
    static int[] clip4clipFrames(int frameCount, double fps, int frameRate, int maxFrames, FrameSlice slice,
                                 int endSecond) {
        return sliceFramePos(clip4clipSeconds(frameCount, fps, frameRate, endSecond), maxFrames, slice);
    }

    /**
     * The frames CLIP4Clip's {@code RawVideoExtractorCV2.video_to_tensor(sample_fp=frameRate)} reads:
     * <pre>
     *   fps = int(cap.get(CAP_PROP_FPS))                      # 29.97 -> 29
     *   total_duration = (frameCount + fps - 1) // fps
     *   interval = fps // sample_fp if sample_fp > 0 else 1   # sample_fp 0: every frame
     *   inds = arange(0, fps, max(interval, 1))[:sample_fp]
     *   for sec in arange(0, end_sec + 1):                    # end_sec = min(end_time, total_duration)
     *       for ind in inds: read frame sec * fps + ind; stop at the first that does not exist
     * </pre>
     * At 1 frame per second that is 0, fps, 2·fps, ...: the first frame of every second. Where the reference fails,
     * vclip goes on: a rate below 1 fps counts as 1 (the reference divides by zero) and {@code frameRate} above the
     * video's rate reads every frame (the reference asserts). {@code frameCount} is vclip's exact count, where
     * OpenCV's {@code CAP_PROP_FRAME_COUNT} is the container's estimate; the reference stops at the first frame it
     * cannot read, which is the same list when the two agree.
     *
     * @param endSecond the last second read ({@code end_time}; 0: the whole video)
     */
    static int[] clip4clipSeconds(int frameCount, double fps, int frameRate, int endSecond) {
        checkFrameCount(frameCount);
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        if (frameRate < 0) {
            throw new IllegalArgumentException("frameRate must be 0 (every frame) or more, got " + frameRate);
        }
        int perSecond = Math.max(1, (int) fps);
        int sampleFp = frameRate > 0 ? frameRate : perSecond;
        int interval = Math.max(1, frameRate > 0 ? perSecond / frameRate : 1);
        int inSecond = Math.min(sampleFp, (perSecond + interval - 1) / interval); // len(arange(0, fps, interval))
        int totalDuration = (frameCount + perSecond - 1) / perSecond;
        int endSec = endSecond > 0 ? Math.min(endSecond, totalDuration) : totalDuration;
        List<Integer> out = new ArrayList<>();
        seconds:
        for (int sec = 0; sec <= endSec; sec++) {
            for (int j = 0; j < inSecond; j++) {
                long index = (long) sec * perSecond + (long) j * interval;
                if (index >= frameCount) {
                    break seconds;
                }
                out.add((int) index);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * CLIP4Clip's {@code slice_framepos} cut of {@code frames} to {@code maxFrames} (only when there are more):
     * {@code [:max_frames]}, {@code [-max_frames:]}, or the positions
     * {@code np.linspace(0, n - 1, num=max_frames, dtype=int)} ({@link #linspaceInt}).
     */
    static int[] sliceFramePos(int[] frames, int maxFrames, FrameSlice slice) {
        positive(maxFrames, "maxFrames");
        int n = frames.length;
        if (n <= maxFrames) {
            return frames.clone();
        }
        return switch (slice) {
            case HEAD -> Arrays.copyOf(frames, maxFrames);
            case TAIL -> Arrays.copyOfRange(frames, n - maxFrames, n);
            case UNIFORM -> Arrays.stream(linspaceInt(n - 1, maxFrames)).map(p -> frames[p]).toArray();
        };
    }

    /**
     * {@code np.linspace(0, last, num=num, dtype=int)}: {@code floor(i * step)} with {@code step = last / (num - 1)}
     * in float64, the last value exactly {@code last}; {@code [0]} for num = 1.
     */
    static int[] linspaceInt(int last, int num) {
        positive(num, "num");
        int[] out = new int[num];
        if (num == 1) {
            return out;
        }
        double step = last / (double) (num - 1);
        for (int i = 0; i < num; i++) {
            out[i] = (int) Math.floor(i * step);
        }
        out[num - 1] = last;
        return out;
    }

    /**
     * CenterCLIP's evaluation frames ({@code RawVideoExtractorpyAV.get_video_data} with {@code is_train=False}):
     * every frame of the video is decoded (frames {@code 0 .. int(end_time * fps)} when an end is given), then
     * {@code uniform_sampling(max_frames, n)}:
     * <pre>
     *   if n > max_frames: tick = n / float(max_frames); [int(tick / 2.0 + tick * x) for x in range(max_frames)]
     *   else:              np.clip(np.arange(0, max_frames), 0, n - 1)      # 0, 1, ..., n-1, n-1, n-1, ...
     * </pre>
     * The first branch is {@link #segmentMiddle(int, int)} (the same float64 sums). In the second the reference
     * marks only the first {@code min(n, max_frames)} frames as real in its video mask, so the repeats count for
     * nothing in CenterCLIP's pooling; without {@code repeatLast} they are left out.
     */
    static int[] centerClipFrames(int frameCount, double fps, int maxFrames, boolean repeatLast, int endSecond) {
        checkFrameCount(frameCount);
        positive(maxFrames, "maxFrames");
        int n = frameCount;
        if (endSecond > 0) {
            if (!(fps > 0) || Double.isInfinite(fps)) {
                throw new IllegalArgumentException("fps must be positive, got " + fps);
            }
            n = (int) Math.min((long) (endSecond * fps) + 1, frameCount);
        }
        if (n > maxFrames) {
            return segmentMiddle(n, maxFrames);
        }
        int[] out = new int[repeatLast ? maxFrames : n];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(i, n - 1);
        }
        return out;
    }

    private static void positive(int v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }

    private static void checkFrameCount(int frameCount) {
        if (frameCount <= 0) {
            throw new IllegalArgumentException("the video has no frames (frameCount " + frameCount + ")");
        }
    }
}
