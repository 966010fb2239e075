package dev.vclip.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Test-only: writes checkpoints laid out as {@code torch.save} (PyTorch >= 1.6) writes them, so that the reader
 * can be tested without Python.
 *
 * <p>The zip holds {@code <prefix>/data.pkl} (a protocol-2 pickle: {@code OrderedDict} state dicts with their
 * {@code _metadata} set through BUILD, tensors as {@code torch._utils._rebuild_tensor_v2} REDUCE calls whose
 * storage is a BINPERSID {@code ('storage', torch.FloatStorage, '0', 'cpu', numel)}), {@code <prefix>/byteorder},
 * {@code <prefix>/data/<key>} (raw little-endian storage bytes, stored uncompressed, data 64-byte aligned through
 * an 'FB' padding extra field as caffe2/serialize/inline_container.cc does), {@code <prefix>/version} and
 * {@code <prefix>/.data/serialization_id}.
 */
final class TorchSaveWriter {

    /** A tensor view on a storage, in elements. */
    record TensorRef(String storageKey, long offset, long[] size, long[] stride) {
    }

    /** An OrderedDict as {@code module.state_dict()} returns it (pickled with a {@code _metadata} attribute). */
    record StateDict(Map<String, Object> entries) {
    }

    /**
     * An object pickled as {@code GLOBAL module name; EMPTY_TUPLE; NEWOBJ; <dict items>; BUILD <state>}: a
     * TorchScript module ({@code __torch__.*}) or a dict subclass like yacs' {@code CfgNode}.
     */
    record PickledObject(String module, String name, Map<String, Object> dictItems, Map<String, Object> state) {
    }

    private record StorageData(DType dtype, byte[] bytes) {
    }

    private final Map<String, StorageData> storages = new LinkedHashMap<>();
    private String prefix = "archive";
    private boolean zip64;
    private boolean deflateStorages;
    private String byteOrder = "little";
    private final Map<String, byte[]> extraEntries = new LinkedHashMap<>();

    TorchSaveWriter prefix(String archivePrefix) {
        this.prefix = archivePrefix;
        return this;
    }

    TorchSaveWriter zip64(boolean useZip64) {
        this.zip64 = useZip64;
        return this;
    }

    TorchSaveWriter deflateStorages(boolean deflate) {
        this.deflateStorages = deflate;
        return this;
    }

    TorchSaveWriter byteOrder(String order) {
        this.byteOrder = order;
        return this;
    }

    /** An additional entry under the prefix, e.g. TorchScript's "constants.pkl". */
    TorchSaveWriter extraEntry(String nameUnderPrefix, byte[] contents) {
        extraEntries.put(nameUnderPrefix, contents);
        return this;
    }

    /** Adds a storage and returns its key ("0", "1", ...). */
    String storage(DType dtype, byte[] bytes) {
        String key = String.valueOf(storages.size());
        storages.put(key, new StorageData(dtype, bytes));
        return key;
    }

    /** A new storage holding exactly one contiguous tensor. */
    TensorRef contiguous(DType dtype, long[] shape, byte[] bytes) {
        return new TensorRef(storage(dtype, bytes), 0, shape, contiguousStrides(shape));
    }

