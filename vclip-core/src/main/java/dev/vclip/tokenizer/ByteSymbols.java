package dev.vclip.tokenizer;

import java.util.Arrays;

/**
 * The reversible byte to character table of {@code bytes_to_unicode()} in simple_tokenizer.py.
 *
 * <p>BPE runs on strings of these characters, one per UTF-8 byte, so that no byte is whitespace or a control
 * character. The 188 "printable" bytes (0x21-0x7E, 0xA1-0xAC, 0xAE-0xFF) stand for themselves; the other 68
 * bytes get U+0100, U+0101, ... in increasing byte order. {@link #ORDER} is the iteration order of the Python
 * dict, which is the order of vocabulary ids 0..255 (fixture README, "Vocabulary layout").
 */
final class ByteSymbols {

    /** Character that stands for each byte value 0..255. */
    private static final char[] SYMBOL_OF_BYTE = new char[256];
    /** Byte value for each symbol character, -1 for characters that are no byte symbol. */
    private static final int[] BYTE_OF_SYMBOL = new int[0x100 + 256];
    /** Byte values in the order of ids 0..255: the printable bytes first, then the remapped ones. */
    static final int[] ORDER = new int[256];

    static {
        Arrays.fill(BYTE_OF_SYMBOL, -1);
        int next = 0;
        for (int b = 0; b < 256; b++) {
            if (isPrintable(b)) {
                SYMBOL_OF_BYTE[b] = (char) b;
                ORDER[next++] = b;
            }
        }
        int remapped = 0;
        for (int b = 0; b < 256; b++) {
            if (!isPrintable(b)) {
                SYMBOL_OF_BYTE[b] = (char) (0x100 + remapped++);
                ORDER[next++] = b;
            }
        }
        for (int b = 0; b < 256; b++) {
            BYTE_OF_SYMBOL[SYMBOL_OF_BYTE[b]] = b;
        }
    }

    private ByteSymbols() {}

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    static char symbol(int byteValue) {
        return SYMBOL_OF_BYTE[byteValue & 0xFF];
    }

    /** The byte a symbol character stands for, or -1 if the character is not a byte symbol. */
    static int byteOf(char symbol) {
        return symbol < BYTE_OF_SYMBOL.length ? BYTE_OF_SYMBOL[symbol] : -1;
    }
}
