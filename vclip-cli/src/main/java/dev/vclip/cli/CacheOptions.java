package dev.vclip.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --cache DIR} / {@code --no-cache}: where encoded video features are kept between runs. */
final class CacheOptions {

    @Option(names = "--cache", paramLabel = "DIR", description = "feature cache folder (default: ~/.cache/vclip/features)")
    Path cache;

    @Option(names = "--no-cache", description = "compute every feature, read and write no cache")
    boolean noCache;

    /** The cache folder to use, or null with {@code --no-cache}. */
    Path dir() {
        if (noCache) {
            return null;
        }
        return cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "vclip", "features");
    }
}
