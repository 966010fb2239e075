package dev.vclip.train;

import java.util.List;

/**
 * One micro-batch: normalised pixels of {@code videos} clips laid out [videos, frames, 3, size, size], soft class
 * targets [videos][classes] (recognition) and the text of each clip (contrastive; null otherwise).
 */
public record MicroBatch(float[] pixels, int videos, int frames, int size, float[][] targets, int[] labels,
                         List<String> texts) {

    public MicroBatch {
        long expected = (long) videos * frames * 3 * size * size;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(pixels.length + " pixel values for " + videos + " clips of " + frames
                    + "x3x" + size + "x" + size);
        }
        if (targets != null && targets.length != videos) {
            throw new IllegalArgumentException(targets.length + " targets for " + videos + " clips");
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
                texts == null ? null : List.copyOf(texts.subList(from, to)));
    }
}
