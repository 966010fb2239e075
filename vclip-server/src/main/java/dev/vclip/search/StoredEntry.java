package dev.vclip.search;

/**
 * One index entry with all it stores: {@code unit}, the unit video vector searched by HNSW; {@code features}, the
 * model's video features as it returned them (the exact logits of the second stage); X-CLIP's prompt context
 * ({@code contextTokens} x dim, null for models without one); a JPEG thumbnail (may be null). What
 * {@link IndexRun#embedVideo} computes and what an index built from Parquet ({@link IndexRun#importEntries}) holds.
 */
public record StoredEntry(IndexEntry entry, float[] unit, float[] features, int contextTokens, float[] context,
                          byte[] thumbnail) {

    /** An entry of {@code features}, its unit vector computed. */
    public static StoredEntry of(IndexEntry entry, float[] features, int contextTokens, float[] context,
                                 byte[] thumbnail) {
        return new StoredEntry(entry, VideoIndex.unit(features), features, contextTokens, context, thumbnail);
    }
}
