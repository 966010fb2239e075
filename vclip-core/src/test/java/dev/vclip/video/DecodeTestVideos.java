package dev.vclip.video;

import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * Test videos whose every frame shows its own index, written with JavaCV's FFmpegFrameRecorder.
 *
 * <p>The index is drawn as 12 bits, each a 40x40 block, black (0) or white (1), in a 4 x 3 grid covering the
 * 160x120 frame: bit b is the block at column {@code b % 4}, row {@code b / 4}. Big flat blocks survive any
 * reasonable compression, so {@link #indexOf(RgbFrame)} reads the index back exactly, and a wrong frame can never
 * pass for the right one.
 */
final class DecodeTestVideos {

    static final int WIDTH = 160;
    static final int HEIGHT = 120;
    static final int BLOCK = 40;
    static final int BITS = 12;
    static final double FPS = 30;

    /** A codec + container combination. */
    enum Kind {
        /** H.264 through libopenh264 (the LGPL build's only H.264 encoder: no B-frames), MP4. */
        H264_MP4("mp4", "h264", 0),
        /** MPEG-4 Part 2 with 2 B-frames, MP4 (PTS != DTS, frames reordered). */
        MPEG4_BFRAMES_MP4("mp4", "mpeg4", 2),
        /** The same in Matroska, whose demuxer reports PTS only and indexes by PTS. */
        MPEG4_BFRAMES_MKV("matroska", "mpeg4", 2);

        final String format;
        final String codec;
        final int bFrames;

        Kind(String format, String codec, int bFrames) {
            this.format = format;
            this.codec = codec;
            this.bFrames = bFrames;
        }

        String extension() {
            return format.equals("matroska") ? ".mkv" : ".mp4";
        }
    }

    private DecodeTestVideos() {
    }

    /** Writes {@code frames} index-encoded frames with a GOP of {@code gop}. */
    static Path write(Path out, Kind kind, int frames, int gop) throws IOException {
        return write(out, kind, frames, gop, false, 0);
    }

    /**
     * @param faststart  put the MP4 index (moov) before the data
     * @param rotation   display rotation as JavaCV's {@code setDisplayRotation} takes it: it stores
     *                   {@code av_display_rotation_set(matrix, -rotation)}, a matrix that rotates the picture by
     *                   {@code rotation} degrees counter-clockwise (what ffprobe prints); 0 for none
     */
    static Path write(Path out, Kind kind, int frames, int gop, boolean faststart, double rotation)
            throws IOException {
        return write(out, kind.format, kind.codec, kind.bFrames, frames, gop, faststart, rotation);
    }

    /** Any container ({@code format}: an FFmpeg muxer name) with codec "h264" or "mpeg4". */
    static Path write(Path out, String format, String codec, int bFrames, int frames, int gop, boolean faststart,
                      double rotation) throws IOException {
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), WIDTH, HEIGHT, 0)) {
            r.setFormat(format);
            r.setFrameRate(FPS);
            r.setGopSize(gop);
            r.setPixelFormat(AV_PIX_FMT_YUV420P);
            if (codec.equals("h264")) {
                r.setVideoCodec(AV_CODEC_ID_H264);
                r.setVideoBitrate(1_000_000);
            } else {
                r.setVideoCodec(AV_CODEC_ID_MPEG4);
                r.setMaxBFrames(bFrames);
                r.setVideoQuality(2);
                // Every frame changes a lot; without this mpeg4 would insert keyframes on "scene changes"
                // and the GOP would not be long.
                r.setVideoOption("sc_threshold", "1000000000");
            }
            if (faststart) {
                r.setOption("movflags", "+faststart");
            }
            if (rotation != 0) {
                r.setDisplayRotation(rotation);
            }
            r.start();
            try (Frame f = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3)) {
                for (int i = 0; i < frames; i++) {
                    paint(f, i);
                    r.record(f, AV_PIX_FMT_BGR24);
                }
            }
            r.stop();
        }
        return out;
    }

    /** Fills a BGR frame with the bit pattern of {@code index}. */
    static void paint(Frame f, int index) {
        ByteBuffer b = (ByteBuffer) f.image[0];
        int stride = f.imageStride;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int bit = (y / BLOCK) * (WIDTH / BLOCK) + x / BLOCK;
                byte v = (byte) (((index >> bit) & 1) == 1 ? 255 : 0);
                int o = y * stride + x * 3;
                b.put(o, v);
                b.put(o + 1, v);
                b.put(o + 2, v);
            }
        }
    }

    /** The expected upright frame (exact pixels before compression). */
    static RgbFrame expected(int index) {
        byte[] rgb = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int bit = (y / BLOCK) * (WIDTH / BLOCK) + x / BLOCK;
                byte v = (byte) (((index >> bit) & 1) == 1 ? 255 : 0);
                int o = (y * WIDTH + x) * 3;
                rgb[o] = v;
                rgb[o + 1] = v;
                rgb[o + 2] = v;
            }
        }
        return new RgbFrame(WIDTH, HEIGHT, rgb);
    }

    /**
     * Reads the index back: the mean of the inner 20x20 pixels of each block, all channels, thresholded at 128.
     * Fails when a block is neither clearly black nor clearly white (a garbled frame).
     */
    static int indexOf(RgbFrame f) {
        if (f.width() != WIDTH || f.height() != HEIGHT) {
            throw new AssertionError("frame is " + f.width() + "x" + f.height() + ", expected " + WIDTH + "x" + HEIGHT);
        }
        int value = 0;
        for (int bit = 0; bit < BITS; bit++) {
            int bx = (bit % (WIDTH / BLOCK)) * BLOCK;
            int by = (bit / (WIDTH / BLOCK)) * BLOCK;
            long sum = 0;
            int n = 0;
            for (int y = by + 10; y < by + 30; y++) {
                for (int x = bx + 10; x < bx + 30; x++) {
                    for (int c = 0; c < 3; c++) {
                        sum += f.get(x, y, c);
                        n++;
                    }
                }
            }
            double mean = sum / (double) n;
            if (mean > 70 && mean < 185) {
                throw new AssertionError("bit " + bit + " is neither black nor white (mean " + mean + ")");
            }
            if (mean >= 128) {
                value |= 1 << bit;
            }
        }
        return value;
    }
}
