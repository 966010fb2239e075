package dev.vclip.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading dataset text files: strict UTF-8 (an invalid byte is reported with its line, not replaced), a leading
 * byte order mark dropped, and lines split as Python's universal newlines do ({@code \n}, {@code \r\n} and a lone
 * {@code \r} each end a line), which is how the reference loaders ({@code open(path)} in text mode) see them.
 */
final class TextFiles {
    private TextFiles() {
    }

    /** The whole file as text, BOM removed. */
    static String read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        return decode(file.toString(), bytes);
    }

    static String decode(String fileName, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            throw new DatasetFormatException(fileName, lineOfByte(bytes, offset),
                    String.format("not valid UTF-8 (byte 0x%02X at offset %d)", bytes[offset] & 0xFF, offset));
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static int lineOfByte(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n'))) {
                line++;
            }
        }
        return line;
    }

    /** Iterates the lines of a text with their 1-based numbers; line terminators are not part of the text. */
    static final class Lines {
        private final String text;
        private int pos;
        private int number;

        Lines(String text) {
            this.text = text;
        }

        /** True while lines remain. A final line terminator does not start another (empty) line. */
        boolean hasNext() {
            return pos < text.length();
        }

        /** The next line's text; call after {@link #hasNext()} returned true. */
        String take() {
            int start = pos;
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            pos = end;
            if (pos < text.length()) {
                if (text.charAt(pos) == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                    pos += 2;
                } else {
                    pos++;
                }
            }
            number++;
            return text.substring(start, end);
        }

        /** The 1-based number of the line last returned by {@link #take()}. */
        int number() {
            return number;
        }
    }

    /** Python's {@code str.isspace()} for one char (close enough: Java whitespace plus the no-break spaces). */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** Python's {@code str.split()} without arguments: runs of whitespace separate, none at either end. */
    static java.util.List<String> splitWhitespace(String line) {
        java.util.List<String> fields = new java.util.ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSpace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                fields.add(line.substring(start, i));
            }
        }
        return fields;
    }

    /** Python's {@code str.strip()} without arguments. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    static boolean containsSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isSpace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
