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
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine: a master and workers as separate JVM processes started from Spark's own
 * classes ({@code org.apache.spark.deploy.master.Master}, {@code ...worker.Worker}), bound to loopback, with a Spark
 * home whose {@code jars/} links the jars it is given. For trying the job and measuring it ({@code vclip bench spark})
 * and for the integration test; a production cluster is started by Spark's own scripts.
 */
public final class LocalCluster implements AutoCloseable {
    private final Path home;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final String masterUrl;
    /** Stops the processes when this JVM exits without closing the cluster (Ctrl-C, SIGTERM). */
    private final Thread stopAtExit = new Thread(this::stopProcesses, "stop local Spark cluster");

    private LocalCluster(Path home, String masterUrl) {
        this.home = home;
        this.masterUrl = masterUrl;
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /**
     * Starts a cluster and keeps it up for a while, for trying {@code spark-submit} against it ({@code
     * scripts/spark-submit-check.sh}): {@code DIR WORKERS CORES MEMORY JAR_LIST SECONDS}, where JAR_LIST is a file
     * naming Spark's jars, one per line. Prints the master's URL and writes it to {@code DIR/master-url}.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 6) {
            System.err.println("usage: LocalCluster DIR WORKERS CORES MEMORY JAR_LIST SECONDS");
            System.exit(2);
        }
        List<Path> jars = Files.readAllLines(Path.of(args[4])).stream().filter(l -> !l.isBlank()).map(Path::of)
                .toList();
        try (LocalCluster cluster = start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                args[3], jars)) {
            dev.vclip.AtomicFiles.write(Path.of(args[0], "master-url"), cluster.masterUrl().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            System.out.println(cluster.masterUrl());
            Thread.sleep(Long.parseLong(args[5]) * 1000);
        }
    }

    /**
     * Starts a master and {@code workerCount} workers of {@code cores} cores and {@code workerMemory} (e.g. 1500m)
     * each, under {@code dir}, with {@code sparkJars} as the executors' class path (Spark's home), and waits until
     * the workers registered (logs in {@code dir/logs}).
     */
    public static LocalCluster start(Path dir, int workerCount, int cores, String workerMemory, List<Path> sparkJars)
            throws IOException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (Path jar : sparkJars) {
            Path link = jars.resolve(jar.getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, jar.toAbsolutePath());
            }
        }
        int port = freePort();
        int ui = freePort();
        LocalCluster cluster = new LocalCluster(home, "spark://127.0.0.1:" + port);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        try {
            cluster.processes.add(cluster.daemon(logs.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port",
                    Integer.toString(ui)));
            for (int w = 1; w <= workerCount; w++) {
                Path work = Files.createDirectories(dir.resolve("work-" + w));
                Process p = cluster.daemon(logs.resolve("worker-" + w + ".log"),
                        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--webui-port",
                        Integer.toString(freePort()), "--cores", Integer.toString(cores), "--memory", workerMemory,
                        "--work-dir", work.toString(), cluster.masterUrl);
                cluster.processes.add(p);
                cluster.workers.add(p);
            }
            cluster.awaitRegistered(ui, logs, workerCount, Duration.ofSeconds(90));
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String masterUrl() {
        return masterUrl;
    }

    /**
     * The settings a job on this cluster runs with ({@link LocalSpark#start(String, String, Map)} takes them):
     * executors of {@code cores} cores and {@code memory}, DJL offline, and the first task held back until every
     * worker's executor has registered (up to 120 s), so that a job spreads over all the workers.
     */
    public Map<String, String> jobConf(int cores, String memory) {
        return Map.of("spark.executor.cores", Integer.toString(cores), "spark.executor.memory", memory,
                "spark.executor.extraJavaOptions", "-Dai.djl.offline=true",
                "spark.scheduler.minRegisteredResourcesRatio", "1.0",
                "spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
    }

    /** The worker processes, in start order. */
    public List<Process> workers() {
        return workers;
    }

    /**
     * This JVM's class path as jars and folders: {@code java.class.path}, with the {@code Class-Path} of a jar's
     * manifest followed (how {@code ./vclip}'s jar names its libraries).
     */
    public static List<Path> classPath() {
        java.util.LinkedHashSet<Path> entries = new java.util.LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            addWithManifest(Path.of(entry).toAbsolutePath().normalize(), entries);
        }
        return List.copyOf(entries);
    }

    private static void addWithManifest(Path entry, java.util.Set<Path> entries) {
        if (!entries.add(entry) || !entry.toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
            return;
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry.toFile())) {
            java.util.jar.Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath != null) {
                for (String url : classPath.trim().split("\\s+")) { // URLs relative to the jar's folder
                    Path named = Path.of(entry.getParent().toUri().resolve(url)).normalize();
                    if (Files.exists(named)) { // some jars name optional neighbours (JavaCV's javacpp.jar, ...)
                        addWithManifest(named, entries);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(entry + ": " + e.getMessage(), e);
        }
    }

    /** The executor process (CoarseGrainedExecutorBackend) of {@code executorId}, if it runs. */
    public static Optional<ProcessHandle> executor(String executorId) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c ->
                c.contains("CoarseGrainedExecutorBackend") && c.contains("--executor-id " + executorId + " "))
                .orElse(false)).findFirst();
    }

    private Process daemon(Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", home.resolve("jars") + File.separator + "*"));
        // the module flags this JVM has (Spark's list: the launcher's or the test's), for Spark's daemons too
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports")
                        || a.equals("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect."))
                .forEach(command::add);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        command.add("-Dorg.slf4j.simpleLogger.log.org.apache.spark=info");
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

    /** Polls the master's JSON status page until {@code workerCount} workers are alive. */
    private void awaitRegistered(int ui, Path logs, int workerCount, Duration timeout) throws IOException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + ui + "/json/")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new SparkJobException("a cluster process exited (logs in " + logs + "): "
                            + p.info().commandLine().orElse("?"));
                }
            }
            try {
                String body = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                long alive = 0;
                for (com.fasterxml.jackson.databind.JsonNode w : new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(body).path("workers")) {
                    alive += "ALIVE".equals(w.path("state").asText()) ? 1 : 0;
                }
                if (alive >= workerCount) {
                    return;
                }
            } catch (IOException e) {
                // the master is not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SparkJobException("interrupted while the cluster started", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SparkJobException("interrupted while the cluster started", e);
            }
        }
        throw new SparkJobException(workerCount + " workers did not register within " + timeout.toSeconds()
                + " s (logs in " + logs + ")");
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
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // already exiting: the hook runs
        }
        stopProcesses();
        // the links into the Maven repository, removed here so that a temporary folder's clean-up need not warn
        try (Stream<Path> links = Files.list(home.resolve("jars"))) {
            for (Path link : links.toList()) {
                Files.deleteIfExists(link);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopProcesses() {
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
    }
}
