package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Tables;
import dev.vclip.search.SearchHit;
import dev.vclip.search.SearchQuery;
import dev.vclip.search.VideoIndex;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "search", mixinStandardHelpOptions = true, description = {
        "Search an index made by vclip index: by text (nearest neighbours, then the model's own score of each "
                + "candidate: X-CLIP's video-specific prompt included) or like an indexed entry. Adjacent moments of "
                + "one video are merged into one result.",
        "Example: vclip search --index runs/library \"a red circle moving left\" --top 5"})
final class SearchCommand extends VclipCommand {

    @Parameters(paramLabel = "TEXT", arity = "0..1", description = "what to look for")
    String text;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder")
    Path index;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the one the index was made "
            + "with)")
    Path model;

    @Option(names = "--like", paramLabel = "ENTRY|FILE[@SECONDS]", description = "find entries like this one "
            + "instead of a text: an indexed entry's id (from the results), or a video file, whole or the moment "
            + "around SECONDS")
    String like;

    @Option(names = "--top", paramLabel = "K", converter = Checks.AtLeastOne.class,
            description = "results, best first (default: ${DEFAULT-VALUE})")
    int top = 10;

    static final class Scope {
        @Option(names = "--videos", description = "whole videos only")
        boolean videos;
        @Option(names = "--moments", description = "moments only")
        boolean moments;
    }

    @ArgGroup(exclusive = true)
    Scope scope;

    @Option(names = "--path-prefix", paramLabel = "P", description = "only videos whose indexed path starts with P")
    String pathPrefix;

    @Option(names = "--min-duration", paramLabel = "S", converter = Checks.AtLeastZeroDouble.class,
            description = "only entries of at least S seconds (default: ${DEFAULT-VALUE})")
    double minDuration = 0;

    @Option(names = "--exhaustive", description = "score every entry instead of the nearest neighbours' candidates "
            + "(the exact ranking; slow on a large index)")
    boolean exhaustive;

    @Option(names = "--json", description = "print the results as one JSON document instead of the table")
    boolean json;

    @Override
    public Integer call() {
        if ((text == null) == (like == null)) {
            throw usage("give a TEXT to search for, or --like ENTRY|FILE[@SECONDS] (one of them)");
        }
        if (top > SearchQuery.MAX_TOP) {
            throw usage("--top " + top + ": at most " + SearchQuery.MAX_TOP);
        }
        SearchQuery.Scope s = scope == null ? SearchQuery.Scope.ALL
                : scope.videos ? SearchQuery.Scope.VIDEOS : SearchQuery.Scope.MOMENTS;
        SearchQuery query;
        String likeEntry = like;
        String likeFile = null;
        Double likeSeconds = null;
        if (like != null) {
            int at = like.lastIndexOf('@');
            String file = at > 0 && !java.nio.file.Files.exists(Path.of(like)) ? like.substring(0, at) : like;
            if (java.nio.file.Files.exists(Path.of(file))) {
                likeEntry = null;
                likeFile = file;
                if (!file.equals(like)) {
                    try {
                        likeSeconds = Double.parseDouble(like.substring(at + 1));
                    } catch (NumberFormatException e) {
                        throw usage("--like " + like + ": '" + like.substring(at + 1) + "' is not a number of seconds");
                    }
                }
            } else if (like.contains("/") || like.contains("@")) {
                throw usage("--like " + like + ": no such file (nor an entry id)");
            }
        }
        try {
            query = new SearchQuery(text, likeEntry, likeFile, likeSeconds, top, s, pathPrefix, minDuration);
        } catch (dev.vclip.search.SearchException e) {
            throw usage(e.getMessage());
        }
        Path modelDir = model != null ? model : VideoIndex.recordedModel(index).orElseThrow(() ->
                usage("--model DIR: the index does not record its model"));
        try (VideoTextModel m = ModelFolder.load(modelDir); VideoIndex idx = VideoIndex.open(index, m)) {
            List<SearchHit> hits = exhaustive ? idx.searchExhaustively(query) : idx.search(query);
            if (json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (SearchHit h : hits) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", h.entry().id());
                    row.put("path", h.entry().path());
                    row.put("start", h.entry().start());
                    row.put("end", h.entry().end());
                    row.put("whole_video", h.entry().whole());
                    row.put("score", h.score());
                    row.put("merged_moments", h.mergedMoments());
                    rows.add(row);
                }
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("query", text != null ? text : "like " + like);
                payload.put("results", rows);
                printJson(payload);
            } else {
                List<List<Object>> rows = new ArrayList<>();
                int rank = 1;
                for (SearchHit h : hits) {
                    rows.add(List.of(rank++, String.format(Locale.ROOT, "%.3f", h.score()), span(h),
                            h.entry().path(), h.entry().id()));
                }
                out().print(Tables.render(List.of("#", "score", "where", "video", "id"), rows));
                if (hits.isEmpty()) {
                    out().println("no results");
                }
            }
        }
        return 0;
    }

    private static String span(SearchHit h) {
        if (h.entry().whole()) {
            return String.format(Locale.ROOT, "whole (%.1f s)", h.entry().duration());
        }
        return String.format(Locale.ROOT, "%.1f-%.1f s%s", h.entry().start(), h.entry().end(),
                h.mergedMoments() > 1 ? " (" + h.mergedMoments() + " moments)" : "");
    }
}
