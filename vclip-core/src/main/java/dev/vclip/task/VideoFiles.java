package dev.vclip.task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** Finds a video file by its id in a folder, as caption and triplet files name videos by id only. */
public final class VideoFiles {
    private VideoFiles() {
    }

    static final List<String> EXTENSIONS = List.of("", ".mp4", ".avi", ".mkv", ".webm", ".mov", ".m4v");

    /**
     * {@code id} → {@code dir/id}, or {@code dir/id.mp4} (and the other common extensions), whichever exists; when
     * none does, {@code dir/id.mp4}, whose decoding then reports the missing file.
     */
    public static Function<String, String> in(Path dir) {
        return in(List.of(dir));
    }

    /** As {@link #in(Path)}, looking in each folder in turn. */
    public static Function<String, String> in(List<Path> dirs) {
        return id -> {
            for (Path dir : dirs) {
                for (String ext : EXTENSIONS) {
                    Path candidate = dir.resolve(id + ext);
                    if (Files.isRegularFile(candidate) || (ext.isEmpty() && Files.isDirectory(candidate))) {
                        return candidate.toString();
                    }
                }
            }
            return dirs.get(0).resolve(id + ".mp4").toString();
        };
    }

    /**
     * Where the videos of an annotation file may be: its folder's videos/, then the videos/ and long/ folders beside
     * its folder (the layout of {@code vclip synth}), then its own folder.
     */
    public static List<Path> besideAnnotations(Path annotationFile) {
        Path folder = annotationFile.toAbsolutePath().getParent();
        List<Path> found = new java.util.ArrayList<>();
        for (Path candidate : List.of(folder.resolve("videos"), folder.resolveSibling("videos"),
                folder.resolveSibling("long"))) {
            if (Files.isDirectory(candidate)) {
                found.add(candidate);
            }
        }
        found.add(folder);
        return found;
    }
}
