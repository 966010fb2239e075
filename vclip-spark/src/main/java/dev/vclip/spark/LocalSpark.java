package dev.vclip.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark session on this machine for {@code vclip spark-embed} and {@code vclip index --from-parquet}: loopback
 * only, no web UI, the job's executor defaults; {@code master} is {@code local[N]} or a cluster's
 * {@code spark://host:port}.
 */
public final class LocalSpark {
    private LocalSpark() {
    }

    public static SparkSession start(String master, String appName) {
        return start(master, appName, java.util.Map.of());
    }

    /** As {@link #start(String, String)}, with the user's settings {@code conf} on top. */
    public static SparkSession start(String master, String appName, java.util.Map<String, String> conf) {
        SparkConf sparkConf = new SparkConf().setMaster(master).setAppName(appName)
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .setIfMissing("spark.driver.host", "127.0.0.1")
                .setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        conf.forEach(sparkConf::set);
        EmbedJob.executorDefaults(sparkConf).forEach(sparkConf::set);
        return SparkSession.builder().config(sparkConf).getOrCreate();
    }
}
