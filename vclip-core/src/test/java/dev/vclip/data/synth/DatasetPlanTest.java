package dev.vclip.data.synth;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan alone: no pixels, no encoding. */
class DatasetPlanTest {

    static final SynthConfig SMALL = SynthConfig.of(SynthConfig.Size.SMALL);

    @Test
    void planIsAPureFunctionOfTheConfig() {
        DatasetPlan plan = DatasetPlan.of(SMALL);
        assertTrue(plan.equals(DatasetPlan.of(SMALL)));
        DatasetPlan oneThread = DatasetPlan.of(SMALL.withThreads(1));
        assertTrue(plan.clips().equals(oneThread.clips()) && plan.longVideos().equals(oneThread.longVideos()),
                "threads must not matter");
        assertFalse(plan.clips().equals(DatasetPlan.of(SMALL.withSeed(1)).clips()));
    }

    @Test
    void addingClipsLeavesExistingClipsUnchanged() {
        DatasetPlan few = DatasetPlan.of(SMALL.withClipsPerClass(3).withLongVideos(0, 60));
        DatasetPlan more = DatasetPlan.of(SMALL.withClipsPerClass(6).withLongVideos(0, 60));
        for (ClipPlan clip : few.clips()) {
            ClipPlan same = more.clips().stream().filter(c -> c.id().equals(clip.id())).findFirst().orElseThrow();
            assertEquals(clip.target(), same.target(), clip.id());
            assertEquals(clip.captions(), same.captions(), clip.id());
        }
    }

    @Test
    void reversedMotionPlaysTheSameFramesBackwards() {
        Random rng = new Random(3);
        for (Action a : Action.values()) {
            Motion m = a.plan(rng, ShapeKind.STAR, 15, 128, 128, 24);
            Motion r = m.reversed();
            for (int i = 0; i <= 10; i++) {
                double t = i / 10.0;
                if (m.isPop() && Math.abs(1 - t - m.fadeStart()) < 1e-9) {
                    continue; // the instant of a pop belongs to the later side in both directions
                }
                Motion.Pose p = m.at(1 - t);
                Motion.Pose q = r.at(t);
                assertEquals(p.cx(), q.cx(), 1e-9, a + " x at " + t);
                assertEquals(p.cy(), q.cy(), 1e-9, a + " y at " + t);
                assertEquals(p.r(), q.r(), 1e-9, a + " r at " + t);
                assertEquals(p.angleDegrees(), q.angleDegrees(), 1e-9, a + " angle at " + t);
                assertEquals(p.alpha(), q.alpha(), 1e-9, a + " alpha at " + t);
            }
        }
    }

    @Test
    void theSecondClassOfEachPairIsTheFirstPlayedBackwards() {
        for (Action a : Action.values()) {
            Action p = a.partner();
            if (p == null || p.ordinal() < a.ordinal()) {
                continue;
            }
            assertEquals(a, p.partner());
            Motion forward = a.plan(new Random(11), ShapeKind.SQUARE, 14, 128, 96, 20);
            Motion backward = p.plan(new Random(11), ShapeKind.SQUARE, 14, 128, 96, 20);
            assertEquals(forward.reversed(), backward, a + " / " + p);
        }
    }

    @Test
    void motionsGoTheWayTheirNameSays() {
        Random rng = new Random(5);
        for (int i = 0; i < 50; i++) {
            ShapeKind shape = ShapeKind.values()[1 + rng.nextInt(ShapeKind.values().length - 1)];
            Motion left = Action.MOVING_LEFT.plan(rng, shape, 15, 128, 128, 24);
            assertTrue(left.x1() < left.x0() - 0.3 * 128, "moving left travels left far enough");
            Motion up = Action.MOVING_UP.plan(rng, shape, 15, 128, 128, 24);
            assertTrue(up.y1() < up.y0() - 0.3 * 128, "moving up goes up (y decreases)");
            Motion cw = Action.ROTATING_CLOCKWISE.plan(rng, shape, 15, 128, 128, 24);
            assertTrue(cw.angle1() > cw.angle0(), "clockwise on screen is a growing angle with y down");
            double perFrame = (cw.angle1() - cw.angle0()) / 23;
            assertTrue(perFrame <= 0.4 * shape.symmetryDegrees() + 1e-9, "no wagon-wheel aliasing: " + perFrame);
            Motion grow = Action.GROWING.plan(rng, shape, 15, 128, 128, 24);
            assertTrue(grow.r1() > 2 * grow.r0());
            Motion appear = Action.APPEARING.plan(rng, shape, 15, 128, 128, 24);
            assertEquals(0, appear.at(0).alpha());
            assertEquals(1, appear.at(1).alpha());
        }
        assertThrows(IllegalArgumentException.class,
                () -> Action.ROTATING_CLOCKWISE.plan(rng, ShapeKind.CIRCLE, 15, 128, 128, 24));
    }

