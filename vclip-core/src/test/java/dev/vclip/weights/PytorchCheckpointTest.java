package dev.vclip.weights;

import dev.vclip.weights.TorchSaveWriter.PickleBuilder;
import dev.vclip.weights.TorchSaveWriter.PickledObject;
import dev.vclip.weights.TorchSaveWriter.StateDict;
import dev.vclip.weights.TorchSaveWriter.TensorRef;
import dev.vclip.weights.pytorch.PytorchCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.vclip.weights.TorchSaveWriter.f32;
import static dev.vclip.weights.TorchSaveWriter.i16;
import static dev.vclip.weights.TorchSaveWriter.i64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PytorchCheckpointTest {

    @TempDir
    Path dir;

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static byte[] bytesOf(StoredTensor tensor) {
        ByteBuffer data = tensor.data().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return bytes;
    }

    private static String messageOf(Path file) {
        return assertThrows(WeightsException.class, () -> PytorchCheckpoint.open(file).close()).getMessage();
    }

    @Test
    void everyDtypeRoundTripsWithExactBytes() throws IOException {
        float[] floats = {1.5f, -2.25f, 3e-8f, Float.MAX_VALUE, -0.0f, Float.NaN};
        short[] halves = new short[floats.length];
        short[] bfloats = new short[floats.length];
        for (int i = 0; i < floats.length; i++) {
            halves[i] = HalfFloats.f32ToF16(floats[i]);
            bfloats[i] = HalfFloats.f32ToBf16(floats[i]);
        }
        long[] longs = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1234567890123L, 300};
        TorchSaveWriter w = new TorchSaveWriter();
        TensorRef f32 = w.contiguous(DType.F32, new long[] {2, 3}, f32(floats));
        TensorRef f16 = w.contiguous(DType.F16, new long[] {6}, i16(halves));
        TensorRef bf16 = w.contiguous(DType.BF16, new long[] {3, 2}, i16(bfloats));
        TensorRef i64 = w.contiguous(DType.I64, new long[] {6}, i64(longs));
        TensorRef bool = w.contiguous(DType.BOOL, new long[] {3}, new byte[] {1, 0, 1});
        TensorRef scalar = w.contiguous(DType.F32, new long[] {}, f32(2.6592f));
        Path file = dir.resolve("pytorch_model.bin");
        w.write(file, new StateDict(ordered("w.f32", f32, "w.f16", f16, "w.bf16", bf16, "buf.i64", i64,
                "mask", bool, "logit_scale", scalar)));

        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            StoredTensor a = checkpoint.get("w.f32");
            assertEquals(DType.F32, a.dtype());
            assertArrayEquals(new long[] {2, 3}, a.shape());
            assertArrayEquals(f32(floats), bytesOf(a));
            assertArrayEquals(i16(halves), bytesOf(checkpoint.get("w.f16")));
            assertEquals(DType.F16, checkpoint.get("w.f16").dtype());
            assertArrayEquals(i16(bfloats), bytesOf(checkpoint.get("w.bf16")));
            assertEquals(DType.BF16, checkpoint.get("w.bf16").dtype());
            assertArrayEquals(new long[] {3, 2}, checkpoint.get("w.bf16").shape());
            assertArrayEquals(longs, checkpoint.get("buf.i64").toLongArray());
            assertArrayEquals(new long[] {1, 0, 1}, checkpoint.get("mask").toLongArray());
            assertEquals(DType.BOOL, checkpoint.get("mask").dtype());
            StoredTensor zeroD = checkpoint.get("logit_scale");
            assertArrayEquals(new long[] {}, zeroD.shape());
            assertArrayEquals(new float[] {2.6592f}, zeroD.toFloatArray());
            assertEquals("torch.save", checkpoint.metadata().get("pytorch.format"));
            assertEquals("3", checkpoint.metadata().get("pytorch.version"));
        }
    }

    @Test
    void parametersPlainDataAndTorchHelpersAroundTensorsAreAccepted() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        String key = w.storage(DType.F32, f32(1, 2));
        PickleBuilder p = new PickleBuilder();
        p.op(PickleBuilder.PROTO).raw(2).op(PickleBuilder.EMPTY_DICT).op(PickleBuilder.MARK);
        // "param": _rebuild_parameter(<tensor>, True, OrderedDict())   (nn.Parameter.__reduce_ex__)
        p.unicode("param").global("torch._utils", "_rebuild_parameter");
        tensorCall(p, key, 0);
        p.op(PickleBuilder.NEWTRUE).global("collections", "OrderedDict").op(PickleBuilder.EMPTY_TUPLE)
                .op(PickleBuilder.REDUCE).op(PickleBuilder.TUPLE3).op(PickleBuilder.REDUCE);
        // "sub": _rebuild_from_type_v2(_rebuild_tensor_v2, torch.Tensor, <args>, {})   (tensors with Python state)
        p.unicode("sub").global("torch._tensor", "_rebuild_from_type_v2").op(PickleBuilder.MARK)
                .global("torch._utils", "_rebuild_tensor_v2").global("torch", "Tensor");
        tensorArgs(p, key, 1);
        p.op(PickleBuilder.EMPTY_DICT).op(PickleBuilder.TUPLE).op(PickleBuilder.REDUCE);
        // plain data torch.save may meet: bytes at protocol 2, a device, a Size, a set, a big int, a float
        p.unicode("blob").global("_codecs", "encode").unicode("\u00ff\u0001").unicode("latin1")
                .op(PickleBuilder.TUPLE2).op(PickleBuilder.REDUCE);
        p.unicode("device").global("torch", "device").unicode("cuda").integer(0).op(PickleBuilder.TUPLE2)
                .op(PickleBuilder.REDUCE);
        p.unicode("size").global("torch", "Size").tuple(new long[] {2, 3}).op(PickleBuilder.TUPLE1)
                .op(PickleBuilder.REDUCE);
        p.unicode("tags").global("__builtin__", "set").op(PickleBuilder.EMPTY_LIST).unicode("a")
                .op(PickleBuilder.APPEND).op(PickleBuilder.TUPLE1).op(PickleBuilder.REDUCE);
        p.unicode("steps").integer(1L << 40).unicode("lr").op(PickleBuilder.BINFLOAT).bigEndianDouble(0.5);
        p.op(PickleBuilder.SETITEMS).op(PickleBuilder.STOP);
        Path file = dir.resolve("mixed.pth");
        w.writeWithPickle(file, p.bytes());

        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertEquals(List.of("param", "sub"), new ArrayList<>(checkpoint.names()));
            assertArrayEquals(new float[] {1}, checkpoint.get("param").toFloatArray());
            assertArrayEquals(new float[] {2}, checkpoint.get("sub").toFloatArray());
        }
    }

    /** {@code _rebuild_tensor_v2(<args>)} for a 1-element F32 view at {@code offset}. */
    private static void tensorCall(PickleBuilder p, String key, long offset) {
        p.global("torch._utils", "_rebuild_tensor_v2");
        tensorArgs(p, key, offset);
        p.op(PickleBuilder.REDUCE);
    }

    /** The argument tuple of {@code _rebuild_tensor_v2} for a 1-element F32 view of storage {@code key}. */
    private static void tensorArgs(PickleBuilder p, String key, long offset) {
        p.op(PickleBuilder.MARK);
        p.op(PickleBuilder.MARK).unicode("storage").global("torch", "FloatStorage").unicode(key).unicode("cpu")
                .integer(2).op(PickleBuilder.TUPLE).op(PickleBuilder.BINPERSID);
        p.integer(offset).tuple(new long[] {1}).tuple(new long[] {1}).op(PickleBuilder.NEWFALSE)
                .global("collections", "OrderedDict").op(PickleBuilder.EMPTY_TUPLE).op(PickleBuilder.REDUCE);
        p.op(PickleBuilder.TUPLE);
    }

    @Test
    void transposedViewIsReadInLogicalOrder() throws IOException {
        // base = arange(6).view(2, 3); t = base.T: size (3, 2), stride (1, 3)
        TorchSaveWriter w = new TorchSaveWriter();
        String storage = w.storage(DType.F32, f32(0, 1, 2, 3, 4, 5));
        Path file = dir.resolve("t.pth");
        w.write(file, new StateDict(ordered(
                "base", new TensorRef(storage, 0, new long[] {2, 3}, new long[] {3, 1}),
                "transposed", new TensorRef(storage, 0, new long[] {3, 2}, new long[] {1, 3}))));

        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, checkpoint.get("base").toFloatArray());
            StoredTensor t = checkpoint.get("transposed");
            assertArrayEquals(new long[] {3, 2}, t.shape());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
        }
    }

    @Test
    void slicesWithStorageOffsetAreReadRight() throws IOException {
        // base = arange(12).view(3, 4); rows = base[1:] (offset 4, contiguous); cols = base[:, 1:3] (offset 1, stride (4, 1))
        float[] values = new float[12];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        TorchSaveWriter w = new TorchSaveWriter();
        String storage = w.storage(DType.F32, f32(values));
        Path file = dir.resolve("slices.pt");
        w.write(file, new StateDict(ordered(
                "rows", new TensorRef(storage, 4, new long[] {2, 4}, new long[] {4, 1}),
                "cols", new TensorRef(storage, 1, new long[] {3, 2}, new long[] {4, 1}),
                "element", new TensorRef(storage, 11, new long[] {}, new long[] {}),
                "empty", new TensorRef(storage, 12, new long[] {0, 4}, new long[] {4, 1}))));

        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 10, 11}, checkpoint.get("rows").toFloatArray());
            assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, checkpoint.get("cols").toFloatArray());
            assertArrayEquals(new float[] {11}, checkpoint.get("element").toFloatArray());
            assertEquals(0, checkpoint.get("empty").byteSize());
        }
    }

    @Test
    void namesKeepFileOrder() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        List<String> names = List.of("z.weight", "a.bias", "m.layers.10.w", "m.layers.2.w", "b");
        Map<String, Object> sd = new LinkedHashMap<>();
        for (String name : names) {
            sd.put(name, w.contiguous(DType.F32, new long[] {1}, f32(name.length())));
        }
        Path file = dir.resolve("order.bin");
        w.write(file, new StateDict(sd));

        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertEquals(names, new ArrayList<>(checkpoint.names()));
        }
    }

    @Test
    void trainingCheckpointExposesTheModelStateDict() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        TensorRef weight = w.contiguous(DType.F32, new long[] {2}, f32(1, 2));
        TensorRef momentum = w.contiguous(DType.F32, new long[] {2}, f32(9, 9));
        Map<String, Object> optimizer = ordered(
                "state", ordered("0", ordered("momentum_buffer", momentum)),
                "param_groups", List.of(ordered("lr", 0.1, "params", List.of(0L))));
        Path file = dir.resolve("ckpt_epoch_3.pth");
        w.write(file, ordered("model", new StateDict(ordered("visual.proj", weight)), "optimizer", optimizer,
                "epoch", 3L, "max_accuracy", 81.5));

        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertEquals(List.of("visual.proj"), new ArrayList<>(checkpoint.names()));
            assertEquals("model", checkpoint.metadata().get("pytorch.state_dict_key"));
            assertArrayEquals(new float[] {1, 2}, checkpoint.get("visual.proj").toFloatArray());
        }
    }

    @Test
    void nestedDictsOfTensorsAreFlattenedWithDots() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        TensorRef a = w.contiguous(DType.F32, new long[] {1}, f32(1));
        TensorRef b = w.contiguous(DType.F32, new long[] {1}, f32(2));
        Path file = dir.resolve("nested.pth");
        Map<String, Object> stateDict = ordered("encoder", ordered("layer", ordered("weight", a)), "bias", b);
        w.write(file, ordered("state_dict", stateDict, "hyper_parameters", ordered("lr", 0.001)));

        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertEquals(List.of("encoder.layer.weight", "bias"), new ArrayList<>(checkpoint.names()));
            assertEquals("state_dict", checkpoint.metadata().get("pytorch.state_dict_key"));
        }
    }

    @Test
    void theOnlyEntryHoldingTensorsIsUsed() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        Path file = dir.resolve("ema.pth");
        w.write(file, ordered("ema_weights", new StateDict(ordered("w", w.contiguous(DType.F32, new long[] {1}, f32(5)))),
                "step", 1000L));
        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertEquals(List.of("w"), new ArrayList<>(checkpoint.names()));
        }
    }

    @Test
    void severalUnnamedTensorEntriesAreAmbiguous() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        Path file = dir.resolve("two.pth");
        w.write(file, ordered("student", ordered("w", w.contiguous(DType.F32, new long[] {1}, f32(1))),
                "teacher", ordered("w", w.contiguous(DType.F32, new long[] {1}, f32(2)))));
        String message = messageOf(file);
        assertTrue(message.contains("student") && message.contains("teacher"), message);
    }

    @Test
    void archivePrefixIsLookedUpNotAssumed() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter().prefix("my_model");
        Path file = dir.resolve("my_model.pt");
        w.write(file, new StateDict(ordered("w", w.contiguous(DType.F32, new long[] {2}, f32(3, 4)))));
        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertEquals("my_model", checkpoint.metadata().get("pytorch.archive_prefix"));
            assertArrayEquals(new float[] {3, 4}, checkpoint.get("w").toFloatArray());
        }
    }

    @Test
    void compressedStorageEntriesAreInflated() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter().deflateStorages(true);
        float[] values = new float[1000];
        Arrays.fill(values, 0.25f);
        values[999] = 7f;
        String storage = w.storage(DType.F32, f32(values));
        Path file = dir.resolve("deflated.pth");
        w.write(file, new StateDict(ordered(
                "w", new TensorRef(storage, 0, new long[] {10, 100}, new long[] {100, 1}),
                "wT", new TensorRef(storage, 0, new long[] {100, 10}, new long[] {1, 100}))));
        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertArrayEquals(values, checkpoint.get("w").toFloatArray());
            assertEquals(7f, checkpoint.get("wT").toFloatArray()[999]);
        }
    }

    @Test
    void zip64ArchivesAreRead() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter().zip64(true);
        Path file = dir.resolve("zip64.pth");
        w.write(file, new StateDict(ordered("w", w.contiguous(DType.F32, new long[] {3}, f32(1, 2, 3)))));
        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertArrayEquals(new float[] {1, 2, 3}, checkpoint.get("w").toFloatArray());
        }
    }

    @Test
    void torchScriptModuleTreeIsWalkedThroughItsAttributes() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter().extraEntry("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        TensorRef proj = w.contiguous(DType.F16, new long[] {2, 2}, i16((short) 1, (short) 2, (short) 3, (short) 4));
        TensorRef scale = w.contiguous(DType.F32, new long[] {}, f32(4.6f));
        PickledObject visual = new PickledObject("__torch__.model", "VisionTransformer", Map.of(),
                ordered("training", false, "proj", proj));
        PickledObject model = new PickledObject("__torch__.model", "CLIP", Map.of(),
                ordered("training", false, "visual", visual, "logit_scale", scale, "input_resolution", 224L));
        Path file = dir.resolve("ViT-B-32.pt");
        w.write(file, model);
        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            assertEquals(List.of("visual.proj", "logit_scale"), new ArrayList<>(checkpoint.names()));
            assertEquals("torchscript", checkpoint.metadata().get("pytorch.format"));
        }
    }

    @Test
    void storageOffsetPastTheEntryIsRefusedNamingTheTensor() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        String storage = w.storage(DType.F32, f32(1, 2, 3, 4));
        Path file = dir.resolve("bad_offset.pth");
        w.write(file, new StateDict(ordered(
                "fine", new TensorRef(storage, 0, new long[] {4}, new long[] {1}),
                "encoder.too_far", new TensorRef(storage, 3, new long[] {2}, new long[] {1}))));
        String message = messageOf(file);
        assertTrue(message.contains("encoder.too_far"), message);
        assertTrue(message.contains("bad_offset.pth"), message);
        assertTrue(message.contains("storage offset 3"), message);
    }

    @Test
    void strideReachingPastTheStorageIsRefused() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        String storage = w.storage(DType.F32, f32(1, 2, 3, 4));
        Path file = dir.resolve("bad_stride.pth");
        w.write(file, new StateDict(ordered("w", new TensorRef(storage, 0, new long[] {2, 2}, new long[] {3, 1}))));
        assertTrue(messageOf(file).contains("'w'"));
    }

    @Test
    void truncatedZipIsRefusedClearly() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        Path whole = dir.resolve("whole.pth");
        w.write(whole, new StateDict(ordered("w", w.contiguous(DType.F32, new long[] {64}, f32(new float[64])))));
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = dir.resolve("truncated.pth");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        String message = messageOf(truncated);
        assertTrue(message.contains("truncated.pth") && message.contains("truncated"), message);
    }

    @Test
    void legacyFormatIsRefusedWithHowToResave() throws IOException {
        // torch.save(..., _use_new_zipfile_serialization=False) starts with the pickled magic number 0x1950a86a20f9469cfc6c
        byte[] legacy = {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20,
                0x6a, (byte) 0xa8, 0x50, 0x19, '.'};
        Path file = dir.resolve("old.pth");
        Files.write(file, legacy);
        String message = messageOf(file);
        assertTrue(message.contains("legacy") && message.contains("1.6") && message.contains("torch.save"), message);
    }

    @Test
    void otherFilesAreNotCheckpoints() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello, this is not a checkpoint");
        assertTrue(messageOf(file).contains("not a PyTorch checkpoint"));
        Path tiny = dir.resolve("tiny.bin");
        Files.write(tiny, new byte[] {1});
        assertTrue(messageOf(tiny).contains("too few"));
    }

    @Test
    void unknownOpcodeIsRefusedNamingByteAndOffset() throws IOException {
        Path file = dir.resolve("odd.pth");
        new TorchSaveWriter().writeWithPickle(file, new byte[] {(byte) 0x80, 2, (byte) 0xff, '.'});
        String message = messageOf(file);
        assertTrue(message.contains("0xff") && message.contains("offset 2"), message);

        Path textInt = dir.resolve("text.pth");
        new TorchSaveWriter().writeWithPickle(textInt, "I42\n.".getBytes(StandardCharsets.US_ASCII));
        String textMessage = messageOf(textInt);
        assertTrue(textMessage.contains("0x49") && textMessage.contains("INT") && textMessage.contains("offset 0"),
                textMessage);
    }

    @Test
    void truncatedPickleIsRefused() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        byte[] pickle = w.pickle(new StateDict(ordered("w", w.contiguous(DType.F32, new long[] {1}, f32(1)))));
        Path file = dir.resolve("cut.pth");
        w.writeWithPickle(file, Arrays.copyOf(pickle, pickle.length - 5));
        assertTrue(messageOf(file).contains("truncated"));
    }

    @Test
    void bigEndianArchivesAreRefused() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter().byteOrder("big");
        Path file = dir.resolve("s390x.pth");
        w.write(file, new StateDict(ordered("w", w.contiguous(DType.F32, new long[] {1}, f32(1)))));
        assertTrue(messageOf(file).contains("big"));
    }

    @Test
    void unsupportedStorageTypeIsRefusedNamingTheTensor() throws IOException {
        PickleBuilder p = new PickleBuilder();
        p.op(PickleBuilder.PROTO).raw(2).op(PickleBuilder.EMPTY_DICT).op(PickleBuilder.MARK).unicode("spectrum");
        p.global("torch._utils", "_rebuild_tensor_v2").op(PickleBuilder.MARK);
        p.op(PickleBuilder.MARK).unicode("storage").global("torch", "ComplexFloatStorage").unicode("0").unicode("cpu")
                .integer(1).op(PickleBuilder.TUPLE).op(PickleBuilder.BINPERSID);
        p.integer(0).tuple(new long[] {1}).tuple(new long[] {1}).op(PickleBuilder.NEWFALSE).op(PickleBuilder.EMPTY_DICT)
                .op(PickleBuilder.TUPLE).op(PickleBuilder.REDUCE).op(PickleBuilder.SETITEMS).op(PickleBuilder.STOP);
        TorchSaveWriter w = new TorchSaveWriter();
        w.storage(DType.F32, f32(0, 0));
        Path file = dir.resolve("complex.pth");
        w.writeWithPickle(file, p.bytes());
        String message = messageOf(file);
        assertTrue(message.contains("spectrum") && message.contains("ComplexFloatStorage"), message);
    }

    @Test
    void missingStorageEntryIsRefused() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        byte[] pickle = w.pickle(new StateDict(ordered("w", w.contiguous(DType.F32, new long[] {1}, f32(1)))));
        Path file = dir.resolve("nodata.pth");
        new TorchSaveWriter().writeWithPickle(file, pickle); // a writer without the storage
        String message = messageOf(file);
        assertTrue(message.contains("'w'") && message.contains("archive/data/0"), message);
    }

    @Test
    void absentTensorIsReportedWithTheFile() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        Path file = dir.resolve("one.pth");
        w.write(file, new StateDict(ordered("w", w.contiguous(DType.F32, new long[] {1}, f32(1)))));
        try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
            WeightsException e = assertThrows(WeightsException.class, () -> checkpoint.get("nope"));
            assertTrue(e.getMessage().contains("one.pth") && e.getMessage().contains("nope"));
        }
    }

    @Test
    void missingFileIsReported() {
        assertTrue(messageOf(dir.resolve("absent.pth")).contains("absent.pth"));
    }
}
