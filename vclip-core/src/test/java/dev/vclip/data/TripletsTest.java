package dev.vclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TripletsTest {

    @Test
    void readsTripletsWithOptionalFps() {
        Triplets triplets = Triplets.read(DataFiles.resource("triplets/cholec80_test_triplets.csv"));
        assertEquals(4, triplets.size());
        Triplets.Triplet first = triplets.triplets().get(0);
        assertEquals(new Triplets.Triplet("video01", "the gallbladder is retracted", 120, 480, OptionalDouble.of(25),
                2), first);
        assertEquals("clipping, then cutting", triplets.triplets().get(1).text());
        assertEquals(OptionalDouble.empty(), triplets.triplets().get(2).fps());
        assertEquals(16, triplets.triplets().get(3).endFrame(), "'16.0' as pandas writes integer columns");
        assertEquals(29.97, triplets.triplets().get(3).fps().getAsDouble());

        List<Triplets.Query> queries = triplets.queries();
        assertEquals(3, queries.size());
        assertEquals(2, queries.get(0).moments().size());
        assertEquals(25.0, queries.get(0).fps());
    }

    @Test
    void videoQueryColumnsAndDefaultFps() {
        Triplets triplets = Triplets.read(DataFiles.resource("triplets/video_query_triplets.csv"));
        assertEquals("calot triangle dissection", triplets.triplets().get(0).text());
        assertEquals(Triplets.DEFAULT_FPS, triplets.queries().get(0).fps());
    }

    @Test
    void badRowsNameTheirLines() {
        String header = "video_id,text,start_frame,end_frame,fps\n";
        DataFiles.contains(fails(header + "v,t,40,40,25\n", 2), "start_frame 40 >= end_frame 40");
        DataFiles.contains(fails(header + "v,t,1,2,25\nv,t,50,40,25\n", 3), "expected start_frame < end_frame");
        DataFiles.contains(fails(header + "v,t,-1,5,25\n", 2), "start_frame -1 is negative");
        DataFiles.contains(fails(header + "v,t,1.5,5,25\n", 2), "start_frame '1.5' is not an integer");
        DataFiles.contains(fails(header + "v,t,1,x,25\n", 2), "end_frame 'x' is not an integer");
        DataFiles.contains(fails(header + "v,t,1,5,0\n", 2), "fps '0' is not a positive number");
        DataFiles.contains(fails(header + "v,t,1,5,-3\n", 2), "fps '-3'");
        DataFiles.contains(fails(header + "v,t,1,5,abc\n", 2), "fps 'abc'");
        DataFiles.contains(fails(header + "v,t,1,5,NaN\n", 2), "fps 'NaN'");
        DataFiles.contains(fails(header + "v,t,1,5,25d\n", 2), "fps '25d'");
        assertEquals(25.0, Triplets.parse("t.csv", header + "v,t,1,5,25.\n", ParseReport.strict()).triplets().get(0)
                .fps().getAsDouble());
        DataFiles.contains(fails(header + "v,t,1,5\n", 2), "expected 5 fields", "found 4");
        DataFiles.contains(fails(header + "v,a, b,1,5,25\n", 2), "must be quoted");
        DataFiles.contains(fails(header + ",t,1,5,25\n", 2), "empty video_id");
        DataFiles.contains(fails(header + "v,,1,5,25\n", 2), "empty text");
        DataFiles.contains(fails(header + "v,\"t\n", 2), "unterminated");
    }

    @Test
    void headerProblemsAreFatal() {
        DataFiles.contains(fails("video_id,text,start\nv,t,1\n", 1), "missing start_frame, end_frame");
        DataFiles.contains(fails("v1,t,1,5\n", 1), "missing video_id (or video), text (or query)");
        DataFiles.contains(fails("", 0), "empty file");
        DataFiles.contains(fails("video_id,text,start_frame,end_frame\n\n", 0), "no triplets");
    }

    @Test
    void lenientSkipsAndCounts() {
        ParseReport report = ParseReport.lenient();
        Triplets triplets = Triplets.parse("t.csv", "video_id,text,start_frame,end_frame\nv,ok,0,10\n"
                + "v,bad,10,0\nv,\"two\nlines\",5,6\nv,bad,x,1\n", report);
        assertEquals(List.of("ok", "two\nlines"), triplets.triplets().stream().map(Triplets.Triplet::text).toList());
        assertEquals(List.of(3, 6), report.problems().stream().map(ParseReport.Problem::line).toList());
        assertEquals(4, triplets.triplets().get(1).line());
    }

    @Test
    void writeThenReadRoundTrip(@TempDir Path dir) {
        Triplets triplets = Triplets.of(List.of(
                new Triplets.Triplet("video01", "cut, then clip", 0, 16, OptionalDouble.of(25), 0),
                new Triplets.Triplet("video01", "say \"stop\"", 3, 9),
                new Triplets.Triplet("video02", "x", 100, 101, OptionalDouble.of(29.97), 0)));
        Path file = dir.resolve("triplets.csv");
        triplets.write(file);
        Triplets back = Triplets.read(file);
        assertEquals(triplets.toCsv(), back.toCsv());
        assertEquals(OptionalDouble.empty(), back.triplets().get(1).fps());
        assertEquals(29.97, back.triplets().get(2).fps().getAsDouble());

        Triplets noFps = Triplets.of(List.of(new Triplets.Triplet("v", "t", 1, 2)));
        assertTrue(noFps.toCsv().startsWith("video_id,text,start_frame,end_frame\n"));
        Path plain = dir.resolve("plain.csv");
        noFps.write(plain);
        assertEquals(noFps.toCsv(), Triplets.read(plain).toCsv());
    }

    @Test
    void recordsRejectImpossibleMoments() {
        assertThrows(IllegalArgumentException.class, () -> new Triplets.Triplet("v", "t", 5, 5));
        assertThrows(IllegalArgumentException.class, () -> new Triplets.Triplet("v", "t", -1, 5));
        assertThrows(IllegalArgumentException.class,
                () -> new Triplets.Triplet("v", "t", 1, 5, OptionalDouble.of(0), 0));
    }

    private static DatasetFormatException fails(String text, int line) {
        return DataFiles.fails("t.csv", line, () -> Triplets.parse("t.csv", text, ParseReport.strict()));
    }
}
