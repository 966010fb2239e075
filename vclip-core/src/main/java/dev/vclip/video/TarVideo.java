package dev.vclip.video;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A video stored as a member of an uncompressed tar archive: X-CLIP's "option 2", where {@code DATA.ROOT} is a
 * {@code videos.tar} holding {@code a.mp4}, {@code b.mp4}, ... (X-CLIP's {@code DecordInit} extracts the member
 * into memory with Python's {@code tarfile} and hands the bytes to decord).
 *
 * <p>Here the archive is indexed once ({@link TarIndex}: own header parser, no dependency) and FFmpeg reads the
 * member's bytes in place through a seekable custom I/O context over {@code [dataOffset, dataOffset + size)}
 * ({@link FfmpegVideo#openRange}): nothing is extracted or copied, not even to a temporary file, and seeking inside
 * the member costs what it costs in a plain file.
 */
public final class TarVideo {

    private TarVideo() {
    }

    /**
     * Opens {@code member} of {@code archive}. The source is named {@code archive#member} in
     * {@link VideoInfo#source()} and in errors.
     *
     * @throws VideoException when the archive is missing or not a tar, the member is absent, or the member is not
     *                        a video FFmpeg can read
     */
    public static VideoSource open(Path archive, String member) {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(member, "member");
        TarIndex.Entry e = TarIndex.of(archive).require(member);
        return FfmpegVideo.openRange(archive, e.dataOffset(), e.size(), archive + "#" + e.name());
    }
}
