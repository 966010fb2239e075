package dev.vclip.data;

import dev.vclip.video.RgbFrame;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An LMDB store of sampled, resized frames, so later epochs and later runs skip decoding. A clip is stored under a
 * key that names the video file (path, size, modification time), the sampling and the transform, so a changed
 * video or different settings never hit a stale entry. Safe to share between threads and processes
 * ({@link LmdbStore}).
 */
public final class FrameCache implements AutoCloseable {

    private final LmdbStore store;

    private FrameCache(LmdbStore store) {
        this.store = store;
    }

    public static FrameCache open(Path dir) {
        return open(dir, LmdbStore.DEFAULT_MAP_SIZE);
    }

    public static FrameCache open(Path dir, long mapSize) {
        return new FrameCache(LmdbStore.open(dir, "clips", mapSize));
    }

    /** The cache key of a clip: the file's identity, the sampling and the transform. */
    public static byte[] key(Path video, String sampling, String transform) {
        return LmdbStore.digest("frames", LmdbStore.fileIdentity(video), sampling, transform);
    }

    /** The clips (lists of frames) stored under {@code key}, if any. */
    public Optional<List<List<RgbFrame>>> get(byte[] key) {
        byte[] value = store.get(key);
        return value == null ? Optional.empty() : Optional.of(decode(value));
    }

    /** Stores clips under {@code key} in one transaction (replacing what was there). */
    public void put(byte[] key, List<List<RgbFrame>> clips) {
        store.put(key, encode(clips));
    }

    /** Number of clips stored. */
    public long size() {
        return store.size();
    }

    // layout: int clips; per clip int frames; per frame int width, int height, width*height*3 bytes of RGB
    static byte[] encode(List<List<RgbFrame>> clips) {
        int bytes = 4;
        for (List<RgbFrame> clip : clips) {
            bytes += 4;
            for (RgbFrame f : clip) {
                bytes += 8 + f.rgb().length;
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        buf.putInt(clips.size());
        for (List<RgbFrame> clip : clips) {
            buf.putInt(clip.size());
            for (RgbFrame f : clip) {
                buf.putInt(f.width()).putInt(f.height()).put(f.rgb());
            }
        }
        return buf.array();
    }

    static List<List<RgbFrame>> decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        int clipCount = buf.getInt();
        List<List<RgbFrame>> clips = new ArrayList<>(clipCount);
        for (int c = 0; c < clipCount; c++) {
            int count = buf.getInt();
            List<RgbFrame> frames = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int w = buf.getInt();
                int h = buf.getInt();
                byte[] rgb = new byte[w * h * 3];
                buf.get(rgb);
                frames.add(new RgbFrame(w, h, rgb));
            }
            clips.add(frames);
        }
        return clips;
    }

    public Path dir() {
        return store.dir();
    }

    @Override
    public void close() {
        store.close();
    }
}
