package dev.vclip.video;

/** Small files whose headers lie, for the tests of what vclip refuses before decoding. */
public final class LyingFiles {
    private LyingFiles() {
    }

    /** A 35-byte GIF whose screen and image declare 16000x16000 pixels (768 MB of RGB for one frame). */
    public static byte[] gifDeclaring16000Square() {
        return new byte[] {'G', 'I', 'F', '8', '9', 'a', (byte) 0x80, 0x3E, (byte) 0x80, 0x3E, (byte) 0x80, 0, 0,
                0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                0x2C, 0, 0, 0, 0, (byte) 0x80, 0x3E, (byte) 0x80, 0x3E, 0,
                0x02, 0x02, 0x44, 0x01, 0x00, 0x3B};
    }
}
