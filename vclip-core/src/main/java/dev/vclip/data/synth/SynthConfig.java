package dev.vclip.data.synth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * What to generate. Start from a preset ({@link #of(Size)}) and adjust with the {@code with...} methods; every
 * value is checked by {@link #validate()} before anything is written.
 *
 * @param seed             master seed: the same seed and settings give the same dataset
 * @param size             the preset this started from (recorded in dataset.json)
 * @param classes          action classes; kept in {@link Action} order, which gives the class ids
 * @param clipsPerClass    short clips per class
 * @param clipFrames       frames per short clip
 * @param longVideos       number of long videos for temporal localisation
 * @param longSeconds      minimum length of a long video, seconds (each is 0-25% longer)
 * @param fps              frames per second of every video
 * @param width            frame width, even (yuv420p)
 * @param height           frame height, even
 * @param captionsPerVideo retrieval captions per short clip (the first is the canonical one)
 * @param codec            which codec to encode with
 * @param tar              also pack the short clips into videos.tar (X-CLIP's archive option)
 * @param threads          videos rendered and encoded in parallel (the output does not depend on it)
 */
public record SynthConfig(long seed, Size size, List<Action> classes, int clipsPerClass, int clipFrames,
                          int longVideos, int longSeconds, int fps, int width, int height, int captionsPerVideo,
                          VideoCodec.Choice codec, boolean tar, int threads) {

    /** Presets. Small is the default: quick enough for tests and demos, big enough to train a tiny model on. */
    public enum Size {
        SMALL(12, 2, 60), MEDIUM(48, 4, 75), LARGE(160, 12, 90);

        final int clipsPerClass;
        final int longVideos;
        final int longSeconds;

        Size(int clipsPerClass, int longVideos, int longSeconds) {
            this.clipsPerClass = clipsPerClass;
            this.longVideos = longVideos;
            this.longSeconds = longSeconds;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Size parse(String s) {
            for (Size v : values()) {
                if (v.word().equalsIgnoreCase(s.trim())) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown size '" + s + "'; use small, medium or large");
        }
    }

    public SynthConfig {
        // class ids are positions in this list: keep it in the one canonical order, whatever order it came in
        classes = classes.stream().sorted().toList();
    }

    /** A preset with seed 0, all classes, 128x128 at 10 fps, 24-frame clips, H.264 with fallback, a tar. */
    public static SynthConfig of(Size size) {
        return new SynthConfig(0, size, List.of(Action.values()), size.clipsPerClass, 24, size.longVideos,
                size.longSeconds, 10, 128, 128, 5, VideoCodec.Choice.AUTO, true,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public SynthConfig withSeed(long v) {
        return new SynthConfig(v, size, classes, clipsPerClass, clipFrames, longVideos, longSeconds, fps, width,
                height, captionsPerVideo, codec, tar, threads);
    }

    public SynthConfig withClasses(List<Action> v) {
        return new SynthConfig(seed, size, v, clipsPerClass, clipFrames, longVideos, longSeconds, fps, width,
                height, captionsPerVideo, codec, tar, threads);
    }

    public SynthConfig withClipsPerClass(int v) {
        return new SynthConfig(seed, size, classes, v, clipFrames, longVideos, longSeconds, fps, width, height,
                captionsPerVideo, codec, tar, threads);
    }

    public SynthConfig withClipFrames(int v) {
        return new SynthConfig(seed, size, classes, clipsPerClass, v, longVideos, longSeconds, fps, width, height,
                captionsPerVideo, codec, tar, threads);
    }

    public SynthConfig withLongVideos(int count, int seconds) {
        return new SynthConfig(seed, size, classes, clipsPerClass, clipFrames, count, seconds, fps, width, height,
                captionsPerVideo, codec, tar, threads);
    }

    public SynthConfig withFps(int v) {
        return new SynthConfig(seed, size, classes, clipsPerClass, clipFrames, longVideos, longSeconds, v, width,
                height, captionsPerVideo, codec, tar, threads);
    }

    public SynthConfig withResolution(int w, int h) {
        return new SynthConfig(seed, size, classes, clipsPerClass, clipFrames, longVideos, longSeconds, fps, w, h,
                captionsPerVideo, codec, tar, threads);
    }

    public SynthConfig withCaptionsPerVideo(int v) {
        return new SynthConfig(seed, size, classes, clipsPerClass, clipFrames, longVideos, longSeconds, fps, width,
                height, v, codec, tar, threads);
    }

    public SynthConfig withCodec(VideoCodec.Choice v) {
        return new SynthConfig(seed, size, classes, clipsPerClass, clipFrames, longVideos, longSeconds, fps, width,
                height, captionsPerVideo, v, tar, threads);
    }

    public SynthConfig withTar(boolean v) {
        return new SynthConfig(seed, size, classes, clipsPerClass, clipFrames, longVideos, longSeconds, fps, width,
                height, captionsPerVideo, codec, v, threads);
    }

    public SynthConfig withThreads(int v) {
        return new SynthConfig(seed, size, classes, clipsPerClass, clipFrames, longVideos, longSeconds, fps, width,
                height, captionsPerVideo, codec, tar, v);
    }

    /** Parses "128x96" or "128" (square). */
    public static int[] parseResolution(String s) {
        String[] parts = s.trim().toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 1) {
                int v = Integer.parseInt(parts[0].trim());
                return new int[]{v, v};
            }
            if (parts.length == 2) {
                return new int[]{Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("resolution must look like 128x128 or 160x120, got '" + s + "'");
    }

    /** Checks every value; throws IllegalArgumentException saying what is wrong and what is allowed. */
    public SynthConfig validate() {
        List<String> errors = new ArrayList<>();
        if (classes.isEmpty()) {
            errors.add("at least one action class is needed");
        }
        if (EnumSet.copyOf(classes.isEmpty() ? List.of(Action.BOUNCING) : classes).size() != classes.size()) {
            errors.add("action classes repeat: " + classes);
        }
        if (clipsPerClass < 1 || clipsPerClass > 100_000) {
            errors.add("clips per class must be 1..100000, got " + clipsPerClass);
        }
        if (clipFrames < 4 || clipFrames > 1000) {
            errors.add("frames per clip must be 4..1000, got " + clipFrames);
        }
        if (fps < 1 || fps > 60) {
            errors.add("fps must be 1..60, got " + fps);
        }
        if (width < 32 || height < 32 || width > 1920 || height > 1920) {
            errors.add("resolution must be 32..1920 on each side, got " + width + "x" + height);
        }
        if (width % 2 != 0 || height % 2 != 0) {
            errors.add("width and height must be even (H.264 and MPEG-4 store colour at half resolution, yuv420p), got "
                    + width + "x" + height);
        }
        if (longVideos < 0 || longVideos > 10_000) {
            errors.add("long videos must be 0..10000, got " + longVideos);
        }
        if (longVideos > 0 && (longSeconds < 5 || longSeconds > 3600)) {
            errors.add("long-video length must be 5..3600 s (room for at least one event), got " + longSeconds);
        }
        if (captionsPerVideo < 1 || captionsPerVideo > 20) {
            errors.add("captions per video must be 1..20, got " + captionsPerVideo);
        }
        if (threads < 1) {
            errors.add("threads must be at least 1, got " + threads);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid synth settings: " + String.join("; ", errors));
        }
        return this;
    }

    /** "moving left, moving right, ...". */
    public String classNames() {
        return String.join(", ", classes.stream().map(Action::label).toList());
    }
}
