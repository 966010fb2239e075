package dev.vclip.spark;

import dev.vclip.search.IndexEntry;
import dev.vclip.search.IndexRun;
import dev.vclip.search.StoredEntry;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The Parquet rows the job writes: one per index entry (a whole video, then its moments), or one per video that
 * failed, with only its path, the model, the moments and the error. Every row names the model (its index key, see
 * {@link dev.vclip.search.VideoIndex#modelKey}) and the moments it was embedded with, so an index built from the
 * output can refuse a mix.
 */
public final class EmbeddingsParquet {
    private EmbeddingsParquet() {
    }

    public static final String VIDEO_ID = "video_id";
    public static final String PATH = "path";
    public static final String HASH = "hash";
    public static final String SIZE = "size";
    public static final String MODIFIED = "modified";
    public static final String DURATION = "duration";
    public static final String ENTRY_ID = "entry_id";
    public static final String WHOLE = "whole";
    public static final String START = "start";
    public static final String END = "end";
    /** The model's video features, as the index stores them for its exact second stage. */
    public static final String EMBEDDING = "embedding";
    public static final String CONTEXT_TOKENS = "context_tokens";
    /** X-CLIP's prompt context (tokens x dim), null for other models. */
    public static final String CONTEXT = "context";
    public static final String THUMBNAIL = "thumbnail";
    public static final String MODEL = "model";
    public static final String MODEL_PATH = "model_path";
    public static final String MOMENTS = "moments";
    public static final String ERROR = "error";

    public static final StructType SCHEMA = new StructType()
            .add(VIDEO_ID, DataTypes.StringType, false)
            .add(PATH, DataTypes.StringType, false)
            .add(HASH, DataTypes.StringType, true)
            .add(SIZE, DataTypes.LongType, true)
            .add(MODIFIED, DataTypes.LongType, true)
            .add(DURATION, DataTypes.DoubleType, true)
            .add(ENTRY_ID, DataTypes.StringType, true)
            .add(WHOLE, DataTypes.BooleanType, true)
            .add(START, DataTypes.DoubleType, true)
            .add(END, DataTypes.DoubleType, true)
            .add(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add(CONTEXT_TOKENS, DataTypes.IntegerType, true)
            .add(CONTEXT, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add(THUMBNAIL, DataTypes.BinaryType, true)
            .add(MODEL, DataTypes.StringType, false)
            .add(MODEL_PATH, DataTypes.StringType, false)
            .add(MOMENTS, DataTypes.StringType, false)
            .add(ERROR, DataTypes.StringType, true);

    /** The row of one entry. */
    static Row row(StoredEntry s, String model, String modelPath, String moments) {
        IndexEntry e = s.entry();
        return RowFactory.create(e.videoId(), e.path(), e.hash(), e.size(), e.modified(), e.duration(), e.id(),
                e.whole(), e.start(), e.end(), boxed(s.features()), s.context() == null ? null : s.contextTokens(),
                s.context() == null ? null : boxed(s.context()), s.thumbnail(), model, modelPath, moments, null);
    }

    /** The row of a video that failed. */
    static Row failed(String videoId, String path, String error, String model, String modelPath, String moments) {
        return RowFactory.create(videoId, path, null, null, null, null, null, null, null, null, null, null, null, null,
                model, modelPath, moments, error);
    }

    /**
     * Rows ordered by video (whole entry first) back into videos. Rows of one video must be adjacent; a row that
     * repeats an entry id already seen for its video is an error (two outputs mixed).
     */
    static Iterator<IndexRun.EmbeddedVideo> videos(Iterator<Row> rows) {
        return new Iterator<>() {
            private Row next = rows.hasNext() ? rows.next() : null;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public IndexRun.EmbeddedVideo next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                String videoId = next.getAs(VIDEO_ID);
                String path = next.getAs(PATH);
                List<StoredEntry> entries = new ArrayList<>();
                java.util.Set<String> ids = new java.util.HashSet<>();
                String error = null;
                while (next != null && videoId.equals(next.getAs(VIDEO_ID))) {
                    Row r = next;
                    next = rows.hasNext() ? rows.next() : null;
                    if (r.getAs(ERROR) != null) {
                        error = r.getAs(ERROR);
                        continue;
                    }
                    StoredEntry s = entry(r);
                    if (!ids.add(s.entry().id())) {
                        throw new SparkJobException(path + ": entry " + s.entry().id()
                                + " appears twice (outputs of two runs mixed?)");
                    }
                    entries.add(s);
                }
                // a video both failed and embedded (two runs' outputs read together): its entries win
                return entries.isEmpty() ? new IndexRun.EmbeddedVideo(path, List.of(), error)
                        : new IndexRun.EmbeddedVideo(path, entries, null);
            }
        };
    }

    private static StoredEntry entry(Row r) {
        IndexEntry e = new IndexEntry(r.getAs(ENTRY_ID), r.getAs(VIDEO_ID), r.getAs(PATH), r.<Double>getAs(START),
                r.<Double>getAs(END), r.<Double>getAs(DURATION), r.<Boolean>getAs(WHOLE), r.<Long>getAs(SIZE),
                r.<Long>getAs(MODIFIED), r.getAs(HASH));
        float[] context = r.isNullAt(r.fieldIndex(CONTEXT)) ? null : floats(r.getList(r.fieldIndex(CONTEXT)));
        return StoredEntry.of(e, floats(r.getList(r.fieldIndex(EMBEDDING))),
                context == null ? 0 : r.<Integer>getAs(CONTEXT_TOKENS), context, r.getAs(THUMBNAIL));
    }

    static float[] floats(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }

    private static Float[] boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return b;
    }
}
