package dev.vclip.data;

import dev.vclip.video.VideoSources;

import java.nio.file.Path;

/**
 * One line of a video list: a video (or a folder of frames) and its class.
 *
 * @param dataRoot     {@code DATA.ROOT} of the X-CLIP / ViFi-CLIP config: a folder, or a {@code .tar} archive;
 *                     null or empty when the paths are used as they are
 * @param relativePath the path as written in the list, relative to {@code dataRoot}
 * @param label        class id, an index into the label table
 * @param line         1-based line in the list file; 0 for an entry built in memory
 * @param totalFrames  the frame count of a rawframes list ({@code frame_dir total_frames label}), or
 *                     {@link #NO_FRAME_COUNT} for a video list ({@code path label})
 */
public record VideoEntry(String dataRoot, String relativePath, int label, int line, int totalFrames) {

    /** {@link #totalFrames()} of an entry of a {@code path label} list. */
    public static final int NO_FRAME_COUNT = -1;

    public VideoEntry {
        if (relativePath == null || relativePath.isEmpty()) {
            throw new IllegalArgumentException("a video entry needs a path");
        }
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, got " + label + " for " + relativePath);
        }
        if (totalFrames < NO_FRAME_COUNT) {
            throw new IllegalArgumentException("totalFrames must be >= 0 (or NO_FRAME_COUNT), got " + totalFrames);
        }
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, got " + line);
        }
    }

    /** An entry of a {@code path label} list. */
    public VideoEntry(String dataRoot, String relativePath, int label, int line) {
        this(dataRoot, relativePath, label, line, NO_FRAME_COUNT);
    }

    /** True for an entry of a rawframes list, which carries the frame count. */
    public boolean hasFrameCount() {
        return totalFrames != NO_FRAME_COUNT;
    }

    /**
     * True when {@code DATA.ROOT} names a tar archive. X-CLIP ({@code datasets/build.py}) switches to tar reading
     * when the root contains {@code ".tar"}; here it must end with it.
     */
    public boolean inTarArchive() {
        return isTarRoot(dataRoot);
    }

    static boolean isTarRoot(String dataRoot) {
        return dataRoot != null && dataRoot.endsWith(".tar");
    }

    /**
     * Where the video is, as {@link VideoSources#open(String)} takes it: {@code root/path} for a folder root (an
     * absolute path stays as it is), {@code archive.tar#member} for a tar root, as X-CLIP resolves DATA.ROOT
     * ({@link VideoSources#resolve}).
     */
    public String spec() {
        if (dataRoot == null || dataRoot.isEmpty()) {
            return relativePath;
        }
        return VideoSources.resolve(Path.of(dataRoot), relativePath);
    }

    /** The same entry with another class id (e.g. renumbered for a base or novel split). */
    public VideoEntry withLabel(int newLabel) {
        return new VideoEntry(dataRoot, relativePath, newLabel, line, totalFrames);
    }

    /** The same entry under another {@code DATA.ROOT}. */
    public VideoEntry withDataRoot(String newDataRoot) {
        return new VideoEntry(newDataRoot, relativePath, label, line, totalFrames);
    }
}
