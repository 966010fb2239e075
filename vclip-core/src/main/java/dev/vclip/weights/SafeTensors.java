package dev.vclip.weights;

import dev.vclip.AtomicFiles;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reader and writer of the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name -> {dtype, shape, data_offsets}} plus an optional {@code __metadata__} of strings), then the raw
 * little-endian tensor data. See https://github.com/huggingface/safetensors (format section of its README).
 *
 * <p>The reader validates the whole header up front (length inside the file, valid JSON, known dtypes, offsets inside
 * the data area, byte count = dtype size × element count, tensors neither overlapping nor leaving gaps) and then
 * memory-maps each tensor on demand: nothing is copied onto the Java heap.
 */
public final class SafeTensors implements TensorFile {

    /** The reference implementation refuses headers over 100 MB; so do we (it also guards against absurd lengths). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private record Entry(DType dtype, long[] shape, long begin, long end) {
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
                        Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates a safetensors file; every problem is a {@link WeightsException} naming the file. */
    public static SafeTensors open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WeightsException(file + ": no such file");
        } catch (IOException e) {
            throw new WeightsException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new WeightsException(file + ": not a safetensors file: " + fileSize
                        + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
                throw new WeightsException(file + ": header length " + Long.toUnsignedString(headerLength)
                        + " does not fit the file (" + fileSize + " bytes; truncated or not a safetensors file?)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            String header = new String(headerBytes.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLength;
            long dataSize = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(file, header, dataSize, metadata);
            return new SafeTensors(file, channel, dataStart, entries, Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new WeightsException(file + ": read error: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static Map<String, Entry> parseHeader(Path file, String header, long dataSize, Map<String, String> metadata) {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new WeightsException(file + ": header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WeightsException(file + ": header is not a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode node = field.getValue();
            if (name.equals("__metadata__")) {
                if (!node.isObject()) {
                    throw new WeightsException(file + ": __metadata__ must be an object of strings");
                }
                node.fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw new WeightsException(file + ": __metadata__." + m.getKey() + " is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            entries.put(name, parseEntry(file, name, node, dataSize));
        }
        checkLayout(file, entries, dataSize);
        return entries;
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataSize) {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new WeightsException(where + ": header entry is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsetsNode = node.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new WeightsException(where + ": missing or non-string 'dtype'");
        }
        DType dtype = DType.fromSafetensorsName(dtypeNode.asText());
        if (dtype == null) {
            throw new WeightsException(where + ": unsupported dtype '" + dtypeNode.asText() + "' (vclip reads "
                    + Arrays.toString(DType.values()) + ")");
        }
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new WeightsException(where + ": missing or non-array 'shape'");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new WeightsException(where + ": shape " + shapeNode + " is not a list of non-negative integers");
            }
            shape[i] = d.asLong();
        }
        if (offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2
                || !offsetsNode.get(0).isIntegralNumber() || !offsetsNode.get(1).isIntegralNumber()) {
            throw new WeightsException(where + ": 'data_offsets' must be [begin, end]");
        }
        long begin = offsetsNode.get(0).asLong();
        long end = offsetsNode.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new WeightsException(where + ": data_offsets [" + begin + ", " + end + "] lie outside the data area of "
                    + dataSize + " bytes (truncated file?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(StoredTensor.elementCount(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new WeightsException(where + ": shape " + Arrays.toString(shape) + " overflows");
        }
        if (end - begin != expected) {
            throw new WeightsException(where + ": " + (end - begin) + " bytes in data_offsets but " + dtype + " "
                    + Arrays.toString(shape) + " needs " + expected);
        }
        return new Entry(dtype, shape, begin, end);
    }

    /** Tensors must tile the data area exactly, as the reference reader requires: no overlaps, no gaps. */
    private static void checkLayout(Path file, Map<String, Entry> entries, long dataSize) {
        List<Map.Entry<String, Entry>> byOffset = new ArrayList<>(entries.entrySet());
        byOffset.sort(Comparator.comparingLong((Map.Entry<String, Entry> e) -> e.getValue().begin())
                .thenComparingLong(e -> e.getValue().end()));
        long cursor = 0;
        String previous = null;
        for (Map.Entry<String, Entry> e : byOffset) {
            Entry entry = e.getValue();
            if (entry.begin() < cursor) {
                throw new WeightsException(file + ": tensor '" + e.getKey() + "' [" + entry.begin() + ", " + entry.end()
                        + ") overlaps tensor '" + previous + "' (which ends at " + cursor + ")");
            }
            if (entry.begin() > cursor) {
                throw new WeightsException(file + ": gap of " + (entry.begin() - cursor) + " bytes before tensor '"
                        + e.getKey() + "' at offset " + entry.begin());
            }
            cursor = entry.end();
            previous = e.getKey();
        }
        if (cursor != dataSize) {
            throw new WeightsException(file + ": " + (dataSize - cursor) + " bytes after the last tensor"
                    + (previous == null ? "" : " '" + previous + "'") + " are not described by the header");
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public StoredTensor get(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new WeightsException(path + ": no tensor named '" + name + "'");
        }
        long length = entry.end() - entry.begin();
        if (length > Integer.MAX_VALUE) {
            throw new WeightsException(path + ": tensor '" + name + "' is " + length + " bytes; vclip maps at most 2 GiB per tensor");
        }
        try {
            ByteBuffer data = length == 0 ? ByteBuffer.allocateDirect(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), length);
            return new StoredTensor(name, entry.dtype(), entry.shape(), data.order(ByteOrder.LITTLE_ENDIAN));
        } catch (IOException e) {
            throw new WeightsException(path + ": cannot map tensor '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel); // existing mappings stay valid after the channel closes
    }

    // ---------------------------------------------------------------------------------------------- writing

    /**
     * Writes tensors as a safetensors file, atomically: the bytes go to a temporary file in the same folder, which is
     * then moved over {@code file}. Tensors are laid out largest element size first, then by name (as the reference
     * writer does), so each one starts aligned to its element size.
     */
    public static void write(Path file, Iterable<StoredTensor> tensors, Map<String, String> metadata) {
        List<StoredTensor> ordered = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (StoredTensor t : tensors) {
            if (!seen.add(t.name())) {
                throw new WeightsException(file + ": tensor '" + t.name() + "' given twice");
            }
            ordered.add(t);
        }
        ordered.sort(Comparator.comparingInt((StoredTensor t) -> -t.dtype().byteSize()).thenComparing(StoredTensor::name));

        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (StoredTensor t : ordered) {
            ObjectNode node = header.putObject(t.name());
            node.put("dtype", t.dtype().name());
            var shape = node.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + t.byteSize());
            offset += t.byteSize();
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();

        AtomicFiles.write(file, out -> {
            writeFully(out, prefix);
            for (StoredTensor t : ordered) {
                writeFully(out, t.data().duplicate());
            }
        });
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position + dst.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        dst.flip();
    }

    private static void writeFully(FileChannel out, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            out.write(src);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to lose: the channel was only read
        }
    }

    @Override
    public String toString() {
        return "SafeTensors[" + path + ", " + entries.size() + " tensors]";
    }

    /** Convenience for tools: does this path look like a safetensors file (by name)? */
    public static boolean isSafetensorsName(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(".safetensors");
    }

}
