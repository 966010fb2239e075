package dev.vclip.tokenizer;

import java.util.Arrays;

/**
 * {@code bpe_ranks} keyed by token ids instead of strings: (left id, right id) -> (rank, id of the merged token).
 *
 * <p>This lets BPE run on int arrays. It is equivalent to the string version because every symbol that can
 * appear in a word (a byte symbol, or the result of a merge) has an id, and ids are distinct per token, which
 * {@link BpeVocabulary} checks when loading. A merge whose parts have no id can never apply and is left out.
 * Open addressing over two long arrays keeps the 48,894 entries compact and lookups free of boxing.
 */
final class MergeTable {

    static final long ABSENT = -1L;
    private static final long EMPTY_KEY = -1L; // ids are >= 0, so no real key is -1

    private final long[] keys;
    private final long[] values;
    private final int mask;

    MergeTable(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(4, expectedSize) * 2 - 1) << 1; // load factor <= 0.5
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, EMPTY_KEY);
        mask = capacity - 1;
    }

    private static long key(int leftId, int rightId) {
        return ((long) leftId << 32) | (rightId & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        int index = (int) (mixed ^ (mixed >>> 32)) & mask;
        while (keys[index] != EMPTY_KEY && keys[index] != key) {
            index = (index + 1) & mask;
        }
        return index;
    }

    /** Adds or replaces an entry, so a pair listed twice keeps its last rank, as in a Python dict. */
    void put(int leftId, int rightId, int rank, int mergedId) {
        long key = key(leftId, rightId);
        int index = slot(key);
        keys[index] = key;
        values[index] = ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
    }

    /** The packed (rank, merged id) for a pair, or {@link #ABSENT}. */
    long get(int leftId, int rightId) {
        long key = key(leftId, rightId);
        int index = slot(key);
        return keys[index] == key ? values[index] : ABSENT;
    }

    static int rank(long packed) {
        return (int) (packed >>> 32);
    }

    static int mergedId(long packed) {
        return (int) packed;
    }
}
