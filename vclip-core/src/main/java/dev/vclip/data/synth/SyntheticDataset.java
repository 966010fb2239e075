package dev.vclip.data.synth;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Generates the synthetic dataset: plans it ({@link DatasetPlan}), renders and encodes every video in parallel,
 * then writes the annotation files and {@code dataset.json}. Three lines for a Java user:
 *
 * <pre>
 * SynthConfig config = SynthConfig.of(SynthConfig.Size.SMALL).withSeed(7);
 * SyntheticDataset.Summary s = SyntheticDataset.generate(Path.of("synth"), config, false, null);
 * System.out.println(s.videos() + " videos, codec " + s.codec());
 * </pre>
 *
 * <p>Layout of the output folder (all paths in the annotation files are relative to it, or to {@code videos/} for
 * the X-CLIP lists):
 * <pre>
 * dataset.json                 what was generated: classes, direction pairs, splits, seed, codec, sizes, files
 * labels.csv                   id,name
 * train.txt, val.txt           X-CLIP lists: "moving_left_000.mp4 0"
 * videos/*.mp4                 short clips;  videos.tar  the same clips in one archive
 * few_shot/train1_few_shot_K.txt
 * base2novel/                  base/novel labels and lists (ViFi-CLIP layout)
 * retrieval/                   captions.csv (video_id,sentence), msrvtt_data.json, split lists
 * long/*.mp4                   long videos;  localisation/triplets.csv, timeline.json
 * </pre>
 *
 * <p>Annotation files and decoded frames depend only on the config (seed included), not on the machine's core count
 * or timing. dataset.json is written last, so a folder without it is an interrupted run.
 */
public final class SyntheticDataset {

    private SyntheticDataset() {
    }

    /** Told about each finished video; called from worker threads, one call at a time. */
    @FunctionalInterface
    public interface Progress {
        void videoDone(int done, int total, String file);
    }

    /**
     * What was generated.
     *
     * @param out          the output folder
     * @param plan         the full plan (clips, long videos, splits)
     * @param codec        the codec every video was encoded with
     * @param videos       number of video files written
     * @param frames       total frames encoded
     * @param videoBytes   bytes of all mp4 files
     * @param totalBytes   bytes of everything written (videos, tar, annotations)
     * @param files        number of files written
     * @param seconds      wall time
     */
    public record Summary(Path out, DatasetPlan plan, VideoCodec codec, int videos, long frames, long videoBytes,
                          long totalBytes, int files, double seconds) {
    }

    /**
     * Keyframe interval: every frame is a keyframe. With predicted frames, libopenh264 (whose background detection
     * FFmpeg switches on and offers no option for) leaves coloured ghosts where a shape was, for up to a whole GOP,
     * mostly where shape and background differ in colour but hardly in brightness: measured on the small dataset,
     * about 7,900 pixel values off by more than 30 away from every shape with a keyframe per second, 393 with
     * one every 3 frames, 7 with every 2nd, none with every frame. Intra-only costs about twice the bytes (still
     * about 22 KB per 24-frame clip at 128x128) and makes every frame exact to seek.
     */
    static final int KEYFRAME_INTERVAL = 1;

