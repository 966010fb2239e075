package dev.vclip.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor as it lies in a weights file: its name, element type, shape and raw bytes.
 *
 * <p>{@code data} holds the elements contiguous, row-major and little-endian, position 0, limit = byte size.
 * It is usually a slice of a memory-mapped file (no copy on the Java heap); it is valid while the file that
 * produced it is open.
 */
public record StoredTensor(String name, DType dtype, long[] shape, ByteBuffer data) {

    public StoredTensor {
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        shape = shape.clone();
        long expected = elementCount(shape) * dtype.byteSize();
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.remaining() + " bytes for " + dtype
                    + " " + Arrays.toString(shape) + " (expected " + expected + ")");
        }
    }

    /** Number of elements of a shape (1 for a 0-d tensor). */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long elementCount() {
        return elementCount(shape);
    }

    public long byteSize() {
        return data.remaining();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The elements converted to float (F32, F16, BF16, F64 and the integer types). */
    public float[] toFloatArray() {
        int n = Math.toIntExact(elementCount());
        float[] out = new float[n];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = HalfFloats.f16ToF32(b.getShort(i * 2)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = HalfFloats.bf16ToF32(b.getShort(i * 2)); }
            case I64 -> { for (int i = 0; i < n; i++) out[i] = b.getLong(i * 8); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
        }
        return out;
    }

    /**
     * This tensor in another floating-point type (F32, F16 or BF16; round to nearest even), a heap copy; the same
     * tensor when it already has that type.
     *
     * @throws IllegalArgumentException for integer tensors or targets other than F32, F16, BF16
     */
    public StoredTensor castTo(DType target) {
        if (target == dtype) {
            return this;
        }
        if (!dtype.isFloating() || (target != DType.F32 && target != DType.F16 && target != DType.BF16)) {
            throw new IllegalArgumentException("tensor '" + name + "': cannot cast " + dtype + " to " + target
                    + " (floating-point tensors to F32, F16 or BF16 only)");
        }
        float[] values = toFloatArray();
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(values.length, target.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (target) {
                case F32 -> out.putFloat(v);
                case F16 -> out.putShort(HalfFloats.f32ToF16(v));
                default -> out.putShort(HalfFloats.f32ToBf16(v));
            }
        }
        return new StoredTensor(name, target, shape, out.flip());
    }

    /** The elements as longs; only for the integer and boolean types. */
    public long[] toLongArray() {
        int n = Math.toIntExact(elementCount());
        long[] out = new long[n];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
            default -> throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not an integer type");
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
