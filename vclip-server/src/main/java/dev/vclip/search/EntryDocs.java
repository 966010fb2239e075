package dev.vclip.search;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How an entry is a Lucene document: the field names, and conversions both ways. One document per entry; a
 * video's whole entry and its moments share {@code video} (its id) and {@code path}.
 */
final class EntryDocs {
    private EntryDocs() {
    }

    static final String ID = "id";
    static final String VIDEO = "video";
    static final String PATH = "path";
    static final String KIND = "kind";
    static final String KIND_VIDEO = "video";
    static final String KIND_MOMENT = "moment";
    static final String START = "start";
    static final String END = "end";
    /** The entry's length in seconds, as a point for the minimum-duration filter. */
    static final String LENGTH = "length";
    static final String DURATION = "duration";
    static final String SIZE = "size";
    static final String MODIFIED = "modified";
    static final String HASH = "hash";
    /** The unit video vector, searched by HNSW with the dot product (= cosine). */
    static final String VECTOR = "vector";
    /** The same unit vector, stored, to query by example and to copy an entry when its file moves. */
    static final String VECTOR_STORED = "vector_stored";
    /** The model's video features as it returned them, for the exact logits of the second stage. */
    static final String FEATURES = "features";
    /** X-CLIP's per-video prompt context (the prompt generator's visual input), tokens x dim, for re-ranking. */
    static final String CONTEXT = "context";
    static final String CONTEXT_TOKENS = "context_tokens";
    static final String THUMBNAIL = "thumbnail";

    static Document toDocument(StoredEntry s) {
        IndexEntry e = s.entry();
        Document d = new Document();
        d.add(new StringField(ID, e.id(), Field.Store.YES));
        d.add(new StringField(VIDEO, e.videoId(), Field.Store.YES));
        d.add(new StringField(PATH, e.path(), Field.Store.YES));
        d.add(new StringField(KIND, e.whole() ? KIND_VIDEO : KIND_MOMENT, Field.Store.YES));
        d.add(new StoredField(START, e.start()));
        d.add(new StoredField(END, e.end()));
        d.add(new DoublePoint(LENGTH, e.end() - e.start()));
        d.add(new StoredField(DURATION, e.duration()));
        d.add(new StoredField(SIZE, e.size()));
        d.add(new StoredField(MODIFIED, e.modified()));
        d.add(new StringField(HASH, e.hash(), Field.Store.YES));
        d.add(new KnnFloatVectorField(VECTOR, s.unit(), VectorSimilarityFunction.DOT_PRODUCT));
        d.add(new StoredField(VECTOR_STORED, floats(s.unit())));
        d.add(new StoredField(FEATURES, floats(s.features())));
        if (s.context() != null) {
            d.add(new StoredField(CONTEXT, floats(s.context())));
            d.add(new StoredField(CONTEXT_TOKENS, s.contextTokens()));
        }
        if (s.thumbnail() != null) {
            d.add(new StoredField(THUMBNAIL, s.thumbnail()));
        }
        return d;
    }

    static IndexEntry entry(Document d) {
        return new IndexEntry(d.get(ID), d.get(VIDEO), d.get(PATH), number(d, START).doubleValue(),
                number(d, END).doubleValue(), number(d, DURATION).doubleValue(), KIND_VIDEO.equals(d.get(KIND)),
                number(d, SIZE).longValue(), number(d, MODIFIED).longValue(), d.get(HASH));
    }

    static StoredEntry stored(Document d) {
        BytesRef context = d.getBinaryValue(CONTEXT);
        BytesRef thumb = d.getBinaryValue(THUMBNAIL);
        return new StoredEntry(entry(d), floats(d.getBinaryValue(VECTOR_STORED)), floats(d.getBinaryValue(FEATURES)),
                context == null ? 0 : number(d, CONTEXT_TOKENS).intValue(), context == null ? null : floats(context),
                thumb == null ? null : java.util.Arrays.copyOfRange(thumb.bytes, thumb.offset, thumb.offset + thumb.length));
    }

    /** The same stored data under a new path and video id (a moved file): nothing is embedded again. */
    static StoredEntry moved(StoredEntry s, String path, String videoId, long size, long modified) {
        IndexEntry e = s.entry();
        String id = videoId + e.id().substring(e.id().indexOf('-'));
        return new StoredEntry(new IndexEntry(id, videoId, path, e.start(), e.end(), e.duration(), e.whole(), size,
                modified, e.hash()), s.unit(), s.features(), s.contextTokens(), s.context(), s.thumbnail());
    }

    private static Number number(Document d, String field) {
        return d.getField(field).numericValue();
    }

    static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static float[] floats(BytesRef r) {
        float[] v = new float[r.length / 4];
        ByteBuffer.wrap(r.bytes, r.offset, r.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
