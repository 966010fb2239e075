package dev.vclip.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vclip.VclipException;
import dev.vclip.search.Moments;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's entry point for {@code spark-submit} on a cluster:
 * <pre>
 * spark-submit --class dev.vclip.spark.EmbedJob vclip-spark-job.jar \
 *     --model hdfs:///models/xclip-b32 --output hdfs:///corpus/embeddings hdfs:///corpus/videos
 * </pre>
 * Options: {@code --model LOCATION} (required), {@code --output LOCATION} (required), {@code --moments W/S|none},
 * {@code --partitions N}, {@code --overwrite}; then one or more inputs. Prints the summary as JSON. Exit status 2 for
 * a usage error, 1 when the inputs or model cannot be read; failed videos are rows of the output, not a failed job.
 */
public final class EmbedJob {
    private EmbedJob() {
    }

    public static void main(String[] args) {
        CorpusEmbedding.Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException | VclipException e) {
            System.err.println("vclip-spark: " + e.getMessage());
            System.err.println("usage: EmbedJob --model LOCATION --output LOCATION [--moments W/S|none] "
                    + "[--partitions N] [--overwrite] INPUT...");
            System.exit(2);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("vclip embed");
        executorDefaults(new SparkConf()).forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        int status = 0;
        try {
            CorpusEmbedding.Summary s = CorpusEmbedding.run(spark, options);
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(summary(s)));
        } catch (VclipException | java.io.UncheckedIOException e) {
            System.err.println("vclip-spark: " + e.getMessage());
            status = 1;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    /**
     * Executor settings the job needs unless the user set them: libtorch's idle threads sleep instead of spinning
     * (spinning threads steal the cores of the executor's other tasks and of other executors on the node).
     */
    public static Map<String, String> executorDefaults(SparkConf given) {
        Map<String, String> defaults = new LinkedHashMap<>();
        if (!given.contains("spark.executorEnv.OMP_WAIT_POLICY")) {
            defaults.put("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        }
        return defaults;
    }

    /** The summary as the job prints it (and {@code vclip spark-embed --json}). */
    public static Map<String, Object> summary(CorpusEmbedding.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", s.output());
        m.put("videos", s.videos());
        m.put("embedded", s.embedded());
        m.put("failed", s.failed());
        m.put("rows", s.rows());
        m.put("partitions", s.partitions());
        m.put("seconds", s.seconds());
        m.put("videos_per_minute", s.videosPerMinute());
        m.put("failures", s.failures().stream().map(f -> Map.of("path", f.path(), "error", f.reason())).toList());
        return m;
    }

    static CorpusEmbedding.Options parse(String[] args) {
        String model = null;
        String output = null;
        Moments moments = Moments.DEFAULT;
        int partitions = 0;
        boolean overwrite = false;
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model" -> model = value(args, ++i, a);
                case "--output" -> output = value(args, ++i, a);
                case "--moments" -> moments = Moments.parse(value(args, ++i, a));
                case "--partitions" -> {
                    String v = value(args, ++i, a);
                    try {
                        partitions = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--partitions: not a number: " + v);
                    }
                }
                case "--overwrite" -> overwrite = true;
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    inputs.add(a);
                }
            }
        }
        if (model == null || output == null) {
            throw new IllegalArgumentException("--model and --output are required");
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("name at least one input (folder, video, list file or URI)");
        }
        return new CorpusEmbedding.Options(inputs, model, output, moments, partitions, overwrite);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
