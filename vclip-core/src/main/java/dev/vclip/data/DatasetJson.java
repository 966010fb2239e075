package dev.vclip.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * What the readers of a dataset need from {@code dataset.json}, the description {@code vclip synth} writes next to its
 * annotation files ({@code dev.vclip.data.synth} writes it): here the direction-only twin of each class, for the
 * direction-pair figures of recognition and training reports. Any other dataset has no such file.
 */
public final class DatasetJson {

    /** The file's name, in the dataset's folder. */
    public static final String FILE = "dataset.json";

    private DatasetJson() {
    }

    /**
     * The direction-only twin of each class ({@code twin[class]}, -1 for none) from the {@code dataset.json} in
     * {@code folder}, or empty when the folder holds no vclip synth dataset (any other dataset).
     *
     * @throws UncheckedIOException when dataset.json exists but cannot be read
     */
    public static Optional<int[]> directionTwins(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            JsonNode classes = root.get("classes");
            if (!"vclip synth".equals(root.path("generator").asText()) || classes == null || !classes.isArray()) {
                return Optional.empty();
            }
            int[] twin = new int[classes.size()];
            Arrays.fill(twin, -1);
            for (JsonNode c : classes) {
                int id = c.path("id").asInt(-1);
                if (id >= 0 && id < twin.length && c.hasNonNull("direction_pair_of")) {
                    twin[id] = c.get("direction_pair_of").asInt();
                }
            }
            return Optional.of(twin);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
