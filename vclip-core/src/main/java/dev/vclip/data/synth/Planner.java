package dev.vclip.data.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static dev.vclip.data.synth.Action.uniform;

/** Random choices for single videos: which shape, colour, size, background, distractors and motion. */
final class Planner {
    private Planner() {
    }

    /**
     * Base circumradius of a performing shape, as a fraction of the frame's shorter side: big enough to stay a
     * few pixels wide when a model resizes the frame to 32x32, small enough to leave room to move.
     */
    static final double MIN_RADIUS = 0.11;
    static final double MAX_RADIUS = 0.19;

    /** Static distractor shapes are smaller than performers. */
    static final double MIN_DISTRACTOR_RADIUS = 0.06;
    static final double MAX_DISTRACTOR_RADIUS = 0.09;

    /** Colours of different shapes in one scene differ at least this much, so each stays identifiable. */
    static final double MIN_COLOUR_DISTANCE = 90;

    static ClipPlan clip(SynthConfig c, Action action, int number, String id, Split split) {
        Random rng = Seeds.random(c.seed(), Seeds.Stream.CLIP, action.ordinal(), number);
        int w = c.width();
        int h = c.height();
        Background bg = Background.random(rng);
        ShapeKind shape = shapeFor(rng, action);
        Palette colour = colour(rng, bg, List.of());
        double r = uniform(rng, MIN_RADIUS, MAX_RADIUS) * Math.min(w, h);
        Motion motion = action.plan(rng, shape, r, w, h, c.clipFrames());
        Sprite target = new Sprite(shape, colour, motion);

        // 40% no distractor, 40% one, 20% two; placed clear of the target's whole path
        double u = rng.nextDouble();
        int wanted = u < 0.4 ? 0 : u < 0.8 ? 1 : 2;
        List<Sprite> distractors = new ArrayList<>();
        for (int k = 0; k < wanted; k++) {
            Sprite d = distractor(rng, bg, w, h, target, distractors);
            if (d != null) {
                distractors.add(d);
            }
        }
        Random captionRng = Seeds.random(c.seed(), Seeds.Stream.CLIP_CAPTIONS, action.ordinal(), number);
        List<String> captions = Describer.captions(captionRng, action, target, r,
                distractors.isEmpty() ? null : distractors.get(0), bg, w, h, c.captionsPerVideo());
        return new ClipPlan(id, action, number, split, bg, target, r, distractors, c.clipFrames(), captions);
    }

    static LongVideoPlan longVideo(SynthConfig c, int v, String id) {
        Random rng = Seeds.random(c.seed(), Seeds.Stream.LONG_VIDEO, v, 0);
        int w = c.width();
        int h = c.height();
        int fps = c.fps();
        int seconds = c.longSeconds() + rng.nextInt(c.longSeconds() / 4 + 1);
        int frames = seconds * fps;
        Background bg = Background.random(rng);
        List<Sprite> companions = new ArrayList<>();
        if (rng.nextBoolean()) {
            Sprite d = distractor(rng, bg, w, h, null, companions);
            if (d != null) {
                companions.add(d);
            }
        }

        // Actions are dealt from a shuffled deck of the classes, so a video covers the classes evenly.
        List<Action> deck = new ArrayList<>();
        List<LongVideoPlan.Event> events = new ArrayList<>();
        Set<String> used = new HashSet<>();
        int t = frames(uniform(rng, 0.5, 2.0), fps, 1);
        while (true) {
            int length = frames(uniform(rng, 2.5, 4.5), fps, 4);
            int tail = frames(0.5, fps, 1);
            if (t + length + tail > frames) {
                break;
            }
            if (deck.isEmpty()) {
                deck.addAll(c.classes());
                Collections.shuffle(deck, rng);
            }
            events.add(event(c, rng, bg, companions, used, deck.remove(deck.size() - 1), events.size(), t, length,
                    v));
            t += length + frames(uniform(rng, 1.5, 5.0), fps, 1);
        }
        if (events.isEmpty()) { // a very short video: one event in the middle
            int length = Math.max(4, Math.min(frames(3.0, fps, 4), frames - 2));
            List<Action> classes = c.classes();
            events.add(event(c, rng, bg, companions, used, classes.get(rng.nextInt(classes.size())), 0,
                    (frames - length) / 2, length, v));
        }
        return new LongVideoPlan(id, frames, fps, bg, companions, events);
    }

