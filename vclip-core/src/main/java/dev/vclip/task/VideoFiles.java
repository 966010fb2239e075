package dev.vclip.task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Finds a video file by its id in a folder, as caption and triplet files name videos by id only. */
public final class VideoFiles {
    private VideoFiles() {
    }

    static final List<String> EXTENSIONS = List.of("", ".mp4", ".avi", ".mkv", ".webm", ".mov", ".m4v");

    /**
     * {@code id} → {@code dir/id}, or {@code dir/id.mp4} (and the other common extensions), whichever exists; when
     * none does, {@code dir/id.mp4}, whose decoding then reports the missing file. Two more names are tried after
     * those: the id without its video extension (DiDeMo's ids keep the original file's extension, such as
     * {@code .mov}, and the videos are often converted to mp4) and the id without an ActivityNet {@code v_} prefix
     * (CLIP4Clip's ActivityNet files are named by the YouTube id alone).
     */
    public static Function<String, String> in(Path dir) {
        return in(List.of(dir));
    }

    /** As {@link #in(Path)}, looking in each folder in turn. */
    public static Function<String, String> in(List<Path> dirs) {
        return id -> {
            for (String stem : stems(id)) {
                for (Path dir : dirs) {
                    for (String ext : EXTENSIONS) {
                        Path candidate = dir.resolve(stem + ext);
                        if (Files.isRegularFile(candidate) || (ext.isEmpty() && Files.isDirectory(candidate))) {
                            return candidate.toString();
                        }
                    }
                }
            }
            return dirs.get(0).resolve(id + ".mp4").toString();
        };
    }

    /** The names to try for {@code id}, in order (see {@link #in(Path)}). */
    static List<String> stems(String id) {
        List<String> stems = new ArrayList<>(List.of(id));
        int dot = id.lastIndexOf('.');
        if (dot > 0 && EXTENSIONS.contains(id.substring(dot).toLowerCase(Locale.ROOT))) {
            stems.add(id.substring(0, dot));
        }
        if (id.startsWith("v_") && id.length() > 2) {
            stems.add(id.substring(2));
        }
        return stems;
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
