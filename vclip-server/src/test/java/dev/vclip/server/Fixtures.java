package dev.vclip.server;

import dev.vclip.data.synth.Action;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.data.synth.VideoCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real small MP4 files, made once per JVM by vclip's synthetic dataset generator (64x64, 10 fps): four 2.4-s clips
 * and one 20-s video, plus a file outside the library that a symlink inside points to.
 */
final class Fixtures {
    private Fixtures() {
    }

    /** The long video lasts this many seconds; its moments are 4 s long, every 2 s. */
    static final int LONG_SECONDS = 20;

    private static Path root;

    static synchronized Path root() {
        if (root == null) {
            try {
                Path dir = Files.createTempDirectory("vclip-server-test");
                SynthConfig config = SynthConfig.of(SynthConfig.Size.SMALL)
                        .withClasses(List.of(Action.MOVING_LEFT, Action.GROWING)).withClipsPerClass(2)
                        .withClipFrames(24).withResolution(64, 64).withLongVideos(1, LONG_SECONDS)
                        .withCodec(VideoCodec.Choice.H264).withTar(false).withSeed(5);
                SyntheticDataset.generate(dir.resolve("library"), config, false, null);
                Path outside = Files.createDirectories(dir.resolve("outside"));
                Files.writeString(outside.resolve("secret.mp4"), "not for the web");
                Files.createSymbolicLink(dir.resolve("library/videos/escape.mp4"), outside.resolve("secret.mp4"));
                root = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static Path library() {
        return root().resolve("library");
    }

    static Path longVideo() {
        return library().resolve("long/long_000.mp4");
    }

    /**
     * A fake index over the fixtures: each clip as a video ("clip0".."clip3", captioned by its class), the long
     * video ("long0") with its moments ("long0#m0", "long0#m2", ...; caption "long video moment at second N"), the
     * symlink that leads out ("escape") and a video whose file is gone ("gone").
     */
    /**
     * A real library: {@code synth} (11 clips of 128 px and {@code config}'s long video under {@code dir/synth})
     * indexed with the bundled model by {@code IndexRun} into {@code dir/index}, whole videos and moments.
     */
    static Path realIndex(Path dir, SynthConfig config) {
        Path synth = dir.resolve("synth");
        SyntheticDataset.generate(synth, config, false, null);
        Path model = dev.vclip.TestResources.repositoryModel("xclip-synth");
        Path index = dir.resolve("index");
        try (var m = dev.vclip.model.ModelFolder.load(model)) {
            dev.vclip.search.IndexRun.run(index, m, dev.vclip.search.LibraryFiles.list(List.of(synth.resolve("videos"),
                            synth.resolve("long"))),
                    new dev.vclip.search.IndexRun.Options(dev.vclip.search.Moments.DEFAULT, 1, 10, false, model),
                    dev.vclip.report.Progress.Factory.SILENT);
        }
        return index;
    }

    static FakeLibrary fakeLibrary() {
        Path lib = library();
        FakeLibrary fake = new FakeLibrary(lib);
        List<Path> clips;
        try (Stream<Path> s = Files.list(lib.resolve("videos"))) {
            clips = s.filter(p -> p.getFileName().toString().matches("[a-z_]+_\\d+\\.mp4")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < clips.size(); i++) {
            String name = clips.get(i).getFileName().toString();
            fake.addVideo("clip" + i, clips.get(i), 2.4, name.replaceAll("_\\d+\\.mp4$", "").replace('_', ' '));
        }
        fake.addVideo("long0", longVideo(), LONG_SECONDS, "long video");
        for (int start = 0; start + 4 <= LONG_SECONDS; start += 2) {
            fake.addMoment("long0#m" + start, "long0", start, start + 4, "long video moment at second " + start);
        }
        fake.addVideo("escape", lib.resolve("videos/escape.mp4"), 1, "escape");
        fake.addVideo("gone", lib.resolve("videos/gone.mp4"), 1, "gone");
        return fake;
    }
}
