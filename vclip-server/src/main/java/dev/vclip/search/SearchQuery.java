package dev.vclip.search;

/**
 * A query: {@code text}, {@code likeEntry} (the id of an indexed entry to find more like it) or {@code likeFile} (a
 * video file, indexed or not, to find more like it: the whole video, or with {@code likeSeconds} the moment around
 * that second), exactly one of them; {@code top} results; which entries ({@link Scope}); optional filters, applied
 * inside the vector search: a path prefix (of the video's path as indexed) and a minimum duration in seconds of the
 * entry.
 */
public record SearchQuery(String text, String likeEntry, String likeFile, Double likeSeconds, int top, Scope scope,
                          String pathPrefix, double minDurationSeconds) {

    /** Whole videos, moments inside them, or both. */
    public enum Scope { ALL, VIDEOS, MOMENTS }

    /** The longest text a query may have, in characters (the text tower reads 77 tokens at most anyway). */
    public static final int MAX_TEXT_CHARS = 1000;

    /** The most results one query may ask for. */
    public static final int MAX_TOP = 1000;

    public SearchQuery {
        int kinds = (text != null ? 1 : 0) + (likeEntry != null ? 1 : 0) + (likeFile != null ? 1 : 0);
        if (kinds != 1) {
            throw new SearchException("a query needs a text, an entry or a video file to find more like it (exactly "
                    + "one)");
        }
        if (text != null && text.isBlank()) {
            throw new SearchException("the query text is empty");
        }
        if (text != null && text.length() > MAX_TEXT_CHARS) {
            throw new SearchException("the query text has " + text.length() + " characters; at most "
                    + MAX_TEXT_CHARS);
        }
        if (likeSeconds != null && (likeFile == null || !(likeSeconds >= 0) || likeSeconds.isInfinite())) {
            throw new SearchException("a second to look at needs a video file and 0 or more seconds, found "
                    + likeSeconds);
        }
        if (top < 1 || top > MAX_TOP) {
            throw new SearchException("top must be 1 to " + MAX_TOP + ", found " + top);
        }
        if (!(minDurationSeconds >= 0)) {
            throw new SearchException("the minimum duration must be 0 or more seconds, found " + minDurationSeconds);
        }
        scope = scope == null ? Scope.ALL : scope;
    }

    /** A query by text or by an indexed entry. */
    public SearchQuery(String text, String likeEntry, int top, Scope scope, String pathPrefix,
                       double minDurationSeconds) {
        this(text, likeEntry, null, null, top, scope, pathPrefix, minDurationSeconds);
    }

    /** A text query over everything, no filters. */
    public static SearchQuery text(String text, int top) {
        return new SearchQuery(text, null, top, Scope.ALL, null, 0);
    }

    /** More like an indexed entry, over everything, no filters. */
    public static SearchQuery like(String entryId, int top) {
        return new SearchQuery(null, entryId, top, Scope.ALL, null, 0);
    }
}