    static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= shape[d];
        }
        return stride;
    }

    // ---- element bytes ----

    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] i64(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    static byte[] i16(short... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            b.putShort(v);
        }
        return b.array();
    }

    // ---- writing ----

    /** Writes {@code root} (maps, lists, numbers, strings, {@link TensorRef}s...) as torch.save would. */
    void write(Path file, Object root) throws IOException {
        writeWithPickle(file, pickle(root));
    }

    /** Writes an archive whose data.pkl is the given bytes (for hand-made, e.g. malicious, pickles). */
    void writeWithPickle(Path file, byte[] dataPkl) throws IOException {
        ZipBuilder zip = new ZipBuilder(zip64);
        zip.add(prefix + "/data.pkl", dataPkl, false);
        zip.add(prefix + "/byteorder", byteOrder.getBytes(StandardCharsets.US_ASCII), false);
        for (Map.Entry<String, StorageData> storage : storages.entrySet()) {
            zip.add(prefix + "/data/" + storage.getKey(), storage.getValue().bytes(), deflateStorages);
        }
        for (Map.Entry<String, byte[]> extra : extraEntries.entrySet()) {
            zip.add(prefix + "/" + extra.getKey(), extra.getValue(), false);
        }
        zip.add(prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII), false);
        zip.add(prefix + "/.data/serialization_id", "1234567890123456789012345678901234567890".getBytes(StandardCharsets.US_ASCII), false);
        Files.write(file, zip.finish());
    }

    /** The protocol-2 pickle of {@code root}, memoizing as Python's pickler does. */
    byte[] pickle(Object root) {
        PickleBuilder p = new PickleBuilder();
        p.op(PickleBuilder.PROTO).raw(2);
        writeValue(p, root);
        p.op(PickleBuilder.STOP);
        return p.bytes();
    }

    private void writeValue(PickleBuilder p, Object value) {
        if (value == null) {
            p.op(PickleBuilder.NONE);
        } else if (value instanceof Boolean b) {
            p.op(b ? PickleBuilder.NEWTRUE : PickleBuilder.NEWFALSE);
        } else if (value instanceof Integer || value instanceof Long) {
            p.integer(((Number) value).longValue());
        } else if (value instanceof Double d) {
            p.op(PickleBuilder.BINFLOAT).bigEndianDouble(d);
        } else if (value instanceof String s) {
            p.unicode(s);
            p.memoize();
        } else if (value instanceof TensorRef tensor) {
            writeTensor(p, tensor);
        } else if (value instanceof StateDict stateDict) {
            // OrderedDict.__reduce__: (OrderedDict, (), {'_metadata': ...}, None, iter(items))
            p.global("collections", "OrderedDict");
            p.op(PickleBuilder.EMPTY_TUPLE).op(PickleBuilder.REDUCE);
            p.memoize();
            writeDictItems(p, stateDict.entries());
            p.op(PickleBuilder.EMPTY_DICT);
            p.memoize();
            p.unicode("_metadata");
            p.memoize();
            p.global("collections", "OrderedDict");
            p.op(PickleBuilder.EMPTY_TUPLE).op(PickleBuilder.REDUCE);
            p.memoize();
            Map<String, Object> versions = new LinkedHashMap<>();
            versions.put("version", 1L);
            writeDictItems(p, Map.of("", versions));
            p.op(PickleBuilder.SETITEM);
            p.op(PickleBuilder.BUILD);
        } else if (value instanceof PickledObject object) {
            p.global(object.module(), object.name());
            p.op(PickleBuilder.EMPTY_TUPLE).op(PickleBuilder.NEWOBJ);
            p.memoize();
            writeDictItems(p, object.dictItems());
            if (object.state() != null) {
                writeValue(p, object.state());
                p.op(PickleBuilder.BUILD);
            }
        } else if (value instanceof Map<?, ?> map) {
            p.op(PickleBuilder.EMPTY_DICT);
            p.memoize();
            writeDictItems(p, map);
        } else if (value instanceof List<?> list) {
            p.op(PickleBuilder.EMPTY_LIST);
            p.memoize();
            if (!list.isEmpty()) {
                p.op(PickleBuilder.MARK);
                for (Object item : list) {
                    writeValue(p, item);
                }
                p.op(PickleBuilder.APPENDS);
            }
        } else {
            throw new IllegalArgumentException("cannot pickle " + value.getClass());
        }
    }

    private void writeDictItems(PickleBuilder p, Map<?, ?> map) {
        if (map.isEmpty()) {
            return;
        }
        p.op(PickleBuilder.MARK);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            writeValue(p, entry.getKey());
            writeValue(p, entry.getValue());
        }
        p.op(PickleBuilder.SETITEMS);
    }

    /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())}. */
    private void writeTensor(PickleBuilder p, TensorRef tensor) {
        StorageData storage = storages.get(tensor.storageKey());
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.op(PickleBuilder.MARK);
        // persistent id ('storage', torch.FloatStorage, key, 'cpu', numel)
        p.op(PickleBuilder.MARK);
        p.unicode("storage");
        p.memoize();
        p.global("torch", storageTypeName(storage.dtype()));
        p.unicode(tensor.storageKey());
        p.memoize();
        p.unicode("cpu");
        p.memoize();
        p.integer(storage.bytes().length / storage.dtype().byteSize());
        p.op(PickleBuilder.TUPLE);
        p.memoize();
        p.op(PickleBuilder.BINPERSID);
        p.integer(tensor.offset());
        p.tuple(tensor.size());
        p.tuple(tensor.stride());
        p.op(PickleBuilder.NEWFALSE);
        p.global("collections", "OrderedDict");
        p.op(PickleBuilder.EMPTY_TUPLE).op(PickleBuilder.REDUCE);
        p.memoize();
        p.op(PickleBuilder.TUPLE);
        p.memoize();
        p.op(PickleBuilder.REDUCE);
        p.memoize();
    }

    static String storageTypeName(DType dtype) {
        return switch (dtype) {
            case F32 -> "FloatStorage";
            case F64 -> "DoubleStorage";
            case F16 -> "HalfStorage";
            case BF16 -> "BFloat16Storage";
            case I64 -> "LongStorage";
            case I32 -> "IntStorage";
            case I16 -> "ShortStorage";
            case I8 -> "CharStorage";
            case U8 -> "ByteStorage";
            case BOOL -> "BoolStorage";
        };
    }

    /** Pickle opcodes (pickletools names) and the byte-level writing of them. */
    static final class PickleBuilder {
        static final int MARK = '(', STOP = '.', BININT = 'J', BININT1 = 'K', BININT2 = 'M', NONE = 'N';
        static final int BINPERSID = 'Q', REDUCE = 'R', BINUNICODE = 'X', APPEND = 'a', BUILD = 'b', GLOBAL = 'c';
        static final int EMPTY_DICT = '}', APPENDS = 'e', BINGET = 'h', LONG_BINGET = 'j', EMPTY_LIST = ']';
        static final int BINPUT = 'q', LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')';
        static final int SETITEMS = 'u', BINFLOAT = 'G', INST = 'i';
        static final int PROTO = 0x80, NEWOBJ = 0x81, TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87;
        static final int NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, SHORT_BINUNICODE = 0x8c;
        static final int STACK_GLOBAL = 0x93, MEMOIZE = 0x94, FRAME = 0x95;

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Map<String, Integer> globalMemo = new HashMap<>();
        private int memoSize;

        PickleBuilder op(int opcode) {
            out.write(opcode);
            return this;
        }

        PickleBuilder raw(int b) {
            out.write(b);
            return this;
        }

        PickleBuilder raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        PickleBuilder le32(int v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        PickleBuilder le64(long v) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        PickleBuilder bigEndianDouble(double d) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(d).array());
        }

        /** BINPUT / LONG_BINPUT the top of the stack, as Python's pickler does after most objects. */
        PickleBuilder memoize() {
            int index = memoSize++;
            if (index < 256) {
                op(BINPUT).raw(index);
            } else {
                op(LONG_BINPUT).le32(index);
            }
            return this;
        }

        /** GLOBAL 'module\nname\n', reused from the memo (BINGET) when written before. */
        PickleBuilder global(String module, String name) {
            Integer memoized = globalMemo.get(module + " " + name);
            if (memoized != null) {
                return memoized < 256 ? op(BINGET).raw(memoized) : op(LONG_BINGET).le32(memoized);
            }
            op(GLOBAL).raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            globalMemo.put(module + " " + name, memoSize);
            return memoize();
        }

        PickleBuilder unicode(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            return op(BINUNICODE).le32(utf8.length).raw(utf8);
        }

        /** BININT1 / BININT2 / BININT / LONG1, as save_long chooses. */
        PickleBuilder integer(long v) {
            if (v >= 0 && v <= 0xff) {
                return op(BININT1).raw((int) v);
            }
            if (v >= 0 && v <= 0xffff) {
                return op(BININT2).raw((int) (v & 0xff)).raw((int) (v >>> 8));
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                return op(BININT).le32((int) v);
            }
            byte[] bytes = java.math.BigInteger.valueOf(v).toByteArray(); // big-endian two's complement
            op(LONG1).raw(bytes.length);
            for (int i = bytes.length - 1; i >= 0; i--) {
                raw(bytes[i] & 0xff);
            }
            return this;
        }

        PickleBuilder tuple(long[] values) {
            switch (values.length) {
                case 0 -> op(EMPTY_TUPLE);
                case 1, 2, 3 -> {
                    for (long v : values) {
                        integer(v);
                    }
                    op(TUPLE1 + values.length - 1);
                }
                default -> {
                    op(MARK);
                    for (long v : values) {
                        integer(v);
                    }
                    op(TUPLE);
                }
            }
            return values.length == 0 ? this : memoize();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A zip writer with torch's 64-byte data alignment and optional ZIP64 records (APPNOTE.TXT). */
    static final class ZipBuilder {
        private record Written(String name, int method, long crc, long compressedSize, long size, long offset) {
        }

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<Written> written = new ArrayList<>();
        private final boolean zip64;

        ZipBuilder(boolean zip64) {
            this.zip64 = zip64;
        }

        void add(String name, byte[] data, boolean deflate) {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(data);
            byte[] stored = deflate ? deflate(data) : data;
            long offset = out.size();
            int headerEnd = (int) offset + 30 + nameBytes.length;
            int padding = (64 - ((headerEnd + 4) % 64)) % 64; // an 'FB' extra field of this many bytes aligns the data
            ByteBuffer header = le(30);
            header.putInt(0x04034b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0)
                    .putShort((short) (deflate ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) crc.getValue()).putInt(stored.length).putInt(data.length)
                    .putShort((short) nameBytes.length).putShort((short) (4 + padding));
            out.writeBytes(header.array());
            out.writeBytes(nameBytes);
            out.writeBytes(le(4).put((byte) 'F').put((byte) 'B').putShort((short) padding).array());
            out.writeBytes(new byte[padding]);
            out.writeBytes(stored);
            written.add(new Written(name, deflate ? 8 : 0, crc.getValue(), stored.length, data.length, offset));
        }

        byte[] finish() {
            long directoryOffset = out.size();
            for (Written w : written) {
                byte[] nameBytes = w.name().getBytes(StandardCharsets.UTF_8);
                byte[] extra = zip64 ? le(28).putShort((short) 1).putShort((short) 24)
                        .putLong(w.size()).putLong(w.compressedSize()).putLong(w.offset()).array() : new byte[0];
                long saturated = 0xffffffffL;
                ByteBuffer header = le(46);
                header.putInt(0x02014b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) (zip64 ? 45 : 20))
                        .putShort((short) 0).putShort((short) w.method()).putShort((short) 0).putShort((short) 0x21)
                        .putInt((int) w.crc())
                        .putInt((int) (zip64 ? saturated : w.compressedSize()))
                        .putInt((int) (zip64 ? saturated : w.size()))
                        .putShort((short) nameBytes.length).putShort((short) extra.length).putShort((short) 0)
                        .putShort((short) 0).putShort((short) 0).putInt(0)
                        .putInt((int) (zip64 ? saturated : w.offset()));
                out.writeBytes(header.array());
                out.writeBytes(nameBytes);
                out.writeBytes(extra);
            }
            long directorySize = out.size() - directoryOffset;
            if (zip64) {
                long zip64EndOffset = out.size();
                out.writeBytes(le(56).putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45)
                        .putInt(0).putInt(0).putLong(written.size()).putLong(written.size())
                        .putLong(directorySize).putLong(directoryOffset).array());
                out.writeBytes(le(20).putInt(0x07064b50).putInt(0).putLong(zip64EndOffset).putInt(1).array());
            }
            out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                    .putShort((short) (zip64 ? 0xffff : written.size()))
                    .putShort((short) (zip64 ? 0xffff : written.size()))
                    .putInt((int) (zip64 ? 0xffffffffL : directorySize))
                    .putInt((int) (zip64 ? 0xffffffffL : directoryOffset))
                    .putShort((short) 0).array());
            return out.toByteArray();
        }

        private static byte[] deflate(byte[] data) {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            while (!deflater.finished()) {
                compressed.write(chunk, 0, deflater.deflate(chunk));
            }
            deflater.end();
            return compressed.toByteArray();
        }

        private static ByteBuffer le(int size) {
            return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
