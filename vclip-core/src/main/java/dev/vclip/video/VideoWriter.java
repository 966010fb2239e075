package dev.vclip.video;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;

import java.nio.file.Path;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_QSCALE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

/**
 * Writes a video with FFmpeg's libraries: RGB frames in, any muxer, encoder and pixel format this FFmpeg build has.
 * Every frame buffer comes from {@code av_frame_get_buffer}, so it follows FFmpeg's alignment and padding rules:
 * swscale writes whole pixel blocks, and a buffer of exactly stride x height (what JavaCV's recorder allocates) is
 * overrun at widths such as 1-10, 34 or 426, corrupting the heap. Used by {@code vclip synth} and the tests' corpus
 * of unusual videos.
 */
public final class VideoWriter implements AutoCloseable {

    /**
     * What to write: {@code muxer} (FFmpeg's name: mp4, matroska, webm, avi, mov, mpegts, nut, gif), {@code encoder}
     * (libopenh264, mpeg4, ffv1, mjpeg, gif, rawvideo, libvpx-vp9, ...), {@code pixelFormat} (yuv420p, gray, ...),
     * size, frames per second, keyframe interval, bit rate (0: the encoder's default), a constant quantiser (0: none),
     * and the encoder's private options ({@code threads}, {@code flags}, {@code level}, ...).
     */
    public record Spec(String muxer, String encoder, String pixelFormat, int width, int height, int fps, int gop,
                       long bitRate, int quantiser, Map<String, String> options) {
        public Spec {
            if (width < 1 || height < 1 || fps < 1 || gop < 1) {
                throw new IllegalArgumentException("size, fps and gop must be positive: " + width + "x" + height
                        + " at " + fps + " fps, gop " + gop);
            }
            options = Map.copyOf(options);
        }
    }

    /** AVERROR(EAGAIN) on Linux: the encoder wants more input before it gives a packet. */
    private static final int EAGAIN = -11;

    private final Path target;
    private final Spec spec;
    private AVIOContext io;
    private AVFormatContext container;
    private AVCodecContext codec;
    private AVStream stream;
    private AVFrame picture;
    private AVFrame rgb;
    private SwsContext sws;
    private AVPacket packet;
    private long frames;

    /** Opens the encoder and the file and writes the header. */
    public VideoWriter(Path target, Spec spec) {
        this.target = target;
        this.spec = spec;
        try {
            open();
        } catch (RuntimeException e) {
            free();
            throw e;
        }
    }

