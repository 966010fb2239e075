/**
 * {@code vclip serve}: a JSON HTTP API over a {@link dev.vclip.search.LibrarySearch} (search, entry metadata,
 * thumbnails, the indexed videos with Range requests) and the web page it serves. Binds to loopback by default,
 * serves only indexed files by id, bounds its work.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.search}.
 */
package dev.vclip.server;
