package dev.vclip.data.synth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Writes captions for a scene. The first caption is always the canonical one, "a red circle moving left" (article,
 * colour, shape, class name), which is what localisation queries use; the others come from a handful of templates
 * with synonyms for the action, optional size words, the background and a static companion shape, so that
 * caption-to-video retrieval needs more than string matching.
 */
public final class Describer {

    private Describer() {
    }

    /** How big a shape looks, from its circumradius relative to the frame's shorter side. */
    static String sizeWord(Random rng, double r, int width, int height) {
        double rel = r / Math.min(width, height);
        if (rel < 0.135) {
            return rng.nextBoolean() ? "small" : "little";
        }
        if (rel > 0.165) {
            return rng.nextBoolean() ? "large" : "big";
        }
        return null;
    }

    /** "a red circle moving left". */
    public static String canonical(Action action, Sprite target) {
        return withArticle(target.words() + " " + action.label());
    }

    /**
     * Up to {@code count} distinct captions, the canonical one first.
     *
     * @param companion a static shape also in the scene, or null
     */
    public static List<String> captions(Random rng, Action action, Sprite target, double baseRadius,
                                        Sprite companion, Background background, int width, int height, int count) {
        Set<String> out = new LinkedHashSet<>();
        out.add(canonical(action, target));
        Action.Phrases phrases = action.phrasesFor(target.motion());
        String colour = target.colour().word();
        String shape = target.shape().word();
        int attempts = 0;
        while (out.size() < count && attempts++ < 50 * count) {
            String gerund = pick(rng, phrases.gerunds());
            String present = pick(rng, phrases.presents());
            String size = action.allowsSizeWords() ? sizeWord(rng, baseRadius, width, height) : null;
            String sized = (size == null ? "" : size + " ") + colour + " " + shape;
            String caption = switch (rng.nextInt(companion != null ? 9 : 8)) {
                case 0 -> withArticle(sized + " " + gerund);
                case 1 -> withArticle(sized) + " " + present;
                case 2 -> "the " + colour + " " + shape + " is " + gerund;
                case 3 -> withArticle(colour + " " + shape) + " " + present + " on " + withArticle(background.words());
                case 4 -> "there is " + withArticle(sized + " " + gerund);
                case 5 -> withArticle(shape) + " coloured " + colour + " " + present;
                case 6 -> "a video of " + withArticle(sized + " " + gerund);
                case 7 -> withArticle(sized + " " + gerund) + " against " + withArticle(background.words());
                default -> withArticle(sized) + " " + present + " while " + withArticle(companion.words())
                        + " stays still";
            };
            out.add(caption);
        }
        return List.copyOf(out);
    }

    /** Prefixes "a" or "an", by the first letter of the text. */
    static String withArticle(String text) {
        char c = Character.toLowerCase(text.charAt(0));
        return ("aeiou".indexOf(c) >= 0 ? "an " : "a ") + text;
    }

    private static String pick(Random rng, List<String> options) {
        return options.get(rng.nextInt(options.size()));
    }
}
