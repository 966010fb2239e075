package dev.vclip.cli;

import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --model DIR}, required: the model folder a command runs (of any registered family). */
final class ModelOption {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder")
    Path dir;

    VideoTextModel load() {
        return ModelFolder.load(dir);
    }

    /** The folder's name, for a report's summary. */
    String name() {
        return name(dir);
    }

    static String name(Path folder) {
        return String.valueOf(folder.toAbsolutePath().normalize().getFileName());
    }
}
