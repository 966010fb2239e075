package dev.vclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;

/** Test resources under {@code src/test/resources/data/} and checks of {@code file:line:} messages. */
final class DataFiles {
    private DataFiles() {
    }

    static Path resource(String name) {
        try {
            return Path.of(DataFiles.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource data/" + name, e);
        }
    }

    static Path write(Path dir, String name, String text) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code parse}, expects a format error naming {@code file} and {@code line}, and returns it. */
    static DatasetFormatException fails(Object file, int line, Executable parse) {
        DatasetFormatException e = assertThrows(DatasetFormatException.class, parse);
        assertEquals(file.toString(), e.file(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        String prefix = line > 0 ? file + ":" + line + ": " : file + ": ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        return e;
    }

    static void contains(DatasetFormatException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
        }
    }
}
