package dev.vclip.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;

/**
 * Unusual but valid videos, written by the tests with FFmpeg's libraries ({@link VideoWriter}): every width 1..64,
 * common and extreme sizes, odd pixel formats, the codecs and containers this FFmpeg build can write. Each is a few
 * frames of one flat colour, so a decoded frame can be checked for its size and colour whatever the codec did.
 */
final class OddVideos {
    /** The flat colour every frame shows (R, G, B). */
    static final int[] COLOUR = {200, 60, 30};

    private OddVideos() {
    }

    /** One video to write: container (FFmpeg muxer), encoder, pixel format, size, frames. */
    record Case(String format, String extension, String encoder, String pixelFormat, int width, int height,
                int frames) {
        String name() {
            return encoder + "-" + pixelFormat + "-" + width + "x" + height + "-" + frames + "f." + extension;
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /** Whether this FFmpeg build has the encoder. */
    static boolean hasEncoder(String name) {
        var codec = avcodec_find_encoder_by_name(name);
        return codec != null && !codec.isNull();
    }

    /** Every width 1..64 at height 20 (FFV1, which takes any size, in Matroska, yuv420p). */
    static List<Case> everyWidth() {
        List<Case> cases = new ArrayList<>();
        for (int w = 1; w <= 64; w++) {
            cases.add(new Case("matroska", "mkv", "ffv1", "yuv420p", w, 20, 2));
        }
        return cases;
    }

    /** Common and extreme sizes, through the codec a phone or a download would use where it takes the size. */
    static List<Case> sizes() {
        List<Case> cases = new ArrayList<>();
        int[][] sizes = {{426, 240}, {640, 360}, {854, 480}, {1920, 1080}, {1080, 1920}, {3840, 2160}, {34, 20},
                {2, 2}, {1922, 1080}, {1, 1}, {66, 1}, {1, 66}};
        for (int[] s : sizes) {
            boolean even = s[0] % 2 == 0 && s[1] % 2 == 0;
            cases.add(even ? new Case("mp4", "mp4", "mpeg4", "yuv420p", s[0], s[1], 2)
                    : new Case("matroska", "mkv", "ffv1", "yuv420p", s[0], s[1], 2));
        }
        return cases;
    }

    /** Pixel formats, codecs and containers. */
    static List<Case> formats() {
        List<Case> cases = new ArrayList<>();
        for (String pf : List.of("yuv420p10le", "yuv444p12le", "yuv444p", "gray", "yuv422p", "yuv410p", "bgra",
                "yuva420p")) {
            cases.add(new Case("matroska", "mkv", "ffv1", pf, 99, 37, 2));
        }
        cases.add(new Case("nut", "nut", "rawvideo", "rgb24", 33, 17, 2));
        cases.add(new Case("avi", "avi", "rawvideo", "bgr24", 35, 19, 2));
        cases.add(new Case("gif", "gif", "gif", "rgb8", 45, 31, 3));
        cases.add(new Case("avi", "avi", "mjpeg", "yuvj420p", 98, 56, 2));
        cases.add(new Case("mov", "mov", "mjpeg", "yuvj444p", 130, 70, 2));
        cases.add(new Case("mpegts", "ts", "mpeg4", "yuv420p", 226, 128, 3));
        cases.add(new Case("mp4", "mp4", "libopenh264", "yuv420p", 426, 240, 3));
        cases.add(new Case("matroska", "mkv", "libopenh264", "yuv420p", 100, 58, 3));
        cases.add(new Case("nut", "nut", "ffv1", "yuv420p", 42, 24, 2));
        for (String vp9 : List.of("libvpx-vp9")) {
            cases.add(new Case("webm", "webm", vp9, "yuv420p", 98, 64, 2));
        }
        cases.add(new Case("mp4", "mp4", "mpeg4", "yuv420p", 64, 48, 1)); // one frame
        for (String hevc : List.of("libx265", "libkvazaar")) {
            cases.add(new Case("matroska", "mkv", hevc, "yuv420p", 98, 64, 2));
        }
        for (String av1 : List.of("libaom-av1", "librav1e", "libsvtav1")) {
            cases.add(new Case("matroska", "mkv", av1, "yuv420p", 66, 34, 2));
        }
        return cases;
    }

    /** Writes {@code c} into {@code dir}. */
    static Path write(Path dir, Case c) throws IOException {
        Path out = dir.resolve(c.name());
        Files.createDirectories(dir);
        java.util.Map<String, String> options = new java.util.HashMap<>();
        options.put("threads", "1");
        if (c.encoder().equals("ffv1")) {
            options.put("level", "1"); // version 1: no slices, any size
        }
        int quantiser = c.encoder().equals("mpeg4") || c.encoder().equals("mjpeg") ? 2 : 0;
        long bitRate = c.encoder().equals("libopenh264") || c.encoder().startsWith("libvpx")
                || c.encoder().startsWith("libaom") ? Math.max(400_000, c.width() * c.height() * 10L) : 0;
        byte[] rgb = new byte[c.width() * c.height() * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) COLOUR[0];
            rgb[i + 1] = (byte) COLOUR[1];
            rgb[i + 2] = (byte) COLOUR[2];
        }
        try (VideoWriter w = new VideoWriter(out, new VideoWriter.Spec(c.format(), c.encoder(), c.pixelFormat(),
                c.width(), c.height(), 10, 1, bitRate, quantiser, options))) {
            for (int i = 0; i < c.frames(); i++) {
                w.write(rgb);
            }
            w.finish();
        }
        return out;
    }

    /**
     * Opens {@code video}, reads every frame, and returns a problem, or null when each frame has the video's size
     * and about the colour written (grey for a grey video).
     */
    static String check(Path video, Case c) {
        try (VideoSource v = VideoSources.open(video.toString())) {
            VideoInfo info = v.info();
            if (info.frameCount() < 1) {
                return video + ": no frames";
            }
            int[] all = new int[info.frameCount()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            for (RgbFrame f : v.read(all)) {
                if (f.width() != c.width() || f.height() != c.height()) {
                    return video + ": frame " + f.width() + "x" + f.height() + ", expected " + c.width() + "x"
                            + c.height();
                }
                int[] mean = mean(f);
                int[] expected = c.pixelFormat().equals("gray") ? grey() : COLOUR;
                // lossy codecs and 4:2:0 chroma of a 1-pixel-wide frame move the colour; 40 levels still tell it
                // from a black, white, swapped or shifted frame
                for (int k = 0; k < 3; k++) {
                    if (Math.abs(mean[k] - expected[k]) > 40) {
                        return video + ": mean colour " + java.util.Arrays.toString(mean) + ", expected about "
                                + java.util.Arrays.toString(expected);
                    }
                }
            }
            return null;
        }
    }

    private static int[] grey() {
        int y = (int) Math.round(0.299 * COLOUR[0] + 0.587 * COLOUR[1] + 0.114 * COLOUR[2]);
        return new int[] {y, y, y};
    }

    private static int[] mean(RgbFrame f) {
        long[] sum = new long[3];
        byte[] rgb = f.rgb();
        for (int i = 0; i < rgb.length; i++) {
            sum[i % 3] += rgb[i] & 0xff;
        }
        int n = rgb.length / 3;
        return new int[] {(int) (sum[0] / n), (int) (sum[1] / n), (int) (sum[2] / n)};
    }

    /**
     * Writes and checks every case under {@code args[0]}, printing one line per problem and "checked N" at the
     * end; exit status 1 when there was a problem. What {@code OddVideosTest} runs in a child JVM under glibc's
     * malloc checker, so that a heap overwrite by the native code aborts loudly instead of passing by chance.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        List<Case> cases = new ArrayList<>(everyWidth());
        cases.addAll(sizes());
        cases.addAll(formats());
        int checked = 0;
        int problems = 0;
        for (Case c : cases) {
            if (!hasEncoder(c.encoder())) {
                continue;
            }
            String problem = check(write(dir, c), c);
            checked++;
            if (problem != null) {
                problems++;
                System.out.println("problem " + problem);
            }
        }
        System.out.println("checked " + checked);
        System.exit(problems == 0 ? 0 : 1);
    }
}
