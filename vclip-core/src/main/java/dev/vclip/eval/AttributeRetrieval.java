package dev.vclip.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text-to-video retrieval by attributes: a query ("a red shape", "a shape moving up", "a blue star growing") asks for
 * every video whose annotation has all of its tags, so it has many right answers, and precision@K counts how many of
 * the top K are right. Chance is the share of matching videos (what a random ranking puts in the top K on average).
 * Results are given per query and averaged per kind of query ("colour", "colour+shape+motion").
 */
public final class AttributeRetrieval {
    private AttributeRetrieval() {
    }

    /**
     * One query's outcome: the ranks (1-based, ascending) of every video that matches it among {@code videos}, and
     * the K of its precision.
     */
    public record QueryResult(String kind, String text, List<Integer> ranks, int k, int videos) {
        public QueryResult {
            ranks = List.copyOf(ranks);
        }

        /** Matching videos in the top K. */
        public int hits() {
            return (int) ranks.stream().filter(r -> r <= k).count();
        }

        /** Videos that match the query at all. */
        public int matches() {
            return ranks.size();
        }

        /** The best rank of a matching video, 0 when none matches. */
        public int firstHitRank() {
            return ranks.isEmpty() ? 0 : ranks.get(0);
        }

        public double precision() {
            return (double) hits() / k;
        }

        public double chance() {
            return (double) matches() / videos;
        }
    }

    /** The mean precision@K of one kind of query, over its queries, with the mean chance level. */
    public record KindResult(String kind, int queries, double precision, double chance) {
    }

    public record Result(int k, List<QueryResult> queries, List<KindResult> kinds) {
    }

    /**
     * @param sim        [query][video] scores, higher is better
     * @param videoTags  each video's tags, in the matrix's video order
     * @param kinds      each query's kind
     * @param texts      each query's text
     * @param queryTags  each query's required tags
     * @param k          the K of precision@K
     */
    public static Result evaluate(float[][] sim, List<Set<String>> videoTags, List<String> kinds, List<String> texts,
                                  List<Set<String>> queryTags, int k) {
        if (sim.length != queryTags.size() || kinds.size() != sim.length || texts.size() != sim.length) {
            throw new IllegalArgumentException(sim.length + " score rows for " + queryTags.size() + " queries");
        }
        int n = videoTags.size();
        List<QueryResult> results = new ArrayList<>();
        for (int q = 0; q < sim.length; q++) {
            if (sim[q].length != n) {
                throw new IllegalArgumentException("query " + q + " scores " + sim[q].length + " videos, not " + n);
            }
            Integer[] order = new Integer[n];
            for (int v = 0; v < n; v++) {
                order[v] = v;
            }
            float[] row = sim[q];
            Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : row[b] != row[a] ? Float.compare(row[b], row[a])
                    : Integer.compare(a, b));
            Set<String> need = queryTags.get(q);
            List<Integer> ranks = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                if (videoTags.get(order[r]).containsAll(need)) {
                    ranks.add(r + 1);
                }
            }
            results.add(new QueryResult(kinds.get(q), texts.get(q), ranks, Math.min(k, n), n));
        }
        Map<String, List<QueryResult>> byKind = new LinkedHashMap<>();
        results.forEach(r -> byKind.computeIfAbsent(r.kind(), x -> new ArrayList<>()).add(r));
        List<KindResult> kindResults = new ArrayList<>();
        byKind.forEach((kind, rs) -> kindResults.add(new KindResult(kind, rs.size(),
                rs.stream().mapToDouble(QueryResult::precision).average().orElse(0),
                rs.stream().mapToDouble(QueryResult::chance).average().orElse(0))));
        return new Result(k, results, kindResults);
    }
}
