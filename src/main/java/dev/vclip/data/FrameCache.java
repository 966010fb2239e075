package dev.vclip.data;

import dev.vclip.video.RgbFrame;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An LMDB store of sampled, resized frames, so later epochs and later runs skip decoding. A clip is stored under a
 * key that names the video file (path, size, modification time), the sampling and the transform, so a changed
 * video or different settings never hit a stale entry.
 *
 * <p>LMDB gives the safety a shared cache needs: every put is one transaction (readers never see half a clip), a
 * crash cannot corrupt committed data, and several processes may use one cache at once (LMDB's own lock file).
 * Values are copied through byte arrays ({@code PROXY_BA}), which needs no JVM flags on Java 17.
 */
public final class FrameCache implements AutoCloseable {

    /** Sparse on Linux: the file grows only with what is written. */
    public static final long DEFAULT_MAP_SIZE = 64L << 30;

    private final Path dir;
    private final Env<byte[]> env;
    private final Dbi<byte[]> clips;

    private FrameCache(Path dir, Env<byte[]> env, Dbi<byte[]> clips) {
        this.dir = dir;
        this.env = env;
        this.clips = clips;
    }

    public static FrameCache open(Path dir) {
        return open(dir, DEFAULT_MAP_SIZE);
    }

    public static FrameCache open(Path dir, long mapSize) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create the frame cache folder: " + e.getMessage(), e);
        }
        try {
            Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(mapSize).setMaxDbs(1).setMaxReaders(126)
                    .open(dir.toFile(), EnvFlags.MDB_NOTLS);
            Dbi<byte[]> clips = env.openDbi("clips", DbiFlags.MDB_CREATE);
            return new FrameCache(dir, env, clips);
        } catch (LmdbException e) {
            throw new IllegalStateException(dir + ": cannot open the LMDB frame cache: " + e.getMessage(), e);
        }
    }

    /**
     * The cache key of a clip: SHA-256 over the file's identity (absolute path, size, modification time) and the
     * sampling and transform descriptions.
     */
    public static byte[] key(Path video, String sampling, String transform) {
        try {
            Path absolute = video.toAbsolutePath().normalize();
            String identity = absolute + "\n" + Files.size(absolute) + "\n" + Files.getLastModifiedTime(absolute).toMillis()
                    + "\n" + sampling + "\n" + transform;
            return MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(video + ": cannot read file attributes: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The frames stored under {@code key}, if any. */
    public Optional<List<RgbFrame>> get(byte[] key) {
        try (Txn<byte[]> txn = env.txnRead()) {
            byte[] value = clips.get(txn, key);
            return value == null ? Optional.empty() : Optional.of(decode(value));
        }
    }

    /** Stores frames under {@code key} in one transaction (replacing what was there). */
    public void put(byte[] key, List<RgbFrame> frames) {
        byte[] value = encode(frames);
        try (Txn<byte[]> txn = env.txnWrite()) {
            clips.put(txn, key, value);
            txn.commit();
        } catch (Env.MapFullException e) {
            throw new IllegalStateException(dir + ": the frame cache is full (" + env.info().mapSize
                    + " bytes); delete it or open it with a larger map size", e);
        }
    }

    /** Number of clips stored. */
    public long size() {
        try (Txn<byte[]> txn = env.txnRead()) {
            return clips.stat(txn).entries;
        }
    }

    // layout: int count, then per frame int width, int height, width*height*3 bytes of RGB
    static byte[] encode(List<RgbFrame> frames) {
        int bytes = 4;
        for (RgbFrame f : frames) {
            bytes += 8 + f.rgb().length;
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        buf.putInt(frames.size());
        for (RgbFrame f : frames) {
            buf.putInt(f.width()).putInt(f.height()).put(f.rgb());
        }
        return buf.array();
    }

    static List<RgbFrame> decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        int count = buf.getInt();
        List<RgbFrame> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int w = buf.getInt();
            int h = buf.getInt();
            byte[] rgb = new byte[w * h * 3];
            buf.get(rgb);
            frames.add(new RgbFrame(w, h, rgb));
        }
        return frames;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String toString() {
        return "FrameCache[" + dir + "]";
    }

    @Override
    public void close() {
        env.close();
    }
}