    @Test
    void shapesStayInsideTheFrameAndRotatingShapesAreNeverCircles() {
        for (SynthConfig c : List.of(SMALL, SMALL.withResolution(160, 96).withClipFrames(16).withSeed(9))) {
            DatasetPlan plan = DatasetPlan.of(c);
            for (ClipPlan clip : plan.clips()) {
                if (clip.action().needsVisibleRotation()) {
                    assertTrue(clip.target().shape().showsRotation(), clip.id());
                }
                for (int i = 0; i < clip.frames(); i++) {
                    for (SceneRenderer.Placed p : clip.frame(i)) {
                        assertInside(p.pose(), c, clip.id() + " frame " + i);
                    }
                }
            }
            for (LongVideoPlan v : plan.longVideos()) {
                for (int f = 0; f < v.frames(); f++) {
                    for (SceneRenderer.Placed p : v.frame(f)) {
                        assertInside(p.pose(), c, v.id() + " frame " + f);
                    }
                }
            }
        }
    }

    private static void assertInside(Motion.Pose p, SynthConfig c, String where) {
        assertTrue(p.cx() - p.r() >= 0 && p.cx() + p.r() <= c.width(), where + ": x " + p.cx() + " r " + p.r());
        assertTrue(p.cy() - p.r() >= 0 && p.cy() + p.r() <= c.height(), where + ": y " + p.cy() + " r " + p.r());
    }

    @Test
    void captionsStartWithTheCanonicalOneAndFitTheMotion() {
        DatasetPlan plan = DatasetPlan.of(SMALL.withClipsPerClass(30).withLongVideos(0, 60));
        for (ClipPlan clip : plan.clips()) {
            List<String> caps = clip.captions();
            assertEquals(5, caps.size(), clip.id() + " " + caps);
            assertEquals(5, new HashSet<>(caps).size(), clip.id());
            assertEquals(Describer.canonical(clip.action(), clip.target()), caps.get(0));
            assertTrue(caps.get(0).matches("an? \\w+ \\w+ " + clip.action().label()), caps.get(0));
            for (String s : caps) {
                assertTrue(s.contains(clip.target().colour().word()) && s.contains(clip.target().shape().word()),
                        clip.id() + ": " + s);
                if (!clip.action().allowsSizeWords()) {
                    assertFalse(s.matches(".*\\b(small|little|large|big) .*"), clip.id() + ": " + s);
                }
                if (clip.target().motion().isPop()) {
                    assertFalse(s.contains("fades") || s.contains("fading") || s.contains("gradually"), s);
                } else {
                    assertFalse(s.contains("pops") || s.contains("suddenly") || s.contains("blink"), s);
                }
                assertFalse(s.contains("  ") || s.startsWith(" ") || s.endsWith(" "), s);
                assertFalse(s.matches(".*\\ba [aeiou].*"), "article: " + s);
            }
        }
    }

    @Test
    void splitsGiveTwoThirdsToTrainAndTheShotsThatFit() {
        DatasetPlan plan = DatasetPlan.of(SMALL);
        assertEquals(8, plan.trainPerClass());
        assertEquals(88, plan.clips(Split.TRAIN).size());
        assertEquals(44, plan.clips(Split.VAL).size());
        assertEquals(List.of(2, 4, 8), plan.fewShotShots());
        assertEquals(4, plan.baseShots());
        DatasetPlan medium = DatasetPlan.of(SynthConfig.of(SynthConfig.Size.MEDIUM).withLongVideos(0, 60));
        assertEquals(List.of(2, 4, 8, 16), medium.fewShotShots());
        assertEquals(16, medium.baseShots());
        assertEquals(1, DatasetPlan.trainPerClass(1));
        assertEquals(1, DatasetPlan.trainPerClass(2));
        assertEquals(32, DatasetPlan.trainPerClass(48));
    }

