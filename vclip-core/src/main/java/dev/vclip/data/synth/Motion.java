package dev.vclip.data.synth;

/**
 * How one shape changes over the course of an action, as a function of normalised time t in [0, 1] (0 = the first
 * frame of the action, 1 = its last). Every action is a special case: position, size and angle are interpolated
 * linearly from their start to their end value, opacity ramps between {@code fadeStart} and {@code fadeEnd}, and an
 * optional bounce lifts the shape by {@code bounceHeight * |sin(pi * bounces * t)|}.
 *
 * <p>{@link #reversed()} plays the same motion backwards in time. Direction-only class pairs are built that way
 * (moving right is moving left reversed, shrinking is growing reversed...), so the two classes of a pair have
 * exactly the same distribution of individual frames and differ only in their order.
 *
 * @param x0           centre x at t = 0, pixels
 * @param y0           centre y at t = 0, pixels (y points down)
 * @param x1           centre x at t = 1
 * @param y1           centre y at t = 1
 * @param r0           circumradius at t = 0, pixels
 * @param r1           circumradius at t = 1
 * @param angle0       rotation at t = 0, degrees, clockwise on screen
 * @param angle1       rotation at t = 1
 * @param alpha0       opacity before {@code fadeStart}, 0..1
 * @param alpha1       opacity after {@code fadeEnd}
 * @param fadeStart    t where the opacity starts to change
 * @param fadeEnd      t where it reaches {@code alpha1}; equal to {@code fadeStart} for a pop (an instant change)
 * @param bounces      number of hops (0 for none)
 * @param bounceHeight height of each hop, pixels (upwards)
 */
public record Motion(double x0, double y0, double x1, double y1, double r0, double r1, double angle0, double angle1,
                     double alpha0, double alpha1, double fadeStart, double fadeEnd, int bounces,
                     double bounceHeight) {

    /** Where the shape is, how big, how turned and how opaque at one instant. */
    public record Pose(double cx, double cy, double r, double angleDegrees, double alpha) {
    }

    public Motion {
        if (!(fadeStart >= 0 && fadeStart <= fadeEnd && fadeEnd <= 1)) {
            throw new IllegalArgumentException("need 0 <= fadeStart <= fadeEnd <= 1, got " + fadeStart + ", " + fadeEnd);
        }
        if (r0 <= 0 || r1 <= 0) {
            throw new IllegalArgumentException("radius must be positive, got " + r0 + ", " + r1);
        }
    }

    /** A shape that stays where it is, fully opaque. */
    public static Motion still(double x, double y, double r, double angle) {
        return new Motion(x, y, x, y, r, r, angle, angle, 1, 1, 0, 0, 0, 0);
    }

    /** The pose at normalised time t (clamped to [0, 1]). */
    public Pose at(double t) {
        double u = Math.max(0, Math.min(1, t));
        double x = lerp(x0, x1, u);
        double y = lerp(y0, y1, u) - bounceHeight * Math.abs(Math.sin(Math.PI * bounces * u));
        double alpha;
        if (u < fadeStart) {
            alpha = alpha0;
        } else if (u >= fadeEnd) {
            alpha = alpha1;
        } else {
            alpha = lerp(alpha0, alpha1, (u - fadeStart) / (fadeEnd - fadeStart));
        }
        return new Pose(x, y, lerp(r0, r1, u), lerp(angle0, angle1, u), alpha);
    }

    /** The pose of frame i of an action that lasts n frames (the first frame is t = 0, the last t = 1). */
    public Pose atFrame(int i, int n) {
        return at(n <= 1 ? 0 : (double) i / (n - 1));
    }

    /** Whether the opacity changes at one instant rather than gradually. */
    public boolean isPop() {
        return alpha0 != alpha1 && fadeStart == fadeEnd;
    }

    /**
     * The same motion played backwards: at(t) of the result equals at(1 - t) of this one (up to the instant of a pop,
     * which belongs to the later side in both).
     */
    public Motion reversed() {
        return new Motion(x1, y1, x0, y0, r1, r0, angle1, angle0, alpha1, alpha0, 1 - fadeEnd, 1 - fadeStart,
                bounces, bounceHeight);
    }

    private static double lerp(double a, double b, double u) {
        return a + (b - a) * u;
    }
}
