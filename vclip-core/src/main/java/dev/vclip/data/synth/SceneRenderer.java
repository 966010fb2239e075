package dev.vclip.data.synth;

import dev.vclip.video.RgbFrame;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;

/**
 * Draws scenes with Java2D: a {@link Background} and sprites at given poses, anti-aliased with sub-pixel
 * positions (so slow motion moves smoothly rather than in whole-pixel jumps). One renderer owns one canvas, a
 * {@link BufferedImage#TYPE_3BYTE_BGR} image that FFmpeg can take as BGR24 without conversion; it is reused for
 * every frame, so a renderer is not thread-safe and the canvas changes with each {@link #render} call.
 */
public final class SceneRenderer {

    /** A sprite at one instant. */
    public record Placed(Sprite sprite, Motion.Pose pose) {
    }

    private final int width;
    private final int height;
    private final BufferedImage canvas;
    private final byte[] pixels;
    private Background background;
    private byte[] backgroundPixels;

    public SceneRenderer(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        this.pixels = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /**
     * Draws the background, then the sprites in list order (later ones on top), and returns the canvas. Shapes
     * with opacity 0 are skipped; partly transparent ones are blended over what is below.
     */
    public BufferedImage render(Background bg, List<Placed> sprites) {
        if (!bg.equals(background)) { // a clip keeps its background: draw it once, copy it per frame
            backgroundPixels = bg.renderBgr(width, height);
            background = bg;
        }
        System.arraycopy(backgroundPixels, 0, pixels, 0, pixels.length);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            for (Placed p : sprites) {
                Motion.Pose pose = p.pose();
                if (pose.alpha() <= 0) {
                    continue;
                }
                g.setColor(p.sprite().colour().withAlpha(pose.alpha()));
                g.fill(p.sprite().shape().outline(pose.cx(), pose.cy(), pose.r(), pose.angleDegrees()));
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /** A copy of the current canvas as an RGB frame. */
    public RgbFrame snapshot() {
        return RgbFrame.fromBufferedImage(canvas);
    }
}
