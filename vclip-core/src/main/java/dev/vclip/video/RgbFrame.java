package dev.vclip.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.Objects;

/**
 * An 8-bit RGB image, interleaved and row-major: the byte at {@code (y * width + x) * 3 + c} is channel c
 * (0 = R, 1 = G, 2 = B) of pixel (x, y). This is the layout of a numpy {@code [H, W, 3]} uint8 array.
 *
 * <p>Immutable by convention: the constructor does not copy {@code rgb} (frames are large and made once per
 * video frame), so callers must not modify the array after handing it over, nor the array that
 * {@link #rgb()} returns.
 */
public record RgbFrame(int width, int height, byte[] rgb) {

    public RgbFrame {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        long expected = (long) width * height * 3;
        if (rgb.length != expected) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " needs " + expected
                    + " RGB bytes, got " + rgb.length);
        }
    }

    /** A black frame. */
    public static RgbFrame black(int width, int height) {
        return new RgbFrame(width, height, new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)]);
    }

    /** Channel c (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        Objects.checkIndex(c, 3);
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /**
     * Converts any {@link BufferedImage} to RGB (alpha is dropped, not composited; grey and indexed images are
     * expanded as Java2D's {@code getRGB} expands them).
     */
    public static RgbFrame fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte db
                && image.getRaster().getParent() == null
                && db.getNumBanks() == 1 && db.getOffset() == 0 && db.getData().length == out.length) {
            byte[] bgr = db.getData();
            for (int i = 0; i < out.length; i += 3) {
                out[i] = bgr[i + 2];
                out[i + 1] = bgr[i + 1];
                out[i + 2] = bgr[i];
            }
            return new RgbFrame(w, h, out);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int o = y * w * 3;
            for (int x = 0; x < w; x++) {
                int p = row[x];
                out[o++] = (byte) (p >>> 16);
                out[o++] = (byte) (p >>> 8);
                out[o++] = (byte) p;
            }
        }
        return new RgbFrame(w, h, out);
    }

    /** A new {@link BufferedImage#TYPE_3BYTE_BGR} image with these pixels (for writing PNGs with ImageIO). */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return image;
    }

    /** Equal when the sizes and all pixel bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RgbFrame f && f.width == width && f.height == height && Arrays.equals(f.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbFrame[" + width + "x" + height + "]";
    }
}
