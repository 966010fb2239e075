package dev.vclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.eval.DirectionPairs;
import dev.vclip.report.Percent;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code OUTPUT/log.jsonl}: one JSON object per line, flushed as written. Training lines
 * ({@code "type":"train"}) carry step (optimiser updates done, 1-based), epoch, loss, lr, grad_norm, clips_per_s and
 * seconds; validation lines ({@code "type":"val"}) epoch, step, top1, top5 and videos, rates as fractions with
 * {@code "rate_unit": "fraction"}. A resumed run first drops the lines written after its checkpoint, so the log reads
 * as one uninterrupted run.
 */
public final class TrainLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter out;

    private TrainLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** A new log (an existing one is replaced). */
    public static TrainLog create(Path file) {
        return open(file, List.of());
    }

    /** Continues a log, keeping the training lines up to {@code step} and validation lines before {@code epoch}. */
    public static TrainLog resume(Path file, long step, int epoch) {
        List<String> kept = new ArrayList<>();
        for (JsonNode n : read(file)) {
            boolean keep = "train".equals(n.path("type").asText()) ? n.path("step").asLong() <= step
                    : n.path("epoch").asInt() < epoch;
            if (keep) {
                kept.add(n.toString());
            }
        }
        return open(file, kept);
    }

    private static TrainLog open(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            for (String line : lines) {
                w.write(line);
                w.newLine();
            }
            w.flush();
            return new TrainLog(file, w);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the log: " + e.getMessage(), e);
        }
    }

    /** Every line of a log file (empty when there is none). */
    public static List<JsonNode> read(Path file) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    try {
                        out.add(JSON.readTree(line));
                    } catch (IOException e) {
                        // a line cut off by a kill: the rest of the log still reads
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }

    public void train(long step, int epoch, double loss, double lr, double gradNorm, double clipsPerSecond,
                      double seconds, boolean skipped) {
        ObjectNode n = JSON.createObjectNode().put("type", "train").put("step", step).put("epoch", epoch)
                .put("loss", loss).put("lr", lr).put("grad_norm", gradNorm).put("clips_per_s", clipsPerSecond)
                .put("seconds", seconds);
        if (skipped) {
            n.put("skipped", true);
        }
        write(n);
    }

    /**
     * A validation line, rates as fractions ({@code "rate_unit": "fraction"}).
     *
     * @param top1  top-1 accuracy, a fraction (0.523 is 52.3 %)
     * @param top5  top-5 accuracy, a fraction
     * @param pairs direction-pair metrics of a vclip synth set, or null
     */
    public void validation(int epoch, long step, double top1, double top5, int videos, DirectionPairs.Result pairs) {
        ObjectNode n = JSON.createObjectNode().put("type", "val").put("epoch", epoch).put("step", step)
                .put(Percent.UNIT_KEY, Percent.UNIT).put("top1", top1).put("top5", top5).put("videos", videos);
        if (pairs != null) {
            n.put("direction_top1", pairs.top1()).put("order", pairs.pairAccuracy());
        }
        write(n);
    }

    /**
     * A rate of a validation line as a fraction: as written, or divided by 100 on lines without
     * {@code rate_unit} (logs of earlier versions, in percent), so a resumed run's log reads as one.
     */
    public static double rate(JsonNode line, String key) {
        double value = line.path(key).asDouble();
        return line.has(Percent.UNIT_KEY) ? value : value / 100;
    }

    private synchronized void write(ObjectNode n) {
        try {
            out.write(n.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the log: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
