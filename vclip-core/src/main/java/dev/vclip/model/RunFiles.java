package dev.vclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration files original projects write beside their checkpoints (argparse dumps such as CenterCLIP's
 * {@code hparams_train.json}, CLIP4Clip's {@code cross_config.json}), read for {@link ModelFamily#runConfigs}.
 * Errors name the file and the key.
 */
final class RunFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {
    }

    /** A JSON object file. */
    static JsonNode readObject(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ": not a JSON object");
        }
        return root;
    }

    /** The files {@code dir/<prefix><name><suffix>}, by name, sorted. */
    static Map<String, Path> variants(Path dir, String prefix, String suffix) {
        Map<String, Path> found = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*" + suffix)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                found.put(name.substring(prefix.length(), name.length() - suffix.length()), f);
            }
        } catch (IOException e) {
            throw new ConfigException(dir + ": cannot list: " + e.getMessage());
        }
        return found;
    }

    /** {@code num_attention_heads} of a CLIP4Clip {@code cross_config.json}, or the default without the file. */
    static int crossHeads(Path crossConfig, int defaultValue) {
        if (!Files.isRegularFile(crossConfig)) {
            return defaultValue;
        }
        return ConfigReader.of(crossConfig.toString(), readObject(crossConfig)).integer("num_attention_heads", defaultValue);
    }
}
