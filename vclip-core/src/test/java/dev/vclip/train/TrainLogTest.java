package dev.vclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vclip.eval.DirectionPairs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrainLogTest {

    @TempDir
    Path dir;

    @Test
    void validationLinesWriteRatesAsFractionsAndSaySo() {
        Path file = dir.resolve("log.jsonl");
        try (TrainLog log = TrainLog.create(file)) {
            log.validation(0, 12, 0.523, 0.875, 80, new DirectionPairs.Result(0.25, 0.75, 40));
        }
        JsonNode line = TrainLog.read(file).get(0);
        assertEquals("fraction", line.path("rate_unit").asText());
        assertEquals(0.523, line.path("top1").asDouble(), 0);
        assertEquals(0.875, line.path("top5").asDouble(), 0);
        assertEquals(0.25, line.path("direction_top1").asDouble(), 0);
        assertEquals(0.75, line.path("order").asDouble(), 0);
        assertEquals(0.523, TrainLog.rate(line, "top1"), 0);
    }

    @Test
    void linesOfEarlierLogsInPercentReadAsFractions() throws IOException {
        Path file = Files.writeString(dir.resolve("log.jsonl"),
                "{\"type\":\"val\",\"epoch\":0,\"step\":4,\"top1\":52.3,\"top5\":87.5,\"videos\":80}\n");
        List<JsonNode> lines = TrainLog.read(file);
        assertEquals(0.523, TrainLog.rate(lines.get(0), "top1"), 1e-12);
        assertEquals(0.875, TrainLog.rate(lines.get(0), "top5"), 1e-12);
    }
}
