package dev.vclip.train;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves the path-valued keys of a config ({@code DATA.ROOT}, {@code DATA.TRAIN_FILE}, {@code MODEL.PRETRAINED},
 * ...). Relative paths are taken from the working directory, as X-CLIP and ViFi-CLIP (run from their repository
 * root) take them; when nothing exists there but the path exists relative to the config file's folder, that one
 * is used, so a config can sit beside its data.
 */
public record ConfigPaths(TrainConfig config, Path configFile) {

    public Path resolve(String key) {
        String value = config.string(key);
        if (value == null || value.isEmpty()) {
            return null;
        }
        Path p = Path.of(value);
        if (p.isAbsolute() || Files.exists(p) || configFile == null) {
            return p;
        }
        Path beside = configFile.toAbsolutePath().getParent().resolve(value);
        return Files.exists(beside) ? beside : p;
    }

    /** {@link #resolve}, failing with the key and origin when the file or folder does not exist. */
    public Path existing(String key, String what) {
        Path p = resolve(key);
        if (p == null) {
            throw config.error(key, "is not set (" + what + ")");
        }
        if (!Files.exists(p)) {
            throw config.error(key, "names '" + config.string(key) + "', which does not exist (" + what + ")");
        }
        return p;
    }
}
