package dev.vclip.data;

import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A byte-array key–value store in an LMDB folder: the disk caches of vclip (decoded frames, video features) sit on
 * it. LMDB gives what a shared cache needs: each put is one transaction (a reader never sees half a value), a crash
 * cannot corrupt committed data, and several processes may use one folder at once through LMDB's own lock file.
 * Values are copied through byte arrays ({@code PROXY_BA}), which needs no JVM flags on Java 17.
 */
public final class LmdbStore implements AutoCloseable {

    /** Sparse on Linux: the file grows only with what is written. */
    public static final long DEFAULT_MAP_SIZE = 64L << 30;

    private final Path dir;
    private final Env<byte[]> env;
    private final Dbi<byte[]> db;

    private LmdbStore(Path dir, Env<byte[]> env, Dbi<byte[]> db) {
        this.dir = dir;
        this.env = env;
        this.db = db;
    }

    /** Opens (creating it if needed) the store in {@code dir}, table {@code name}. */
    public static LmdbStore open(Path dir, String name, long mapSize) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create the cache folder: " + e.getMessage(), e);
        }
        try {
            Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(mapSize).setMaxDbs(4).setMaxReaders(126)
                    .open(dir.toFile(), EnvFlags.MDB_NOTLS);
            return new LmdbStore(dir, env, env.openDbi(name, DbiFlags.MDB_CREATE));
        } catch (LmdbException e) {
            throw new IllegalStateException(dir + ": cannot open the LMDB cache: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the given parts, joined by newlines: a fixed-length key well under LMDB's 511-byte limit. */
    public static byte[] digest(String... parts) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file's identity for cache keys: absolute path, size and modification time. */
    public static String fileIdentity(Path file) {
        try {
            Path absolute = file.toAbsolutePath().normalize();
            return absolute + "|" + Files.size(absolute) + "|" + Files.getLastModifiedTime(absolute).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read file attributes: " + e.getMessage(), e);
        }
    }

    /** The value under {@code key}, or null. */
    public byte[] get(byte[] key) {
        try (Txn<byte[]> txn = env.txnRead()) {
            return db.get(txn, key);
        }
    }

    /** Stores {@code value} under {@code key} in one transaction (replacing what was there). */
    public void put(byte[] key, byte[] value) {
        try (Txn<byte[]> txn = env.txnWrite()) {
            db.put(txn, key, value);
            txn.commit();
        } catch (Env.MapFullException e) {
            throw new IllegalStateException(dir + ": the cache is full (" + env.info().mapSize
                    + " bytes); delete the folder or open it with a larger map size", e);
        }
    }

    /** Number of entries. */
    public long size() {
        try (Txn<byte[]> txn = env.txnRead()) {
            return db.stat(txn).entries;
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        env.close();
    }
}
