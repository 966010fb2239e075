package dev.vclip.spark;

import dev.vclip.report.Progress;
import dev.vclip.search.IndexRun;
import dev.vclip.search.Moments;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.nio.file.Path;
import java.util.List;

/**
 * Builds or updates a library index (the one {@code vclip search} and {@code vclip serve} use) from the Parquet that
 * {@link CorpusEmbedding} wrote: a corpus embedded on a cluster, searched and served on one machine. The rows must
 * all come from one model and one moment plan; {@code modelKey}, when given, must be theirs.
 */
public final class ParquetIndex {
    private ParquetIndex() {
    }

    /** What the embeddings hold: the model's key and folder as the job was given it, and the moments. */
    public record Origin(String modelKey, String modelPath, Moments moments) {
    }

    /** The one model and moment plan of the rows in {@code parquet}; an error when there are several or none. */
    public static Origin origin(SparkSession spark, String parquet) {
        Dataset<Row> rows = read(spark, parquet);
        List<Row> kinds = rows.select(EmbeddingsParquet.MODEL, EmbeddingsParquet.MODEL_PATH, EmbeddingsParquet.MOMENTS)
                .distinct().limit(3).collectAsList();
        if (kinds.isEmpty()) {
            throw new SparkJobException(parquet + ": no rows");
        }
        if (kinds.stream().map(r -> r.getString(0)).distinct().count() > 1) {
            throw new SparkJobException(parquet + ": rows of several models (" + kinds.stream().map(r -> r.getString(1))
                    .distinct().toList() + "); import one model's output at a time");
        }
        if (kinds.stream().map(r -> r.getString(2)).distinct().count() > 1) {
            throw new SparkJobException(parquet + ": rows of several moment plans (" + kinds.stream()
                    .map(r -> r.getString(2)).distinct().toList() + ")");
        }
        Row r = kinds.get(0);
        return new Origin(r.getString(0), r.getString(1), Moments.parse(r.getString(2)));
    }

    /**
     * Imports {@code parquet}, whose {@link #origin} the caller has read (to check the model it names), into the
     * index in {@code index}, recording {@code modelDir} (may be null) as its model.
     */
    public static IndexRun.Report importInto(SparkSession spark, String parquet, Origin origin, Path index,
                                             Path modelDir, boolean rebuild, Progress.Factory progress) {
        // one video's rows together, whole entry first: the order the index writes a video's entries in
        Dataset<Row> ordered = read(spark, parquet).orderBy(functions.col(EmbeddingsParquet.VIDEO_ID),
                functions.col(EmbeddingsParquet.WHOLE).desc_nulls_last(), functions.col(EmbeddingsParquet.START));
        long videos = ordered.select(EmbeddingsParquet.VIDEO_ID).distinct().count();
        return IndexRun.importEntries(index, origin.modelKey(), modelDir, origin.moments(), rebuild,
                EmbeddingsParquet.videos(ordered.toLocalIterator()), videos, 1000, progress);
    }

    private static Dataset<Row> read(SparkSession spark, String parquet) {
        Dataset<Row> rows;
        try {
            rows = spark.read().parquet(parquet);
        } catch (Exception e) { // Spark's AnalysisException (no such path, not Parquet) is checked but undeclared
            if (e instanceof org.apache.spark.sql.AnalysisException || e instanceof RuntimeException) {
                throw new SparkJobException(parquet + ": cannot read as Parquet: " + e.getMessage(), e);
            }
            throw new IllegalStateException(e);
        }
        List<String> missing = java.util.Arrays.stream(EmbeddingsParquet.SCHEMA.fieldNames())
                .filter(c -> !List.of(rows.columns()).contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new SparkJobException(parquet + ": not vclip embeddings (missing columns " + missing + ")");
        }
        return rows;
    }
}
