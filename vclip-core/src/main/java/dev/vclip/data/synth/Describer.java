package dev.vclip.data.synth;

import dev.vclip.data.TaggedTexts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

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

    /** The tag of a colour, a shape and an action, as {@link TaggedTexts} matches them: "colour:red". */
    public static String colourTag(Palette colour) {
        return "colour:" + colour.word();
    }

    public static String shapeTag(ShapeKind shape) {
        return "shape:" + shape.word();
    }

    public static String actionTag(Action action) {
        return "action:" + action.label();
    }

    /** The kinds of attribute query, by what they name: "a red shape", "a star", "a shape moving up", ... */
    public static final List<String> QUERY_KINDS = List.of("colour", "shape", "motion", "colour+shape",
            "colour+shape+motion");

    /**
     * The attribute query of a kind for a clip whose target has this colour word, shape word and class name:
     * "a red shape", "a star", "a shape moving up", "a red star", "a red star moving up".
     */
    public static String attributeQuery(String kind, String colour, String shape, String action) {
        return switch (kind) {
            case "colour" -> withArticle(colour + " shape");
            case "shape" -> withArticle(shape);
            case "motion" -> "a shape " + action;
            case "colour+shape" -> withArticle(colour + " " + shape);
            case "colour+shape+motion" -> withArticle(colour + " " + shape + " " + action);
            default -> throw new IllegalArgumentException("no attribute query kind '" + kind + "'");
        };
    }

    /** The tags a clip needs to match {@link #attributeQuery} of the same kind and words. */
    public static Set<String> attributeQueryTags(String kind, String colour, String shape, String action) {
        Set<String> tags = new TreeSet<>();
        if (kind.contains("colour")) {
            tags.add("colour:" + colour);
        }
        if (kind.contains("shape")) {
            tags.add("shape:" + shape);
        }
        if (kind.contains("motion")) {
            tags.add("action:" + action);
        }
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("no attribute query kind '" + kind + "'");
        }
        return tags;
    }

    /** The target's three tags: what a query must match for a clip to count as a hit. */
    public static Set<String> tags(Action action, Sprite target) {
        return Set.of(colourTag(target.colour()), shapeTag(target.shape()), actionTag(action));
    }

    /**
     * Texts for training that name the target fully or in part, each with the tags it asserts: "a red shape",
     * "a circle", "a shape moving left", "a red circle", "the circle slides to the left", ..., and the given
     * captions (all three tags). A text naming one attribute fits every clip that has it, which is how search
     * queries such as "a shape moving up" are asked.
     */
    public static List<TaggedTexts.Text> trainingTexts(Random rng, Action action, Sprite target, List<String> captions,
                                                       int partial) {
        Action.Phrases phrases = action.phrasesFor(target.motion());
        String colour = target.colour().word();
        String shape = target.shape().word();
        String c = colourTag(target.colour());
        String s = shapeTag(target.shape());
        String a = actionTag(action);
        List<TaggedTexts.Text> out = new ArrayList<>();
        for (String caption : captions) {
            out.add(new TaggedTexts.Text(caption, Set.of(c, s, a)));
        }
        Set<String> seen = new LinkedHashSet<>(captions);
        int attempts = 0;
        while (out.size() < captions.size() + partial && attempts++ < 50 * partial) {
            String gerund = pick(rng, phrases.gerunds());
            String present = pick(rng, phrases.presents());
            String thing = pick(rng, List.of("shape", "object", "thing"));
            TaggedTexts.Text t = switch (rng.nextInt(12)) {
                case 0 -> new TaggedTexts.Text(withArticle(colour + " " + thing), Set.of(c));
                case 1 -> new TaggedTexts.Text("something " + colour, Set.of(c));
                case 2 -> new TaggedTexts.Text(withArticle(shape), Set.of(s));
                case 3 -> new TaggedTexts.Text(pick(rng, List.of("a video of ", "there is ")) + withArticle(shape),
                        Set.of(s));
                case 4 -> new TaggedTexts.Text(withArticle(thing + " " + gerund), Set.of(a));
                case 5 -> new TaggedTexts.Text(pick(rng, List.of("something ", "an object ")) + present, Set.of(a));
                case 6 -> new TaggedTexts.Text(action.label(), Set.of(a));
                case 7 -> new TaggedTexts.Text(withArticle(colour + " " + shape), Set.of(c, s));
                case 8 -> new TaggedTexts.Text(withArticle(shape) + " coloured " + colour, Set.of(c, s));
                case 9 -> new TaggedTexts.Text(withArticle(colour + " " + thing + " " + gerund), Set.of(c, a));
                case 10 -> new TaggedTexts.Text(withArticle(shape + " " + gerund), Set.of(s, a));
                default -> new TaggedTexts.Text("the " + shape + " " + present, Set.of(s, a));
            };
            if (seen.add(t.text())) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Hard negatives: captions of the target that are wrong in exactly one attribute — another colour, another shape,
     * or the action's direction twin (another action for bouncing) — so that training cannot ignore any of them.
     * Six, the kinds in turn, the first three in the canonical form and the others paraphrased.
     */
    public static List<TaggedTexts.Text> hardNegatives(Random rng, Action action, Sprite target) {
        List<TaggedTexts.Text> out = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (int k = 0; out.size() < 6 && k < 60; k++) {
            Palette colour = target.colour();
            ShapeKind shape = target.shape();
            Action act = action;
            switch (k % 3) {
                case 0 -> colour = other(rng, Palette.values(), colour);
                case 1 -> shape = other(rng, ShapeKind.values(), shape);
                default -> act = action.partner() != null ? action.partner()
                        : other(rng, Action.values(), action);
            }
            Action.Phrases phrases = act.phrasesFor(act == action ? target.motion() : target.motion().reversed());
            String words = colour.word() + " " + shape.word();
            String text = out.size() < 3 ? withArticle(words + " " + act.label())
                    : rng.nextBoolean() ? withArticle(words + " " + pick(rng, phrases.gerunds()))
                    : withArticle(words) + " " + pick(rng, phrases.presents());
            if (seen.add(text)) {
                out.add(new TaggedTexts.Text(text, Set.of(colourTag(colour), shapeTag(shape), actionTag(act))));
            }
        }
        return out;
    }

    private static <T> T other(Random rng, T[] values, T not) {
        T v;
        do {
            v = values[rng.nextInt(values.length)];
        } while (v == not);
        return v;
    }

    /** Prefixes "a" or "an", by the first letter of the text. */
    public static String withArticle(String text) {
        char c = Character.toLowerCase(text.charAt(0));
        return ("aeiou".indexOf(c) >= 0 ? "an " : "a ") + text;
    }

    private static String pick(Random rng, List<String> options) {
        return options.get(rng.nextInt(options.size()));
    }
}
