package dev.vclip.weights;

import java.util.Locale;

/**
 * Element types of stored tensors, named as the safetensors header names them.
 * PyTorch storage classes map onto the same set ({@code FloatStorage} is F32, {@code BFloat16Storage} BF16, ...).
 */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the floating-point types (these load into models as F32). */
    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** Parses a safetensors dtype string; null when the name is not one vclip reads. */
    public static DType fromSafetensorsName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
