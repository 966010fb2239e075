package dev.vclip.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --out DIR} of the training commands: the run's output folder, the config's {@code OUTPUT}. */
final class OutputOption {

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (sets OUTPUT)")
    Path dir;

    /** The old name of --out, kept for scripts written against it. */
    @Option(names = "--output", hidden = true, paramLabel = "DIR")
    void output(Path old) {
        dir = old;
    }
}
