package dev.vclip.task;

import dev.vclip.data.LmdbStore;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The on-disk cache of encoded videos, keyed by the model (its weight files' identity and config), the video (path,
 * size, modification time; the archive's for tar members) and the sampler. Writes are LMDB transactions: atomic,
 * and safe when two runs share the folder. {@code --no-cache} simply does not open one.
 */
public final class FeatureStore implements AutoCloseable {

    private final LmdbStore store;
    private final String modelKey;

    private FeatureStore(LmdbStore store, String modelKey) {
        this.store = store;
        this.modelKey = modelKey;
    }

    /** Opens the store in {@code dir} for one model ({@code modelKey}: weights identity + config). */
    public static FeatureStore open(Path dir, String modelKey) {
        return new FeatureStore(LmdbStore.open(dir, "features", LmdbStore.DEFAULT_MAP_SIZE), modelKey);
    }

    byte[] key(String spec, String samplerDescription) {
        return LmdbStore.digest("features", modelKey, LmdbStore.fileIdentity(ClipSampler.identityFile(spec)), spec,
                samplerDescription);
    }

    /** The encoding stored under {@code key}; null when absent or damaged (then it is computed again). */
    VideoEncoder.Encoded get(byte[] key) {
        byte[] value = store.get(key);
        return value == null ? null : decode(value);
    }

    void put(byte[] key, VideoEncoder.Encoded encoded) {
        store.put(key, encode(encoded));
    }

    public long size() {
        return store.size();
    }

    // layout: int clips, int dim, int contextTokens (0: none), floats of features, floats of context
    static byte[] encode(VideoEncoder.Encoded e) {
        int contextFloats = e.context() == null ? 0 : e.context().length;
        ByteBuffer buf = ByteBuffer.allocate(12 + 4 * (e.features().length + contextFloats));
        buf.putInt(e.clips()).putInt(e.dim()).putInt(e.contextTokens());
        buf.asFloatBuffer().put(e.features());
        if (contextFloats > 0) {
            buf.position(12 + 4 * e.features().length);
            buf.asFloatBuffer().put(e.context());
        }
        return buf.array();
    }

    /** The stored encoding, or null when the value's sizes do not add up to its length (a damaged entry). */
    static VideoEncoder.Encoded decode(byte[] value) {
        if (value.length < 12) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(value);
        int clips = buf.getInt();
        int dim = buf.getInt();
        int tokens = buf.getInt();
        // the stored sizes are checked against the value's length before anything is allocated from them
        if (clips < 1 || dim < 1 || tokens < 0 || clips > value.length || dim > value.length
                || tokens > value.length || 12 + 4L * clips * dim * (1L + tokens) != value.length) {
            return null; // each factor is at most the length first, so the product cannot overflow
        }
        float[] features = new float[clips * dim];
        buf.asFloatBuffer().get(features);
        float[] context = null;
        if (tokens > 0) {
            context = new float[clips * tokens * dim];
            buf.position(12 + 4 * features.length);
            buf.asFloatBuffer().get(context);
        }
        return new VideoEncoder.Encoded(clips, dim, features, tokens, context);
    }

    @Override
    public void close() {
        store.close();
    }
}
