package dev.vclip.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vclip.data.PrefetchLoader;
import dev.vclip.model.VideoEncoding;
import dev.vclip.model.VideoTextModel;
import dev.vclip.weights.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Encodes videos once: decode and sample on worker threads ahead of the model ({@link PrefetchLoader}), run the
 * vision side of the model in batches, and keep per video what scoring needs ({@link Encoded}). A feature store,
 * when given, is read first and filled with what had to be computed. A video that fails to decode is skipped with
 * its reason; the run goes on. Videos may differ in frame count (CLIP4Clip sampling takes a frame per second of each
 * video): a model call only ever gets videos of one shape, so a batch is split by frame count where needed.
 */
public final class VideoEncoder {

    /**
     * One video's encoding as plain arrays: {@code clips} views, each a feature vector of {@code dim} and, for X-CLIP,
     * {@code contextTokens} × {@code dim} prompt context (CLIP4Clip tightTransf: one row per frame; {@code context}
     * null for CLIP and the other CLIP4Clip headers).
     */
    public record Encoded(int clips, int dim, float[] features, int contextTokens, float[] context) {
    }

    /** A video that could not be used, and why. */
    public record Skipped(String spec, String reason) {
        /** "spec: reason", without naming the video twice when the reason already does. */
        @Override
        public String toString() {
            return reason.startsWith(spec) ? reason : spec + ": " + reason;
        }
    }

    /** Encodings in input order (null where skipped) and the skipped videos. */
    public record Result(List<Encoded> encoded, List<Skipped> skipped, int fromCache) {
    }

    private static final System.Logger LOG = System.getLogger(VideoEncoder.class.getName());

    private final VideoTextModel model;
    private final ClipSampler sampler;
    private final FeatureStore store;
    private final int workers;
    private final int batchVideos;

    public VideoEncoder(VideoTextModel model, ClipSampler sampler, FeatureStore store, int workers, int batchVideos) {
        this.model = model;
        this.sampler = sampler;
        this.store = store;
        this.workers = Math.max(1, workers);
        this.batchVideos = Math.max(1, batchVideos);
    }

    /** Encodes every video of {@code specs}; {@code progress} (may be null) gets the count of videos done. */
    public Result encodeAll(List<String> specs, IntConsumer progress) {
        return encodeAll(specs, progress, null);
    }

    /**
     * As {@link #encodeAll(List, IntConsumer)}, with progress in clips instead of videos: {@code clipsDone} (may be
     * null) gets the running total of clips encoded or read from the store. For a few long videos of many windows the
     * clip is the unit a user waits on; a video that cannot be decoded adds none.
     */
    public Result encodeAllCountingClips(List<String> specs, IntConsumer clipsDone) {
        return encodeAll(specs, null, clipsDone == null ? null : new ClipCounter(clipsDone));
    }

    /** A running total of clips, stepped from the model loop (the caller's thread). */
    private static final class ClipCounter {
        private final IntConsumer listener;
        private int done;

        ClipCounter(IntConsumer listener) {
            this.listener = listener;
        }

        void add(int clips) {
            done += clips;
            listener.accept(done);
        }
    }

    private Result encodeAll(List<String> specs, IntConsumer progress, ClipCounter clipCounter) {
        Encoded[] out = new Encoded[specs.size()];
        Streamed s = encodeEach(specs, progress, clipCounter, (index, encoded) -> out[index] = encoded);
        return new Result(Arrays.asList(out), s.skipped(), s.fromCache());
    }

    /** What {@link #encodeEach} could not use, and how many encodings came from the feature store. */
    public record Streamed(List<Skipped> skipped, int fromCache) {
    }

    /** Receives each video's encoding as soon as it is there, with the video's index in the list. */
    @FunctionalInterface
    public interface Sink {
        void accept(int index, Encoded encoded);
    }

    /**
     * As {@link #encodeAll}, but each encoding goes to {@code sink} as soon as it is made (stored ones first) and
     * nothing is kept here: a caller that reduces each video to a few numbers (zero-shot logits) holds no more than
     * a batch of encodings at once, however many videos there are.
     */
    public Streamed encodeEach(List<String> specs, IntConsumer progress, Sink sink) {
        return encodeEach(specs, progress, null, sink);
    }

