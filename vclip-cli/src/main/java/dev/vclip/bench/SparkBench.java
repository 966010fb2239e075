package dev.vclip.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.AtomicFiles;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Tables;
import dev.vclip.search.IndexRun;
import dev.vclip.search.LibraryFiles;
import dev.vclip.search.Moments;
import dev.vclip.spark.CorpusEmbedding;
import dev.vclip.spark.LocalCluster;
import dev.vclip.spark.LocalSpark;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "spark", mixinStandardHelpOptions = true, description = {
        "vclip spark-embed on a standalone Spark cluster started here (a master and W workers of C cores, separate "
                + "JVMs on loopback), side by side with the same videos embedded in this JVM without Spark (the work "
                + "vclip index does per video): videos per minute for each cluster layout, and the time per video "
                + "Spark adds (scheduling, executor start-up and model load, serialisation, the Parquet commit).",
        "Example: vclip bench spark --model models/xclip-synth --layouts 1x2,2x1,1x1 synth/videos"})
final class SparkBench extends VclipCommand {

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "folders, videos, list files or tar archives")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder")
    Path model;

    @Option(names = "--layouts", paramLabel = "WxC", split = ",", description = "clusters to time: W workers of C "
            + "cores each, comma-separated (default: ${DEFAULT-VALUE})")
    List<String> layouts = List.of("1x2", "2x1", "1x1");

    @Option(names = "--worker-memory", paramLabel = "SIZE", description = "memory of each worker's executor "
            + "(default: ${DEFAULT-VALUE})")
    String workerMemory = "1500m";

    @Option(names = "--moments", paramLabel = "W/S", description = "moment windows (default: ${DEFAULT-VALUE})")
    String moments = Moments.DEFAULT.toString();

    @Option(names = "--out", paramLabel = "FILE", description = "also write the results to this JSON file")
    Path out;

    @Override
    public Integer call() throws IOException {
        Moments plan = Moments.parse(moments);
        List<int[]> shapes = new ArrayList<>();
        for (String layout : layouts) {
            String[] wc = layout.toLowerCase(Locale.ROOT).split("x");
            try {
                shapes.add(new int[] {Integer.parseInt(wc[0]), Integer.parseInt(wc[1])});
            } catch (RuntimeException e) {
                throw usage("--layouts: WxC (workers x cores), e.g. 2x1; got " + layout);
            }
            if (wc.length != 2 || shapes.get(shapes.size() - 1)[0] < 1 || shapes.get(shapes.size() - 1)[1] < 1) {
                throw usage("--layouts: WxC with W and C at least 1; got " + layout);
            }
        }
        List<LibraryFiles.VideoFile> files = LibraryFiles.list(inputs);
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("videos", files.size()).put("model", model.toString()).put("moments", plan.toString())
                .put("cores", Runtime.getRuntime().availableProcessors());

        // the baseline: the same videos through the same function in this JVM, one after another
        double plainSeconds;
        int entries = 0;
        try (VideoTextModel m = ModelFolder.load(model)) {
            IndexRun.embedVideo(m, plan, files.get(0), files.get(0).spec(), "warm-up");
            long t = System.nanoTime();
            for (LibraryFiles.VideoFile f : files) {
                try {
                    entries += IndexRun.embedVideo(m, plan, f, f.spec(), f.contentHash()).size();
                } catch (RuntimeException e) {
                    // a broken video costs its failed open here as on the cluster
                }
            }
            plainSeconds = (System.nanoTime() - t) / 1e9;
        }
        root.put("entries", entries);
        root.putObject("in_process").put("seconds", plainSeconds)
                .put("videos_per_minute", 60 * files.size() / plainSeconds);

        ArrayNode results = root.putArray("clusters");
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("this JVM, no Spark (" + Runtime.getRuntime().availableProcessors() + " cores)",
                fmt(plainSeconds), fmt(60 * files.size() / plainSeconds), "", "", ""));
        Path work = Files.createTempDirectory("vclip-bench-spark-");
        try {
            for (int[] shape : shapes) {
                ObjectNode r = runCluster(work.resolve(shape[0] + "x" + shape[1]), shape[0], shape[1], plan,
                        files.size());
                r.put("overhead_ms_per_video", 1000 * (r.get("job_seconds").asDouble() - plainSeconds) / files.size());
                results.add(r);
                rows.add(List.of(shape[0] + " worker(s) x " + shape[1] + " core(s)",
                        fmt(r.get("job_seconds").asDouble()), fmt(r.get("videos_per_minute").asDouble()),
                        fmt(r.get("overhead_ms_per_video").asDouble()), fmt(r.get("executors_start_seconds").asDouble()),
                        fmt(r.get("first_job_seconds").asDouble())));
            }
        } finally {
            ScratchFolder.delete(work);
        }
        out().print(Tables.render(List.of("run", "job s", "videos/min", "Spark adds ms/video", "cluster start s",
                "first job s"), rows));
        out().printf(Locale.ROOT, "%d videos, %d entries (moments %s). job: the second job of the application (model "
                + "loaded); Spark adds: (job - this JVM) / videos; cluster start: master, workers and executors up; "
                + "first job: the first, with libtorch start and model load in each executor%n", files.size(), entries,
                plan);
        if (out != null) {
            AtomicFiles.write(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(root));
        }
        return 0;
    }

    private ObjectNode runCluster(Path dir, int workers, int cores, Moments plan, int videos) throws IOException {
        long t0 = System.nanoTime();
        List<Path> jars = LocalCluster.classPath().stream().filter(p -> p.toString().endsWith(".jar")).toList();
        try (LocalCluster cluster = LocalCluster.start(dir, workers, cores, workerMemory, jars)) {
            SparkSession spark = LocalSpark.start(cluster.masterUrl(), "vclip bench spark",
                    cluster.jobConf(cores, workerMemory));
            double start = (System.nanoTime() - t0) / 1e9;
            try {
                // twice in one application: the first job also starts libtorch and loads the model in each executor
                // JVM; the second finds them loaded, as every job after the first does on a long-lived cluster
                CorpusEmbedding.Summary cold = embed(spark, dir, plan);
                CorpusEmbedding.Summary warm = embed(spark, dir, plan);
                return new ObjectMapper().createObjectNode().put("workers", workers).put("cores_per_worker", cores)
                        .put("executors_start_seconds", start).put("first_job_seconds", cold.seconds())
                        .put("job_seconds", warm.seconds()).put("videos_per_minute", 60 * videos / warm.seconds())
                        .put("partitions", warm.partitions()).put("failed", warm.failed()).put("rows", warm.rows());
            } finally {
                spark.stop();
            }
        }
    }

    private CorpusEmbedding.Summary embed(SparkSession spark, Path dir, Moments plan) {
        return CorpusEmbedding.run(spark, new CorpusEmbedding.Options(inputs.stream().map(Path::toString).toList(),
                model.toString(), dir.resolve("embeddings").toString(), plan, 0, true));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
