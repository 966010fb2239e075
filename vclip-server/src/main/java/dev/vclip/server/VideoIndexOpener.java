package dev.vclip.server;

import dev.vclip.search.LibrarySearch;
import dev.vclip.search.VideoIndex;

import java.nio.file.Path;

/** The Lucene index of {@code vclip index}, opened with its model ({@link VideoIndex#open(Path, Path)}). */
public final class VideoIndexOpener implements LibraryOpener {
    @Override
    public LibrarySearch open(Path index, Path model) {
        return VideoIndex.open(index, model);
    }
}
