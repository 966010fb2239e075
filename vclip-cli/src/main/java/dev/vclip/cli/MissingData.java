package dev.vclip.cli;

import dev.vclip.train.ConfigPaths;
import dev.vclip.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A training config's data files checked before a run, so that a fresh clone running a README config learns how to
 * make its data ({@code vclip synth ...}) instead of only reading that a file does not exist.
 */
final class MissingData {
    private MissingData() {
    }

    /** A {@code vclip synth ...} command in the config's comments: how the config's author made its data. */
    private static final Pattern SYNTH_RECIPE = Pattern.compile("`(vclip synth [^`]+)`");

    /**
     * Fails with the first missing file among {@code keys} and how to make the data: the {@code vclip synth} command
     * the config names in a comment, else the general advice.
     */
    static void check(Path configFile, TrainConfig cfg, List<String> keys) {
        ConfigPaths paths = new ConfigPaths(cfg, configFile);
        for (String key : keys) {
            Path p = paths.resolve(key);
            if (p != null && !Files.exists(p)) {
                throw new dev.vclip.VclipException(configFile + ": " + key + " names '" + cfg.string(key)
                        + "', which does not exist. " + hint(configFile));
            }
        }
    }

    static String hint(Path configFile) {
        try {
            Matcher recipe = SYNTH_RECIPE.matcher(Files.readString(configFile).replaceAll("\n#\\s*", " "));
            if (recipe.find()) {
                return "Make the data first: " + recipe.group(1) + " (configs/synth/run.sh runs the whole experiment)";
            }
        } catch (IOException e) {
            // no file to read a recipe from: the general advice below
        }
        return "Make the data first (a synthetic set: vclip synth --out DIR) and point DATA.* at it, e.g. with --opts "
                + "DATA.TRAIN_FILE DIR/train.txt";
    }
}
