package dev.vclip.train;

import dev.vclip.data.Captions;
import dev.vclip.data.PrefetchLoader;
import dev.vclip.data.TaggedTexts;
import dev.vclip.data.VideoEntry;
import dev.vclip.video.ClipImageProcessor;
import dev.vclip.video.ClipTransforms;
import dev.vclip.video.RgbFrame;
import dev.vclip.video.Sampling;
import dev.vclip.video.VideoInfo;
import dev.vclip.video.VideoSource;
import dev.vclip.video.VideoSources;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The training stream: epochs of shuffled videos, decoded, sampled and augmented on worker threads, grouped into
 * micro-batches of {@code TRAIN.BATCH_SIZE} (incomplete last batch dropped, as X-CLIP's {@code drop_last=True}).
 *
 * <p>Per video, as X-CLIP's {@code train_pipeline} ({@code datasets/build.py}): TSN random sampling of
 * {@code DATA.NUM_FRAMES} segments ({@code SampleFrames(clip_len=1, num_clips=T)}), then
 * {@link ClipTransforms.TrainAugment} (short side to 256/224·S, MultiScaleCrop, resize to S, horizontal flip with
 * p = AUG.FLIP, colour jitter with
 * p = AUG.COLOR_JITTER, grey with p = AUG.GRAY_SCALE), then the model's normalisation (the CLIP processor's mean and
 * std that inference uses; X-CLIP's mmaction pipeline normalises with ImageNet's). With
 * {@code AUG.TRAIN_AUGMENT false} the test-time path is used instead (segment middles, short side to S, centre
 * crop): no randomness at all.
 *
 * <p><b>Determinism.</b> Every random choice is a function of counters, never of thread timing: the epoch's order
 * is a shuffle seeded by (SEED, epoch) (the DistributedSampler's {@code seed + epoch}), a video's sampling,
 * augmentation and caption choice by (SEED, epoch, position in the epoch) ({@link PrefetchLoader#seedFor}), and a
 * micro-batch's mixup/cutmix by (SEED, epoch, micro-batch index). A run can therefore restart at any micro-batch
 * of any epoch and see exactly the batches it would have seen: the checkpoint's "RNG state" is (SEED, epoch,
 * position).
 */
public final class TrainingData {

    private static final long ORDER_SALT = 0x6F72646572L;   // "order"
    private static final long MIX_SALT = 0x6D6978L;         // "mix"

    /** Everything that decides the stream. */
    public record Settings(int batchSize, int frames, int inputSize, long seed, boolean augment, double flip,
                           double colorJitter,
                           double grayScale, double labelSmoothing, Blending blending, int workers) {
    }

    private final List<VideoEntry> entries;
    private final int classes;
    private final Settings settings;
    private final Captions captions;
    private final IntFunction<String> classText;
    private final boolean contrastive;
    private final TaggedTexts tagged;
    private final ClipImageProcessor processor;

    /**
     * @param entries     the training videos
     * @param classes     number of classes (soft-target width)
     * @param captions    captions by video id (file name without extension) for contrastive training, or null to
     *                    use the class text
     * @param classText   the text of a class (template applied)
     * @param contrastive true to produce texts (contrastive loss), false for class targets
     */
    public TrainingData(List<VideoEntry> entries, int classes, Settings settings, Captions captions,
                        IntFunction<String> classText, boolean contrastive) {
        this(entries, classes, settings, captions, classText, contrastive, null);
    }

    /**
     * The joint stream when {@code tagged} is given: class targets as for recognition, and per clip its tags, one
     * text that fits it and one hard negative from {@code tagged} (by video id), chosen by (SEED, epoch, position).
     */
    public TrainingData(List<VideoEntry> entries, int classes, Settings settings, Captions captions,
                        IntFunction<String> classText, boolean contrastive, TaggedTexts tagged) {
        if (tagged != null && contrastive) {
            throw new IllegalArgumentException("tagged texts go with class targets (the joint loss), not contrastive");
        }
        if (entries.size() < settings.batchSize()) {
            throw new IllegalArgumentException("the training list has " + entries.size() + " videos, fewer than one "
                    + "batch (TRAIN.BATCH_SIZE " + settings.batchSize() + ")");
        }
        this.entries = List.copyOf(entries);
        this.classes = classes;
        this.settings = settings;
        this.captions = captions;
        this.classText = classText;
        this.contrastive = contrastive;
        this.tagged = tagged;
        this.processor = ClipImageProcessor.forImageSize(settings.inputSize());
        if (captions != null) {
            for (VideoEntry e : entries) {
                if (captions.indexOf(videoId(e)) < 0) {
                    throw new IllegalArgumentException(captions.source() + ": no captions for training video '"
                            + videoId(e) + "' (" + e.spec() + "); captions are matched by file name without extension");
                }
            }
        }
        if (tagged != null) {
            for (VideoEntry e : entries) {
                TaggedTexts.Video v = tagged.get(videoId(e));
                if (v == null) {
                    throw new IllegalArgumentException("DATA.TEXTS has no texts for training video '" + videoId(e)
                            + "' (" + e.spec() + "); texts are matched by file name without extension");
                }
                if (v.negatives().isEmpty()) {
                    throw new IllegalArgumentException("DATA.TEXTS has no negatives for training video '"
                            + videoId(e) + "'; the joint loss takes one hard negative per clip");
                }
            }
        }
    }

    /** A video's id for captions: its file name without extension. */
    static String videoId(VideoEntry e) {
        String name = e.relativePath().replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    public int size() {
        return entries.size();
    }

    /**
     * SHA-256 of the training videos (relative path and label, in list order): a resumed run must see the same
     * list, wherever DATA.ROOT now points.
     */
    public String digest() {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (VideoEntry e : entries) {
                md.update((e.relativePath() + "\t" + e.label() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Micro-batches per epoch (len(train_loader) with drop_last). */
    public int microPerEpoch() {
        return entries.size() / settings.batchSize();
    }

    public Settings settings() {
        return settings;
    }

    /** The epoch's order: a Fisher–Yates shuffle seeded by (SEED, epoch). */
    public int[] order(int epoch) {
        return Blending.randperm(entries.size(), new Random(PrefetchLoader.seedFor(settings.seed() ^ ORDER_SALT, epoch, 0)));
    }

    /** One loaded clip. */
    record Clip(float[] pixels, int label, String text, TaggedTexts.Video video, TaggedTexts.Text positive,
                TaggedTexts.Text negative) {
    }

    /** Loads the video at {@code position} of {@code epoch}'s order (sampling, augmentation, text). */
    Clip load(VideoEntry e, int epoch, int position) {
        Random random = new Random(PrefetchLoader.seedFor(settings.seed(), epoch, position));
        int frames = settings.frames();
        int size = settings.inputSize();
        float[] pixels = new float[frames * 3 * size * size];
        try (VideoSource video = VideoSources.open(e.spec())) {
            VideoInfo info = video.info();
            Sampling sampling = settings.augment() ? new Sampling.TsnRandom(frames, 1, random)
                    : new Sampling.SegmentMiddle(frames, 1);
            List<RgbFrame> raw = video.read(sampling.views(info.frameCount(), info.fps())[0]);
            List<RgbFrame> clip;
            if (settings.augment()) {
                clip = new ClipTransforms.TrainAugment(size, settings.flip(), settings.colorJitter(), settings.grayScale())
                        .apply(raw, random);
            } else {
                clip = raw.stream().map(processor::resizeAndCrop).toList();
            }
            int offset = 0;
            for (RgbFrame f : clip) {
                offset += processor.normalize(f, pixels, offset);
            }
        }
        String text = null;
        if (contrastive) {
            if (captions != null) {
                Captions.VideoCaptions vc = captions.videos().get(captions.indexOf(videoId(e)));
                text = vc.captions().get(random.nextInt(vc.size())).text();
            } else {
                text = classText.apply(e.label());
            }
        }
        if (tagged != null) {
            TaggedTexts.Video v = tagged.get(videoId(e));
            return new Clip(pixels, e.label(), null, v, v.texts().get(random.nextInt(v.texts().size())),
                    v.negatives().get(random.nextInt(v.negatives().size())));
        }
        return new Clip(pixels, e.label(), text, null, null, null);
    }

    /**
     * The micro-batches {@code [fromMicro, toMicro)} of an epoch. A video that fails to decode is left out of its
     * batch (reported through {@link Batches#failures()}); the batch goes on smaller.
     */
    public Batches batches(int epoch, int fromMicro, int toMicro) {
        return new Batches(epoch, fromMicro, toMicro);
    }

    /**
     * Micro-batches of one epoch, loaded a window at a time: {@link #next(int)} decodes the videos of the next
     * micro-batches on {@code TRAIN.NUM_WORKERS} threads in parallel and returns when all are done, so no decoding
     * runs while the model computes. Two reasons: on the 2-core machines vclip targets, decoders and libtorch's
     * threads would only compete for the cores (DJL's threads gotcha), and the decoders' allocations would trigger
     * garbage collections in the middle of forward and backward, where DJL 0.36 has arrays whose memory the GC may
     * free early (see {@link Losses#scalar}). Close it to stop the threads.
     */
    public final class Batches implements AutoCloseable {
        private final int epoch;
        private final int toMicro;
        private final int[] order;
        private final ExecutorService pool;
        private final List<String> failures = new ArrayList<>();
        private int next;

        Batches(int epoch, int fromMicro, int toMicro) {
            this.epoch = epoch;
            this.toMicro = Math.min(toMicro, microPerEpoch());
            this.next = fromMicro;
            this.order = order(epoch);
            this.pool = Executors.newFixedThreadPool(settings.workers(), r -> {
                Thread t = new Thread(r, "vclip-train-loader");
                t.setDaemon(true);
                return t;
            });
        }

        public boolean hasNext() {
            return next < toMicro;
        }

        /** The index (within the epoch) of the next micro-batch. */
        public int nextIndex() {
            return next;
        }

        /** The next {@code count} micro-batches (fewer at the end), their videos decoded in parallel. */
        public List<MicroBatch> next(int count) {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int b = settings.batchSize();
            int micro = Math.min(count, toMicro - next);
            int first = next * b;
            List<Callable<Clip>> tasks = new ArrayList<>();
            for (int p = first; p < first + micro * b; p++) {
                int position = p;
                tasks.add(() -> load(entries.get(order[position]), epoch, position));
            }
            List<Future<Clip>> done;
            try {
                done = pool.invokeAll(tasks);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding training videos", e);
            }
            List<MicroBatch> out = new ArrayList<>(micro);
            for (int m = 0; m < micro; m++) {
                List<Clip> clips = new ArrayList<>();
                for (int i = 0; i < b; i++) {
                    int position = first + m * b + i;
                    try {
                        clips.add(done.get(m * b + i).get());
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause() == null ? e : e.getCause();
                        failures.add(entries.get(order[position]).spec() + ": " + (cause.getMessage() == null
                                ? cause.getClass().getSimpleName() : cause.getMessage()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while decoding training videos", e);
                    }
                }
                int index = next++;
                out.add(assemble(clips, new Random(PrefetchLoader.seedFor(settings.seed() ^ MIX_SALT, epoch, index))));
            }
            return out;
        }

        /** Videos that failed to load so far, with reasons. */
        public List<String> failures() {
            return List.copyOf(failures);
        }

        @Override
        public void close() {
            pool.shutdown();
        }
    }

    private MicroBatch assemble(List<Clip> clips, Random random) {
        int n = clips.size();
        int frames = settings.frames();
        int size = settings.inputSize();
        int per = frames * 3 * size * size;
        if (n == 0) {
            return new MicroBatch(new float[0], 0, frames, size, contrastive ? null : new float[0][], new int[0],
                    contrastive ? List.of() : null,
                    tagged == null ? null : new MicroBatch.Tagged(List.of(), List.of(), List.of()));
        }
        float[] pixels = new float[n * per];
        int[] labels = new int[n];
        List<String> texts = contrastive ? new ArrayList<>() : null;
        for (int i = 0; i < n; i++) {
            System.arraycopy(clips.get(i).pixels(), 0, pixels, i * per, per);
            labels[i] = clips.get(i).label();
            if (texts != null) {
                texts.add(clips.get(i).text());
            }
        }
        if (contrastive) {
            return new MicroBatch(pixels, n, frames, size, null, labels, texts);
        }
        float[][] targets = Blending.oneHot(labels, classes, settings.labelSmoothing());
        if (settings.blending() != null) {
            Blending.Mixed mixed = settings.blending().apply(pixels, n, size, size, targets, random);
            targets = mixed.targets();
        }
        MicroBatch.Tagged tagTexts = null;
        if (tagged != null) {
            tagTexts = new MicroBatch.Tagged(clips.stream().map(c -> c.video().tags()).toList(),
                    clips.stream().map(Clip::positive).toList(), clips.stream().map(Clip::negative).toList());
        }
        return new MicroBatch(pixels, n, frames, size, targets, labels, null, tagTexts);
    }
}
