package dev.vclip.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttributeRetrievalTest {

    private static final List<Set<String>> VIDEOS = List.of(
            Set.of("colour:red", "shape:circle"),    // 0
            Set.of("colour:red", "shape:star"),      // 1
            Set.of("colour:blue", "shape:circle"),   // 2
            Set.of("colour:blue", "shape:star"),     // 3
            Set.of("colour:red", "shape:square"));   // 4

    @Test
    void precisionCountsVideosWithEveryTagOfTheQueryAmongTheTopK() {
        float[][] sim = {
                {0.9f, 0.1f, 0.8f, 0.2f, 0.7f},   // "a red shape": top 2 = videos 0 (red), 2 (blue)
                {0.1f, 0.2f, 0.3f, 0.4f, 0.5f},   // "a red circle": the only match (0) ranks last
                {0.5f, 0.5f, 0.1f, 0.1f, 0.1f}};  // "a star": tie between 0 and 1 broken by index: 0 (no), 1 (yes)
        AttributeRetrieval.Result r = AttributeRetrieval.evaluate(sim, VIDEOS,
                List.of("colour", "colour+shape", "shape"), List.of("a red shape", "a red circle", "a star"),
                List.of(Set.of("colour:red"), Set.of("colour:red", "shape:circle"), Set.of("shape:star")), 2);
        AttributeRetrieval.QueryResult red = r.queries().get(0);
        assertEquals(1, red.hits());
        assertEquals(3, red.matches());
        assertEquals(1, red.firstHitRank());
        assertEquals(0.5, red.precision(), 1e-12);
        assertEquals(0.6, red.chance(), 1e-12);
        AttributeRetrieval.QueryResult redCircle = r.queries().get(1);
        assertEquals(0, redCircle.hits());
        assertEquals(5, redCircle.firstHitRank());
        AttributeRetrieval.QueryResult star = r.queries().get(2);
        assertEquals(1, star.hits());
        assertEquals(2, star.firstHitRank());
        assertEquals(List.of("colour", "colour+shape", "shape"),
                r.kinds().stream().map(AttributeRetrieval.KindResult::kind).toList());
        assertEquals(0.5, r.kinds().get(2).precision(), 1e-12);
        assertEquals(0.4, r.kinds().get(2).chance(), 1e-12);
    }
}
