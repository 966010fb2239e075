package dev.vclip.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between stored tensors and NDArrays. */
public final class Tensors {
    private Tensors() {
    }

    /**
     * A stored tensor as an NDArray in {@code manager}: floating types as FLOAT32 (an aligned, direct F32 buffer is
     * wrapped without a copy and must then stay unmodified), integer and boolean types as INT64.
     */
    public static NDArray toNDArray(StoredTensor t, NDManager manager) {
        Shape shape = new Shape(t.shape());
        ByteBuffer data = t.data();
        if (t.dtype().isFloating()) {
            if (t.dtype() == DType.F32 && data.isDirect() && data.alignmentOffset(0, 4) == 0) {
                // zero-copy: libtorch wraps the (mapped) memory; the array keeps the buffer reachable
                return manager.create(data.order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32);
            }
            return manager.create(t.toFloatArray(), shape);
        }
        return manager.create(t.toLongArray(), shape);
    }

    /** An NDArray as a stored tensor (F32 for floating arrays, I64 for integer ones), copied into a direct buffer. */
    public static StoredTensor fromNDArray(String name, NDArray array) {
        long[] shape = array.getShape().getShape();
        ByteBuffer buf;
        DType dtype;
        if (array.getDataType().isFloating()) {
            float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
            buf = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(values);
            dtype = DType.F32;
        } else {
            long[] values = array.toType(DataType.INT64, false).toLongArray();
            buf = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            buf.asLongBuffer().put(values);
            dtype = DType.I64;
        }
        return new StoredTensor(name, dtype, shape, buf);
    }
}
