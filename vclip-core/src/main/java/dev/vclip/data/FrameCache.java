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

    /** The clips (lists of frames) stored under {@code key}, if any; a damaged entry is a miss. */
    public Optional<List<List<RgbFrame>>> get(byte[] key) {
        byte[] value = store.get(key);
        return value == null ? Optional.empty() : Optional.ofNullable(decode(value));
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

    /**
     * The stored clips, or null when the value is damaged: every stored count and size is checked against the bytes
     * that remain before anything is allocated from it (random bytes once asked for gigabytes).
     */
    static List<List<RgbFrame>> decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        if (buf.remaining() < 4) {
            return null;
        }
        int clipCount = buf.getInt();
        if (clipCount < 0 || clipCount > buf.remaining() / 4) {
            return null;
        }
        List<List<RgbFrame>> clips = new ArrayList<>(clipCount);
        for (int c = 0; c < clipCount; c++) {
            if (buf.remaining() < 4) {
                return null;
            }
            int count = buf.getInt();
            if (count < 0 || count > buf.remaining() / 8) {
                return null;
            }
            List<RgbFrame> frames = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                if (buf.remaining() < 8) {
                    return null;
                }
                int w = buf.getInt();
                int h = buf.getInt();
                if (w < 1 || h < 1 || w > buf.remaining() / 3 || h > buf.remaining() / (3L * w)) {
                    return null;
                }
                byte[] rgb = new byte[w * h * 3];
                buf.get(rgb);
                frames.add(new RgbFrame(w, h, rgb));
            }
            clips.add(frames);
        }
        return buf.hasRemaining() ? null : clips;
    }

    public Path dir() {
        return store.dir();
    }

    @Override
    public void close() {
        store.close();
    }
}