    /**
     * Whether {@code folder} already holds the dataset {@code config} describes, written by this version of the
     * generator: its dataset.json was written last (after every video and annotation file), names this generator
     * version, and the same seed, clips per class and number of long videos. A folder from an older vclip (which
     * lacks files this one writes) or another seed is not reused.
     */
    public static boolean isWritten(Path folder, SynthConfig config) {
        Path file = folder.resolve(SynthAnnotations.DATASET_JSON);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(file.toFile());
            com.fasterxml.jackson.databind.JsonNode counts = root.path("counts");
            return "vclip synth".equals(root.path("generator").asText())
                    && root.path("generator_version").asInt() == SynthAnnotations.GENERATOR_VERSION
                    && root.path("seed").asLong() == config.seed()
                    && counts.path("clips_per_class").asInt() == config.clipsPerClass()
                    && counts.path("long_videos").asInt() == config.longVideos();
        } catch (IOException e) {
            return false; // unreadable: written again
        }
    }

    /**
     * Generates the dataset into {@code out}.
     *
     * @param force    write into a folder that already has files (files of the same name are replaced, others are
     *                 left alone); without it a non-empty folder is refused, so nobody loses files by a typo
     * @param progress told about each finished video, or null
     * @throws IllegalArgumentException for invalid settings or a non-empty folder without {@code force}
     * @throws IllegalStateException    when no encoder can be opened or encoding fails
     */
    public static Summary generate(Path out, SynthConfig config, boolean force, Progress progress) {
        long start = System.nanoTime();
        config.validate();
        prepareFolder(out, force);
        DatasetPlan plan = DatasetPlan.of(config);

        // FFmpeg logs every encoder it opens (and libopenh264 warns about its rate control each time): keep the
        // console for errors while generating, and restore the caller's level afterwards.
        loadFfmpeg();
        int oldLevel = avutil.av_log_get_level();
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        VideoCodec codec;
        List<Path> videoFiles;
        try {
            codec = chooseCodec(config.codec(), out, config.width(), config.height(), config.fps());
            videoFiles = encodeAll(out, plan, codec, progress);
        } finally {
            avutil.av_log_set_level(oldLevel);
        }

        SynthAnnotations.Written files = SynthAnnotations.write(out, plan);
        if (config.tar()) {
            List<TarWriter.Member> members = new ArrayList<>();
            for (ClipPlan clip : plan.clips()) {
                members.add(new TarWriter.Member(clip.fileName(),
                        out.resolve(SynthAnnotations.VIDEOS).resolve(clip.fileName())));
            }
            TarWriter.write(out.resolve(SynthAnnotations.TAR), members);
        }
        SynthAnnotations.writeDatasetJson(out, plan, codec, config.tar(), files);

        long videoBytes = 0;
        for (Path p : videoFiles) {
            videoBytes += size(p);
        }
        long totalBytes = videoBytes + size(out.resolve(SynthAnnotations.DATASET_JSON));
        if (config.tar()) {
            totalBytes += size(out.resolve(SynthAnnotations.TAR));
        }
        for (String f : files.described.keySet()) {
            totalBytes += size(out.resolve(f));
        }
        int fileCount = videoFiles.size() + files.described.size() + 1 + (config.tar() ? 1 : 0);
        return new Summary(out, plan, codec, videoFiles.size(), plan.totalFrames(), videoBytes, totalBytes, fileCount,
                (System.nanoTime() - start) / 1e9);
    }

    /** Creates the folder, or checks that an existing one may be written into. */
    static void prepareFolder(Path out, boolean force) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(out + " exists and is not a folder");
        }
        if (Files.isDirectory(out) && !force) {
            List<String> some;
            long count;
            try (Stream<Path> entries = Files.list(out)) {
                List<Path> all = entries.sorted().toList();
                count = all.size();
                some = all.stream().limit(3).map(p -> p.getFileName().toString()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(out + ": cannot list the folder: " + e.getMessage(), e);
            }
            if (count > 0) {
                throw new IllegalArgumentException(out + " is not empty (" + count + " entries: "
                        + String.join(", ", some) + (count > 3 ? ", ..." : "") + "); choose a new or empty folder,"
                        + " or pass --force to write into it (files with the names synth writes are replaced, all"
                        + " others are kept)");
            }
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot create the folder: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the FFmpeg libraries the encoder needs (avutil, avcodec, avformat, swscale) on this thread, before
     * workers open encoders concurrently. Not {@code FFmpegFrameRecorder.tryLoad()}: that also loads avdevice,
     * which needs system libraries (PulseAudio, X11) that headless machines often lack and encoding never uses.
     */
    private static void loadFfmpeg() {
        try {
            Loader.load(avutil.class);
            Loader.load(avcodec.class);
            Loader.load(avformat.class);
            Loader.load(swscale.class);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("cannot load FFmpeg (JavaCV natives for linux-x86_64): " + e.getMessage(),
                    e);
        }
    }

    /** The codec to encode with: probes the choice, falling back from H.264 to MPEG-4 under AUTO. */
    static VideoCodec chooseCodec(VideoCodec.Choice choice, Path dir, int width, int height, int fps) {
        switch (choice) {
            case H264, MPEG4 -> {
                VideoCodec codec = choice == VideoCodec.Choice.H264 ? VideoCodec.H264 : VideoCodec.MPEG4;
                String error = Mp4Writer.probe(codec, dir, width, height, fps);
                if (error != null) {
                    throw new IllegalStateException("cannot encode " + codec.codecName() + " with "
                            + codec.encoderName() + ": " + error + (codec == VideoCodec.H264
                            ? " (try --codec mpeg4)" : ""));
                }
                return codec;
            }
            default -> {
                String h264 = Mp4Writer.probe(VideoCodec.H264, dir, width, height, fps);
                if (h264 == null) {
                    return VideoCodec.H264;
                }
                String mpeg4 = Mp4Writer.probe(VideoCodec.MPEG4, dir, width, height, fps);
                if (mpeg4 == null) {
                    return VideoCodec.MPEG4;
                }
                throw new IllegalStateException("no video encoder could be opened: libopenh264 said '" + h264
                        + "', mpeg4 said '" + mpeg4 + "'");
            }
        }
    }

    /** Renders and encodes every video, {@code threads} at a time; returns the files in plan order. */
    private static List<Path> encodeAll(Path out, DatasetPlan plan, VideoCodec codec, Progress progress) {
        SynthConfig c = plan.config();
        List<Path> files = new ArrayList<>();
        List<Runnable> jobs = new ArrayList<>();
        // long videos first: they take longest, so starting them early keeps all threads busy to the end
        for (LongVideoPlan v : plan.longVideos()) {
            Path file = out.resolve(SynthAnnotations.LONG).resolve(v.fileName());
            files.add(file);
            jobs.add(() -> encodeLong(file, v, c, codec));
        }
        for (ClipPlan clip : plan.clips()) {
            Path file = out.resolve(SynthAnnotations.VIDEOS).resolve(clip.fileName());
            files.add(file);
            jobs.add(() -> encodeClip(file, clip, c, codec));
        }
        int total = jobs.size();
        AtomicInteger done = new AtomicInteger();
        Object progressLock = new Object();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(c.threads(), Math.max(1, total)), r -> {
            Thread t = new Thread(r, "vclip-synth");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                Runnable job = jobs.get(i);
                String name = out.relativize(files.get(i)).toString();
                futures.add(pool.submit(() -> {
                    job.run();
                    int n = done.incrementAndGet();
                    if (progress != null) {
                        synchronized (progressLock) {
                            progress.videoDone(n, total, name);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException("video generation failed: " + cause, cause);
                } catch (InterruptedException e) {
                    pool.shutdownNow();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while generating videos", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return files;
    }

    static void encodeClip(Path file, ClipPlan clip, SynthConfig c, VideoCodec codec) {
        SceneRenderer renderer = new SceneRenderer(c.width(), c.height());
        try (Mp4Writer writer = new Mp4Writer(file, c.width(), c.height(), c.fps(), KEYFRAME_INTERVAL, codec)) {
            for (int i = 0; i < clip.frames(); i++) {
                BufferedImage frame = renderer.render(clip.background(), clip.frame(i));
                writer.write(frame);
            }
            writer.finish();
        }
    }

    static void encodeLong(Path file, LongVideoPlan v, SynthConfig c, VideoCodec codec) {
        SceneRenderer renderer = new SceneRenderer(c.width(), c.height());
        try (Mp4Writer writer = new Mp4Writer(file, c.width(), c.height(), v.fps(), KEYFRAME_INTERVAL, codec)) {
            for (int f = 0; f < v.frames(); f++) {
                writer.write(renderer.render(v.background(), v.frame(f)));
            }
            writer.finish();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read its size: " + e.getMessage(), e);
        }
    }
}
