package dev.vclip.cli;

import dev.vclip.train.TrainConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code -cfg FILE} and {@code --opts KEY VALUE ...}: a training config, as X-CLIP's and ViFi-CLIP's main.py take it. */
final class TrainConfigOptions {

    @Option(names = {"-cfg", "--config"}, required = true, paramLabel = "FILE", description = "YAML config")
    Path file;

    @Option(names = "--opts", arity = "1..*", paramLabel = "KEY VALUE", description = "config overrides, KEY VALUE ...")
    List<String> opts = new ArrayList<>();

    /**
     * The config as X-CLIP's {@code update_config} builds it: the file, then {@code --opts}, then the command's own
     * options, given as KEY, VALUE pairs (a null value is left out).
     */
    TrainConfig load(Object... keyValues) {
        List<String> all = new ArrayList<>(opts);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                all.addAll(List.of(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1])));
            }
        }
        return TrainConfig.load(file, all);
    }

    /** Fails, saying how to make the data, when one of the data {@code keys} names a file that does not exist. */
    void requireData(TrainConfig cfg, String... keys) {
        MissingData.check(file, cfg, List.of(keys));
    }

    /** {@code OUTPUT}, or null when the config leaves it empty. */
    static Path output(TrainConfig cfg) {
        return cfg.string("OUTPUT").isEmpty() ? null : Path.of(cfg.string("OUTPUT"));
    }
}
