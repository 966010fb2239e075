package dev.vclip.search;

/**
 * One result: an entry and its score (higher is better; the model's logit for X-CLIP, the cosine similarity for the
 * CLIP family and for queries by example). {@code mergedMoments}: how many adjacent moments of the same video this hit
 * stands for (1 for a single entry).
 */
public record SearchHit(IndexEntry entry, double score, int mergedMoments) {
}
