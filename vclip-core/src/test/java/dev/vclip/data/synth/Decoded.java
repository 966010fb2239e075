package dev.vclip.data.synth;

import dev.vclip.video.RgbFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: every frame of a video decoded to RGB with FFmpeg, and pixel statistics by colour. */
final class Decoded {

    /** The decoded frames and what the container says. */
    record Video(List<RgbFrame> frames, String codec, double fps) {
    }

    private Decoded() {
    }

    static Video read(Path file) {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        List<RgbFrame> frames = new ArrayList<>();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
            g.start();
            String codec = g.getVideoCodecName();
            double fps = g.getFrameRate();
            Frame f;
            while ((f = g.grabImage()) != null) {
                int w = f.imageWidth;
                int h = f.imageHeight;
                byte[] rgb = new byte[w * h * 3];
                ByteBuffer b = (ByteBuffer) f.image[0];
                for (int y = 0; y < h; y++) { // rows may be padded: copy row by row
                    b.get(y * f.imageStride, rgb, y * w * 3, w * 3);
                }
                frames.add(new RgbFrame(w, h, rgb));
            }
            g.stop();
            return new Video(frames, codec, fps);
        } catch (Exception e) {
            throw new AssertionError("cannot decode " + file + ": " + e, e);
        }
    }

    /** Pixels within {@code tolerance} (RGB distance) of a palette colour, as count and centroid. */
    record Blob(int count, double cx, double cy) {
    }

    static Blob blob(RgbFrame frame, Palette colour, double tolerance) {
        int count = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                if (colour.distance(frame.get(x, y, 0), frame.get(x, y, 1), frame.get(x, y, 2)) < tolerance) {
                    count++;
                    sx += x;
                    sy += y;
                }
            }
        }
        return count == 0 ? new Blob(0, Double.NaN, Double.NaN) : new Blob(count, sx / count, sy / count);
    }
}
