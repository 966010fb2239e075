package dev.vclip.data.synth;

import java.awt.Color;

/**
 * The colours shapes are painted in: saturated, so that they stand out from the grey-ish backgrounds by hue even
 * where the brightness is close, and far enough apart that captions naming them are unambiguous.
 */
public enum Palette {
    RED("red", 220, 40, 40),
    GREEN("green", 40, 175, 60),
    BLUE("blue", 50, 90, 230),
    YELLOW("yellow", 235, 205, 30),
    ORANGE("orange", 240, 135, 25),
    PURPLE("purple", 145, 60, 200),
    PINK("pink", 240, 100, 175),
    CYAN("cyan", 30, 195, 205);

    private final String word;
    private final int r;
    private final int g;
    private final int b;

    Palette(String word, int r, int g, int b) {
        this.word = word;
        this.r = r;
        this.g = g;
        this.b = b;
    }

    public String word() {
        return word;
    }

    public int red() {
        return r;
    }

    public int green() {
        return g;
    }

    public int blue() {
        return b;
    }

    /** The colour with the given opacity (0..1). */
    public Color withAlpha(double alpha) {
        int a = (int) Math.round(Math.max(0, Math.min(1, alpha)) * 255);
        return new Color(r, g, b, a);
    }

    /** Euclidean distance in RGB to another colour. */
    public double distance(int r2, int g2, int b2) {
        double dr = r - r2;
        double dg = g - g2;
        double db = b - b2;
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    public double distance(Palette other) {
        return distance(other.r, other.g, other.b);
    }
}
