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
 *
 * <p>A damaged store never crashes the JVM: a {@code data.mdb} shorter than its own last page (a half-copied or
 * truncated file; LMDB would read past the end of the mapping and the process would die of SIGBUS) or one that is
 * not an LMDB file at all is moved aside as {@code data.mdb.damaged-<time>} with a warning, and the store starts
 * empty: a cache is rebuilt by use. A read or write that meets a corrupted page is a miss or a skipped write, with a
 * warning.
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

    private static final System.Logger LOG = System.getLogger(LmdbStore.class.getName());

    /** Opens (creating it if needed) the store in {@code dir}, table {@code name}. */
    public static LmdbStore open(Path dir, String name, long mapSize) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create the cache folder: " + e.getMessage(), e);
        }
        Env<byte[]> env = null;
        try {
            String damage;
            try {
                env = openEnv(dir, mapSize);
                damage = truncation(dir, env);
            } catch (Env.FileInvalidException | Env.VersionMismatchException
                     | org.lmdbjava.LmdbNativeException.PageCorruptedException e) {
                damage = "not a readable LMDB file (" + e.getMessage() + ")";
            }
            Dbi<byte[]> db = null;
            if (damage == null) {
                try {
                    db = env.openDbi(name, DbiFlags.MDB_CREATE);
                } catch (org.lmdbjava.LmdbNativeException.PageCorruptedException
                         | org.lmdbjava.LmdbNativeException.PageNotFoundException e) {
                    damage = "a corrupted root page (" + e.getMessage() + ")";
                }
            }
            if (damage != null) {
                if (env != null) {
                    env.close();
                }
                // another process that opened the same damaged cache at the same moment may move it too; the
                // second move then finds nothing to move, and both go on with the fresh file
                quarantine(dir, damage);
                env = openEnv(dir, mapSize);
                db = env.openDbi(name, DbiFlags.MDB_CREATE);
            }
            return new LmdbStore(dir, env, db);
        } catch (LmdbException e) {
            if (env != null) {
                env.close();
            }
            throw new IllegalStateException(dir + ": cannot open the LMDB cache: " + e.getMessage(), e);
        }
    }

    private static Env<byte[]> openEnv(Path dir, long mapSize) {
        return Env.create(ByteArrayProxy.PROXY_BA).setMapSize(mapSize).setMaxDbs(4).setMaxReaders(126)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS);
    }

    /** Why {@code data.mdb} cannot hold the pages its meta page names (it was cut short), or null. */
    static String truncation(Path dir, Env<byte[]> env) {
        try {
            long pages = env.info().lastPageNumber + 1;
            long pageSize = env.stat().pageSize;
            long size = Files.size(dir.resolve("data.mdb"));
            return size < pages * pageSize ? "data.mdb has " + size + " bytes but its last page ends at byte "
                    + pages * pageSize + " (a truncated or half-copied file)" : null;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Moves a damaged {@code data.mdb} aside (kept for inspection) so that the store starts empty. */
    private static void quarantine(Path dir, String damage) {
        Path data = dir.resolve("data.mdb");
        Path aside = dir.resolve("data.mdb.damaged-" + System.currentTimeMillis());
        try {
            Files.move(data, aside);
        } catch (java.nio.file.NoSuchFileException e) {
            return; // moved aside by another process meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": the cache is damaged (" + damage + ") and cannot be moved aside: "
                    + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.WARNING, dir + ": the cache was damaged: " + damage + "; moved to "
                + aside.getFileName() + ", starting an empty cache (it fills again as it is used)");
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

    /** The value under {@code key}, or null (also when the page it is on is corrupted: a miss, with a warning). */
    public byte[] get(byte[] key) {
        try (Txn<byte[]> txn = env.txnRead()) {
            return db.get(txn, key);
        } catch (org.lmdbjava.LmdbNativeException.PageCorruptedException
                 | org.lmdbjava.LmdbNativeException.PageNotFoundException e) {
            LOG.log(System.Logger.Level.WARNING, dir + ": a damaged page, read as a cache miss: " + e.getMessage());
            return null;
        }
    }

    /** Stores {@code value} under {@code key} in one transaction (replacing what was there). */
    public void put(byte[] key, byte[] value) {
        try (Txn<byte[]> txn = env.txnWrite()) {
            db.put(txn, key, value);
            txn.commit();
        } catch (org.lmdbjava.LmdbNativeException.PageCorruptedException
                 | org.lmdbjava.LmdbNativeException.PageNotFoundException e) {
            LOG.log(System.Logger.Level.WARNING, dir + ": a damaged page, the value is not stored: " + e.getMessage());
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
