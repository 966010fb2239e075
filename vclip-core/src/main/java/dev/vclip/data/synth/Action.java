package dev.vclip.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The action classes of the synthetic dataset. The class name ({@link #label()}) is the text X-CLIP-style
 * classifiers are prompted with. A dataset uses all of them or a subset, always in this order: its class ids are
 * positions in that list (with all classes, the ordinal).
 *
 * <p>Five pairs differ only in direction or time order (left/right, up/down, clockwise/counter-clockwise,
 * growing/shrinking, appearing/vanishing): the second member of each pair is planned as the first one played
 * backwards ({@link Motion#reversed()}), so a model that ignores frame order sees the same set of frames for both
 * and cannot do better than chance between them. Bouncing has no partner: it looks the same played backwards.
 *
 * <p>Caption phrases come in two grammatical forms, a gerund ("sliding to the left") that follows a noun phrase and a
 * present tense ("slides to the left") that makes a sentence, with synonyms so retrieval is not string matching.
 * Appearing and vanishing have phrases that only fit a gradual fade or only an instant pop.
 */
public enum Action {
    MOVING_LEFT("moving left",
            phrases(List.of("moving left", "moving to the left", "sliding to the left", "drifting leftwards",
                            "travelling from right to left"),
                    List.of("moves left", "moves to the left", "slides to the left", "drifts leftwards",
                            "travels from right to left", "glides to the left")), null, null),
    MOVING_RIGHT("moving right",
            phrases(List.of("moving right", "moving to the right", "sliding to the right", "drifting rightwards",
                            "travelling from left to right"),
                    List.of("moves right", "moves to the right", "slides to the right", "drifts rightwards",
                            "travels from left to right", "glides to the right")), null, null),
    MOVING_UP("moving up",
            phrases(List.of("moving up", "moving upwards", "rising", "floating up", "travelling from bottom to top"),
                    List.of("moves up", "moves upwards", "rises", "floats up", "travels from the bottom to the top",
                            "climbs upwards")), null, null),
    MOVING_DOWN("moving down",
            phrases(List.of("moving down", "moving downwards", "sinking", "falling", "travelling from top to bottom"),
                    List.of("moves down", "moves downwards", "sinks", "falls", "travels from the top to the bottom",
                            "drops down")), null, null),
    ROTATING_CLOCKWISE("rotating clockwise",
            phrases(List.of("rotating clockwise", "spinning clockwise", "turning clockwise"),
                    List.of("rotates clockwise", "spins clockwise", "turns clockwise", "spins around clockwise")),
            null, null),
    ROTATING_COUNTER_CLOCKWISE("rotating counter-clockwise",
            phrases(List.of("rotating counter-clockwise", "spinning anticlockwise", "turning counterclockwise"),
                    List.of("rotates counter-clockwise", "spins anticlockwise", "turns counterclockwise",
                            "spins around anticlockwise")), null, null),
    GROWING("growing",
            phrases(List.of("growing", "getting bigger", "expanding", "growing larger"),
                    List.of("grows", "gets bigger", "expands", "grows larger", "swells up")), null, null),
    SHRINKING("shrinking",
            phrases(List.of("shrinking", "getting smaller", "contracting", "shrinking down"),
                    List.of("shrinks", "gets smaller", "contracts", "becomes smaller", "shrinks down")), null, null),
    APPEARING("appearing",
            phrases(List.of("appearing", "coming into view"), List.of("appears", "comes into view")),
            phrases(List.of("fading in", "slowly appearing"),
                    List.of("fades in", "slowly appears", "gradually becomes visible")),
            phrases(List.of("popping up", "suddenly appearing"),
                    List.of("pops up", "suddenly appears", "pops into view"))),
    VANISHING("vanishing",
            phrases(List.of("vanishing", "disappearing"), List.of("vanishes", "disappears")),
            phrases(List.of("fading out", "slowly disappearing"),
                    List.of("fades out", "slowly disappears", "gradually becomes invisible")),
            phrases(List.of("suddenly vanishing", "blinking out"),
                    List.of("suddenly vanishes", "blinks out of view", "disappears at once"))),
    BOUNCING("bouncing",
            phrases(List.of("bouncing", "bouncing up and down", "hopping"),
                    List.of("bounces", "bounces up and down", "hops up and down", "keeps bouncing")), null, null);

    /** Phrases that describe an action. */
    public record Phrases(List<String> gerunds, List<String> presents) {
    }

    /** Gap kept between a shape and the frame border, pixels. */
    static final double MARGIN = 2;

    private final String label;
    private final Phrases common;
    private final Phrases fadeOnly;
    private final Phrases popOnly;

    Action(String label, Phrases common, Phrases fadeOnly, Phrases popOnly) {
        this.label = label;
        this.common = common;
        this.fadeOnly = fadeOnly;
        this.popOnly = popOnly;
    }

    private static Phrases phrases(List<String> gerunds, List<String> presents) {
        return new Phrases(gerunds, presents);
    }

    /** The class name: "moving left". Its first gerund, so "a red circle " + label() is the plainest caption. */
    public String label() {
        return label;
    }

    /** A file-name-safe form of the label: "moving_left", "rotating_counter-clockwise". */
    public String slug() {
        return label.replace(' ', '_');
    }

    /** The action by label ("moving left") or constant name ("MOVING_LEFT"), case-insensitive. */
    public static Action parse(String s) {
        String t = s.trim();
        for (Action a : values()) {
            if (a.label.equalsIgnoreCase(t) || a.name().equalsIgnoreCase(t) || a.slug().equalsIgnoreCase(t)) {
                return a;
            }
        }
        List<String> labels = new ArrayList<>();
        for (Action a : values()) {
            labels.add(a.label);
        }
        throw new IllegalArgumentException("unknown action class '" + s + "'; known: " + String.join(", ", labels));
    }

    /**
     * The other member of this action's direction-only pair (moving left for moving right and back), or null for an
     * action without one.
     */
    public Action partner() {
        return switch (this) {
            case MOVING_LEFT -> MOVING_RIGHT;
            case MOVING_RIGHT -> MOVING_LEFT;
            case MOVING_UP -> MOVING_DOWN;
            case MOVING_DOWN -> MOVING_UP;
            case ROTATING_CLOCKWISE -> ROTATING_COUNTER_CLOCKWISE;
            case ROTATING_COUNTER_CLOCKWISE -> ROTATING_CLOCKWISE;
            case GROWING -> SHRINKING;
            case SHRINKING -> GROWING;
            case APPEARING -> VANISHING;
            case VANISHING -> APPEARING;
            case BOUNCING -> null;
        };
    }

    /** Whether the action needs a shape whose rotation is visible (not a circle). */
    public boolean needsVisibleRotation() {
        return this == ROTATING_CLOCKWISE || this == ROTATING_COUNTER_CLOCKWISE;
    }

    /** Whether a size word ("small", "large") may describe the shape: not when the size is what changes. */
    public boolean allowsSizeWords() {
        return this != GROWING && this != SHRINKING;
    }

    /** The phrases that fit this motion (fade-only and pop-only phrases only where they apply). */
    public Phrases phrasesFor(Motion motion) {
        List<String> gerunds = new ArrayList<>(common.gerunds());
        List<String> presents = new ArrayList<>(common.presents());
        Phrases extra = motion.isPop() ? popOnly : fadeOnly;
        if (extra != null) {
            gerunds.addAll(extra.gerunds());
            presents.addAll(extra.presents());
        }
        return new Phrases(List.copyOf(gerunds), List.copyOf(presents));
    }

    /**
     * Plans a random instance of this action for a shape of base circumradius r in a width x height frame, lasting
     * {@code frames} frames. The shape stays entirely inside the frame throughout.
     */
    public Motion plan(Random rng, ShapeKind shape, double r, int width, int height, int frames) {
        return switch (this) {
            case MOVING_RIGHT, MOVING_DOWN, ROTATING_COUNTER_CLOCKWISE, SHRINKING, VANISHING ->
                    partner().plan(rng, shape, r, width, height, frames).reversed();
            case MOVING_LEFT -> {
                double d = travel(rng, width, r);
                double y = uniform(rng, r + MARGIN, height - r - MARGIN);
                double x0 = uniform(rng, r + MARGIN + d, width - r - MARGIN);
                double a = tilt(rng, shape);
                yield new Motion(x0, y, x0 - d, y, r, r, a, a, 1, 1, 0, 0, 0, 0);
            }
            case MOVING_UP -> {
                double d = travel(rng, height, r);
                double x = uniform(rng, r + MARGIN, width - r - MARGIN);
                double y0 = uniform(rng, r + MARGIN + d, height - r - MARGIN);
                double a = tilt(rng, shape);
                yield new Motion(x, y0, x, y0 - d, r, r, a, a, 1, 1, 0, 0, 0, 0);
            }
            case ROTATING_CLOCKWISE -> {
                if (!shape.showsRotation()) {
                    throw new IllegalArgumentException("a rotating " + shape.word() + " looks still");
                }
                // Turn at most 40% of the symmetry angle per frame: near half of it, clockwise and
                // counter-clockwise turns look alike from frame to frame (the wagon-wheel effect).
                double maxTotal = 0.4 * shape.symmetryDegrees() * Math.max(1, frames - 1);
                double total = Math.min(uniform(rng, 120, 300), maxTotal);
                double a0 = rng.nextDouble() * 360;
                double x = uniform(rng, r + MARGIN, width - r - MARGIN);
                double y = uniform(rng, r + MARGIN, height - r - MARGIN);
                yield new Motion(x, y, x, y, r, r, a0, a0 + total, 1, 1, 0, 0, 0, 0);
            }
            case GROWING -> {
                double r0 = r * uniform(rng, 0.35, 0.5);
                double r1 = Math.min(r * uniform(rng, 1.15, 1.4), maxRadius(width, height));
                double x = uniform(rng, r1 + MARGIN, width - r1 - MARGIN);
                double y = uniform(rng, r1 + MARGIN, height - r1 - MARGIN);
                double a = tilt(rng, shape);
                yield new Motion(x, y, x, y, r0, r1, a, a, 1, 1, 0, 0, 0, 0);
            }
            case APPEARING -> {
                double start;
                double end;
                if (rng.nextDouble() < 0.6) { // gradual fade in
                    start = uniform(rng, 0.05, 0.3);
                    end = Math.min(0.95, start + uniform(rng, 0.35, 0.6));
                } else { // pop: invisible, then fully there
                    start = uniform(rng, 0.3, 0.7);
                    end = start;
                }
                double x = uniform(rng, r + MARGIN, width - r - MARGIN);
                double y = uniform(rng, r + MARGIN, height - r - MARGIN);
                double a = tilt(rng, shape);
                yield new Motion(x, y, x, y, r, r, a, a, 0, 1, start, end, 0, 0);
            }
            case BOUNCING -> {
                int bounces = 2 + rng.nextInt(2);
                double hop = Math.min(uniform(rng, 0.25, 0.4) * height, height - 2 * (r + MARGIN));
                double x = uniform(rng, r + MARGIN, width - r - MARGIN);
                double floor = height - r - MARGIN;
                double y = Math.max(r + MARGIN + hop, floor - uniform(rng, 0, 0.12) * height);
                double a = tilt(rng, shape);
                yield new Motion(x, y, x, y, r, r, a, a, 1, 1, 0, 0, bounces, hop);
            }
        };
    }

    /** The largest circumradius any shape may reach in a frame: 22.5% of the shorter side. */
    static double maxRadius(int width, int height) {
        return 0.225 * Math.min(width, height);
    }

    /** How far a moving shape travels: 35-60% of the frame, or all the room there is. */
    private static double travel(Random rng, int extent, double r) {
        return Math.min(uniform(rng, 0.35, 0.6) * extent, extent - 2 * (r + MARGIN));
    }

    /** A random resting angle: a slight tilt, so that shapes are not all axis-aligned. */
    private static double tilt(Random rng, ShapeKind shape) {
        return shape.showsRotation() ? uniform(rng, -20, 20) : 0;
    }

    static double uniform(Random rng, double lo, double hi) {
        return hi <= lo ? lo : lo + (hi - lo) * rng.nextDouble();
    }
}
