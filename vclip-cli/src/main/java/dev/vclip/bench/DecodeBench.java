package dev.vclip.bench;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.video.FfmpegVideo;
import dev.vclip.video.FfmpegVideo.ReadStrategy;
import dev.vclip.video.RgbFrame;
import dev.vclip.video.Sampling;
import dev.vclip.video.VideoInfo;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * Sparse sampling against a full decode, on a long video: what {@link FfmpegVideo}'s seek path buys for
 * X-CLIP-style 8-frame sampling of long videos.
 *
 * <pre>
 *   vclip bench decode [--minutes M] [--width W] [--height H] [--gop G] [--num-frames N] [--codec h264|mpeg4]
 *                      [--keep] [VIDEO]
 * </pre>
 * Without VIDEO it first encodes a synthetic video (default: H.264 through libopenh264, 30 fps, 10 minutes of
 * 1280x720, GOP 250 as x264 and most encoders default to) into a temporary file, deleted afterwards unless
 * {@code --keep}. libopenh264 adds IDR frames of its own on scene changes (it has no option to turn that off), so
 * its GOPs can be shorter than asked; {@code --codec mpeg4} (FFmpeg's MPEG-4 Part 2 encoder with 2 B-frames and
 * scene-change detection off) keeps the GOP exactly.
 * It then times, each on a freshly opened video:
 * <ol>
 *   <li>opening (demuxer, decoder, and the packet scan that counts and indexes the frames);</li>
 *   <li>the T segment-middle frames ({@link Sampling#segmentMiddle(int, int)}) with the automatic strategy;</li>
 *   <li>the same frames by the forced seek path;</li>
 *   <li>a full sequential decode: every frame decoded, the N frames kept (what a reader without seeking does);</li>
 * </ol>
 * and prints milliseconds (median of 3 runs after a warm-up), decoder counters, and the ratio full / sparse. It checks that all paths return the same
 * pixels. Not a unit test: run it by hand.
 */
@Command(name = "decode", mixinStandardHelpOptions = true, description = {
        "Sparse sampling of N frames (segment middles) from a long video against a full sequential decode; generates "
                + "a 10-minute 720p H.264 video unless one is given.",
        "Example: vclip bench decode --minutes 1 --codec mpeg4"})
final class DecodeBench extends VclipCommand {

    @Option(names = "--minutes", paramLabel = "M",
            description = "length of the generated video (default: ${DEFAULT-VALUE})")
    double minutes = 10;

    @Option(names = "--width", paramLabel = "PIXELS", converter = Checks.AtLeastOne.class,
            description = "width of the generated video (default: ${DEFAULT-VALUE})")
    int width = 1280;

    @Option(names = "--height", paramLabel = "PIXELS", converter = Checks.AtLeastOne.class,
            description = "height of the generated video (default: ${DEFAULT-VALUE})")
    int height = 720;

    @Option(names = "--gop", paramLabel = "G", converter = Checks.AtLeastOne.class,
            description = "keyframe interval of the generated video (default: ${DEFAULT-VALUE})")
    int gop = 250;

    @Option(names = "--num-frames", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "frames sampled (default: ${DEFAULT-VALUE})")
    int frames = 8;

    @Option(names = "--codec", paramLabel = "h264|mpeg4", description = "codec of the generated video (default: "
            + "${DEFAULT-VALUE})")
    String codec = "h264";

    @Option(names = "--keep", description = "keep the generated video (it is deleted by default)")
    boolean keep;

    @Parameters(arity = "0..1", paramLabel = "VIDEO", description = "a long video to time instead of a generated one")
    Path video;

    @Override
    public Integer call() throws IOException {
        if (!(minutes > 0)) {
            throw usage("--minutes must be above 0, not " + minutes);
        }
        if (!codec.equals("h264") && !codec.equals("mpeg4")) {
            throw usage("--codec must be h264 or mpeg4, not '" + codec + "'");
        }
        PrintWriter out = out();
        Path video = this.video;
        boolean generated = video == null;
        if (generated) {
            video = Files.createTempFile("vclip-decodebench-", ".mp4");
            int n = (int) Math.round(minutes * 60 * 30);
            out.printf(Locale.ROOT, "encoding %d frames (%.1f min) of %dx%d %s, GOP %d -> %s%n", n, minutes,
                    width, height, codec, gop, video);
            long t0 = System.nanoTime();
            encode(video, n, width, height, gop, codec);
            out.printf(Locale.ROOT, "encoded in %.1f s (%.0f fps), %.1f MB%n", (System.nanoTime() - t0) / 1e9,
                    n / ((System.nanoTime() - t0) / 1e9), Files.size(video) / 1e6);
        }
        try {
            run(video, frames, out);
        } finally {
            if (generated && !keep) {
                Files.deleteIfExists(video);
            }
        }
        return 0;
    }

    static void run(Path video, int t, PrintWriter out) {
        long t0 = System.nanoTime();
        int[] idx;
        VideoInfo info;
        try (FfmpegVideo v = FfmpegVideo.open(video)) {
            double openMs = ms(t0);
            info = v.info();
            idx = new Sampling.SegmentMiddle(t, 1).indices(info.frameCount(), info.fps());
            out.printf(Locale.ROOT, "video      %s: %d frames, %dx%d, %.2f fps, %s, %d keyframes%n",
                    info.source(), info.frameCount(), info.width(), info.height(), info.fps(), info.codec(),
                    v.keyFrames().length);
            out.printf(Locale.ROOT, "open       %8.0f ms  (demuxer + decoder + packet scan)%n", openMs);
        }
        out.println("indices    " + Arrays.toString(idx));
        int[] withLast = Arrays.copyOf(idx, idx.length + 1);
        withLast[idx.length] = info.frameCount() - 1; // decode through the very last frame
        time(video, idx, ReadStrategy.AUTO, null); // warm-up: JIT, page cache, FFmpeg's lazy tables
        Timing auto = median(video, idx, ReadStrategy.AUTO, null);
        Timing seek = median(video, idx, ReadStrategy.SEEK, null);
        Timing full = median(video, withLast, ReadStrategy.SEQUENTIAL, idx.length);
        print(out, "sparse/auto", auto);
        print(out, "sparse/seek", seek);
        print(out, "full decode", full);
        out.printf(Locale.ROOT, "ratio      full / sparse(auto) = %.1fx, full / sparse(seek) = %.1fx%n",
                full.ms / auto.ms, full.ms / seek.ms);
        boolean same = auto.frames.equals(seek.frames) && auto.frames.equals(full.frames);
        out.println("identical  " + same + " (the three paths return the same pixels)");
        if (!same) {
            throw new IllegalStateException("decoding paths disagree");
        }
    }

    private record Timing(double ms, FfmpegVideo.Stats stats, List<RgbFrame> frames) {
    }

    /** The median of {@value #REPEATS} timed reads, each on a freshly opened video. */
    private static Timing median(Path video, int[] idx, ReadStrategy s, Integer keep) {
        Timing[] runs = new Timing[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            runs[i] = time(video, idx, s, keep);
        }
        Arrays.sort(runs, (a, b) -> Double.compare(a.ms, b.ms));
        return runs[REPEATS / 2];
    }

    private static final int REPEATS = 3;

    /** Opens the video, then times one read (the open is not included: it is reported separately). */
    private static Timing time(Path video, int[] idx, ReadStrategy s, Integer keep) {
        try (FfmpegVideo v = FfmpegVideo.open(video)) {
            v.strategy(s);
            FfmpegVideo.Stats before = v.stats();
            long t0 = System.nanoTime();
            List<RgbFrame> frames = v.read(idx);
            double ms = ms(t0);
            FfmpegVideo.Stats after = v.stats();
            FfmpegVideo.Stats d = new FfmpegVideo.Stats(after.seeks() - before.seeks(),
                    after.framesDecoded() - before.framesDecoded(), after.framesConverted() - before.framesConverted());
            return new Timing(ms, d, keep == null ? frames : frames.subList(0, keep));
        }
    }

    private static void print(PrintWriter out, String what, Timing t) {
        out.printf(Locale.ROOT, "%-11s%8.0f ms  (%d seeks, %d frames decoded, %d converted to RGB)%n", what,
                t.ms, t.stats.seeks(), t.stats.framesDecoded(), t.stats.framesConverted());
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * A synthetic but not trivial video: a noise texture scrolling 3 pixels a frame (residuals and motion the
     * encoder has to code, so decoding costs what it costs on camera footage rather than on flat colour), a
     * drifting colour gradient, and the frame index as 16 binary blocks in the top-left corner.
     */
    static void encode(Path out, int n, int w, int h, int gop, String codec) throws IOException {
        int tw = 1024; // texture width, a power of two for cheap wrapping
        byte[] noise = new byte[tw * h];
        java.util.Random rnd = new java.util.Random(1);
        rnd.nextBytes(noise);
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), w, h, 0)) {
            r.setFormat("mp4");
            r.setFrameRate(30);
            r.setGopSize(gop);
            r.setPixelFormat(AV_PIX_FMT_YUV420P);
            switch (codec) {
                case "h264" -> {
                    r.setVideoCodec(AV_CODEC_ID_H264); // libopenh264 in the LGPL build
                    r.setVideoBitrate(4_000_000);
                }
                case "mpeg4" -> {
                    r.setVideoCodec(AV_CODEC_ID_MPEG4);
                    r.setVideoBitrate(4_000_000);
                    r.setMaxBFrames(2);
                    r.setVideoOption("sc_threshold", "1000000000"); // no extra keyframes: the GOP is exact
                }
                default -> throw new dev.vclip.VclipException("--codec must be h264 or mpeg4, got " + codec);
            }
            r.start();
            try (Frame f = new Frame(w, h, Frame.DEPTH_UBYTE, 3)) {
                ByteBuffer b = (ByteBuffer) f.image[0];
                int stride = f.imageStride;
                byte[] row = new byte[stride];
                for (int i = 0; i < n; i++) {
                    for (int y = 0; y < h; y++) {
                        int base = y * tw;
                        for (int x = 0; x < w; x++) {
                            int t = (noise[base + ((x + 3 * i) & (tw - 1))] & 0x3f) - 32;
                            int g = (x + y + 2 * i) & 0xff;
                            int o = x * 3;
                            row[o] = (byte) clamp(g / 2 + 64 + t);
                            row[o + 1] = (byte) clamp(128 + t);
                            row[o + 2] = (byte) clamp(192 - g / 2 + t);
                        }
                        if (y < 32) {
                            for (int bit = 0; bit < 16; bit++) {
                                byte v = (byte) (((i >> bit) & 1) == 1 ? 255 : 0);
                                for (int x = bit * 32; x < bit * 32 + 32 && x < w; x++) {
                                    row[x * 3] = v;
                                    row[x * 3 + 1] = v;
                                    row[x * 3 + 2] = v;
                                }
                            }
                        }
                        b.put(y * stride, row, 0, Math.min(stride, row.length));
                    }
                    r.record(f, AV_PIX_FMT_BGR24);
                }
            }
            r.stop();
        }
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
