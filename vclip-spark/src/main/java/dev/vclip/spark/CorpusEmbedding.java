package dev.vclip.spark;

import dev.vclip.search.IndexRun;
import dev.vclip.search.IndexStatus;
import dev.vclip.search.LibraryFiles;
import dev.vclip.search.Moments;
import dev.vclip.search.StoredEntry;
import dev.vclip.report.Progress;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Embeds a video corpus on Spark: lists the videos on the driver, spreads them over partitions by a hash of their
 * path, and on each executor encodes every video's whole entry and moments exactly as {@code vclip index} does
 * ({@link IndexRun#embedVideo}), with the executor's one shared model ({@link ExecutorModel}). The rows
 * ({@link EmbeddingsParquet}) are written as Parquet by Spark's file output commit protocol: a task's file becomes
 * part of the output only when that task attempt commits, and the job's output only when the job commits, so retried
 * and speculative attempts leave exactly one row per entry. A video that cannot be read becomes a row with its error;
 * it never fails the job.
 */
public final class CorpusEmbedding {
    private static final System.Logger LOG = System.getLogger(CorpusEmbedding.class.getName());

    private CorpusEmbedding() {
    }

    /**
     * @param inputs     folders, videos, list files or tar archives (local), or Hadoop URIs (folders, videos, list
     *                   files)
     * @param model      the model folder, the same path on every executor (shared storage) or a Hadoop URI
     * @param output     the Parquet output folder (a Hadoop URI or local path every executor can write)
     * @param moments    the moment windows
     * @param partitions partitions (tasks); 0: about four per core of the cluster, at most one per video
     * @param overwrite  replace an existing output instead of refusing
     */
    public record Options(List<String> inputs, String model, String output, Moments moments, int partitions,
                          boolean overwrite) {
        public Options {
            if (inputs.isEmpty()) {
                throw new SparkJobException("no input: name at least one folder, video, list file or URI");
            }
            if (partitions < 0) {
                throw new SparkJobException("partitions must be 0 (automatic) or more, got " + partitions);
            }
        }
    }

    /** What a run did: videos listed, embedded and failed (listing problems included), rows written, seconds. */
    public record Summary(String output, long videos, long embedded, long failed, long rows, int partitions,
                          double seconds, List<IndexStatus.Skipped> failures) {
        public double videosPerMinute() {
            return seconds > 0 ? 60 * videos / seconds : 0;
        }
    }

    /** Runs the job on {@code spark}'s cluster; see the class comment. */
    public static Summary run(SparkSession spark, Options given) {
        return run(spark, given, Progress.Factory.SILENT);
    }

    /**
     * As {@link #run(SparkSession, Options)}, showing progress in videos: each task counts its videos in an
     * accumulator, and the driver adds a task's count when the task succeeds (a retried task counts once).
     */
    public static Summary run(SparkSession spark, Options given, Progress.Factory progress) {
        long start = System.nanoTime();
        Options options = absolute(given);
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        refuseExisting(options, conf);
        VideoInputs.Listing listing = VideoInputs.list(options.inputs(), conf);
        StructType listed = new StructType().add("spec", DataTypes.StringType, false)
                .add("size", DataTypes.LongType, false).add("modified", DataTypes.LongType, false)
                .add("problem", DataTypes.StringType, true);
        List<Row> rows = new ArrayList<>();
        listing.videos().forEach(v -> rows.add(RowFactory.create(v.spec(), v.size(), v.modified(), null)));
        listing.problems().forEach(p -> rows.add(RowFactory.create(p.path(), -1L, -1L, p.reason())));
        if (rows.isEmpty()) {
            throw new SparkJobException(String.join(", ", options.inputs()) + ": no videos found");
        }
        int partitions = options.partitions() > 0 ? options.partitions()
                : Math.max(1, Math.min(rows.size(), 4 * spark.sparkContext().defaultParallelism()));
        Dataset<Row> videos = spark.createDataFrame(rows, listed)
                // by a hash of the path: a retried task gets the same videos again
                .repartition(partitions, functions.col("spec"));
        LongAccumulator done = spark.sparkContext().longAccumulator("vclip videos done");
        Dataset<Row> entries = videos.mapPartitions(new EmbedPartition(options.model(), options.moments().toString(),
                VideoInputs.entries(conf), done), Encoders.row(EmbeddingsParquet.SCHEMA));
        try (Progress bar = progress.start("spark-embed: videos", rows.size());
             VideosDone listener = new VideosDone(spark, done.id(), rows.size(), bar)) {
            entries.write().mode(options.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                    .parquet(options.output());
        } catch (Exception e) { // SparkException ("Job aborted") is checked, though Scala does not declare it
            // a bad video is a row; what fails the job is what fails every task (the model cannot be loaded,
            // the output cannot be written): name the cause, not Spark's stage bookkeeping
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new SparkJobException("the job failed: " + cause.getMessage(), e);
        }
        Dataset<Row> written = spark.read().parquet(options.output());
        // one pass for both counts (rows, and whole-video rows = videos embedded)
        Row counts = written.agg(functions.count(functions.lit(1)), functions.count(functions.when(
                functions.col(EmbeddingsParquet.WHOLE).equalTo(true), 1))).first();
        long rowCount = counts.getLong(0);
        long embeddedVideos = counts.getLong(1);
        List<IndexStatus.Skipped> failures = written.filter(functions.col(EmbeddingsParquet.ERROR).isNotNull())
                .select(EmbeddingsParquet.PATH, EmbeddingsParquet.ERROR).collectAsList().stream()
                .map(r -> new IndexStatus.Skipped(r.getString(0), r.getString(1))).toList();
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
                "%d videos (%d failed) in %.1f s on %d partitions", rows.size(), failures.size(), seconds, partitions));
        return new Summary(options.output(), rows.size(), embeddedVideos, failures.size(), rowCount, partitions, seconds,
                failures);
    }

    /**
     * Local paths made absolute (executors run in their own working folders), and a local model folder checked here
     * rather than by every task.
     */
    private static Options absolute(Options o) {
        String model = o.model();
        if (!VideoInputs.isRemote(model)) {
            java.nio.file.Path dir = VideoInputs.localPath(model).toAbsolutePath().normalize();
            if (!java.nio.file.Files.isRegularFile(dir.resolve("config.json"))) {
                throw new SparkJobException(model + ": not a model folder (no config.json)");
            }
            model = dir.toString();
        }
        String output = VideoInputs.isRemote(o.output()) ? o.output()
                : VideoInputs.localPath(o.output()).toAbsolutePath().normalize().toString();
        return new Options(o.inputs(), model, output, o.moments(), o.partitions(), o.overwrite());
    }

    /** An existing output is kept unless {@code overwrite}: checked before hours of embedding, not after. */
    private static void refuseExisting(Options options, org.apache.hadoop.conf.Configuration conf) {
        if (options.overwrite()) {
            return;
        }
        try {
            org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(options.output());
            if (out.getFileSystem(conf).exists(out)) {
                throw new SparkJobException(options.output() + ": exists; choose another output, or --overwrite");
            }
        } catch (java.io.IOException e) {
            throw new SparkJobException(options.output() + ": " + e.getMessage(), e);
        }
    }

    /** Steps the progress bar by the videos of each task that succeeds (the tasks' accumulator updates). */
    private static final class VideosDone extends SparkListener implements AutoCloseable {
        private final SparkSession spark;
        private final long accumulator;
        private final long total;
        private final Progress bar;
        private long done;

        VideosDone(SparkSession spark, long accumulator, long total, Progress bar) {
            this.spark = spark;
            this.accumulator = accumulator;
            this.total = total;
            this.bar = bar;
            spark.sparkContext().addSparkListener(this);
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
            if (!end.taskInfo().successful()) {
                return;
            }
            for (AccumulableInfo a : CollectionConverters.asJava(end.taskInfo().accumulables())) {
                if (a.id() == accumulator && a.update().isDefined()) {
                    done = Math.min(total, done + ((Number) a.update().get()).longValue());
                    bar.stepTo(done);
                }
            }
        }

        @Override
        public void close() {
            spark.sparkContext().removeSparkListener(this);
        }
    }

    /** One partition's videos through the executor's model, lazily: one video's rows at a time. */
    static final class EmbedPartition implements org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final String model;
        private final String moments;
        private final Map<String, String> hadoopConf;
        private final LongAccumulator done;

        EmbedPartition(String model, String moments, Map<String, String> hadoopConf, LongAccumulator done) {
            this.model = model;
            this.moments = moments;
            this.hadoopConf = new java.util.HashMap<>(hadoopConf);
            this.done = done;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> videos) {
            Moments plan = Moments.parse(moments);
            return new Iterator<>() {
                private Iterator<Row> current = Collections.emptyIterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && videos.hasNext()) {
                        current = embed(videos.next(), plan);
                    }
                    return current.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return current.next();
                }
            };
        }

        private Iterator<Row> embed(Row video, Moments plan) {
            done.add(1);
            String spec = video.getString(0);
            String videoId = IndexRun.videoId(spec);
            ExecutorModel m = ExecutorModel.get(model, hadoopConf);
            if (!video.isNullAt(3)) { // could not be listed on the driver
                return List.of(EmbeddingsParquet.failed(videoId, spec, video.getString(3), m.key(), model, moments))
                        .iterator();
            }
            LibraryFiles.VideoFile file = new LibraryFiles.VideoFile(spec, video.getLong(1), video.getLong(2));
            try (VideoInputs.Local local = VideoInputs.local(spec, hadoopConf)) {
                String hash = new LibraryFiles.VideoFile(local.source(), file.size(), file.modified()).contentHash();
                List<StoredEntry> entries = m.embed(plan, file, local.source(), hash);
                return entries.stream().map(e -> EmbeddingsParquet.row(e, m.key(), model, moments)).iterator();
            } catch (RuntimeException e) {
                // bad input is a row, not a failed task: the job goes on with the other videos
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.log(System.Logger.Level.WARNING, reason.startsWith(spec) ? reason : spec + ": " + reason);
                return List.of(EmbeddingsParquet.failed(videoId, spec, reason, m.key(), model, moments)).iterator();
            }
        }
    }
}
