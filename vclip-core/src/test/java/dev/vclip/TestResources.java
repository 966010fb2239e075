package dev.vclip;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Files under vclip-core's {@code src/test/resources} (fixtures, tiny models, golden cases), found on the class path
 * so that vclip-cli's tests, which run in another folder, reach the same files.
 */
public final class TestResources {
    private TestResources() {
    }

    /** The path of a test resource, e.g. {@code path("models/xclip-tiny-a")}. */
    public static Path path(String relative) {
        URL url = TestResources.class.getResource("/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + relative + " on the class path");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        // inside the installed test jar (a module built on its own): the sources of the checkout
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("vclip-core/src/test/resources").resolve(relative);
            if (candidate.toFile().exists()) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("test resource " + relative + " is in a jar and not in this checkout");
    }

    /** A bundled model folder of the project ({@code models/NAME} at the repository root). */
    public static Path repositoryModel(String name) {
        Path root = Path.of("").toAbsolutePath();
        for (Path p = root; p != null; p = p.getParent()) {
            if (p.resolve("models").resolve(name).toFile().isDirectory() && p.resolve("vclip").toFile().isFile()) {
                return p.resolve("models").resolve(name);
            }
        }
        throw new IllegalArgumentException("models/" + name + " not found above " + root);
    }
}
