package dev.vclip.search;

import dev.vclip.VclipException;
import dev.vclip.video.Sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which entries a video gets: always one for the whole video, plus moments, windows of {@code windowSeconds} every
 * {@code strideSeconds}, when the video lasts at least {@link #minVideoSeconds()} (shorter ones are one moment
 * already). Written {@code 8s/4s}.
 */
public record Moments(double windowSeconds, double strideSeconds) {

    /**
     * The default, 8-s windows every 4 s: two moments per window length, each sampled like a whole short clip (8
     * frames for X-CLIP B/32). At 0.3 s per window on 2 cores that is about 4.5 min of model time per hour of video.
     */
    public static final Moments DEFAULT = new Moments(8, 4);

    /** No moments: whole videos only. */
    public static final Moments NONE = new Moments(0, 0);

    private static final Pattern SPEC = Pattern.compile("(\\d+(?:\\.\\d+)?)s?/(\\d+(?:\\.\\d+)?)s?");

    public Moments {
        if (!(windowSeconds >= 0 && strideSeconds >= 0) || (windowSeconds > 0) != (strideSeconds > 0)) {
            throw new VclipException("moments: window and stride must both be positive (or both 0), found "
                    + windowSeconds + "s/" + strideSeconds + "s");
        }
    }

    /** Parses {@code 8s/4s} (or {@code 8/4}, or {@code none}). */
    public static Moments parse(String spec) {
        if (spec.equalsIgnoreCase("none") || spec.equals("0")) {
            return NONE;
        }
        Matcher m = SPEC.matcher(spec.trim());
        if (!m.matches()) {
            throw new VclipException("moments '" + spec + "': expected WINDOW/STRIDE in seconds, e.g. 8s/4s, or none");
        }
        return new Moments(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
    }

    public boolean none() {
        return windowSeconds == 0;
    }

    /** Videos shorter than this get only the whole-video entry: one and a half windows. */
    public double minVideoSeconds() {
        return 1.5 * windowSeconds;
    }

    @Override
    public String toString() {
        return none() ? "none" : String.format(Locale.ROOT, "%ss/%ss", trim(windowSeconds), trim(strideSeconds));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** One entry of a video: seconds {@code start} to {@code end} and the frames sampled for it. */
    public record Span(double start, double end, boolean whole, int[] frames) {
    }

    /**
     * The entries of a video of {@code frameCount} frames at {@code fps}, {@code framesPerClip} frames each
     * (segment middles, as X-CLIP samples a clip): the whole video first, then the moments in time order; the last
     * window ends at the video's end.
     */
    public List<Span> plan(int frameCount, double fps, int framesPerClip) {
        double duration = frameCount / fps;
        List<Span> spans = new ArrayList<>();
        spans.add(whole(frameCount, fps, framesPerClip));
        if (none() || duration < minVideoSeconds()) {
            return spans;
        }
        List<Double> starts = new ArrayList<>();
        for (double s = 0; s + windowSeconds < duration; s += strideSeconds) {
            starts.add(s);
        }
        double last = duration - windowSeconds;
        if (starts.isEmpty() || starts.get(starts.size() - 1) < last - 1e-9) {
            starts.add(last); // the tail, so no second is left out
        }
        for (double s : starts) {
            spans.add(window(s, frameCount, fps, framesPerClip));
        }
        return spans;
    }

    /** The whole video's entry: {@code framesPerClip} segment middles over all of it. */
    public static Span whole(int frameCount, double fps, int framesPerClip) {
        return new Span(0, frameCount / fps, true,
                new Sampling.SegmentMiddle(framesPerClip, 1).views(frameCount, fps)[0]);
    }

    /** The moment of one window starting at {@code start} seconds (which must lie inside the video). */
    Span window(double start, int frameCount, double fps, int framesPerClip) {
        int first = (int) Math.floor(start * fps);
        int end = Math.min(frameCount, Math.max(first + 1, (int) Math.round((start + windowSeconds) * fps)));
        int[] frames = new Sampling.FrameRange(first, end, framesPerClip).views(frameCount, fps)[0];
        return new Span(start, Math.min(frameCount / fps, start + windowSeconds), false, frames);
    }

    /** The window centred on {@code second}, moved inside the video where it would reach past an end. */
    Span around(double second, int frameCount, double fps, int framesPerClip) {
        double duration = frameCount / fps;
        return window(Math.max(0, Math.min(second - windowSeconds / 2, duration - windowSeconds)), frameCount, fps,
                framesPerClip);
    }
}
