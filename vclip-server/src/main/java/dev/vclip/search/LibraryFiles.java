package dev.vclip.search;

import dev.vclip.VclipException;
import dev.vclip.video.TarIndex;
import dev.vclip.video.VideoSources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The videos a user points {@code vclip index} at: folders (searched recursively), list files (one path per line,
 * relative to the list's folder; {@code #} comments) and tar archives (their video members, read in place). Each
 * video is a {@link VideoFile} with what tells a changed or moved file: size, modification time and a content hash.
 */
public final class LibraryFiles {

    /** File name endings taken as videos. */
    public static final Set<String> VIDEO_EXTENSIONS = Set.of(".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi",
            ".mpg", ".mpeg", ".ts", ".wmv", ".flv", ".3gp");

    /** Bytes hashed from each end of a file: enough to tell files apart without reading hours of video. */
    static final int HASH_BYTES = 1 << 20;

    private LibraryFiles() {
    }

    /**
     * A video of the library: {@code spec} as the video layer opens it (a path, or {@code archive.tar#member}),
     * the size and modification time (epoch ms) of its bytes (for a tar member: the member's size and the
     * archive's time).
     */
    public record VideoFile(String spec, long size, long modified) {
        /** A hash of the content: SHA-256 over the size and the first and last MiB (a moved file keeps it). */
        public String contentHash() {
            return LibraryFiles.contentHash(spec, size);
        }
    }

    /**
     * Every video under {@code inputs}, each once, in a stable order; a missing input, or anything under a folder
     * that cannot be read, is an error naming it.
     */
    public static List<VideoFile> list(List<Path> inputs) {
        List<IndexStatus.Skipped> problems = new java.util.ArrayList<>();
        List<VideoFile> files = list(inputs, problems);
        if (!problems.isEmpty()) {
            throw new VclipException(problems.get(0).path() + ": " + problems.get(0).reason()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
        return files;
    }

    /**
     * As {@link #list(List)}, but what cannot be read inside a folder (a damaged tar archive, a folder without read
     * permission, a file gone while listing, a symbolic-link loop) is added to {@code problems} and skipped, so one
     * bad corner does not stop a library's indexing. A missing or unreadable input named by the caller is still an
     * error.
     */
    public static List<VideoFile> list(List<Path> inputs, List<IndexStatus.Skipped> problems) {
        Map<String, VideoFile> files = new LinkedHashMap<>();
        for (Path input : inputs) {
            if (!Files.exists(input)) {
                throw new VclipException(input + (Files.isSymbolicLink(input)
                        ? ": a symbolic link that leads nowhere (its target is missing, or links loop)"
                        : ": no such file or folder"));
            }
            try {
                if (Files.isDirectory(input)) {
                    List<Path> found = new java.util.ArrayList<>();
                    Files.walkFileTree(input, Set.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                            new java.nio.file.SimpleFileVisitor<>() {
                                @Override
                                public java.nio.file.FileVisitResult visitFile(Path file,
                                        java.nio.file.attribute.BasicFileAttributes attrs) {
                                    if (attrs.isRegularFile()) {
                                        found.add(file);
                                    }
                                    return java.nio.file.FileVisitResult.CONTINUE;
                                }

                                @Override
                                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                                    problems.add(new IndexStatus.Skipped(file.toString(), "cannot read: " + e));
                                    return java.nio.file.FileVisitResult.CONTINUE;
                                }
                            });
                    java.util.Collections.sort(found);
                    for (Path p : found) {
                        try {
                            addFile(p, files, problems);
                        } catch (IOException | RuntimeException e) {
                            problems.add(new IndexStatus.Skipped(p.toString(), "cannot read: " + e.getMessage()));
                        }
                    }
                } else if (isTar(input)) {
                    addTar(input, files, problems);
                } else if (isVideo(input)) {
                    addFile(input, files, problems);
                } else {
                    addList(input, files, problems);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(input + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(files.values());
    }

    private static void addFile(Path p, Map<String, VideoFile> files, List<IndexStatus.Skipped> problems)
            throws IOException {
        if (isTar(p)) {
            addTar(p, files, problems);
        } else if (isVideo(p)) {
            Path abs = p.toAbsolutePath().normalize();
            files.putIfAbsent(abs.toString(), new VideoFile(abs.toString(), Files.size(abs),
                    Files.getLastModifiedTime(abs).toMillis()));
        }
    }

    /** A tar archive's video members; a damaged archive's whole members, and its damage as a problem. */
    private static void addTar(Path archive, Map<String, VideoFile> files, List<IndexStatus.Skipped> problems)
            throws IOException {
        Path abs = archive.toAbsolutePath().normalize();
        long modified = Files.getLastModifiedTime(abs).toMillis();
        TarIndex index = TarIndex.of(abs);
        index.damage().ifPresent(d -> problems.add(new IndexStatus.Skipped(abs.toString(), d + "; the "
                + index.entries().size() + " whole members before it are used")));
        for (TarIndex.Entry e : index.entries()) {
            if (isVideo(Path.of(e.name()))) {
                String spec = abs + VideoSources.TAR_SEPARATOR + e.name();
                files.putIfAbsent(spec, new VideoFile(spec, e.size(), modified));
            }
        }
    }

    private static void addList(Path list, Map<String, VideoFile> files, List<IndexStatus.Skipped> problems)
            throws IOException {
        List<String> lines = Files.readAllLines(list, StandardCharsets.UTF_8);
        Path base = list.toAbsolutePath().getParent();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Path p;
            try {
                p = base.resolve(line);
            } catch (java.nio.file.InvalidPathException e) {
                throw new VclipException(list + ":" + (i + 1) + ": not a file name (" + e.getReason() + ")");
            }
            if (!Files.exists(p)) {
                throw new VclipException(list + ":" + (i + 1) + ": " + line + ": no such file");
            }
            if (Files.isDirectory(p)) {
                for (VideoFile f : list(List.of(p), problems)) {
                    files.putIfAbsent(f.spec(), f);
                }
            } else if (isVideo(p) || isTar(p)) {
                addFile(p, files, problems);
            } else {
                throw new VclipException(list + ":" + (i + 1) + ": " + line + ": not a video (endings: "
                        + String.join(" ", VIDEO_EXTENSIONS.stream().sorted().toList()) + ") or a tar archive");
            }
        }
    }

    static boolean isVideo(Path p) {
        return isVideoName(p.getFileName().toString());
    }

    /** Whether a file name ends with one of {@link #VIDEO_EXTENSIONS} (any case). */
    public static boolean isVideoName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot));
    }

    static boolean isTar(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tar");
    }

    /** The first {@code hexChars} hex digits of the SHA-256 of {@code text} (UTF-8): ids and keys. */
    static String sha256Hex(String text, int hexChars) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** See {@link VideoFile#contentHash()}. */
    static String contentHash(String spec, long size) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Long.toString(size).getBytes(StandardCharsets.US_ASCII));
            java.util.Optional<VideoSources.TarMember> tar = VideoSources.tarMember(spec);
            if (tar.isPresent()) {
                TarIndex.Entry e = TarIndex.of(tar.get().archive()).require(tar.get().member());
                hashRange(tar.get().archive(), e.dataOffset(), e.size(), sha);
            } else {
                hashRange(Path.of(spec), 0, size, sha);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(spec + ": " + e.getMessage(), e);
        }
    }

    private static void hashRange(Path file, long offset, long length, MessageDigest sha) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            read(ch, offset, Math.min(length, HASH_BYTES), sha);
            if (length > HASH_BYTES) {
                long tail = Math.max(HASH_BYTES, length - HASH_BYTES);
                read(ch, offset + tail, length - tail, sha);
            }
        }
    }

    private static void read(FileChannel ch, long position, long length, MessageDigest sha) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, position + buffer.position());
            if (n < 0) {
                break;
            }
        }
        buffer.flip();
        sha.update(buffer);
    }
}
