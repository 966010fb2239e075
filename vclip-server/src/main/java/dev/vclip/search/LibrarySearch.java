package dev.vclip.search;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a search front end (the HTTP server, the CLI) needs of an indexed video library. Implementations are safe for
 * concurrent use by many threads; model work inside {@link #search} is theirs to bound.
 */
public interface LibrarySearch {

    /** The entries that best match {@code query}, best first, at most {@code query.top()}. */
    List<SearchHit> search(SearchQuery query);

    /** One entry by its id (as {@link IndexEntry#id()}), if the index holds it. */
    Optional<IndexEntry> entry(String id);

    /** The JPEG thumbnail of an entry (a frame from its middle), if the index holds the entry. */
    Optional<byte[]> thumbnail(String id);

    /**
     * The file of an indexed video by its video id ({@link IndexEntry#videoId()}): only files the index holds, never
     * a path taken from elsewhere. Empty when the id is unknown or the file is gone.
     */
    Optional<Path> videoFile(String videoId);

    /** Counts and the model the index was built with. */
    IndexStatus status();
}
