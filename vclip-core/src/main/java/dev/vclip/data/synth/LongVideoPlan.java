package dev.vclip.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * A long video for temporal localisation: a background, optional static companion shapes that stay for the whole
 * video, and a sequence of events that never overlap, separated by idle stretches in which nothing moves. Each
 * event is one action by one shape that exists only during the event (it is drawn from its first frame to its last).
 *
 * @param id         video id, also the file name without ".mp4" ("long_000")
 * @param frames     number of frames
 * @param fps        frames per second
 * @param background the static background
 * @param companions static shapes present throughout (drawn behind the events)
 * @param events     the events, in time order
 */
public record LongVideoPlan(String id, int frames, int fps, Background background, List<Sprite> companions,
                            List<Event> events) {

    /**
     * One action in a long video.
     *
     * @param index      0-based position in the video's event list
     * @param action     its class
     * @param sprite     the shape performing it
     * @param startFrame first frame of the event (0-based)
     * @param endFrame   the frame after its last one: the event is [startFrame, endFrame), end exclusive, as in the
     *                   localisation triplets
     * @param captions   queries describing it, the canonical one ("a red circle moving left") first. The
     *                   (class, shape, colour) of each event is unique within its video while combinations last,
     *                   so a canonical query has exactly one answer; past that (hundreds of events with few
     *                   classes) a query has several moments, which the triplet format allows
     */
    public record Event(int index, Action action, Sprite sprite, int startFrame, int endFrame, List<String> captions) {

        public Event {
            captions = List.copyOf(captions);
            if (startFrame < 0 || endFrame <= startFrame) {
                throw new IllegalArgumentException("bad event frames " + startFrame + ".." + endFrame);
            }
        }

        public int length() {
            return endFrame - startFrame;
        }

        public boolean covers(int frame) {
            return frame >= startFrame && frame < endFrame;
        }
    }

    public LongVideoPlan {
        companions = List.copyOf(companions);
        events = List.copyOf(events);
    }

    public String fileName() {
        return id + ".mp4";
    }

    public double seconds() {
        return (double) frames / fps;
    }

    /** What to draw for frame f, back to front. */
    public List<SceneRenderer.Placed> frame(int f) {
        List<SceneRenderer.Placed> placed = new ArrayList<>(companions.size() + 1);
        for (Sprite c : companions) {
            placed.add(new SceneRenderer.Placed(c, c.motion().at(0)));
        }
        for (Event e : events) {
            if (e.covers(f)) {
                placed.add(new SceneRenderer.Placed(e.sprite(), e.sprite().motion().atFrame(f - e.startFrame(),
                        e.length())));
            }
        }
        return placed;
    }
}
