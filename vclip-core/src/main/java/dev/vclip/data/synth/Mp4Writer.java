package dev.vclip.data.synth;

import dev.vclip.video.VideoWriter;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes frames into an MP4 file (yuv420p) with FFmpeg ({@link VideoWriter}, whose frame buffers follow FFmpeg's
 * padding rules; JavaCV's recorder allocated exactly stride x height, which swscale overran at some widths). The
 * video is written to a hidden temporary file beside the target and renamed onto it by {@link #finish()}, so a
 * reader never sees a half-written video and an interrupted run leaves no truncated file under the real name.
 *
 * <p>Settings are chosen for reproducible bytes: one encoder thread (multi-threaded encoders may split work
 * differently from run to run), no skipped frames (libopenh264 may drop frames to meet a bitrate, which would break
 * frame-exact annotations), no B-frames (decode order = display order), and FFmpeg's bitexact flag so the codec
 * writes no version strings. The MP4 muxer writes no creation time unless asked to.
 */
public final class Mp4Writer implements AutoCloseable {

    private final Path target;
    private final Path temporary;
    private final int width;
    private final int height;
    private final VideoCodec codec;
    private VideoWriter writer;
    private int frames;

    /**
     * Opens an encoder for {@code target}. Width and height must be even (yuv420p stores colour at half
     * resolution). {@code gop} is the keyframe interval in frames: short intervals make seeking cheap.
     */
    public Mp4Writer(Path target, int width, int height, int fps, int gop, VideoCodec codec) {
        if (width % 2 != 0 || height % 2 != 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("video size must be positive and even (yuv420p), got " + width + "x"
                    + height);
        }
        this.target = target.toAbsolutePath();
        this.width = width;
        this.height = height;
        this.codec = codec;
        try {
            Files.createDirectories(this.target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(this.target.getParent() + ": cannot create folder: " + e.getMessage(), e);
        }
        this.temporary = this.target.resolveSibling("." + this.target.getFileName() + ".part");
        Map<String, String> options = new LinkedHashMap<>();
        options.put("threads", "1");
        options.put("flags", "+bitexact");
        long bitRate = 0;
        int quantiser = 0;
        if (codec == VideoCodec.H264) {
            // libopenh264 in its default quality mode, where the bitrate is a target, not a cap. At one bit per
            // pixel and frame the decoded frames are as close to the rendered ones as yuv420p allows (35.3 dB
            // PSNR on the synthetic scenes, the same as near-lossless MPEG-4, so more bits could buy nothing; the
            // loss is chroma subsampling at sharp colour edges). Frame skipping stays off.
            bitRate = Math.max(200_000, (long) width * height * fps);
            options.put("allow_skip_frames", "0");
        } else {
            quantiser = 3; // MPEG-4: constant quantiser 3, within 0.6 dB of lossless yuv420p here
        }
        try {
            this.writer = new VideoWriter(temporary, new VideoWriter.Spec("mp4", codec.encoderName(), "yuv420p",
                    width, height, fps, gop, bitRate, quantiser, options));
        } catch (RuntimeException e) {
            deleteQuietly(temporary);
            throw new IllegalStateException("cannot open the " + codec.encoderName() + " encoder for " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks that this FFmpeg build can encode with the codec at this size: opens an encoder on a scratch file in
     * {@code dir}, writes one black frame and deletes the file. Returns null when it works, else FFmpeg's reason.
     */
    public static String probe(VideoCodec codec, Path dir, int width, int height, int fps) {
        Path probe = dir.resolve(".codec-probe-" + codec.codecName() + ".mp4");
        try (Mp4Writer w = new Mp4Writer(probe, width, height, fps, 1, codec)) {
            w.write(new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR));
            w.finish();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        } finally {
            deleteQuietly(probe);
        }
    }

    /** Appends a frame: a {@link BufferedImage#TYPE_3BYTE_BGR} image of the writer's size. */
    public void write(BufferedImage image) {
        if (writer == null) {
            throw new IllegalStateException(target + ": writer already finished or closed");
        }
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR || image.getWidth() != width
                || image.getHeight() != height) {
            throw new IllegalArgumentException("expected a " + width + "x" + height + " TYPE_3BYTE_BGR image, got "
                    + image.getWidth() + "x" + image.getHeight() + " type " + image.getType());
        }
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[bgr.length];
        for (int i = 0; i < bgr.length; i += 3) {
            rgb[i] = bgr[i + 2];
            rgb[i + 1] = bgr[i + 1];
            rgb[i + 2] = bgr[i];
        }
        try {
            writer.write(rgb);
        } catch (RuntimeException e) {
            throw new IllegalStateException(target + ": encoding frame " + frames + " failed: " + e.getMessage(), e);
        }
        frames++;
    }

    /** Frames written so far. */
    public int frames() {
        return frames;
    }

    public VideoCodec codec() {
        return codec;
    }

    /** Flushes the encoder, closes the file and moves it onto the target name. */
    public void finish() {
        if (writer == null) {
            throw new IllegalStateException(target + ": writer already finished or closed");
        }
        VideoWriter w = writer;
        writer = null;
        try {
            w.finish();
        } catch (RuntimeException e) {
            w.close();
            deleteQuietly(temporary);
            throw new IllegalStateException(target + ": finishing the video failed: " + e.getMessage(), e);
        }
        try {
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException(target + ": cannot move the finished video into place: " + e.getMessage(),
                    e);
        }
    }

    /** Abandons an unfinished video: releases the encoder and deletes the temporary file. */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
            writer = null;
            deleteQuietly(temporary);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stray hidden .part file is harmless
        }
    }
}
