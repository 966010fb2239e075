package dev.vclip.spark;

import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.search.IndexRun;
import dev.vclip.search.LibraryFiles;
import dev.vclip.search.Moments;
import dev.vclip.search.StoredEntry;
import dev.vclip.search.VideoIndex;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The model of one executor JVM: loaded on first use by the first task that needs it, then shared by every task the
 * executor runs, until the JVM exits. The executor's tasks embed one video at a time ({@link #embed}), each on one
 * libtorch thread pool sized to the executor's cores (set before libtorch loads, unless the user set
 * {@code ai.djl.pytorch.num_threads}): never tasks x cores threads on the executor's cores, and no decoder thread
 * pre-empting one of the pool's threads, which the others would wait for at every operation's barrier.
 */
final class ExecutorModel {
    private static final System.Logger LOG = System.getLogger(ExecutorModel.class.getName());
    private static final Map<String, ExecutorModel> LOADED = new HashMap<>();

    private final VideoTextModel model;
    private final String key;
    private final Lock lock = new ReentrantLock(true);

    private ExecutorModel(VideoTextModel model) {
        this.model = model;
        this.key = VideoIndex.modelKey(model);
    }

    VideoTextModel model() {
        return model;
    }

    /** The model's index key (see {@link VideoIndex#modelKey}). */
    String key() {
        return key;
    }

    /** {@link IndexRun#embedVideo}, one call at a time in this JVM. */
    List<StoredEntry> embed(Moments moments, LibraryFiles.VideoFile asIndexed, String source, String hash) {
        lock.lock();
        try {
            return IndexRun.embedVideo(model, moments, asIndexed, source, hash);
        } finally {
            lock.unlock();
        }
    }

    /**
     * This JVM's model from {@code location} (a local folder, or a Hadoop URI whose folder is copied to local disk
     * once), loaded on first use.
     */
    static synchronized ExecutorModel get(String location, Map<String, String> hadoopConf) {
        ExecutorModel m = LOADED.get(location);
        if (m == null) {
            sizeThreadPool();
            long start = System.nanoTime();
            m = new ExecutorModel(ModelFolder.load(localFolder(location, hadoopConf)));
            LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT, "model %s loaded in %.1f s",
                    location, (System.nanoTime() - start) / 1e9));
            LOADED.put(location, m);
        }
        return m;
    }

    /**
     * One intra-op pool of the executor's cores ({@code spark.executor.cores}; in local mode, the machine's), one
     * inter-op thread. Spark exports {@code OMP_NUM_THREADS=1} (its {@code spark.task.cpus}) to every executor unless
     * the job sets {@code spark.executorEnv.OMP_NUM_THREADS}; libtorch obeyed it, and an executor of 2 cores ran
     * X-CLIP B/32 on one (35.0 s for 44 videos against 19.4 s in one JVM). So the pool is sized here, unless the user
     * chose: {@code -Dai.djl.pytorch.num_threads}, {@code spark.executorEnv.OMP_NUM_THREADS}, or in local mode the
     * shell's {@code OMP_NUM_THREADS}. Takes effect only before libtorch loads, which is why it runs before the
     * first model load.
     */
    private static void sizeThreadPool() {
        SparkEnv env = SparkEnv.get();
        boolean onExecutor = env != null && !"driver".equals(env.executorId());
        boolean userChose = System.getProperty("ai.djl.pytorch.num_threads") != null
                || (onExecutor ? env.conf().contains("spark.executorEnv.OMP_NUM_THREADS")
                : System.getenv("OMP_NUM_THREADS") != null);
        if (userChose) {
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (onExecutor && env.conf().contains("spark.executor.cores")) {
            cores = Math.max(1, env.conf().getInt("spark.executor.cores", cores));
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(cores));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        LOG.log(System.Logger.Level.INFO, "libtorch: " + cores + " intra-op threads");
    }

    /** A local model folder: {@code location} itself, or a copy of a remote folder under the JVM's temp folder. */
    private static Path localFolder(String location, Map<String, String> hadoopConf) {
        if (!VideoInputs.isRemote(location)) {
            return VideoInputs.localPath(location);
        }
        try {
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(location);
            FileSystem fs = remote.getFileSystem(VideoInputs.configuration(hadoopConf));
            Path target = Files.createTempDirectory("vclip-model-");
            target.toFile().deleteOnExit(); // registered first, deleted last: after its files
            for (FileStatus f : fs.listStatus(remote)) {
                if (f.isFile()) {
                    Path file = target.resolve(f.getPath().getName());
                    file.toFile().deleteOnExit();
                    fs.copyToLocalFile(false, f.getPath(), new org.apache.hadoop.fs.Path(file.toUri()), true);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(location + ": cannot copy the model folder: " + e.getMessage(), e);
        }
    }
}
