package dev.vclip.train;

import dev.vclip.data.TaggedTexts;

import java.util.List;
import java.util.Set;

/**
 * One micro-batch: normalised pixels of {@code videos} clips laid out [videos, frames, 3, size, size], soft class
 * targets [videos][classes] (recognition, joint) and the text of each clip (contrastive; null otherwise); for the
 * joint loss also {@code tagged}: each clip's tags, one text true of it and one hard negative.
 */
public record MicroBatch(float[] pixels, int videos, int frames, int size, float[][] targets, int[] labels,
                         List<String> texts, Tagged tagged) {

    /** Per clip: its tags, a text that fits it and a hard negative (a text that does not). */
    public record Tagged(List<Set<String>> videoTags, List<TaggedTexts.Text> positives,
                         List<TaggedTexts.Text> negatives) {
        public Tagged {
            videoTags = List.copyOf(videoTags);
            positives = List.copyOf(positives);
            negatives = List.copyOf(negatives);
            if (positives.size() != videoTags.size() || negatives.size() != videoTags.size()) {
                throw new IllegalArgumentException(videoTags.size() + " clips but " + positives.size()
                        + " texts and " + negatives.size() + " negatives");
            }
        }

        Tagged slice(int from, int to) {
            return new Tagged(videoTags.subList(from, to), positives.subList(from, to), negatives.subList(from, to));
        }
    }

    public MicroBatch(float[] pixels, int videos, int frames, int size, float[][] targets, int[] labels,
                      List<String> texts) {
        this(pixels, videos, frames, size, targets, labels, texts, null);
    }

    public MicroBatch {
        long expected = (long) videos * frames * 3 * size * size;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(pixels.length + " pixel values for " + videos + " clips of " + frames
                    + "x3x" + size + "x" + size);
        }
        if (targets != null && targets.length != videos) {
            throw new IllegalArgumentException(targets.length + " targets for " + videos + " clips");
        }
        if (tagged != null && tagged.videoTags().size() != videos) {
            throw new IllegalArgumentException(tagged.videoTags().size() + " tagged clips for " + videos + " clips");
        }
        if (texts != null && texts.size() != videos) {
            throw new IllegalArgumentException(texts.size() + " texts for " + videos + " clips");
        }
    }

    /** The clips [from, to) as a micro-batch of their own (for splitting a batch into accumulation steps). */
    public MicroBatch slice(int from, int to) {
        int per = frames * 3 * size * size;
        float[] p = java.util.Arrays.copyOfRange(pixels, from * per, to * per);
        return new MicroBatch(p, to - from, frames, size,
                targets == null ? null : java.util.Arrays.copyOfRange(targets, from, to),
                labels == null ? null : java.util.Arrays.copyOfRange(labels, from, to),
                texts == null ? null : List.copyOf(texts.subList(from, to)),
                tagged == null ? null : tagged.slice(from, to));
    }
}
