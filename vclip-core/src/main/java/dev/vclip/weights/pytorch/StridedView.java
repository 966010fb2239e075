package dev.vclip.weights.pytorch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Element arithmetic of a strided tensor view over a storage, as {@code torch.as_strided} defines it:
 * element {@code (i0, i1, ...)} lies at storage index {@code offset + i0*stride0 + i1*stride1 + ...}.
 */
final class StridedView {
    private StridedView() {
    }

    /** True when the view is row-major contiguous (strides of size-1 dimensions do not matter, as in torch). */
    static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] == 0) {
                return true;
            }
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /**
     * Storage elements the view reaches: one past its highest index (0 for an empty view).
     *
     * @throws ArithmeticException on overflow
     */
    static long storageElementsNeeded(long offset, long[] size, long[] stride) {
        long highest = offset;
        for (int d = 0; d < size.length; d++) {
            if (size[d] == 0) {
                return 0;
            }
            highest = Math.addExact(highest, Math.multiplyExact(size[d] - 1, stride[d]));
        }
        return Math.addExact(highest, 1);
    }

    /**
     * Gathers a strided view into a new contiguous little-endian direct buffer.
     *
     * @param storage  the whole storage's bytes (position 0)
     * @param itemSize bytes per element
     */
    static ByteBuffer copyToContiguous(ByteBuffer storage, long offset, long[] size, long[] stride, int itemSize) {
        long count = 1;
        for (long s : size) {
            count = Math.multiplyExact(count, s);
        }
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(Math.multiplyExact(count, itemSize)))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (count == 0) {
            return out;
        }
        ByteBuffer source = storage.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int rank = size.length;
        if (rank == 0) {
            copyElement(source, offset, out, 0, itemSize);
            return out;
        }
        long innerSize = size[rank - 1];
        long innerStride = stride[rank - 1];
        long[] index = new long[rank - 1]; // position in the outer dimensions
        int written = 0;
        while (true) {
            long base = offset;
            for (int d = 0; d < rank - 1; d++) {
                base += index[d] * stride[d];
            }
            for (long j = 0; j < innerSize; j++) {
                copyElement(source, base + j * innerStride, out, written, itemSize);
                written += itemSize;
            }
            // odometer increment over the outer dimensions
            int d = rank - 2;
            while (d >= 0 && ++index[d] == size[d]) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return out;
            }
        }
    }

    private static void copyElement(ByteBuffer source, long element, ByteBuffer out, int outByte, int itemSize) {
        int from = Math.toIntExact(element * itemSize);
        switch (itemSize) {
            case 1 -> out.put(outByte, source.get(from));
            case 2 -> out.putShort(outByte, source.getShort(from));
            case 4 -> out.putInt(outByte, source.getInt(from));
            case 8 -> out.putLong(outByte, source.getLong(from));
            default -> {
                for (int b = 0; b < itemSize; b++) {
                    out.put(outByte + b, source.get(from + b));
                }
            }
        }
    }
}
