/**
 * Video library search: an index of a user's videos (one entry per whole video and one per moment, a window of
 * seconds inside a longer video) in Apache Lucene, built incrementally from folders, list files and tar archives,
 * and queried by text or by example; {@link dev.vclip.search.LibrarySearch} is what a server needs of it.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.data}, {@code dev.vclip.model}, {@code dev.vclip.report}, {@code dev.vclip.task}, {@code dev.vclip.video}, {@code dev.vclip.weights}.
 */
package dev.vclip.search;