    @Test
    void baseToNovelKeepsDirectionPairsTogether() {
        List<List<Action>> split = DatasetPlan.splitBaseNovel(List.of(Action.values()));
        List<Action> base = split.get(0);
        List<Action> novel = split.get(1);
        assertEquals(List.of(Action.MOVING_LEFT, Action.MOVING_RIGHT, Action.ROTATING_CLOCKWISE,
                Action.ROTATING_COUNTER_CLOCKWISE, Action.APPEARING, Action.VANISHING), base);
        assertEquals(List.of(Action.MOVING_UP, Action.MOVING_DOWN, Action.GROWING, Action.SHRINKING,
                Action.BOUNCING), novel);
        for (Action a : Action.values()) {
            if (a.partner() != null) {
                assertEquals(base.contains(a), base.contains(a.partner()), a + " and its partner");
            }
        }
        List<List<Action>> tiny = DatasetPlan.splitBaseNovel(List.of(Action.SHRINKING, Action.GROWING,
                Action.MOVING_LEFT, Action.MOVING_RIGHT));
        assertEquals(List.of(Action.MOVING_LEFT, Action.MOVING_RIGHT), tiny.get(0));
        assertEquals(List.of(Action.GROWING, Action.SHRINKING), tiny.get(1));
        assertEquals(List.of(), DatasetPlan.splitBaseNovel(List.of(Action.GROWING, Action.SHRINKING)).get(1));
    }

    @Test
    void longVideoEventsAreSeparatedAndEachQueryIsUnique() {
        DatasetPlan plan = DatasetPlan.of(SMALL);
        assertEquals(2, plan.longVideos().size());
        Set<Action> seen = new HashSet<>();
        for (LongVideoPlan v : plan.longVideos()) {
            assertTrue(v.seconds() >= 60 && v.seconds() <= 75, v.id() + " " + v.seconds());
            assertTrue(v.events().size() >= 5, v.id() + " has " + v.events().size() + " events");
            Set<String> queries = new HashSet<>();
            int previousEnd = 0;
            for (LongVideoPlan.Event e : v.events()) {
                assertTrue(e.startFrame() > previousEnd, "an idle gap before event " + e.index());
                assertTrue(e.endFrame() < v.frames(), "idle tail after the last event");
                assertTrue(e.length() >= 25 && e.length() <= 45, "2.5-4.5 s at 10 fps: " + e.length());
                assertTrue(queries.add(e.captions().get(0)), "duplicate query " + e.captions().get(0));
                previousEnd = e.endFrame();
                seen.add(e.action());
            }
        }
        assertEquals(Set.of(Action.values()), seen, "the deck covers every class");
    }

    @Test
    void settingsAreCheckedWithReadableMessages() {
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> SMALL.withResolution(127, 128).validate());
        assertTrue(odd.getMessage().contains("even"), odd.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SMALL.withClipsPerClass(0).validate());
        assertThrows(IllegalArgumentException.class, () -> SMALL.withFps(0).validate());
        assertThrows(IllegalArgumentException.class, () -> SMALL.withLongVideos(1, 2).validate());
        assertThrows(IllegalArgumentException.class, () -> SMALL.withClasses(List.of()).validate());
        assertEquals(List.of(160, 120), List.of(SynthConfig.parseResolution("160x120")[0],
                SynthConfig.parseResolution("160x120")[1]));
        assertThrows(IllegalArgumentException.class, () -> SynthConfig.parseResolution("big"));
        assertEquals(Action.ROTATING_COUNTER_CLOCKWISE, Action.parse("rotating counter-clockwise"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Action.parse("jumping"));
        assertTrue(unknown.getMessage().contains("moving left"), unknown.getMessage());
        assertEquals(List.of(Action.MOVING_LEFT, Action.GROWING),
                SMALL.withClasses(List.of(Action.GROWING, Action.MOVING_LEFT)).classes(), "canonical order");
    }
}
