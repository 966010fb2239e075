package dev.vclip.data.synth;

import dev.vclip.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes a POSIX ustar archive of regular files, reproducibly: members in the order given, owner 0:0 with no
 * names, mode 0644, and a fixed modification time, so the same files always give the same archive bytes. This is
 * X-CLIP's "option 2" layout ({@code DATA.ROOT=/path/videos.tar}): member names are the plain file names the
 * train/val lists use.
 */
public final class TarWriter {

    /** Modification time of every member: 2024-01-01T00:00:00Z (any fixed value keeps archives reproducible). */
    static final long MTIME = 1_704_067_200L;

    private static final int BLOCK = 512;

    private TarWriter() {
    }

    /** One member: its name in the archive and the file whose bytes it holds. */
    public record Member(String name, Path file) {
        public Member {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            if (name.isEmpty() || bytes.length > 100 || name.startsWith("/") || name.contains("..")) {
                throw new IllegalArgumentException("tar member name must be a relative path of 1..100 bytes without"
                        + " '..', got '" + name + "'");
            }
        }
    }

    /** Writes the archive atomically (a temporary file renamed onto {@code target}). */
    public static void write(Path target, List<Member> members) {
        AtomicFiles.write(target, out -> {
            for (Member m : members) {
                long size = Files.size(m.file());
                writeFully(out, ByteBuffer.wrap(header(m.name(), size)));
                try (FileChannel in = FileChannel.open(m.file(), StandardOpenOption.READ)) {
                    long copied = 0;
                    while (copied < size) {
                        long n = in.transferTo(copied, size - copied, out);
                        if (n <= 0) {
                            throw new IOException(m.file() + ": changed size while being archived");
                        }
                        copied += n;
                    }
                }
                int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                writeFully(out, ByteBuffer.wrap(new byte[pad]));
            }
            writeFully(out, ByteBuffer.wrap(new byte[2 * BLOCK])); // end of archive: two zero blocks
        });
    }

    /** A ustar header block for a regular file. */
    static byte[] header(String name, long size) {
        byte[] h = new byte[BLOCK];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME);
        h[156] = '0'; // regular file
        put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, "00".getBytes(StandardCharsets.US_ASCII));
        // the checksum is computed with its own field read as eight spaces
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        put(h, 148, digits);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    /** A zero-padded octal number filling width-1 bytes, then NUL. */
    private static void octal(byte[] h, int offset, int width, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > width - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a " + width + "-byte tar field");
        }
        String padded = "0".repeat(width - 1 - s.length()) + s;
        put(h, offset, padded.getBytes(StandardCharsets.US_ASCII));
        h[offset + width - 1] = 0;
    }

    private static void put(byte[] h, int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
