package dev.vclip.video;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_DISCARD;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.avformat.AVFormatContext.AVFMT_FLAG_CUSTOM_IO;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

/**
 * A video file (any container and codec this FFmpeg build reads) decoded to RGB, frame-exact.
 *
 * <p>This class drives libavformat/libavcodec/libswscale directly through the JavaCPP presets rather than through
 * JavaCV's {@code FFmpegFrameGrabber}: the grabber reports timestamps in rounded microseconds and hides the
 * keyframe layout, while exact frame addressing needs the stream's own timestamps and keyframe positions.
 *
 * <h2>Frame numbering and frame count</h2>
 * When the file is opened, every packet of the video stream is read once (a <em>packet scan</em>: demuxing only,
 * no decoding, about the cost of reading the file). Frame {@code i} is the frame with the {@code i}-th smallest
 * presentation timestamp (PTS) among the video packets; the frame count is the number of such packets. The
 * container's own count ({@code nb_frames}, often missing in MKV/WebM/TS and wrong in damaged files) is only
 * reported ({@link #containerFrameCount()}), never trusted. Packets flagged {@code DISCARD} (trimmed by an MP4
 * edit list: the decoder drops their frames) and packets flagged {@code CORRUPT} are not counted.
 * <ul>
 *   <li>If the scan ends early (a read error before the end of the file, fewer packets than the container
 *       claims, or corrupt packets) the file is treated as <em>truncated</em>: the last two GOPs are decoded and
 *       frames that do not come out of the decoder cleanly are dropped from the count, so that every index below
 *       {@link VideoInfo#frameCount()} can actually be decoded ({@link #truncated()} reports this).</li>
 *   <li>If packets carry no PTS, or PTS repeat (raw elementary streams, some AVI files), the frames are counted by
 *       <em>decoding the whole stream</em> once. If the decoded frames have distinct increasing timestamps they
 *       are used as above; otherwise frames are numbered in output order and every read decodes sequentially from
 *       the start ({@link #countMethod()} says which case applied).</li>
 * </ul>
 *
 * <h2>Reading: seek or decode through</h2>
 * {@link #read(int[])} sorts and de-duplicates the requested indices and visits them in order. For each index
 * {@code t} it either keeps decoding forward from the decoder's current position, or seeks to the last keyframe
 * at or before {@code t} (in presentation order, so open-GOP leading B-frames are handled) and decodes forward
 * from there. Either way the frame is identified by its timestamp, never by trusting where a seek landed: frames
 * are decoded until the one whose PTS equals the PTS of frame {@code t} comes out. After a seek, output is only
 * trusted from the first keyframe the decoder returns (MPEG-TS has no index, so a seek can land on a P-frame that
 * MPEG-4 would decode against a grey picture, with the right timestamp and the wrong pixels). If a seek lands
 * after the frame, the read retries from earlier keyframes and finally reopens the demuxer and decodes from the
 * first packet; a frame that still does not appear is an error naming the index.
 *
 * <p>The choice ({@link ReadStrategy#AUTO}) is a cost estimate in decoded frames: continuing forward from the
 * last output frame {@code p} costs {@code t - p} decodes, seeking costs {@code t - k} decodes plus a fixed
 * {@link #SEEK_PENALTY_FRAMES} (demuxer seek, decoder flush and refill of the frame-thread pipeline), where
 * {@code k} is the keyframe before {@code t}. So it seeks exactly when {@code k - p > SEEK_PENALTY_FRAMES}, i.e.
 * when a seek skips more frames than it costs. With a GOP of 250 and 8 samples in a 300-frame clip it decodes
 * straight through (no keyframe lies far enough ahead); in a 30-second clip it seeks 3 times, at the keyframes
 * that are well ahead of the decoder; in a 10-minute video it seeks once per sample. Only the requested frames
 * are converted to RGB. {@link ReadStrategy#SEEK} and {@link ReadStrategy#SEQUENTIAL} force one path (tests, benchmarks).
 *
 * <h2>Pixels</h2>
 * Frames are converted to packed RGB24 by libswscale with its default YUV coefficients (BT.601; full range only
 * for the {@code yuvj*} formats) and bilinear flags, as JavaCV's grabber does, into a 32-byte-aligned buffer whose
 * rows are copied out honouring the stride. The display rotation (the display-matrix side data, or a legacy {@code rotate} tag) is applied in
 * Java, so frames come back upright and {@link VideoInfo#width()}/{@link VideoInfo#height()} are after rotation;
 * {@link VideoInfo#rotationDegrees()} is the clockwise rotation applied (ffmpeg's CLI autorotate convention).
 * Mirroring in a display matrix is ignored.
 *
 * <p>Native memory: each instance owns one demuxer, one decoder, one packet, one frame, one scaler and one RGB
 * buffer, all freed by {@link #close()}; nothing native is retained between calls, so opening and closing many
 * videos in a loop does not grow the process. Not thread-safe: one instance per thread.
 */
public final class FfmpegVideo implements VideoSource {
    private static final System.Logger LOG = System.getLogger(FfmpegVideo.class.getName());

