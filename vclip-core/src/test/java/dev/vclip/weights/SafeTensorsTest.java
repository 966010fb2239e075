package dev.vclip.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {

    @TempDir
    Path dir;

    static StoredTensor tensor(String name, DType dtype, long[] shape, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(bytes).flip();
        return new StoredTensor(name, dtype, shape, buf);
    }

    static StoredTensor f32(String name, long[] shape, float... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return tensor(name, DType.F32, shape, buf.array());
    }

    @Test
    void writesAndReadsBackEveryDtypeWithMetadata() {
        Path file = dir.resolve("t.safetensors");
        short[] halves = {HalfFloats.f32ToF16(1.5f), HalfFloats.f32ToF16(-2.25f)};
        short[] bhalves = {HalfFloats.f32ToBf16(3.0f), HalfFloats.f32ToBf16(-0.5f)};
        ByteBuffer f16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort(halves[0]).putShort(halves[1]);
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort(bhalves[0]).putShort(bhalves[1]);
        ByteBuffer i64 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1).putLong(1L << 40);
        ByteBuffer i32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(5).putInt(-9);
        List<StoredTensor> tensors = List.of(
                f32("a.weight", new long[]{2, 2}, 1, 2, 3, 4),
                f32("scalar", new long[]{}, 2.5f),
                tensor("half", DType.F16, new long[]{2}, f16.array()),
                tensor("bhalf", DType.BF16, new long[]{2}, bf16.array()),
                tensor("ids", DType.I64, new long[]{3}, i64.array()),
                tensor("i32", DType.I32, new long[]{1, 2}, i32.array()),
                tensor("bytes", DType.U8, new long[]{3}, new byte[]{0, (byte) 200, 17}),
                tensor("empty", DType.F32, new long[]{0, 4}, new byte[0]));
        SafeTensors.write(file, tensors, Map.of("format", "pt"));
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(8, st.names().size());
            assertEquals("pt", st.metadata().get("format"));
            assertArrayEquals(new float[]{1, 2, 3, 4}, st.get("a.weight").toFloatArray());
            assertArrayEquals(new long[]{}, st.get("scalar").shape());
            assertArrayEquals(new float[]{2.5f}, st.get("scalar").toFloatArray());
            assertArrayEquals(new float[]{1.5f, -2.25f}, st.get("half").toFloatArray());
            assertArrayEquals(new float[]{3.0f, -0.5f}, st.get("bhalf").toFloatArray());
            assertArrayEquals(new long[]{7, -1, 1L << 40}, st.get("ids").toLongArray());
            assertArrayEquals(new long[]{5, -9}, st.get("i32").toLongArray());
            assertArrayEquals(new long[]{0, 200, 17}, st.get("bytes").toLongArray());
            assertEquals(0, st.get("empty").byteSize());
            assertTrue(st.get("a.weight").data().isDirect(), "tensors are memory-mapped, not heap copies");
        }
        // largest element size first, so I64 data comes before F32
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(DType.I64, st.get(st.names().iterator().next()).dtype());
        }
    }

    @Test
    void writingReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, List.of(f32("x", new long[]{1}, 1)), Map.of());
        SafeTensors.write(file, List.of(f32("y", new long[]{2}, 1, 2)), Map.of());
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(List.of("y"), List.copyOf(st.names()));
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    /** A file with the given header JSON followed by {@code dataBytes} zero bytes. */
    private Path craft(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json);
        Path file = dir.resolve("crafted.safetensors");
        Files.write(file, buf.array());
        return file;
    }

    private static String messageOf(Path file) {
        WeightsException e = assertThrows(WeightsException.class, () -> SafeTensors.open(file).close());
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void refusesATruncatedFileNamingTheTensor() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, List.of(f32("a", new long[]{4}, 1, 2, 3, 4), f32("b", new long[]{4}, 5, 6, 7, 8)), Map.of());
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 6));
        String message = messageOf(cut);
        assertTrue(message.contains("'b'") && message.contains("outside the data area"), message);
    }

    @Test
    void refusesAHeaderLengthPastTheEnd() throws IOException {
        Path file = dir.resolve("long.safetensors");
        ByteBuffer buf = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        Files.write(file, buf.array());
        assertTrue(messageOf(file).contains("header length 1000"));
        Files.write(file, new byte[3]);
        assertTrue(messageOf(file).contains("shorter than the 8-byte header length"));
    }

    @Test
    void refusesOffsetsOutOfBounds() throws IOException {
        Path file = craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 8);
        String message = messageOf(file);
        assertTrue(message.contains("'w'") && message.contains("[8, 16]"), message);
    }

    @Test
    void refusesOverlappingTensors() throws IOException {
        Path file = craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        String message = messageOf(file);
        assertTrue(message.contains("'b'") && message.contains("overlaps") && message.contains("'a'"), message);
    }

    @Test
    void refusesAByteCountThatDoesNotMatchDtypeAndShape() throws IOException {
        Path file = craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        String message = messageOf(file);
        assertTrue(message.contains("'w'") && message.contains("needs 12"), message);
    }

    @Test
    void refusesBadJsonUnknownDtypesGapsAndTrailingBytes() throws IOException {
        assertTrue(messageOf(craft("{\"w\": [1, 2", 0)).contains("not valid JSON"));
        assertTrue(messageOf(craft("{\"w\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1))
                .contains("unsupported dtype 'Q4'"));
        assertTrue(messageOf(craft("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2))
                .contains("gap of 1 bytes before tensor 'w'"));
        assertTrue(messageOf(craft("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 5))
                .contains("4 bytes after the last tensor"));
        assertTrue(messageOf(craft("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)).contains("not valid JSON"));
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.safetensors");
        assertTrue(messageOf(missing).contains("no such file"));
    }

    @Test
    void halfFloatConversionsRoundTripRepresentableValues() {
        for (float f : new float[]{0f, -0f, 1f, -1.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 0.333251953125f}) {
            assertEquals(f, HalfFloats.f16ToF32(HalfFloats.f32ToF16(f)), 0f, "f16 " + f);
        }
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.f16ToF32(HalfFloats.f32ToF16(1e6f)));
        for (float f : new float[]{0f, 1f, -2.5f, 3.0e38f, 1.0e-30f}) {
            float back = HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(f));
            assertEquals(f, back, Math.abs(f) / 128, "bf16 " + f);
        }
    }
}
