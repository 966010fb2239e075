package dev.vclip.spark;

import dev.vclip.TestResources;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.search.IndexRun;
import dev.vclip.search.LibraryFiles;
import dev.vclip.search.Moments;
import dev.vclip.search.StoredEntry;
import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on a real standalone cluster started here (a master and two workers, separate JVMs, loopback only): the
 * natives reach the executors inside the job's jars, one worker is killed while it runs a task, its tasks are retried
 * on the other, and the output still has exactly one row per entry, equal to single-machine features, with the broken
 * video in the error column.
 */
class StandaloneClusterTest {
    @TempDir
    Path dir;

    @Test
    void aWorkerKilledMidJobLeavesExactlyOneRowPerEntry() throws Exception {
        Path library = dir.resolve("library");
        SyntheticDataset.generate(library, SynthConfig.of(SynthConfig.Size.SMALL).withClipsPerClass(2)
                .withClipFrames(24).withResolution(64, 64).withLongVideos(1, 30).withSeed(9), false, null);
        Path broken = library.resolve("videos/broken.mp4");
        Files.write(broken, new byte[4096]);
        List<Path> inputs = List.of(library.resolve("videos"), library.resolve("long"));
        Path modelDir = TestResources.repositoryModel("xclip-synth");
        Path output = dir.resolve("embeddings");

        List<Path> classPath = LocalCluster.classPath();
        List<Path> sparkSide = classPath.stream().filter(p -> p.toString().endsWith(".jar") && !isJobOnly(p)).toList();
        try (LocalCluster cluster = LocalCluster.start(dir.resolve("cluster"), 2, 1, "1500m", sparkSide)) {
            Map<String, String> conf = new HashMap<>(cluster.jobConf(1, "1g"));
            conf.put("spark.jars", String.join(",", jobJars(classPath, dir.resolve("job-classes.jar"))));
            SparkSession spark = LocalSpark.start(cluster.masterUrl(), "vclip cluster test", conf);
            try {
                WorkerKiller killer = new WorkerKiller();
                spark.sparkContext().addSparkListener(killer);
                CorpusEmbedding.Summary summary = CorpusEmbedding.run(spark, new CorpusEmbedding.Options(
                        inputs.stream().map(Path::toString).toList(), modelDir.toString(), output.toString(),
                        Moments.DEFAULT, 8, false));

                assertTrue(killer.killed.get(), "a worker was killed while it ran a task");
                assertFalse(killer.failedTasks.isEmpty(), "the killed worker's task failed and was retried");
                assertEquals(1, cluster.workers().stream().filter(p -> !p.isAlive()).count());

                List<LibraryFiles.VideoFile> files = LibraryFiles.list(inputs);
                assertEquals(files.size(), summary.videos());
                assertEquals(1, summary.failed());
                List<Row> rows = spark.read().parquet(output.toString()).collectAsList();
                Map<String, Row> byEntry = new HashMap<>();
                int errors = 0;
                for (Row r : rows) {
                    if (r.getAs(EmbeddingsParquet.ERROR) != null) {
                        errors++;
                        assertEquals(broken.toString(), r.getAs(EmbeddingsParquet.PATH));
                        continue;
                    }
                    assertEquals(null, byEntry.put(r.getAs(EmbeddingsParquet.ENTRY_ID), r),
                            "one row per entry: " + r.getAs(EmbeddingsParquet.ENTRY_ID));
                }
                assertEquals(1, errors, "one row for the broken video");
                int expected = 0;
                try (VideoTextModel model = ModelFolder.load(modelDir)) {
                    for (LibraryFiles.VideoFile f : files) {
                        if (f.spec().equals(broken.toString())) {
                            continue;
                        }
                        for (StoredEntry e : IndexRun.embedVideo(model, Moments.DEFAULT, f, f.spec(), f.contentHash())) {
                            expected++;
                            Row r = byEntry.get(e.entry().id());
                            assertNotNull(r, e.entry().id() + " (" + f.spec() + ") has a row");
                            CorpusEmbeddingTest.assertSameEmbedding(e.features(), EmbeddingsParquet.floats(
                                    r.getList(r.fieldIndex(EmbeddingsParquet.EMBEDDING))), e.entry().id());
                        }
                    }
                }
                assertEquals(expected, byEntry.size(), "no row beyond the entries");
            } finally {
                spark.stop();
            }
        }
    }

    /**
     * Class path entries that belong to the job, not to Spark: vclip's modules and the libraries only vclip uses
     * (DJL with the libtorch natives, JavaCPP with FFmpeg's, Lucene, Javalin and Jetty). The cluster's Spark home
     * lacks them; they reach the executors as the job's jars, as on a real cluster.
     */
    private static final List<String> JOB_ONLY = List.of("/dev/vclip/", "/ai/djl/", "/org/bytedeco/",
            "/org/apache/lucene/", "/io/javalin/", "/org/eclipse/jetty/",
            "/target/"); // the reactor's modules: class folders (mvn test) or jars (mvn install)

    static boolean isJobOnly(Path entry) {
        String unix = entry.toString().replace(java.io.File.separatorChar, '/');
        return JOB_ONLY.stream().anyMatch(unix::contains);
    }

    /** The job's jars for {@code spark.jars}: the job-only jars, and the class folders packed into {@code packed}. */
    static List<String> jobJars(List<Path> classPath, Path packed) throws java.io.IOException {
        List<String> jars = new ArrayList<>();
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(packed))) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Path p : classPath) {
                if (!isJobOnly(p) || p.toString().contains("test-classes") || p.toString().contains("-tests.jar")) {
                    continue; // Spark's, or the tests themselves (they do not run on executors)
                }
                if (Files.isDirectory(p)) {
                    try (java.util.stream.Stream<Path> files = Files.walk(p)) {
                        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                            String name = p.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                            if (seen.add(name)) {
                                out.putNextEntry(new java.util.jar.JarEntry(name));
                                Files.copy(f, out);
                                out.closeEntry();
                            }
                        }
                    }
                } else {
                    jars.add(p.toUri().toString());
                }
            }
        }
        jars.add(packed.toUri().toString());
        return jars;
    }

    /**
     * Kills the worker (and its executor) that starts a task after another task has finished: a node lost
     * mid-job, with a task of it running.
     */
    static final class WorkerKiller extends SparkListener {
        final AtomicBoolean killed = new AtomicBoolean();
        final AtomicInteger succeeded = new AtomicInteger();
        final List<String> failedTasks = new CopyOnWriteArrayList<>();
        final List<String> log = new ArrayList<>();

        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
            if (succeeded.get() == 0 || start.taskInfo().executorId().equals("driver")) {
                return;
            }
            String executorId = start.taskInfo().executorId();
            if (killed.compareAndSet(false, true)) {
                Thread kill = new Thread(() -> LocalCluster.executor(executorId).ifPresent(executor -> {
                    executor.parent().ifPresent(ProcessHandle::destroyForcibly); // the worker
                    executor.destroyForcibly();
                }), "kill worker");
                kill.start();
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            TaskEndReason reason = end.reason();
            if (end.taskInfo().successful()) {
                succeeded.incrementAndGet();
            } else {
                failedTasks.add(end.taskInfo().id() + ": " + reason);
            }
        }
    }
}