    private Streamed encodeEach(List<String> specs, IntConsumer progress, ClipCounter clipCounter, Sink sink) {
        List<Skipped> skipped = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        int fromCache = 0;
        byte[][] keys = new byte[specs.size()][];
        for (int i = 0; i < specs.size(); i++) {
            Encoded stored = null;
            if (store != null) {
                try {
                    keys[i] = store.key(specs.get(i), sampler.describe());
                    stored = store.get(keys[i]);
                } catch (RuntimeException e) {
                    keys[i] = null; // e.g. the file is gone: decoding will report it
                }
            }
            if (stored == null) {
                missing.add(i);
            } else {
                fromCache++;
                sink.accept(i, stored);
                if (clipCounter != null) {
                    clipCounter.add(stored.clips());
                }
            }
        }
        int[] done = {fromCache};
        if (progress != null && fromCache > 0) {
            progress.accept(fromCache);
        }
        List<String> toDecode = missing.stream().map(specs::get).toList();
        try (PrefetchLoader<String, ClipSampler.Clips> loader = PrefetchLoader.start(toDecode, workers,
                Math.max(2 * batchVideos, 2 * workers), (spec, index) -> sampler.read(spec), null)) {
            List<Integer> batchIndex = new ArrayList<>();
            List<ClipSampler.Clips> batch = new ArrayList<>();
            for (PrefetchLoader.Result<String, ClipSampler.Clips> r : loader) {
                int index = missing.get(r.index());
                if (r instanceof PrefetchLoader.Failed<String, ClipSampler.Clips> failed) {
                    skipped.add(new Skipped(failed.item(), failed.reason()));
                    tick(progress, done);
                    continue;
                }
                batch.add(((PrefetchLoader.Loaded<String, ClipSampler.Clips>) r).value());
                batchIndex.add(index);
                if (batch.size() == batchVideos) {
                    flush(batch, batchIndex, sink, keys, skipped, specs, progress, done, clipCounter);
                }
            }
            flush(batch, batchIndex, sink, keys, skipped, specs, progress, done, clipCounter);
        }
        return new Streamed(skipped, fromCache);
    }

    private static void tick(IntConsumer progress, int[] done) {
        done[0]++;
        if (progress != null) {
            progress.accept(done[0]);
        }
    }

    /** Runs one batch through the model; videos of differing clip shapes go separately. */
    private void flush(List<ClipSampler.Clips> batch, List<Integer> batchIndex, Sink sink, byte[][] keys,
                       List<Skipped> skipped, List<String> specs, IntConsumer progress, int[] done,
                       ClipCounter clipCounter) {
        if (batch.isEmpty()) {
            return;
        }
        List<List<Integer>> groups = groupByShape(batch);
        for (List<Integer> group : groups) {
            List<Encoded> encoded;
            try {
                encoded = encode(group.stream().map(batch::get).toList(), clipCounter);
            } catch (RuntimeException e) {
                for (int g : group) {
                    skipped.add(new Skipped(specs.get(batchIndex.get(g)), "model: " + e.getMessage()));
                    tick(progress, done);
                }
                continue;
            }
            for (int g = 0; g < group.size(); g++) {
                int index = batchIndex.get(group.get(g));
                sink.accept(index, encoded.get(g));
                if (store != null && keys[index] != null) {
                    try {
                        store.put(keys[index], encoded.get(g));
                    } catch (RuntimeException e) { // a full or damaged cache costs the caching, not the result
                        LOG.log(System.Logger.Level.WARNING, specs.get(index) + ": not cached: " + e.getMessage());
                    }
                }
                tick(progress, done);
            }
        }
        batch.clear();
        batchIndex.clear();
    }

