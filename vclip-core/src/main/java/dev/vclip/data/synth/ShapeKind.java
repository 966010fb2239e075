package dev.vclip.data.synth;

import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;

/**
 * The shapes a synthetic scene is made of. Each is drawn around a centre with a circumradius r (the radius of the
 * smallest circle around it) and a rotation angle, so every shape of the same r covers about the same extent.
 */
public enum ShapeKind {
    CIRCLE("circle", 0),
    SQUARE("square", 90),
    TRIANGLE("triangle", 120),
    STAR("star", 72),
    DIAMOND("diamond", 180),
    HEXAGON("hexagon", 60),
    CROSS("cross", 90);

    private final String word;
    private final int symmetryDegrees;

    ShapeKind(String word, int symmetryDegrees) {
        this.word = word;
        this.symmetryDegrees = symmetryDegrees;
    }

    /** The noun used in class names and captions ("circle"). */
    public String word() {
        return word;
    }

    /**
     * The smallest rotation that maps the shape onto itself, in degrees; 0 for the circle, which looks the same at
     * every angle (so a rotating circle is not a visible action and rotation classes never use one).
     */
    public int symmetryDegrees() {
        return symmetryDegrees;
    }

    /** Whether rotating the shape changes what it looks like. */
    public boolean showsRotation() {
        return symmetryDegrees > 0;
    }

    /**
     * The outline centred on (cx, cy) in image coordinates (x right, y down) with circumradius r, rotated by
     * angleDegrees. Because y points down, a growing angle turns the shape clockwise on screen.
     */
    public Shape outline(double cx, double cy, double r, double angleDegrees) {
        Shape unit = switch (this) {
            case CIRCLE -> new Ellipse2D.Double(-1, -1, 2, 2);
            case SQUARE -> polygon(4, 1, 45);
            case TRIANGLE -> polygon(3, 1, -90);
            case HEXAGON -> polygon(6, 1, 0);
            case DIAMOND -> diamond();
            case STAR -> star();
            case CROSS -> cross();
        };
        AffineTransform at = new AffineTransform();
        at.translate(cx, cy);
        at.rotate(Math.toRadians(angleDegrees));
        at.scale(r, r);
        return at.createTransformedShape(unit);
    }

    /** A regular polygon with n corners on the unit circle, the first at startDegrees. */
    private static Path2D polygon(int n, double radius, double startDegrees) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            double a = Math.toRadians(startDegrees + 360.0 * i / n);
            double x = radius * Math.cos(a);
            double y = radius * Math.sin(a);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    /** A rhombus, taller than wide, so that it differs from a square turned by 45 degrees. */
    private static Path2D diamond() {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -1);
        p.lineTo(0.62, 0);
        p.lineTo(0, 1);
        p.lineTo(-0.62, 0);
        p.closePath();
        return p;
    }

    /** A five-pointed star, point up, inner radius 0.45. */
    private static Path2D star() {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double a = Math.toRadians(-90 + 36.0 * i);
            double rr = i % 2 == 0 ? 1 : 0.45;
            if (i == 0) {
                p.moveTo(rr * Math.cos(a), rr * Math.sin(a));
            } else {
                p.lineTo(rr * Math.cos(a), rr * Math.sin(a));
            }
        }
        p.closePath();
        return p;
    }

    /** A plus sign whose arms are a third of the width. */
    private static Path2D cross() {
        double a = 0.3; // half the arm thickness; the arm tips lie on the circle of radius ~1
        double e = Math.sqrt(1 - a * a);
        Path2D.Double p = new Path2D.Double();
        p.moveTo(-a, -e);
        p.lineTo(a, -e);
        p.lineTo(a, -a);
        p.lineTo(e, -a);
        p.lineTo(e, a);
        p.lineTo(a, a);
        p.lineTo(a, e);
        p.lineTo(-a, e);
        p.lineTo(-a, a);
        p.lineTo(-e, a);
        p.lineTo(-e, -a);
        p.lineTo(-a, -a);
        p.closePath();
        return p;
    }
}
