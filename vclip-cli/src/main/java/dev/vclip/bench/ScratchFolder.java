package dev.vclip.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmarks' scratch folders: removed with everything in them when a benchmark ends. */
final class ScratchFolder {
    private ScratchFolder() {
    }

    /** Deletes {@code dir} and its contents, deepest first (what cannot be deleted stays). */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
