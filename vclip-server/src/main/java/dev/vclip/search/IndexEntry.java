package dev.vclip.search;

/**
 * An indexed whole video ({@code whole}) or a moment inside it, seconds {@code start} to {@code end}. {@code id}
 * names the entry, {@code videoId} the video (the same for a video's whole entry and its moments); {@code path} is
 * the video as indexed (a file, or {@code archive.tar!member}), {@code duration} the video's length in seconds,
 * {@code size} and {@code modified} (epoch milliseconds) its file's, {@code hash} a hash of its content.
 */
public record IndexEntry(String id, String videoId, String path, double start, double end, double duration,
                         boolean whole, long size, long modified, String hash) {
}
