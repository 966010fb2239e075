package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.report.Tables;
import dev.vclip.search.Moments;
import dev.vclip.spark.CorpusEmbedding;
import dev.vclip.spark.EmbedJob;
import dev.vclip.spark.LocalSpark;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "spark-embed", mixinStandardHelpOptions = true, description = {
        "Embed a video corpus on Apache Spark: every video's whole entry and its moments, exactly as vclip index "
                + "computes them, written as Parquet (one row per entry; a video that cannot be read is a row with its "
                + "error). local[N] runs on this machine; a cluster's spark://HOST:PORT works too (the model and "
                + "videos must then be readable at the same paths on every worker, and the job jar is shipped with "
                + "--conf spark.jars=vclip-spark/target/vclip-spark-job.jar). Build the search index from the output "
                + "with vclip index --from-parquet.",
        "Example: vclip spark-embed --master local[2] --model models/xclip-synth --output runs/embeddings synth/videos"})
final class SparkEmbedCommand extends VclipCommand {

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "folders, videos, list files or tar archives, "
            + "or Hadoop URIs (hdfs://, s3a://, ...) of folders, videos or list files")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[N] or spark://HOST:PORT "
            + "(default: ${DEFAULT-VALUE})")
    String master = "local[*]";

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder (or a Hadoop URI)")
    String model;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Parquet output folder (or URI)")
    String output;

    @Option(names = "--moments", paramLabel = "W/S", description = "moment windows: W seconds every S seconds, or "
            + "none (default: ${DEFAULT-VALUE})")
    String moments = Moments.DEFAULT.toString();

    @Option(names = "--partitions", paramLabel = "N", description = "tasks; 0: four per core, at most one per video "
            + "(default: ${DEFAULT-VALUE})")
    int partitions = 0;

    @Option(names = "--overwrite", description = "replace an existing output")
    boolean overwrite;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "a Spark setting (repeatable), e.g. "
            + "spark.executor.memory=4g")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--json", description = "print the result as one JSON document instead of the table")
    boolean json;

    @Override
    public Integer call() {
        if (partitions < 0) {
            throw usage("--partitions must be 0 (automatic) or more, got " + partitions);
        }
        if (!master.startsWith("local") && !master.startsWith("spark://")) {
            throw usage("--master: local, local[N], local[*] or spark://HOST:PORT, got " + master);
        }
        Moments plan;
        try {
            plan = Moments.parse(moments);
        } catch (dev.vclip.VclipException e) {
            throw usage("--moments " + e.getMessage());
        }
        SparkSession spark = LocalSpark.start(master, "vclip spark-embed", conf);
        try {
            CorpusEmbedding.Summary s = CorpusEmbedding.run(spark, new CorpusEmbedding.Options(inputs, model, output,
                    plan, partitions, overwrite), ConsoleProgress.FACTORY);
            if (json) {
                printJson(EmbedJob.summary(s));
            } else {
                out().print(Tables.render(List.of("spark-embed " + master, ""), List.of(
                        List.of("videos", s.videos()), List.of("embedded", s.embedded()),
                        List.of("failed (rows with their error)", s.failed()), List.of("rows written", s.rows()),
                        List.of("partitions", s.partitions()),
                        List.of("time", String.format(Locale.ROOT, "%.1f s (%.1f videos per minute)", s.seconds(),
                                s.videosPerMinute())),
                        List.of("output", s.output()))));
                s.failures().forEach(f -> out().println("failed " + f.path() + ": " + f.reason()));
            }
            return s.failed() == 0 ? 0 : 1;
        } finally {
            spark.stop();
        }
    }
}
