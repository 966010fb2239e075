package dev.vclip.data.synth;

import java.util.Random;

/**
 * A static background: a tinted grey at one of three brightness levels, either plain (fine grain only), textured
 * (soft blotches of value noise) or a gentle gradient. The grain and texture keep the video from being trivially
 * compressible and give models something to ignore; the amplitudes are small next to the contrast of the shapes, so
 * shapes stay clearly visible.
 *
 * <p>A background is a description plus a seed; {@link #renderBgr} draws the same pixels for the same values on any
 * machine (it uses only {@link Random}, whose sequence Java specifies exactly).
 *
 * @param tone    brightness level
 * @param texture surface pattern
 * @param red     base colour, red
 * @param green   base colour, green
 * @param blue    base colour, blue
 * @param seed    seed of the grain and texture
 */
public record Background(Tone tone, Texture texture, int red, int green, int blue, long seed) {

    public enum Tone {
        DARK("dark"), GREY("grey"), LIGHT("light");

        final String word;

        Tone(String word) {
            this.word = word;
        }
    }

    public enum Texture {
        PLAIN("plain"), TEXTURED("textured"), GRADIENT("gradient");

        final String word;

        Texture(String word) {
            this.word = word;
        }
    }

    /** Shapes must differ at least this much (RGB distance) from the background colour. */
    static final double MIN_CONTRAST = 100;

    /** A random background. */
    public static Background random(Random rng) {
        Tone tone = Tone.values()[rng.nextInt(Tone.values().length)];
        Texture texture = Texture.values()[rng.nextInt(Texture.values().length)];
        int base = switch (tone) {
            case DARK -> 35 + rng.nextInt(35);
            case GREY -> 105 + rng.nextInt(30);
            case LIGHT -> 175 + rng.nextInt(40);
        };
        // a slight tint, so that backgrounds are not all neutral grey
        int r = clamp(base + rng.nextInt(17) - 8);
        int g = clamp(base + rng.nextInt(17) - 8);
        int b = clamp(base + rng.nextInt(17) - 8);
        return new Background(tone, texture, r, g, b, rng.nextLong());
    }

    /** "dark textured background", "plain light background": how captions describe it. */
    public String words() {
        return switch (texture) {
            case PLAIN -> "plain " + tone.word + " background";
            case TEXTURED -> tone.word + " textured background";
            case GRADIENT -> tone.word + " gradient background";
        };
    }

    /** Whether a shape of this colour stands out clearly against this background. */
    public boolean contrastsWith(Palette colour) {
        return colour.distance(red, green, blue) >= MIN_CONTRAST;
    }

    /**
     * The pixels in BGR byte order (the layout of {@link java.awt.image.BufferedImage#TYPE_3BYTE_BGR}), row-major.
     */
    public byte[] renderBgr(int width, int height) {
        Random rng = new Random(seed);
        float[] shade = new float[width * height];
        switch (texture) {
            case PLAIN -> {
            }
            case TEXTURED -> valueNoise(rng, width, height, shade, 10 + rng.nextInt(8));
            case GRADIENT -> {
                double angle = rng.nextDouble() * 2 * Math.PI;
                double amplitude = 14 + rng.nextInt(10);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                double half = 0.5 * Math.hypot(width, height);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        double d = ((x - width / 2.0) * cos + (y - height / 2.0) * sin) / half;
                        shade[y * width + x] = (float) (amplitude * d);
                    }
                }
            }
        }
        int grain = texture == Texture.PLAIN ? 3 : 4;
        byte[] bgr = new byte[width * height * 3];
        for (int i = 0, o = 0; i < shade.length; i++, o += 3) {
            // the same grain on all three channels keeps the noise grey rather than colourful
            float s = shade[i] + rng.nextInt(2 * grain + 1) - grain;
            bgr[o] = (byte) clamp(Math.round(blue + s));
            bgr[o + 1] = (byte) clamp(Math.round(green + s));
            bgr[o + 2] = (byte) clamp(Math.round(red + s));
        }
        return bgr;
    }

    /**
     * Adds smooth value noise to {@code out}: random values on a coarse lattice (cells about a sixth of the image),
     * interpolated with a smoothstep, in [-amplitude, amplitude].
     */
    private static void valueNoise(Random rng, int width, int height, float[] out, int amplitude) {
        int cell = Math.max(4, Math.min(width, height) / 6);
        int gw = width / cell + 2;
        int gh = height / cell + 2;
        float[] lattice = new float[gw * gh];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = (float) ((rng.nextDouble() * 2 - 1) * amplitude);
        }
        for (int y = 0; y < height; y++) {
            int gy = y / cell;
            double fy = smooth((y % cell) / (double) cell);
            for (int x = 0; x < width; x++) {
                int gx = x / cell;
                double fx = smooth((x % cell) / (double) cell);
                double top = lattice[gy * gw + gx] * (1 - fx) + lattice[gy * gw + gx + 1] * fx;
                double bottom = lattice[(gy + 1) * gw + gx] * (1 - fx) + lattice[(gy + 1) * gw + gx + 1] * fx;
                out[y * width + x] += (float) (top * (1 - fy) + bottom * fy);
            }
        }
    }

    private static double smooth(double f) {
        return f * f * (3 - 2 * f);
    }

    private static int clamp(long v) {
        return (int) Math.max(0, Math.min(255, v));
    }
}