    private static LongVideoPlan.Event event(SynthConfig c, Random rng, Background bg, List<Sprite> companions,
                                             Set<String> used, Action action, int index, int start, int length,
                                             int video) {
        int w = c.width();
        int h = c.height();
        // each (action, shape, colour) at most once per video, so every query names exactly one event
        ShapeKind shape = null;
        Palette colour = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            shape = shapeFor(rng, action);
            colour = colour(rng, bg, companions);
            if (used.add(action.name() + "/" + shape.name() + "/" + colour.name())) {
                break;
            }
        }
        double r = uniform(rng, MIN_RADIUS, MAX_RADIUS) * Math.min(w, h);
        Sprite sprite = new Sprite(shape, colour, action.plan(rng, shape, r, w, h, length));
        Random captionRng = Seeds.random(c.seed(), Seeds.Stream.LONG_CAPTIONS, video, index);
        List<String> captions = Describer.captions(captionRng, action, sprite, r,
                companions.isEmpty() ? null : companions.get(0), bg, w, h, 3);
        return new LongVideoPlan.Event(index, action, sprite, start, start + length, captions);
    }

    /** Seconds to whole frames, at least {@code min}. */
    private static int frames(double seconds, int fps, int min) {
        return Math.max(min, (int) Math.round(seconds * fps));
    }

    /** A shape that can show the action (no circle for rotation). */
    static ShapeKind shapeFor(Random rng, Action action) {
        List<ShapeKind> options = new ArrayList<>();
        for (ShapeKind s : ShapeKind.values()) {
            if (!action.needsVisibleRotation() || s.showsRotation()) {
                options.add(s);
            }
        }
        return options.get(rng.nextInt(options.size()));
    }

    /**
     * A colour that stands out from the background and is far from the colours of the other shapes; if none
     * qualifies (not with the current palette), the one with the most contrast.
     */
    static Palette colour(Random rng, Background bg, List<Sprite> others) {
        List<Palette> options = new ArrayList<>();
        for (Palette p : Palette.values()) {
            if (bg.contrastsWith(p) && others.stream().allMatch(o -> o.colour().distance(p) >= MIN_COLOUR_DISTANCE)) {
                options.add(p);
            }
        }
        if (options.isEmpty()) {
            Palette best = Palette.values()[0];
            for (Palette p : Palette.values()) {
                if (p.distance(bg.red(), bg.green(), bg.blue()) > best.distance(bg.red(), bg.green(), bg.blue())) {
                    best = p;
                }
            }
            return best;
        }
        return options.get(rng.nextInt(options.size()));
    }

    /**
     * A small static shape placed where it never touches the target (at any time) or the other distractors, or
     * null when 20 random places all collide.
     */
    private static Sprite distractor(Random rng, Background bg, int w, int h, Sprite target, List<Sprite> others) {
        List<Sprite> avoid = new ArrayList<>(others);
        if (target != null) {
            avoid.add(target);
        }
        ShapeKind shape = ShapeKind.values()[rng.nextInt(ShapeKind.values().length)];
        Palette colour = colour(rng, bg, avoid);
        double r = uniform(rng, MIN_DISTRACTOR_RADIUS, MAX_DISTRACTOR_RADIUS) * Math.min(w, h);
        double angle = shape.showsRotation() ? uniform(rng, -20, 20) : 0;
        for (int attempt = 0; attempt < 20; attempt++) {
            double x = uniform(rng, r + Action.MARGIN, w - r - Action.MARGIN);
            double y = uniform(rng, r + Action.MARGIN, h - r - Action.MARGIN);
            if (clear(x, y, r, avoid)) {
                return new Sprite(shape, colour, Motion.still(x, y, r, angle));
            }
        }
        return null;
    }

    /** Whether a circle at (x, y) of radius r keeps 3 px from every sprite at 21 instants of its motion. */
    private static boolean clear(double x, double y, double r, List<Sprite> sprites) {
        for (Sprite s : sprites) {
            for (int i = 0; i <= 20; i++) {
                Motion.Pose p = s.motion().at(i / 20.0);
                if (Math.hypot(p.cx() - x, p.cy() - y) < r + p.r() + 3) {
                    return false;
                }
            }
        }
        return true;
    }
}
