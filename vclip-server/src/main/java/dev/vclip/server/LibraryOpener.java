package dev.vclip.server;

import dev.vclip.search.LibrarySearch;

import java.nio.file.Path;

/**
 * Opens an index folder for searching: how {@code vclip serve} gets its {@link LibrarySearch} without naming the
 * index implementation. An implementation registers itself as a service ({@code
 * META-INF/services/dev.vclip.server.LibraryOpener}) and is found with {@link java.util.ServiceLoader}.
 */
public interface LibraryOpener {

    /**
     * The library of the index in {@code index}, queried with the model in {@code model}. The caller closes it when
     * it is {@link AutoCloseable}.
     *
     * @throws dev.vclip.VclipException when the folder holds no index, or one built with another model
     */
    LibrarySearch open(Path index, Path model);
}
