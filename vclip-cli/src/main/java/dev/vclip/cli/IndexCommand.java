package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Tables;
import dev.vclip.search.IndexRun;
import dev.vclip.search.IndexStatus;
import dev.vclip.search.LibraryFiles;
import dev.vclip.search.Moments;
import dev.vclip.search.SearchException;
import dev.vclip.search.VideoIndex;
import dev.vclip.spark.LocalSpark;
import dev.vclip.spark.ParquetIndex;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "index", mixinStandardHelpOptions = true, description = {
        "Index a video library for search: one entry per video and one per moment (a window of seconds inside a "
                + "longer video), each with its video vector and a thumbnail, in a Lucene index. Folders are searched "
                + "recursively; list files (one path per line) and tar archives work too. A rerun embeds only new or "
                + "changed files, removes entries of deleted ones and moves those of renamed ones without embedding "
                + "again; a killed run resumes where its last commit was.",
        "Example: vclip index --model models/xclip-synth --index runs/library synth/videos"})
final class IndexCommand extends VclipCommand {

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "folders, video files, list files or tar archives")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder (made if absent)")
    Path index;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (required to index)")
    Path model;

    @Option(names = "--moments", paramLabel = "W/S", description = "moment windows: W seconds every S seconds, or "
            + "none; videos shorter than 1.5 W get only their whole-video entry (default: ${DEFAULT-VALUE}, about 4.5 "
            + "min of model time per hour of video for X-CLIP B/32 on 2 cores)")
    String moments = Moments.DEFAULT.toString();

    @Option(names = "--workers", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "decoding threads ahead of the model (default: ${DEFAULT-VALUE})")
    int workers = 2;

    @Option(names = "--commit-every", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "videos per commit: what a killed run can lose (default: ${DEFAULT-VALUE})")
    int commitEvery = 20;

    @Option(names = "--rebuild", description = "start the index over (another model or other moments)")
    boolean rebuild;

    @Option(names = "--from-parquet", paramLabel = "DIR", description = "build or update the index from the Parquet "
            + "output of vclip spark-embed instead of embedding videos here (--model, when given, must be the model "
            + "that embedded them; default: the one the output names, when that folder is here)")
    String fromParquet;

    @Option(names = "--status", description = "print what the index holds and the videos it could not read, and stop")
    boolean status;

    @Option(names = "--json", description = "print the result as one JSON document instead of the table")
    boolean json;

    @Override
    public Integer call() {
        if (status) {
            return printStatus();
        }
        if (fromParquet != null) {
            if (!inputs.isEmpty()) {
                throw usage("--from-parquet imports embeddings; name no PATH to index with it");
            }
            return importParquet();
        }
        if (model == null) {
            throw usage("--model DIR is required to index");
        }
        if (inputs.isEmpty()) {
            throw usage("name at least one PATH to index (a folder, a video, a list file or a tar archive)");
        }
        Moments plan;
        try {
            plan = Moments.parse(moments);
        } catch (dev.vclip.VclipException e) {
            throw usage("--moments " + e.getMessage());
        }
        List<IndexStatus.Skipped> unlisted = new ArrayList<>();
        List<LibraryFiles.VideoFile> files = LibraryFiles.list(inputs, unlisted);
        try (VideoTextModel m = ModelFolder.load(model)) {
            IndexRun.Report r = IndexRun.run(index, m, files, new IndexRun.Options(plan, workers, commitEvery, rebuild,
                    model), ConsoleProgress.FACTORY);
            return print(r, unlisted);
        }
    }

    /** The index from Parquet embeddings: no model runs; the model is loaded only to check it is theirs. */
    private int importParquet() {
        SparkSession spark = LocalSpark.start("local[*]", "vclip index --from-parquet");
        try {
            ParquetIndex.Origin origin = ParquetIndex.origin(spark, fromParquet);
            Path modelDir = model;
            if (modelDir != null) {
                try (VideoTextModel m = ModelFolder.load(modelDir)) {
                    if (!VideoIndex.modelKey(m).equals(origin.modelKey())) {
                        throw new SearchException(fromParquet + ": embedded with another model (" + origin.modelPath()
                                + "), not " + modelDir);
                    }
                }
            } else if (java.nio.file.Files.isDirectory(Path.of(origin.modelPath()))) {
                modelDir = Path.of(origin.modelPath());
            }
            return print(ParquetIndex.importInto(spark, fromParquet, origin, index, modelDir, rebuild,
                    ConsoleProgress.FACTORY), List.of());
        } finally {
            spark.stop();
        }
    }

    private int print(IndexRun.Report r, List<IndexStatus.Skipped> unlisted) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("index", index.toString());
        payload.put("videos", r.videos());
        payload.put("embedded", r.embedded());
        payload.put("unchanged", r.unchanged());
        payload.put("moved", r.moved());
        payload.put("removed", r.removed());
        payload.put("entries_added", r.entriesAdded());
        List<IndexStatus.Skipped> skipped = new ArrayList<>(unlisted);
        skipped.addAll(r.skipped());
        payload.put("skipped", skipped.stream().map(s -> Map.of("path", s.path(), "reason", s.reason())).toList());
        payload.put("seconds", r.seconds());
        payload.put("model_seconds", r.modelSeconds());
        payload.put("model_share", r.seconds() > 0 ? r.modelSeconds() / r.seconds() : 0);
        payload.put("video_seconds_embedded", r.videoSeconds());
        payload.put("video_hours_per_hour", r.seconds() > 0 ? r.videoSeconds() / r.seconds() : 0);
        if (json) {
            printJson(payload);
        } else {
            List<List<Object>> rows = fromParquet != null ? List.of(
                    List.of("videos in the embeddings", r.videos()), List.of("imported", r.embedded()),
                    List.of("unchanged (same content)", r.unchanged()), List.of("entries added", r.entriesAdded()),
                    List.of("failed when embedded", skipped.size()),
                    List.of("time", String.format(Locale.ROOT, "%.1f s", r.seconds()))) : List.of(
                    List.of("videos found", r.videos()), List.of("embedded", r.embedded()),
                    List.of("unchanged", r.unchanged()), List.of("moved (not embedded again)", r.moved()),
                    List.of("removed (file gone)", r.removed()), List.of("entries added", r.entriesAdded()),
                    List.of("skipped (unreadable)", skipped.size()),
                    List.of("time", String.format(Locale.ROOT, "%.1f s (%.1f video-hours per hour)", r.seconds(),
                            r.seconds() > 0 ? r.videoSeconds() / r.seconds() : 0)),
                    List.of("in the model", String.format(Locale.ROOT, "%.1f s (%.0f %%: decoding overlaps it)",
                            r.modelSeconds(), r.seconds() > 0 ? 100 * r.modelSeconds() / r.seconds() : 0)));
            out().print(Tables.render(List.of("index " + index, ""), rows));
            for (IndexStatus.Skipped s : skipped) {
                out().println("skipped " + s.path() + ": " + s.reason());
            }
        }
        return skipped.isEmpty() ? 0 : 1;
    }

    private int printStatus() {
        Path modelDir = model != null ? model : VideoIndex.recordedModel(index).orElseThrow(() ->
                usage("--model DIR: the index does not record its model"));
        try (VideoTextModel m = ModelFolder.load(modelDir); VideoIndex idx = VideoIndex.open(index, m)) {
            IndexStatus s = idx.status();
            if (json) {
                printJson(s);
            } else {
                out().printf(Locale.ROOT, "index    %s%nmodel    %s%nvideos   %d%nmoments  %d (%s)%nskipped  %d%n",
                        index, s.model(), s.videos(), s.moments(), new Moments(s.momentSeconds(),
                                s.momentStrideSeconds()), s.skipped().size());
                s.skipped().forEach(k -> out().println("  " + k.path() + ": " + k.reason()));
            }
        }
        return 0;
    }
}
