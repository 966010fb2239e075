package dev.vclip.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on this machine, for tests: a master and workers as separate JVM processes started
 * from Spark's own classes, bound to loopback, with a Spark home whose {@code jars/} holds Spark and its
 * dependencies only. What the job needs besides Spark (vclip, DJL with the libtorch natives, JavaCPP with FFmpeg,
 * Lucene) is not there: it reaches the executors as the job's jars ({@link #jobJars()}), as on a real cluster.
 */
final class StandaloneCluster implements AutoCloseable {
    /** Class path entries that belong to the job, not to Spark: vclip's modules and the libraries only vclip uses. */
    private static final List<String> JOB_ONLY = List.of("/dev/vclip/", "/ai/djl/", "/org/bytedeco/",
            "/org/apache/lucene/", "/io/javalin/", "/org/eclipse/jetty/", "/target/classes", "/target/test-classes");

    private final Path home;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final String masterUrl;

    private StandaloneCluster(Path home, String masterUrl) {
        this.home = home;
        this.masterUrl = masterUrl;
    }

    /** Starts a master and {@code workers} workers of {@code cores} cores each, and waits until they registered. */
    static StandaloneCluster start(Path dir, int workerCount, int cores, String workerMemory) throws IOException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String entry : classPath()) {
            if (entry.endsWith(".jar") && !isJobOnly(entry)) {
                Path jar = Path.of(entry);
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        int port = freePort();
        StandaloneCluster cluster = new StandaloneCluster(home, "spark://127.0.0.1:" + port);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        cluster.processes.add(cluster.daemon(logs.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort())));
        for (int w = 1; w <= workerCount; w++) {
            Path work = Files.createDirectories(dir.resolve("work-" + w));
            Process p = cluster.daemon(logs.resolve("worker-" + w + ".log"), "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--webui-port", Integer.toString(freePort()), "--cores",
                    Integer.toString(cores), "--memory", workerMemory, "--work-dir", work.toString(), cluster.masterUrl);
            cluster.processes.add(p);
            cluster.workers.add(p);
        }
        cluster.awaitRegistered(logs.resolve("master.log"), workerCount, Duration.ofSeconds(90));
        return cluster;
    }

    String masterUrl() {
        return masterUrl;
    }

    List<Process> workers() {
        return workers;
    }

    /**
     * The jars the job ships to the executors ({@code spark.jars}): every class path entry Spark's home lacks, class
     * folders packed into one jar.
     */
    List<String> jobJars() throws IOException {
        List<String> jars = new ArrayList<>();
        Path classes = home.resolve("job-classes.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(classes))) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String entry : classPath()) {
                if (!isJobOnly(entry)) {
                    continue;
                }
                Path p = Path.of(entry);
                if (Files.isDirectory(p)) {
                    if (entry.contains("test-classes")) {
                        continue; // the tests themselves do not run on executors
                    }
                    try (Stream<Path> files = Files.walk(p)) {
                        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                            String name = p.relativize(f).toString().replace(File.separatorChar, '/');
                            if (seen.add(name)) {
                                out.putNextEntry(new JarEntry(name));
                                Files.copy(f, out);
                                out.closeEntry();
                            }
                        }
                    }
                } else if (entry.endsWith(".jar")) {
                    jars.add(p.toUri().toString());
                }
            }
        }
        jars.add(classes.toUri().toString());
        return jars;
    }

    /** The executor process (CoarseGrainedExecutorBackend) of {@code executorId}, if it runs. */
    static Optional<ProcessHandle> executor(String executorId) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c ->
                c.contains("CoarseGrainedExecutorBackend") && c.contains("--executor-id " + executorId + " "))
                .orElse(false)).findFirst();
    }

    private Process daemon(Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", home.resolve("jars") + File.separator + "*"));
        command.addAll(List.of(System.getProperty("vclip.spark.jvm.flags", "").trim().split("\\s+")));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command.stream().filter(s -> !s.isEmpty()).toList())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }

    private void awaitRegistered(Path masterLog, int workerCount, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String log = Files.exists(masterLog) ? Files.readString(masterLog) : "";
            if (log.split("Registering worker", -1).length - 1 >= workerCount) {
                return;
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster process exited: " + p.info().commandLine().orElse("?")
                            + "\n" + log);
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("workers did not register within " + timeout + ":\n"
                + Files.readString(masterLog));
    }

    private static boolean isJobOnly(String entry) {
        String unix = entry.replace(File.separatorChar, '/');
        return JOB_ONLY.stream().anyMatch(unix::contains);
    }

    private static List<String> classPath() {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every process, executors included (their workers' children). */
    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // the links into the Maven repository, removed here so that the temporary folder's clean-up need not warn
        try (Stream<Path> links = Files.list(home.resolve("jars"))) {
            for (Path link : links.toList()) {
                Files.deleteIfExists(link);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
