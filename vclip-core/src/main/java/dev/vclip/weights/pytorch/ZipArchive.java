package dev.vclip.weights.pytorch;

import dev.vclip.weights.WeightsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The read side of a zip file, enough for {@code torch.save} archives: the central directory (with ZIP64
 * records, which PyTorch's writer uses for large files) and each entry's bytes.
 *
 * <p>{@link java.util.zip.ZipFile} does not tell where an entry's data starts, which memory-mapping needs, hence
 * this reader. Layout as in PKWARE's APPNOTE.TXT (sections 4.3.7 local header, 4.3.12 central directory header,
 * 4.3.14-4.3.16 end records, 4.5.3 ZIP64 extra field). PyTorch stores entries uncompressed and pads the local
 * header's extra field so that data starts on a 64-byte boundary (caffe2/serialize/inline_container.cc).
 */
final class ZipArchive {
    static final int STORED = 0;
    static final int DEFLATED = 8;

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int ZIP64_END_LOCATOR = 0x07064b50;
    private static final int ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
    private static final int ZIP64_EXTRA_ID = 0x0001;
    private static final int END_RECORD_SIZE = 22;
    private static final int MAX_COMMENT = 0xffff;

    /** One central-directory entry. */
    record Entry(String name, int method, int flags, long compressedSize, long size, long localHeaderOffset) {
        /** Bytes {@link #contents} returns: what is stored for a STORED entry, the inflated size otherwise. */
        long contentSize() {
            return method == STORED ? compressedSize : size;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private final Map<String, Entry> entries;
    private MappedByteBuffer wholeFile;

    private ZipArchive(Path path, FileChannel channel, long fileSize, Map<String, Entry> entries) {
        this.path = path;
        this.channel = channel;
        this.fileSize = fileSize;
        this.entries = entries;
    }

    /** Reads the central directory; the channel stays owned by the caller. */
    static ZipArchive read(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        ByteBuffer tail = readAt(channel, Math.max(0, fileSize - END_RECORD_SIZE - MAX_COMMENT),
                (int) Math.min(fileSize, END_RECORD_SIZE + MAX_COMMENT));
        int endRecord = findEndRecord(tail);
        if (endRecord < 0) {
            throw damaged(path, "no end-of-central-directory record at the end of the file");
        }
        long endRecordOffset = fileSize - tail.limit() + endRecord;
        long entryCount = tail.getShort(endRecord + 10) & 0xffff;
        long directorySize = Integer.toUnsignedLong(tail.getInt(endRecord + 12));
        long directoryOffset = Integer.toUnsignedLong(tail.getInt(endRecord + 16));

        // ZIP64: a locator right before the end record points at the ZIP64 end record with 64-bit fields.
        if (endRecordOffset >= 20) {
            ByteBuffer locator = readAt(channel, endRecordOffset - 20, 20);
            if (locator.getInt(0) == ZIP64_END_LOCATOR) {
                long zip64EndOffset = locator.getLong(8);
                if (zip64EndOffset < 0 || zip64EndOffset + 56 > endRecordOffset) {
                    throw damaged(path, "the ZIP64 end record lies outside the file");
                }
                ByteBuffer zip64End = readAt(channel, zip64EndOffset, 56);
                if (zip64End.getInt(0) != ZIP64_END_OF_CENTRAL_DIRECTORY) {
                    throw damaged(path, "no ZIP64 end record where its locator points");
                }
                entryCount = zip64End.getLong(32);
                directorySize = zip64End.getLong(40);
                directoryOffset = zip64End.getLong(48);
            }
        }
        if (directoryOffset < 0 || directorySize < 0 || directoryOffset + directorySize > endRecordOffset
                || directorySize > Integer.MAX_VALUE) {
            throw damaged(path, "the central directory (offset " + directoryOffset + ", " + directorySize
                    + " bytes) lies outside the file of " + fileSize + " bytes");
        }
        ByteBuffer directory = readAt(channel, directoryOffset, (int) directorySize);
        Map<String, Entry> entries = new LinkedHashMap<>();
        int at = 0;
        for (long i = 0; i < entryCount; i++) {
            if (at + 46 > directory.limit() || directory.getInt(at) != CENTRAL_HEADER) {
                throw damaged(path, "central directory entry " + i + " of " + entryCount + " is missing or damaged");
            }
            Entry entry = parseCentralHeader(path, directory, at);
            entries.put(entry.name(), entry);
            at += 46 + (directory.getShort(at + 28) & 0xffff) + (directory.getShort(at + 30) & 0xffff)
                    + (directory.getShort(at + 32) & 0xffff);
        }
        return new ZipArchive(path, channel, fileSize, Collections.unmodifiableMap(entries));
    }

    Collection<Entry> entries() {
        return entries.values();
    }

    /** The named entry, or null. */
    Entry entry(String name) {
        return entries.get(name);
    }

    /** Offset in the file where an entry's (possibly compressed) bytes start, checked against the file size. */
    long dataOffset(Entry entry) {
        ByteBuffer local = region(entry.localHeaderOffset(), 30, entry);
        if (local.getInt(0) != LOCAL_HEADER) {
            throw damaged(path, "entry '" + entry.name() + "' has no local header at offset " + entry.localHeaderOffset());
        }
        long start = entry.localHeaderOffset() + 30 + (local.getShort(26) & 0xffff) + (local.getShort(28) & 0xffff);
        if (start + entry.compressedSize() > fileSize) {
            throw damaged(path, "entry '" + entry.name() + "' (" + entry.compressedSize() + " bytes at offset " + start
                    + ") runs past the end of the file (" + fileSize + " bytes)");
        }
        return start;
    }

    /**
     * An entry's uncompressed bytes: a memory-mapped view for a STORED entry (no copy), a direct buffer for a
     * DEFLATED one. Little-endian, position 0.
     */
    ByteBuffer contents(Entry entry) {
        if ((entry.flags() & 1) != 0) {
            throw new WeightsException("cannot read " + path + ": entry '" + entry.name() + "' is encrypted");
        }
        long start = dataOffset(entry);
        ByteBuffer raw = region(start, entry.compressedSize(), entry);
        return switch (entry.method()) {
            case STORED -> raw;
            case DEFLATED -> inflate(entry, raw);
            default -> throw new WeightsException("cannot read " + path + ": entry '" + entry.name()
                    + "' uses zip compression method " + entry.method() + " (only stored and deflated are read)");
        };
    }

    private ByteBuffer inflate(Entry entry, ByteBuffer compressed) {
        if (entry.size() > Integer.MAX_VALUE) {
            throw new WeightsException("cannot read " + path + ": compressed entry '" + entry.name() + "' inflates to "
                    + entry.size() + " bytes, more than one buffer holds");
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) entry.size()).order(ByteOrder.LITTLE_ENDIAN);
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            while (!inflater.finished() && out.hasRemaining()) {
                if (inflater.inflate(out) == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
            if (out.hasRemaining()) {
                throw damaged(path, "compressed entry '" + entry.name() + "' inflates to " + out.position()
                        + " bytes, not the " + entry.size() + " its header declares");
            }
        } catch (DataFormatException e) {
            throw new WeightsException("cannot read " + path + ": compressed entry '" + entry.name() + "' is corrupt: "
                    + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A read-only mapped view of the file; one mapping of the whole file when it is under 2 GiB. */
    private synchronized ByteBuffer region(long offset, long length, Entry forMessages) {
        if (offset < 0 || length < 0 || offset + length > fileSize) {
            throw damaged(path, "entry '" + forMessages.name() + "' points at bytes " + offset + ".." + (offset + length)
                    + " of a " + fileSize + "-byte file");
        }
        if (length > Integer.MAX_VALUE) {
            throw new WeightsException("cannot read " + path + ": entry '" + forMessages.name() + "' has " + length
                    + " bytes, more than one buffer holds");
        }
        try {
            if (fileSize <= Integer.MAX_VALUE) {
                if (wholeFile == null) {
                    wholeFile = channel.map(FileChannel.MapMode.READ_ONLY, 0, fileSize);
                }
                return wholeFile.slice((int) offset, (int) length).order(ByteOrder.LITTLE_ENDIAN);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + path, e);
        }
    }

    private static Entry parseCentralHeader(Path path, ByteBuffer directory, int at) {
        int flags = directory.getShort(at + 8) & 0xffff;
        int method = directory.getShort(at + 10) & 0xffff;
        long compressedSize = Integer.toUnsignedLong(directory.getInt(at + 20));
        long size = Integer.toUnsignedLong(directory.getInt(at + 24));
        int nameLength = directory.getShort(at + 28) & 0xffff;
        int extraLength = directory.getShort(at + 30) & 0xffff;
        long localHeaderOffset = Integer.toUnsignedLong(directory.getInt(at + 42));
        if (at + 46 + nameLength + extraLength > directory.limit()) {
            throw damaged(path, "a central directory entry runs past the directory's end");
        }
        byte[] nameBytes = new byte[nameLength];
        directory.get(at + 46, nameBytes);
        String name = new String(nameBytes, StandardCharsets.UTF_8);

        // ZIP64 extra field: the 64-bit values, in this order, of those fields that hold 0xFFFFFFFF.
        int extra = at + 46 + nameLength;
        int extraEnd = extra + extraLength;
        while (extra + 4 <= extraEnd) {
            int id = directory.getShort(extra) & 0xffff;
            int length = directory.getShort(extra + 2) & 0xffff;
            int value = extra + 4;
            if (id == ZIP64_EXTRA_ID) {
                if (size == 0xffffffffL && value + 8 <= extraEnd) {
                    size = directory.getLong(value);
                    value += 8;
                }
                if (compressedSize == 0xffffffffL && value + 8 <= extraEnd) {
                    compressedSize = directory.getLong(value);
                    value += 8;
                }
                if (localHeaderOffset == 0xffffffffL && value + 8 <= extraEnd) {
                    localHeaderOffset = directory.getLong(value);
                }
            }
            extra += 4 + length;
        }
        return new Entry(name, method, flags, compressedSize, size, localHeaderOffset);
    }

    /** Scans backwards for the end record whose comment length fits the bytes after it. */
    private static int findEndRecord(ByteBuffer tail) {
        for (int i = tail.limit() - END_RECORD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == END_OF_CENTRAL_DIRECTORY) {
                int commentLength = tail.getShort(i + 20) & 0xffff;
                if (i + END_RECORD_SIZE + commentLength <= tail.limit()) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static ByteBuffer readAt(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.flip();
    }

    private static WeightsException damaged(Path path, String detail) {
        return new WeightsException("cannot read " + path + ": " + detail
                + "; the file is truncated or not a complete zip archive (re-download or re-save it)");
    }
}