    /**
     * Silences FFmpeg's own log for the whole process (it prints complaints such as "moov atom not found" to stderr,
     * which vclip's exceptions already say with the file's name). A process-wide native setting, so the library never
     * calls it by itself: the CLI does, and an application may.
     */
    public static void quietFfmpegLog() {
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL);
    }

    /** How {@link #read(int[])} reaches the requested frames. */
    public enum ReadStrategy {
        /** Seek or decode through, whichever the cost estimate says is cheaper (the default). */
        AUTO,
        /** Seek to the keyframe before every requested frame (the sparse path). */
        SEEK,
        /** Decode from the start of the stream through the last requested frame (the dense path). */
        SEQUENTIAL
    }

    /**
     * Estimated cost of one seek, in decoded frames: the demuxer seek, the decoder flush, and refilling the
     * decoder's frame-thread pipeline (one frame of latency per thread) before the first frame comes out.
     */
    public static final int SEEK_PENALTY_FRAMES = 16;

    /** How many earlier keyframes a read tries after a seek landed past the frame, before decoding from the start. */
    private static final int SEEK_RETRIES = 2;

    /** {@code AVERROR(EAGAIN)} on Linux (the only platform this build ships natives for). */
    private static final int AVERROR_EAGAIN = -11;
    /** {@code AVERROR(EIO)} on Linux. */
    private static final int AVERROR_EIO = -5;
    /** {@code AVERROR(EINVAL)} on Linux. */
    private static final int AVERROR_EINVAL = -22;
    /** {@code AV_FRAME_FLAG_CORRUPT} (libavutil/frame.h): the decoder concealed errors in this frame. */
    private static final int AV_FRAME_FLAG_CORRUPT = 1;
    /** {@code AV_FRAME_FLAG_KEY} (libavutil/frame.h). */
    private static final int AV_FRAME_FLAG_KEY = 1 << 1;

    private final String source;
    private final Path file;
    private final ByteRange range;

    private AVFormatContext fmt;
    private AVIOContext avio;
    private AVCodecContext decoder;
    private AVPacket packet;
    private AVFrame frame;
    private SwsContext sws;
    /** swscale's RGB output, allocated by FFmpeg for the current size (see {@link #toRgb}). */
    private AVFrame rgbFrame;
    private int streamIndex = -1;

    /** PTS of frame i, ascending (stream time base); in sequential-only mode unused. */
    private long[] framePts;
    /** Frame numbers of the keyframes, ascending. */
    private int[] keyFrames;
    /** The timestamp to give av_seek_frame for keyframes[j] (its PTS; Long.MIN_VALUE: rewind instead). */
    private long[] keySeekTs;
    /** True when frames have no usable timestamps: numbered in output order, read sequentially from the start. */
    private boolean sequentialOnly;
    private boolean truncated;
    private String countMethod;
    private long containerFrameCount;
    private int rotation;
    private VideoInfo info;

    private ReadStrategy strategy = ReadStrategy.AUTO;
    /** Whether the decoder has been positioned (by a seek or rewind) and can be read forward. */
    private boolean positioned;
    /** The decoder has been sent the end-of-stream flush; it must be flushed before more packets. */
    private boolean draining;
    /** No more frames will come out until the next seek. */
    private boolean exhausted;
    /** Frame number of the last frame the decoder output since the last seek, -1 if none. */
    private int lastOutput = -1;
    /**
     * After a seek, outputs are ignored until a keyframe comes out: demuxers without an index (MPEG-TS) can land
     * on a P-frame, and some decoders (MPEG-4 Part 2) then output frames predicted from a grey picture, with
     * correct timestamps but wrong pixels. Off after reopening the demuxer (the true start of the stream).
     */
    private boolean needKey;
    /** Sequential-only mode: frames output since the last rewind. */
    private int outputOrdinal;
    /** Why the demuxer stopped, when it stopped with an error rather than end of file. */
    private String readError;

    private long statSeeks;
    private long statDecoded;
    private long statConverted;

    private FfmpegVideo(String source, Path file, ByteRange range) {
        this.source = source;
        this.file = file;
        this.range = range;
    }

    /**
     * Opens a video file, scans its packets to count and index the frames, and readies the decoder.
     *
     * @throws VideoException naming the file when it does not exist, is not a video FFmpeg can read, has no video
     *                        stream or decoder, or holds no decodable frame
     */
    public static FfmpegVideo open(Path file) {
        Objects.requireNonNull(file, "file");
        String src = file.toString();
        if (!Files.exists(file)) {
            throw new VideoException(src + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new VideoException(src + ": not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new VideoException(src + ": not readable");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new VideoException(src + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (size == 0) {
            throw new VideoException(src + ": empty file, not a video");
        }
        FfmpegVideo v = new FfmpegVideo(src, file, null);
        v.init();
        return v;
    }

    /**
     * Opens the bytes {@code [offset, offset + length)} of a file as a video, read in place through a custom
     * seekable FFmpeg I/O context (no copy, no temporary file). Used for members of uncompressed tar archives.
     *
     * @param source the name used in {@link VideoInfo#source()} and error messages (e.g. {@code a.tar#b.mp4})
     */
    public static FfmpegVideo openRange(Path file, long offset, long length, String source) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(source, "source");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad byte range " + offset + "+" + length);
        }
        if (length == 0) {
            throw new VideoException(source + ": empty member, not a video");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new VideoException(source + ": cannot read " + file + " (" + e.getMessage() + ")", e);
        }
        FfmpegVideo v = new FfmpegVideo(source, file, new ByteRange(ch, offset, length));
        v.init();
        return v;
    }

    // ------------------------------------------------------------------------------------------------ opening

    private void init() {
        try {
            openDemuxer();
            openDecoder();
            rotation = readRotation(fmt.streams(streamIndex));
            indexFrames();
            AVStream st = fmt.streams(streamIndex);
            AVCodecParameters par = st.codecpar();
            int n = framePts.length;
            double fps = frameRate(st, n);
            int w = par.width();
            int h = par.height();
            boolean swap = rotation == 90 || rotation == 270;
            String codec = avcodec_get_name(par.codec_id()).getString();
            String damage = !truncated ? null : "damaged or cut short: " + n + " frames decode"
                    + (containerFrameCount > n ? " of the " + containerFrameCount + " the container lists" : "")
                    + (readError != null ? " (the stream ends with: " + readError + ")" : "");
            if (damage != null) {
                LOG.log(System.Logger.Level.WARNING, source + ": " + damage + "; only those are used");
            }
            info = new VideoInfo(source, n, fps, n / fps, swap ? h : w, swap ? w : h, rotation, codec, damage);
        } catch (RuntimeException | Error e) {
            freeNative();
            throw e;
        }
    }

    private void openDemuxer() {
        int ret;
        if (range == null) {
            fmt = new AVFormatContext(null);
            // "file:" so that a path with a colon ("clip:1.mp4") is never taken for another protocol.
            ret = avformat_open_input(fmt, "file:" + file.toAbsolutePath(), null, null);
            if (ret < 0) {
                fmt = null; // avformat_open_input frees the context on failure
            }
        } else {
            fmt = avformat_alloc_context();
            avio = range.newContext();
            fmt.pb(avio);
            fmt.flags(fmt.flags() | AVFMT_FLAG_CUSTOM_IO);
            // The name only hints the probe (by extension); the bytes decide.
            ret = avformat_open_input(fmt, source, null, null);
            if (ret < 0) {
                fmt = null;
            }
        }
        if (ret < 0) {
            throw new VideoException(source + ": not a video FFmpeg can read (" + openError(ret) + ")"
                    + Mp4Diagnosis.explain(this::readBytes, totalLength()));
        }
        String demuxer = fmt.iformat() == null ? "" : fmt.iformat().name().getString();
        if (demuxer.equals("tty")) {
            // FFmpeg renders any *.txt/*.ans file as ANSI-art "video"; that is never what a caller means.
            throw new VideoException(source + ": not a video (a text file; FFmpeg would only render it as ANSI art)");
        }
        ret = avformat_find_stream_info(fmt, (PointerPointer<?>) null);
        if (ret < 0) {
            throw new VideoException(source + ": cannot read the stream information (" + openError(ret) + ")"
                    + Mp4Diagnosis.explain(this::readBytes, totalLength()));
        }
        streamIndex = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
        if (streamIndex < 0) {
            throw new VideoException(source + ": no video stream (container " + demuxer + ", "
                    + fmt.nb_streams() + " other stream(s))");
        }
    }

    /**
     * The largest frame vclip decodes, in pixels: 40 M by default (8K UHD is 33 M), so that a file declaring
     * 16000x16000 (a 35-byte GIF can) is refused from its header instead of costing gigabytes. Set
     * {@code -Dvclip.video.maxPixels=N} to change it.
     */
    public static final String MAX_PIXELS_PROPERTY = "vclip.video.maxPixels";
    static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    static long maxPixels() {
        String value = System.getProperty(MAX_PIXELS_PROPERTY);
        if (value == null) {
            return DEFAULT_MAX_PIXELS;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new VideoException("-D" + MAX_PIXELS_PROPERTY + "=" + value + ": not a positive number of pixels");
        }
    }

    /** Refuses a declared frame size above {@code limit} pixels, naming the file, the size and the setting. */
    static void checkFrameSize(String source, long width, long height, long limit) {
        if (width * height > limit) {
            throw new VideoException(String.format(java.util.Locale.ROOT, "%s: declares %dx%d frames (%.1f M pixels), "
                    + "above the limit of %.1f M pixels (-D%s=N to change it)", source, width, height,
                    width * height / 1e6, limit / 1e6, MAX_PIXELS_PROPERTY));
        }
    }

    private void openDecoder() {
        AVStream st = fmt.streams(streamIndex);
        AVCodecParameters par = st.codecpar();
        long limit = maxPixels();
        checkFrameSize(source, par.width(), par.height(), limit);
        AVCodec codec = avcodec_find_decoder(par.codec_id());
        if (codec == null || codec.isNull()) {
            throw new VideoException(source + ": no decoder for codec '" + avcodec_get_name(par.codec_id()).getString()
                    + "' in this FFmpeg build");
        }
        decoder = avcodec_alloc_context3(codec);
        if (decoder == null || decoder.isNull()) {
            throw new VideoException(source + ": cannot allocate a decoder");
        }
        int ret = avcodec_parameters_to_context(decoder, par);
        if (ret < 0) {
            throw new VideoException(source + ": bad codec parameters (" + errorString(ret) + ")");
        }
        // Lets the decoder compute best_effort_timestamp in the stream's time base.
        decoder.pkt_timebase(st.time_base());
        // a frame larger than its header said is refused by the decoder itself
        decoder.max_pixels(limit);
        decoder.thread_count(0); // as many threads as cores
        ret = avcodec_open2(decoder, codec, (PointerPointer<?>) null);
        if (ret < 0) {
            throw new VideoException(source + ": cannot open the " + codec.name().getString() + " decoder ("
                    + errorString(ret) + ")");
        }
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        if (packet == null || frame == null) {
            throw new OutOfMemoryError("av_packet_alloc/av_frame_alloc failed");
        }
    }

    /** The clockwise rotation (0, 90, 180, 270) that makes the frames upright. */
    private static int readRotation(AVStream st) {
        AVCodecParameters par = st.codecpar();
        AVPacketSideData sd = av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(),
                AV_PKT_DATA_DISPLAYMATRIX);
        if (sd != null && !sd.isNull() && sd.size() >= 9 * 4) {
            // av_display_rotation_get: the angle the matrix rotates the frame counter-clockwise. ffmpeg's
            // autorotate applies theta = -angle as a clockwise rotation (fftools get_rotation + transpose).
            double ccw = av_display_rotation_get(new IntPointer(sd.data()));
            if (!Double.isNaN(ccw)) {
                return normaliseRotation(-ccw);
            }
        }
        AVDictionaryEntry tag = av_dict_get(st.metadata(), "rotate", null, 0);
        if (tag != null && !tag.isNull()) {
            try {
                // The legacy tag is the clockwise rotation to apply.
                return normaliseRotation(Double.parseDouble(tag.value().getString().trim()));
            } catch (NumberFormatException ignored) {
                return 0;
            }
        }
        return 0;
    }

    /** Rounds to the nearest multiple of 90 and brings it into [0, 360). */
    static int normaliseRotation(double degrees) {
        long q = Math.round(degrees / 90.0);
        return (int) Math.floorMod(q * 90, 360L);
    }

    private static double frameRate(AVStream st, int frameCount) {
        double fps = rational(st.avg_frame_rate());
        if (!(fps > 0) || Double.isInfinite(fps)) {
            fps = rational(st.r_frame_rate());
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            double tb = rational(st.time_base());
            if (st.duration() > 0 && tb > 0 && frameCount > 0) {
                fps = frameCount / (st.duration() * tb);
            }
        }
        return fps > 0 && !Double.isInfinite(fps) ? fps : 30.0;
    }

    private static double rational(AVRational r) {
        return r == null || r.den() == 0 ? Double.NaN : (double) r.num() / r.den();
    }

    // ------------------------------------------------------------------------------------------------ indexing

    /** The packet scan (and, when needed, the tail check or a counting decode). See the class comment. */
    private void indexFrames() {
        AVStream st = fmt.streams(streamIndex);
        containerFrameCount = st.nb_frames();
        LongList pts = new LongList();
        LongList keyPts = new LongList();
        LongList keySeek = new LongList();
        boolean missingPts = false;
        int corrupt = 0;
        String scanError = null;
        int ret;
        while ((ret = av_read_frame(fmt, packet)) >= 0) {
            try {
                if (packet.stream_index() != streamIndex) {
                    continue;
                }
                int flags = packet.flags();
                if ((flags & AV_PKT_FLAG_DISCARD) != 0) {
                    continue;
                }
                if ((flags & AV_PKT_FLAG_CORRUPT) != 0) {
                    corrupt++;
                    continue;
                }
                long p = packet.pts();
                if (p == AV_NOPTS_VALUE) {
                    missingPts = true;
                    continue;
                }
                pts.add(p);
                if ((flags & AV_PKT_FLAG_KEY) != 0) {
                    keyPts.add(p);
                    // Seek by the keyframe's PTS, not its DTS: MP4's seek index holds DTS shifted up by the
                    // B-frame delay (so the packet's own, unshifted DTS lands one keyframe too early), Matroska's
                    // holds PTS. A keyframe's PTS is at or after its index timestamp and before the next
                    // keyframe's, so a backward seek lands on it in both; the timestamp check covers the rest.
                    keySeek.add(p);
                }
            } finally {
                av_packet_unref(packet);
            }
        }
        if (ret != AVERROR_EOF) {
            scanError = errorString(ret);
        }
        long[] sorted = pts.toArray();
        Arrays.sort(sorted);
        boolean distinct = true;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                distinct = false;
                break;
            }
        }
        if (!missingPts && distinct && sorted.length > 0 && keyPts.size() > 0) {
            framePts = sorted;
            setKeys(keyPts.toArray(), keySeek.toArray());
            countMethod = "packet scan";
            truncated = scanError != null || corrupt > 0
                    || (containerFrameCount > 0 && sorted.length < containerFrameCount);
            if (truncated) {
                readError = scanError != null ? scanError : corrupt > 0 ? corrupt + " corrupt packet(s)" : null;
                checkTail();
                countMethod = "packet scan, tail checked by decoding (truncated file)";
            }
        } else {
            countByDecoding(scanError);
        }
        if (framePts.length == 0) {
            throw new VideoException(source + ": no decodable video frame"
                    + (scanError != null ? " (" + scanError + ")" : "")
                    + Mp4Diagnosis.explain(this::readBytes, totalLength()));
        }
        rewind();
    }

    /** keyFrames from key packet PTS (mapped to frame numbers), ascending, with their seek timestamps. */
    private void setKeys(long[] keyPts, long[] keySeek) {
        int n = 0;
        int[] idx = new int[keyPts.length];
        long[] seek = new long[keyPts.length];
        Integer[] order = new Integer[keyPts.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(keyPts[a], keyPts[b]));
        for (int o : order) {
            int f = Arrays.binarySearch(framePts, keyPts[o]);
            if (f >= 0 && (n == 0 || idx[n - 1] != f)) {
                idx[n] = f;
                seek[n] = keySeek[o];
                n++;
            }
        }
        keyFrames = Arrays.copyOf(idx, n);
        keySeekTs = Arrays.copyOf(seek, n);
        if (n == 0 || keyFrames[0] != 0) {
            // Frames before the first keyframe (a stream cut mid-GOP) can only be reached from the start.
            int[] k = new int[n + 1];
            long[] s = new long[n + 1];
            System.arraycopy(keyFrames, 0, k, 1, n);
            System.arraycopy(keySeekTs, 0, s, 1, n);
            k[0] = 0;
            s[0] = Long.MIN_VALUE; // rewind
            keyFrames = k;
            keySeekTs = s;
        }
    }

    /**
     * Truncated file: decode from the keyframe two before the last one to the end, and drop from the count every
     * frame at or after that keyframe that the decoder does not output cleanly (missing references, the cut
     * packet). Two GOPs back so that open-GOP leading frames of the last GOP are decoded with their references.
     */
    private void checkTail() {
        int kj = Math.max(0, keyFrames.length - 3);
        int startFrame = keyFrames[kj];
        seekToKey(kj);
        TreeSet<Long> produced = new TreeSet<>();
        while (true) {
            int r = nextFrame();
            if (r == NEXT_END) {
                break;
            }
            try {
                if (needKey) {
                    if ((frame.flags() & AV_FRAME_FLAG_KEY) == 0) {
                        continue;
                    }
                    needKey = false;
                }
                if ((frame.flags() & AV_FRAME_FLAG_CORRUPT) == 0 && frame.decode_error_flags() == 0) {
                    produced.add(timestampOf(frame));
                }
            } finally {
                av_frame_unref(frame);
            }
        }
        LongList kept = new LongList();
        for (int i = 0; i < framePts.length; i++) {
            if (i < startFrame || produced.contains(framePts[i])) {
                kept.add(framePts[i]);
            }
        }
        long[] oldPts = framePts;
        framePts = kept.toArray();
        // Re-map the keyframes onto the new numbering, dropping keys that were removed.
        LongList kp = new LongList();
        LongList ks = new LongList();
        for (int j = 0; j < keyFrames.length; j++) {
            if (keySeekTs[j] == Long.MIN_VALUE) {
                continue;
            }
            long p = oldPts[keyFrames[j]];
            if (Arrays.binarySearch(framePts, p) >= 0) {
                kp.add(p);
                ks.add(keySeekTs[j]);
            }
        }
        setKeys(kp.toArray(), ks.toArray());
    }

    /** Counts frames by decoding the whole stream (packets without usable timestamps). */
    private void countByDecoding(String scanError) {
        sequentialOnly = true; // until proven otherwise; rewind() below must not rely on keyframes
        framePts = new long[0];
        keyFrames = new int[] {0};
        keySeekTs = new long[] {Long.MIN_VALUE};
        rewind();
        LongList ts = new LongList();
        LongList keys = new LongList();
        boolean usable = true;
        while (true) {
            int r = nextFrame();
            if (r == NEXT_END) {
                break;
            }
            try {
                long t = timestampOf(frame);
                if (t == AV_NOPTS_VALUE || (ts.size() > 0 && t <= ts.get(ts.size() - 1))) {
                    usable = false;
                }
                ts.add(t);
                if ((frame.flags() & AV_FRAME_FLAG_KEY) != 0) {
                    keys.add(t);
                }
            } finally {
                av_frame_unref(frame);
            }
        }
        framePts = ts.toArray();
        if (usable && keys.size() > 0) {
            sequentialOnly = false;
            // No DTS known here: seek by PTS; the timestamp check catches a seek that lands late.
            long[] k = keys.toArray();
            setKeys(k, k.clone());
            countMethod = "decoded (packets without usable timestamps)";
        } else {
            countMethod = "decoded, numbered in output order (no usable timestamps; reads decode from the start)";
        }
        if (scanError != null) {
            truncated = true;
            readError = scanError;
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    @Override
    public VideoInfo info() {
        ensureOpen();
        return info;
    }

    /** Chooses between seeking and decoding through (default {@link ReadStrategy#AUTO}). */
    public FfmpegVideo strategy(ReadStrategy s) {
        this.strategy = Objects.requireNonNull(s, "strategy");
        return this;
    }

    public ReadStrategy strategy() {
        return strategy;
    }

    /** The container's declared frame count ({@code nb_frames}), 0 when it declares none. Informational only. */
    public long containerFrameCount() {
        return containerFrameCount;
    }

    /** How the frame count was established (packet scan, tail check, or decoding). */
    public String countMethod() {
        return countMethod;
    }

    /** Whether the file ended early (read error, fewer packets than declared, corrupt packets). */
    public boolean truncated() {
        return truncated;
    }

    /** Frame numbers of the keyframes, ascending (a copy). */
    public int[] keyFrames() {
        return keyFrames.clone();
    }

    /** Counters since open: seeks made, frames decoded, frames converted to RGB. */
    public Stats stats() {
        return new Stats(statSeeks, statDecoded, statConverted);
    }

    /** Decoder work done since the video was opened (including the work of opening). */
    public record Stats(long seeks, long framesDecoded, long framesConverted) {
    }

    @Override
    public List<RgbFrame> read(int[] frameIndices) {
        ensureOpen();
        Objects.requireNonNull(frameIndices, "frameIndices");
        int n = info.frameCount();
        TreeSet<Integer> wanted = new TreeSet<>();
        for (int t : frameIndices) {
            if (t < 0 || t >= n) {
                throw new VideoException(source + ": frame index " + t + " out of range (the video has " + n
                        + " frames, 0.." + (n - 1) + ")");
            }
            wanted.add(t);
        }
        Map<Integer, RgbFrame> got = new HashMap<>();
        for (int t : wanted) {
            if (!got.containsKey(t)) {
                obtain(t, wanted, got);
            }
        }
        List<RgbFrame> out = new ArrayList<>(frameIndices.length);
        for (int t : frameIndices) {
            out.add(got.get(t)); // repeats share one immutable frame
        }
        return out;
    }

    private void obtain(int t, TreeSet<Integer> wanted, Map<Integer, RgbFrame> got) {
        if (sequentialOnly) {
            if (!positioned || exhausted || t <= lastOutput) {
                hardRewind();
            }
            decodeUntil(t, wanted, got);
            if (!got.containsKey(t)) {
                throw missing(t);
            }
            return;
        }
        int kj = keyBefore(t);
        boolean seek = switch (strategy) {
            case SEEK -> true;
            case SEQUENTIAL -> false;
            case AUTO -> !positioned || exhausted || t <= lastOutput
                    || keyFrames[kj] - lastOutput > SEEK_PENALTY_FRAMES;
        };
        if (strategy == ReadStrategy.SEQUENTIAL && (!positioned || exhausted || t <= lastOutput)) {
            rewind();
        } else if (seek) {
            seekToKey(kj);
        }
        decodeUntil(t, wanted, got);
        // A seek that landed past the frame (or a decoder that dropped it after the seek): go further back.
        for (int retry = 1; !got.containsKey(t) && retry <= SEEK_RETRIES && kj - retry >= 0; retry++) {
            seekToKey(kj - retry);
            decodeUntil(t, wanted, got);
        }
        if (!got.containsKey(t)) {
            // Last resort, whatever the format's seeking does: reopen and decode from the first packet.
            hardRewind();
            decodeUntil(t, wanted, got);
        }
        if (!got.containsKey(t)) {
            throw missing(t);
        }
    }

    private VideoException missing(int t) {
        String why = readError != null ? " (the stream ends with: " + readError + ")" : "";
        String ts = sequentialOnly ? "" : " (pts " + framePts[t] + ")";
        return new VideoException(source + ": frame " + t + ts + " could not be decoded" + why);
    }

    /** The position in keyFrames of the last keyframe at or before frame t. */
    private int keyBefore(int t) {
        int j = Arrays.binarySearch(keyFrames, t);
        return j >= 0 ? j : Math.max(0, -j - 2);
    }

    /**
     * Decodes forward until frame t has come out (or a later frame, or the end), converting every wanted frame
     * that passes by.
     */
    private void decodeUntil(int t, TreeSet<Integer> wanted, Map<Integer, RgbFrame> got) {
        while (true) {
            int r = nextFrame();
            if (r == NEXT_END) {
                return;
            }
            try {
                if (needKey) {
                    if ((frame.flags() & AV_FRAME_FLAG_KEY) == 0) {
                        continue;
                    }
                    needKey = false;
                }
                int f = frameNumberOf(frame);
                if (f < 0) {
                    continue; // a frame not in the index (discarded, or cut off in a truncated file)
                }
                lastOutput = f;
                if (wanted.contains(f) && !got.containsKey(f)) {
                    got.put(f, toRgb(frame));
                }
                if (f >= t) {
                    return;
                }
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    private static final int NEXT_FRAME = 0;
    private static final int NEXT_END = 1;

    /** Receives the next decoded frame into {@link #frame}, feeding packets as needed. */
    private int nextFrame() {
        if (exhausted) {
            return NEXT_END;
        }
        int errors = 0;
        while (true) {
            int r = avcodec_receive_frame(decoder, frame);
            if (r >= 0) {
                statDecoded++;
                return NEXT_FRAME;
            }
            if (r == AVERROR_EOF) {
                exhausted = true;
                return NEXT_END;
            }
            if (r != AVERROR_EAGAIN) {
                // A broken frame: skip it and keep going (the index check decides whether it mattered).
                if (++errors > 1000) {
                    throw new VideoException(source + ": the decoder keeps failing (" + errorString(r) + ")");
                }
                continue;
            }
            if (draining) {
                exhausted = true;
                return NEXT_END;
            }
            int rr = av_read_frame(fmt, packet);
            if (rr < 0) {
                if (rr != AVERROR_EOF && readError == null) {
                    readError = errorString(rr);
                }
                avcodec_send_packet(decoder, null); // enter draining: the decoder returns its delayed frames
                draining = true;
                continue;
            }
            try {
                if (packet.stream_index() == streamIndex) {
                    // Errors on one packet (corrupt data) are not fatal: the decoder resynchronises.
                    avcodec_send_packet(decoder, packet);
                }
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private long timestampOf(AVFrame f) {
        long t = f.best_effort_timestamp();
        return t != AV_NOPTS_VALUE ? t : f.pts();
    }

    private int frameNumberOf(AVFrame f) {
        if (sequentialOnly) {
            return outputOrdinal++;
        }
        int i = Arrays.binarySearch(framePts, timestampOf(f));
        return i >= 0 ? i : -1;
    }

    private void seekToKey(int kj) {
        long ts = keySeekTs[kj];
        if (ts == Long.MIN_VALUE) {
            rewind();
            return;
        }
        int r = av_seek_frame(fmt, streamIndex, ts, AVSEEK_FLAG_BACKWARD);
        if (r < 0) {
            rewind();
            return;
        }
        statSeeks++;
        resetDecoder();
    }

    /**
     * Positions at the start of the stream: a backward seek to the first keyframe, or reopening the demuxer when
     * there is no keyframe timestamp to seek to.
     */
    private void rewind() {
        if (sequentialOnly || keySeekTs == null || keySeekTs.length == 0 || keySeekTs[0] == Long.MIN_VALUE
                || av_seek_frame(fmt, streamIndex, keySeekTs[0], AVSEEK_FLAG_BACKWARD) < 0) {
            hardRewind();
            return;
        }
        statSeeks++;
        resetDecoder();
        outputOrdinal = 0;
    }

    /** Reopens the demuxer: the one sure way back to the first packet, whatever the format's seeking does. */
    private void hardRewind() {
        reopenDemuxer();
        statSeeks++;
        resetDecoder();
        needKey = false;
        outputOrdinal = 0;
    }

    private void resetDecoder() {
        avcodec_flush_buffers(decoder);
        needKey = true;
        draining = false;
        exhausted = false;
        positioned = true;
        lastOutput = -1;
    }

    private void reopenDemuxer() {
        int streams = fmt.nb_streams();
        closeDemuxer();
        if (range != null) {
            range.position = 0;
        }
        openDemuxer();
        if (fmt.nb_streams() != streams) {
            throw new VideoException(source + ": the file changed while it was open");
        }
    }

    // ------------------------------------------------------------------------------------------------ pixels

    private RgbFrame toRgb(AVFrame f) {
        int w = f.width();
        int h = f.height();
        // The output frame comes from av_frame_get_buffer, so its size follows FFmpeg's own rules (rows aligned,
        // height padded, extra bytes at the end). swscale writes whole pixel blocks and may write past the last row
        // and column: a buffer of exactly stride x height made free() abort or the JVM crash on valid videos of
        // common sizes (426x240, 34x20, 2x2; widths 2-10, 34, 42, ... under glibc's malloc checker).
        if (rgbFrame == null || rgbFrame.width() != w || rgbFrame.height() != h) {
            if (rgbFrame != null) {
                av_frame_free(rgbFrame);
            }
            rgbFrame = av_frame_alloc();
            if (rgbFrame == null || rgbFrame.isNull()) {
                throw new OutOfMemoryError("av_frame_alloc failed");
            }
            rgbFrame.format(AV_PIX_FMT_RGB24).width(w).height(h);
            int err = av_frame_get_buffer(rgbFrame, 0);
            if (err < 0) {
                av_frame_free(rgbFrame);
                rgbFrame = null;
                throw new VideoException(source + ": cannot allocate a " + w + "x" + h + " RGB frame ("
                        + errorString(err) + ")");
            }
        }
        sws = sws_getCachedContext(sws, w, h, f.format(), w, h, AV_PIX_FMT_RGB24, SWS_BILINEAR, null, null,
                (DoublePointer) null);
        if (sws == null || sws.isNull()) {
            throw new VideoException(source + ": cannot convert pixel format " + f.format() + " to RGB");
        }
        int lines = sws_scale(sws, f.data(), f.linesize(), 0, h, rgbFrame.data(), rgbFrame.linesize());
        if (lines != h) {
            throw new VideoException(source + ": pixel conversion failed (" + errorString(lines) + ")");
        }
        int stride = rgbFrame.linesize(0);
        long need = (long) stride * (h - 1) + (long) w * 3;
        byte[] rgb = new byte[w * h * 3];
        ByteBuffer buf = rgbFrame.data(0).capacity(need).position(0).limit(need).asBuffer();
        int row = w * 3;
        if (stride == row) {
            buf.get(0, rgb, 0, rgb.length);
        } else {
            for (int y = 0; y < h; y++) {
                buf.get(y * stride, rgb, y * row, row);
            }
        }
        statConverted++;
        RgbFrame out = new RgbFrame(w, h, rgb);
        return rotation == 0 ? out : rotate(out, rotation);
    }

    /** Rotates clockwise by 90, 180 or 270 degrees. */
    static RgbFrame rotate(RgbFrame in, int clockwiseDegrees) {
        int w = in.width();
        int h = in.height();
        byte[] s = in.rgb();
        switch (clockwiseDegrees) {
            case 0:
                return in;
            case 180: {
                byte[] d = new byte[s.length];
                for (int i = 0, j = s.length - 3; i < s.length; i += 3, j -= 3) {
                    d[j] = s[i];
                    d[j + 1] = s[i + 1];
                    d[j + 2] = s[i + 2];
                }
                return new RgbFrame(w, h, d);
            }
            case 90:
            case 270: {
                // Output is h wide and w high. Clockwise: (x, y) -> (h - 1 - y, x); counter-clockwise:
                // (x, y) -> (y, w - 1 - x).
                byte[] d = new byte[s.length];
                boolean cw = clockwiseDegrees == 90;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int nx = cw ? h - 1 - y : y;
                        int ny = cw ? x : w - 1 - x;
                        int si = (y * w + x) * 3;
                        int di = (ny * h + nx) * 3;
                        d[di] = s[si];
                        d[di + 1] = s[si + 1];
                        d[di + 2] = s[si + 2];
                    }
                }
                return new RgbFrame(h, w, d);
            }
            default:
                throw new IllegalArgumentException("rotation must be 0, 90, 180 or 270, got " + clockwiseDegrees);
        }
    }

    // ------------------------------------------------------------------------------------------------ closing

    private void ensureOpen() {
        if (decoder == null) {
            throw new IllegalStateException(source + ": closed");
        }
    }

    @Override
    public void close() {
        freeNative();
    }

    private void freeNative() {
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        if (rgbFrame != null) {
            av_frame_free(rgbFrame);
            rgbFrame = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (decoder != null) {
            avcodec_free_context(decoder);
            decoder = null;
        }
        closeDemuxer();
        if (range != null) {
            range.close();
        }
    }

    private void closeDemuxer() {
        if (fmt != null) {
            // With custom I/O (AVFMT_FLAG_CUSTOM_IO) this leaves pb alone; it is freed below.
            avformat_close_input(fmt);
            fmt = null;
        }
        if (avio != null) {
            range.freeContext(avio);
            avio = null;
        }
    }

    @Override
    public String toString() {
        return "FfmpegVideo[" + source + "]";
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** AVERROR(ENOMEM) on Linux. */
    private static final int AVERROR_ENOMEM = -12;

    /**
     * An error while reading a file's header. FFmpeg answers "Cannot allocate memory" when a damaged or lying table
     * declares sizes it refuses to allocate; that is a property of the file, not of this machine's memory.
     */
    static String openError(int err) {
        return err == AVERROR_ENOMEM ? "its header declares sizes FFmpeg will not allocate: damaged or lying tables"
                : errorString(err);
    }

    static String errorString(int err) {
        byte[] buf = new byte[256];
        if (av_strerror(err, buf, buf.length) < 0) {
            return "FFmpeg error " + err;
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private long totalLength() {
        try {
            return range != null ? range.length : Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Reads up to n bytes at pos of the video's bytes (the file, or the member's range); for diagnostics. */
    private byte[] readBytes(long pos, int n) {
        long base = range != null ? range.offset : 0;
        long len = totalLength();
        if (pos < 0 || pos >= len) {
            return new byte[0];
        }
        int want = (int) Math.min(n, len - pos);
        ByteBuffer bb = ByteBuffer.allocate(want);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (bb.hasRemaining()) {
                if (ch.read(bb, base + pos + bb.position()) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            return new byte[0];
        }
        return Arrays.copyOf(bb.array(), bb.position());
    }

    /** A growable long array. */
    private static final class LongList {
        private long[] a = new long[1024];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /**
     * A byte range of a file exposed to FFmpeg as a seekable AVIOContext. The two native callbacks are single
     * static instances (each JavaCPP callback instance holds a native thunk, and their number is limited); the
     * opaque pointer carries an id that selects the range.
     */
    static final class ByteRange {
        private static final int BUFFER_SIZE = 1 << 16;
        private static final Map<Long, ByteRange> OPEN = new ConcurrentHashMap<>();
        private static final AtomicLong IDS = new AtomicLong();
        private static final ReadCallback READ = new ReadCallback();
        private static final SeekCallback SEEK = new SeekCallback();

        static {
            READ.retainReference();
            SEEK.retainReference();
        }

        final FileChannel channel;
        final long offset;
        final long length;
        long position;
        private final long id = IDS.incrementAndGet();
        private LongPointer opaque;

        ByteRange(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.offset = offset;
            this.length = length;
        }

        AVIOContext newContext() {
            if (opaque == null) {
                opaque = new LongPointer(1);
                opaque.put(0, id);
                OPEN.put(id, this);
            }
            position = 0;
            BytePointer buffer = new BytePointer(av_malloc(BUFFER_SIZE));
            AVIOContext ctx = avio_alloc_context(buffer, BUFFER_SIZE, 0, opaque, READ, null, SEEK);
            if (ctx == null || ctx.isNull()) {
                av_free(buffer);
                throw new OutOfMemoryError("avio_alloc_context failed");
            }
            return ctx;
        }

        void freeContext(AVIOContext ctx) {
            // FFmpeg may have replaced the buffer; free the current one.
            BytePointer buf = ctx.buffer();
            if (buf != null && !buf.isNull()) {
                av_free(buf);
            }
            avio_context_free(ctx);
        }

        void close() {
            OPEN.remove(id);
            if (opaque != null) {
                opaque.close();
                opaque = null;
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do: read-only channel
            }
        }

        static ByteRange of(Pointer opaque) {
            return OPEN.get(new LongPointer(opaque).get(0));
        }

        int read(BytePointer buf, int size) {
            long left = length - position;
            if (left <= 0) {
                return AVERROR_EOF;
            }
            int n = (int) Math.min(size, left);
            ByteBuffer dst = buf.position(0).capacity(n).limit(n).asBuffer();
            try {
                int total = 0;
                while (dst.hasRemaining()) {
                    int r = channel.read(dst, offset + position + total);
                    if (r < 0) {
                        break;
                    }
                    total += r;
                }
                if (total == 0) {
                    return AVERROR_EOF;
                }
                position += total;
                return total;
            } catch (IOException e) {
                return AVERROR_EIO;
            }
        }

        long seek(long off, int whence) {
            if ((whence & AVSEEK_SIZE) != 0) {
                return length;
            }
            long base = switch (whence & 0xffff) { // drop AVSEEK_FORCE
                case 0 -> 0; // SEEK_SET
                case 1 -> position; // SEEK_CUR
                case 2 -> length; // SEEK_END
                default -> -1;
            };
            if (base < 0 || base + off < 0) {
                return AVERROR_EINVAL;
            }
            position = base + off;
            return position;
        }
    }

    private static final class ReadCallback extends Read_packet_Pointer_BytePointer_int {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            ByteRange r = ByteRange.of(opaque);
            return r == null ? AVERROR_EIO : r.read(buf, size);
        }
    }

    private static final class SeekCallback extends Seek_Pointer_long_int {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            ByteRange r = ByteRange.of(opaque);
            return r == null ? AVERROR_EIO : r.seek(offset, whence);
        }
    }

    /**
     * A plain-language reason for MP4/MOV files FFmpeg rejects: walks the top-level boxes and reports a box that
     * runs past the end of the file, or a missing {@code moov} index (a recording that was never finalised, or a
     * file cut short).
     */
    static final class Mp4Diagnosis {
        interface Reader {
            byte[] read(long pos, int n);
        }

        static String explain(Reader in, long length) {
            if (length < 8) {
                return length >= 0 ? "; the file is only " + length + " bytes" : "";
            }
            long pos = 0;
            boolean moov = false;
            boolean first = true;
            while (pos + 8 <= length) {
                byte[] h = in.read(pos, 16);
                if (h.length < 8) {
                    return "";
                }
                long size = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
                String type = new String(h, 4, 4, StandardCharsets.ISO_8859_1);
                if (first && !(type.equals("ftyp") || type.equals("moov") || type.equals("mdat")
                        || type.equals("free") || type.equals("wide") || type.equals("skip"))) {
                    return ""; // not an MP4/MOV file: nothing to add
                }
                first = false;
                if (size == 1 && h.length >= 16) {
                    size = ByteBuffer.wrap(h, 8, 8).getLong();
                } else if (size == 0) {
                    size = length - pos;
                }
                if (size < 8) {
                    return "; the MP4 box '" + printable(type) + "' at byte " + pos + " has an invalid size " + size;
                }
                if (type.equals("moov")) {
                    moov = true;
                }
                if (pos + size > length) {
                    return "; the file looks truncated: the MP4 box '" + printable(type) + "' at byte " + pos
                            + " needs " + size + " bytes but the file ends after " + (length - pos)
                            + (moov ? "" : ", and there is no 'moov' index");
                }
                pos += size;
            }
            return moov ? "" : "; the MP4 has no 'moov' index (a recording that was never finalised, or a cut file)";
        }

        private static String printable(String s) {
            return s.chars().allMatch(c -> c >= 32 && c < 127) ? s : "?";
        }
    }
}
