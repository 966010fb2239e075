package dev.vclip.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything about one short clip, decided before any pixel is drawn: rendering it is a pure function of this
 * record, so the plan (and every annotation made from it) is known without encoding video.
 *
 * @param id          video id, also the file name without ".mp4" ("moving_left_003")
 * @param action      its class
 * @param number      its number within the class
 * @param split       train or val
 * @param background  the static background
 * @param target      the shape performing the action
 * @param radius      the target's base circumradius, pixels (growing and shrinking scale around it)
 * @param distractors static shapes drawn behind the target, of other colours
 * @param frames      number of frames
 * @param captions    retrieval captions, the canonical one ("a red circle moving left") first
 */
public record ClipPlan(String id, Action action, int number, Split split, Background background, Sprite target,
                       double radius, List<Sprite> distractors, int frames, List<String> captions) {

    public ClipPlan {
        distractors = List.copyOf(distractors);
        captions = List.copyOf(captions);
    }

    /** File name inside the videos folder: "moving_left_003.mp4". */
    public String fileName() {
        return id + ".mp4";
    }

    /** What to draw for frame i, back to front: the distractors, then the target. */
    public List<SceneRenderer.Placed> frame(int i) {
        List<SceneRenderer.Placed> placed = new ArrayList<>(distractors.size() + 1);
        for (Sprite d : distractors) {
            placed.add(new SceneRenderer.Placed(d, d.motion().at(0)));
        }
        placed.add(new SceneRenderer.Placed(target, target.motion().atFrame(i, frames)));
        return placed;
    }
}
