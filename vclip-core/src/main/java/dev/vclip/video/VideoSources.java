package dev.vclip.video;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens a video from a path or a spec string, whatever its storage:
 * <ul>
 *   <li>a file FFmpeg reads ({@code .mp4}, {@code .mkv}, {@code .webm}, {@code .avi}, ...) &rarr; {@link FfmpegVideo};</li>
 *   <li>a folder of extracted frames &rarr; {@link FrameFolder} (30 fps);</li>
 *   <li>{@code archive.tar#member} &rarr; the member of an uncompressed tar, read in place ({@link TarVideo}).</li>
 * </ul>
 */
public final class VideoSources {

    /** Separates the archive from the member in a spec: {@code videos.tar#a.mp4}. */
    public static final String TAR_SEPARATOR = "#";

    private VideoSources() {
    }

    /**
     * Opens a spec: an existing file or folder is opened as such (so a file whose name contains {@code #} still
     * works); otherwise {@code archive.tar#member} is split at the last {@code .tar#}.
     */
    public static VideoSource open(String spec) {
        Objects.requireNonNull(spec, "spec");
        Path p = Path.of(spec);
        if (Files.exists(p)) {
            return open(p);
        }
        TarMember tar = tarMember(spec).orElseThrow(() -> new VideoException(spec + ": no such file or folder"));
        if (tar.member().isEmpty()) {
            throw new VideoException(spec + ": no member named after '" + TAR_SEPARATOR + "'");
        }
        return TarVideo.open(tar.archive(), tar.member());
    }

    /** A spec's archive and member name: {@code videos.tar#a.mp4}. */
    public record TarMember(Path archive, String member) {
    }

    /**
     * The archive and member a spec names, as {@link #open(String)} reads it: empty for an existing file or folder
     * (even one whose name contains {@code .tar#}) and for a spec without {@code .tar#}; otherwise split at the last
     * {@code .tar#}.
     */
    public static java.util.Optional<TarMember> tarMember(String spec) {
        int i = spec.toLowerCase(Locale.ROOT).lastIndexOf(".tar" + TAR_SEPARATOR);
        if (i < 0 || Files.exists(Path.of(spec))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new TarMember(Path.of(spec.substring(0, i + 4)),
                spec.substring(i + 4 + TAR_SEPARATOR.length())));
    }

    /** Opens a file (FFmpeg) or a folder of frames. */
    public static VideoSource open(Path path) {
        Objects.requireNonNull(path, "path");
        if (Files.isDirectory(path)) {
            return FrameFolder.open(path);
        }
        if (!Files.exists(path)) {
            throw new VideoException(path + ": no such file or folder");
        }
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tar")) {
            throw new VideoException(path + ": a tar archive, not a video; name a member as " + path
                    + TAR_SEPARATOR + "video.mp4");
        }
        return FfmpegVideo.open(path);
    }

    /**
     * Where video {@code relative} (a line of an annotation file) lives under {@code DATA.ROOT}, as X-CLIP's
     * {@code VideoDataset} resolves it, returned as a spec for {@link #open(String)}:
     * <ul>
     *   <li>a root that is an existing folder: {@code root/relative};</li>
     *   <li>otherwise, a root whose path contains {@code .tar} (X-CLIP: {@code use_tar_format = ".tar" in
     *       data_prefix}): the path with {@code .tar} removed is the prefix, {@code filename = prefix/relative},
     *       and the video is member {@code basename(filename)} of archive {@code dirname(filename) + ".tar"}
     *       ({@code DecordInit}). So {@code ("/d/k400.tar", "a.mp4")} gives {@code /d/k400.tar#a.mp4}, and a
     *       relative path with folders, {@code ("/d/k400.tar", "x/a.mp4")}, gives {@code /d/k400/x.tar#a.mp4},
     *       exactly as X-CLIP would look for it.</li>
     * </ul>
     * X-CLIP takes the tar branch whenever the string contains {@code .tar}; here an existing folder wins, so a
     * folder that happens to be named {@code clips.tar.d} still works.
     */
    public static String resolve(Path dataRoot, String relative) {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Objects.requireNonNull(relative, "relative");
        String root = dataRoot.toString();
        if (Files.isDirectory(dataRoot) || !root.contains(".tar")) {
            return dataRoot.resolve(relative).toString();
        }
        Path filename = Path.of(root.replace(".tar", "")).resolve(relative);
        Path parent = filename.getParent();
        String archive = (parent == null ? "" : parent.toString()) + ".tar";
        return archive + TAR_SEPARATOR + filename.getFileName();
    }

    /** {@link #open(String)} of {@link #resolve(Path, String)}. */
    public static VideoSource open(Path dataRoot, String relative) {
        return open(resolve(dataRoot, relative));
    }
}