    private void open() {
        int format = av_get_pix_fmt(spec.pixelFormat());
        if (format == AV_PIX_FMT_NONE) {
            throw new VideoException(target + ": unknown pixel format " + spec.pixelFormat());
        }
        AVCodec encoder = avcodec_find_encoder_by_name(spec.encoder());
        if (encoder == null || encoder.isNull()) {
            throw new VideoException(target + ": this FFmpeg build has no encoder " + spec.encoder());
        }
        container = new AVFormatContext(null);
        check(avformat_alloc_output_context2(container, null, spec.muxer(), target.toString()), "open the muxer");
        stream = avformat_new_stream(container, null);
        codec = avcodec_alloc_context3(encoder);
        if (stream == null || codec == null) {
            throw new OutOfMemoryError("avformat_new_stream/avcodec_alloc_context3 failed");
        }
        codec.codec_id(encoder.id()).width(spec.width()).height(spec.height()).pix_fmt(format)
                .time_base(av_make_q(1, spec.fps())).framerate(av_make_q(spec.fps(), 1)).gop_size(spec.gop())
                .max_b_frames(0);
        if (spec.bitRate() > 0) {
            codec.bit_rate(spec.bitRate());
        }
        if (spec.quantiser() > 0) {
            codec.flags(codec.flags() | AV_CODEC_FLAG_QSCALE).global_quality(FF_QP2LAMBDA * spec.quantiser());
        }
        if ((container.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
            codec.flags(codec.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        AVDictionary options = new AVDictionary(null);
        spec.options().forEach((k, v) -> av_dict_set(options, k, v, 0));
        try {
            check(avcodec_open2(codec, encoder, options), "open the " + spec.encoder() + " encoder ("
                    + spec.pixelFormat() + ", " + spec.width() + "x" + spec.height() + ")");
        } finally {
            av_dict_free(options);
        }
        check(avcodec_parameters_from_context(stream.codecpar(), codec), "set the stream parameters");
        stream.time_base(codec.time_base());
        if ((container.oformat().flags() & AVFMT_NOFILE) == 0) {
            io = new AVIOContext(null);
            check(avio_open(io, target.toString(), AVIO_FLAG_WRITE), "open the file");
            container.pb(io);
        }
        check(avformat_write_header(container, (AVDictionary) null), "write the header");
        picture = frame(format);
        rgb = frame(AV_PIX_FMT_RGB24);
        sws = sws_getContext(spec.width(), spec.height(), AV_PIX_FMT_RGB24, spec.width(), spec.height(), format,
                SWS_BICUBIC, null, null, (DoublePointer) null);
        if (sws == null || sws.isNull()) {
            throw new VideoException(target + ": cannot convert RGB to " + spec.pixelFormat());
        }
        packet = av_packet_alloc();
    }

    /** A frame whose buffers FFmpeg allocated (aligned and padded as its own code expects). */
    private AVFrame frame(int format) {
        AVFrame f = av_frame_alloc();
        if (f == null || f.isNull()) {
            throw new OutOfMemoryError("av_frame_alloc failed");
        }
        f.format(format).width(spec.width()).height(spec.height());
        int err = av_frame_get_buffer(f, 0);
        if (err < 0) {
            av_frame_free(f);
            check(err, "allocate a frame");
        }
        return f;
    }

    /** Appends one frame: {@code width x height x 3} bytes, rows top to bottom, R G B per pixel. */
    public void write(byte[] rgbPixels) {
        write(rgbPixels, frames);
    }

    /**
     * Appends one frame shown at {@code pts}, in units of 1/fps seconds (increasing): with a high {@code fps} (say
     * 1000) and uneven steps this writes a variable-frame-rate video.
     */
    public void write(byte[] rgbPixels, long pts) {
        if (packet == null) {
            throw new IllegalStateException(target + ": writer already finished or closed");
        }
        int row = spec.width() * 3;
        if (rgbPixels.length != row * spec.height()) {
            throw new IllegalArgumentException("expected " + row * spec.height() + " bytes of RGB, got "
                    + rgbPixels.length);
        }
        check(av_frame_make_writable(rgb), "make a frame writable");
        check(av_frame_make_writable(picture), "make a frame writable");
        BytePointer dst = rgb.data(0);
        int stride = rgb.linesize(0);
        for (int y = 0; y < spec.height(); y++) {
            dst.position((long) y * stride).put(rgbPixels, y * row, row);
        }
        dst.position(0);
        sws_scale(sws, rgb.data(), rgb.linesize(), 0, spec.height(), picture.data(), picture.linesize());
        picture.pts(pts);
        frames++;
        encode(picture);
    }

    /** Frames written so far. */
    public long frames() {
        return frames;
    }

    /** Flushes the encoder, writes the trailer and closes the file. */
    public void finish() {
        if (packet == null) {
            throw new IllegalStateException(target + ": writer already finished or closed");
        }
        try {
            encode(null);
            check(av_write_trailer(container), "write the trailer");
        } finally {
            free();
        }
    }

    private void encode(AVFrame frame) {
        check(avcodec_send_frame(codec, frame), "encode frame " + frames);
        while (true) {
            int ret = avcodec_receive_packet(codec, packet);
            if (ret == EAGAIN || ret == AVERROR_EOF) {
                return;
            }
            check(ret, "encode frame " + frames);
            if (packet.duration() <= 0) {
                packet.duration(1); // one frame (codec time base 1/fps): without it MP4 gives the last frame no time
            }
            av_packet_rescale_ts(packet, codec.time_base(), stream.time_base());
            packet.stream_index(stream.index());
            check(av_interleaved_write_frame(container, packet), "write a packet");
        }
    }

    private void check(int ret, String what) {
        if (ret < 0) {
            throw new VideoException(target + ": cannot " + what + ": " + FfmpegVideo.errorString(ret));
        }
    }

    /** Releases everything (an unfinished file stays as it is: the caller deletes it). */
    @Override
    public void close() {
        free();
    }

    private void free() {
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        if (picture != null) {
            av_frame_free(picture);
            picture = null;
        }
        if (rgb != null) {
            av_frame_free(rgb);
            rgb = null;
        }
        if (codec != null) {
            avcodec_free_context(codec);
            codec = null;
        }
        if (container != null) {
            if (io != null && !io.isNull()) {
                avio_closep(io);
                container.pb(null);
            }
            io = null;
            avformat_free_context(container);
            container = null;
        }
    }
}