    private static List<List<Integer>> groupByShape(List<ClipSampler.Clips> batch) {
        List<List<Integer>> groups = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ClipSampler.Clips c = batch.get(i);
            int[] shape = {c.frames(), c.size()};
            int g = 0;
            while (g < shapes.size() && !Arrays.equals(shapes.get(g), shape)) {
                g++;
            }
            if (g == shapes.size()) {
                shapes.add(shape);
                groups.add(new ArrayList<>());
            }
            groups.get(g).add(i);
        }
        return groups;
    }

    /** One video's already decoded clips through the model's vision side. */
    public Encoded encodeClips(ClipSampler.Clips clips) {
        return encode(List.of(clips), null).get(0);
    }

    /** Already decoded videos (same frames and size) through the model's vision side, as one batch would go. */
    public List<Encoded> encodeClips(List<ClipSampler.Clips> videos) {
        return encode(videos, null);
    }

    /**
     * Clips per model call. On 2 CPU cores larger batches are slower per clip (X-CLIP B/32, 8×224: 413 ms per clip
     * alone, 384 in pairs, 407 in fours, 527 in eights; {@code vclip bench model --batch N}), so long videos' many
     * windows go through in pairs.
     */
    static final int MAX_CLIPS_PER_CALL = 2;

    /** Clips of several videos (same frames and size) through the model's vision side; counts clips when asked. */
    List<Encoded> encode(List<ClipSampler.Clips> videos, ClipCounter clipCounter) {
        ClipSampler.Clips first = videos.get(0);
        int clipFloats = first.frames() * 3 * first.size() * first.size();
        float[] pixels = new float[videos.stream().mapToInt(ClipSampler.Clips::clips).sum() * clipFloats];
        int offset = 0;
        for (ClipSampler.Clips v : videos) {
            System.arraycopy(v.pixels(), 0, pixels, offset, v.pixels().length);
            offset += v.pixels().length;
        }
        int totalClips = pixels.length / clipFloats;
        float[] features = null;
        float[] context = null;
        int dim = 0;
        int tokens = 0;
        for (int start = 0; start < totalClips; start += MAX_CLIPS_PER_CALL) {
            int count = Math.min(MAX_CLIPS_PER_CALL, totalClips - start);
            try (NDManager manager = Torch.newManager()) {
                NDArray input = manager.create(Arrays.copyOfRange(pixels, start * clipFloats, (start + count) * clipFloats),
                        new Shape(count, first.frames(), 3, first.size(), first.size()));
                try (VideoEncoding encoding = model.encodeVideos(input)) {
                    if (features == null) {
                        dim = (int) encoding.features().getShape().get(1);
                        features = new float[totalClips * dim];
                        if (encoding.context() != null) {
                            tokens = (int) encoding.context().getShape().get(1);
                            context = new float[totalClips * tokens * dim];
                        }
                    }
                    System.arraycopy(encoding.features().toFloatArray(), 0, features, start * dim, count * dim);
                    if (context != null) {
                        System.arraycopy(encoding.context().toFloatArray(), 0, context, start * tokens * dim,
                                count * tokens * dim);
                    }
                }
            }
            if (clipCounter != null) {
                clipCounter.add(count);
            }
        }
        List<Encoded> out = new ArrayList<>();
        int clip = 0;
        for (ClipSampler.Clips v : videos) {
            float[] f = Arrays.copyOfRange(features, clip * dim, (clip + v.clips()) * dim);
            float[] c = context == null ? null
                    : Arrays.copyOfRange(context, clip * tokens * dim, (clip + v.clips()) * tokens * dim);
            out.add(new Encoded(v.clips(), dim, f, tokens, c));
            clip += v.clips();
        }
        return out;
    }

    /** Stacks the clips of encoded videos into one {@link VideoEncoding} (rows: video after video, clip after clip). */
    public static VideoEncoding stack(List<Encoded> videos, NDManager manager) {
        Encoded first = videos.get(0);
        int rows = videos.stream().mapToInt(Encoded::clips).sum();
        float[] features = new float[rows * first.dim()];
        float[] context = first.context() == null ? null : new float[rows * first.contextTokens() * first.dim()];
        int f = 0;
        int c = 0;
        for (Encoded e : videos) {
            System.arraycopy(e.features(), 0, features, f, e.features().length);
            f += e.features().length;
            if (context != null) {
                System.arraycopy(e.context(), 0, context, c, e.context().length);
                c += e.context().length;
            }
        }
        NDArray featureArray = manager.create(features, new Shape(rows, first.dim()));
        NDArray contextArray = context == null ? null
                : manager.create(context, new Shape(rows, first.contextTokens(), first.dim()));
        return new VideoEncoding(featureArray, contextArray);
    }
}
