package dev.vclip.weights;

import dev.vclip.weights.TorchSaveWriter.PickleBuilder;
import dev.vclip.weights.TorchSaveWriter.PickledObject;
import dev.vclip.weights.TorchSaveWriter.StateDict;
import dev.vclip.weights.pytorch.PytorchCheckpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vclip.weights.TorchSaveWriter.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pickles that would run code under Python's unpickler are refused, and nothing runs. */
class PytorchMaliciousPickleTest {

    @TempDir
    Path dir;

    /** The file the payloads would create if anything ran them. */
    private Path marker;

    @BeforeEach
    void chooseMarker() {
        marker = dir.resolve("pwned-" + System.nanoTime());
    }

    @AfterEach
    void markerWasNeverCreated() {
        assertFalse(Files.exists(marker), "a payload ran: " + marker + " exists");
    }

    private String refusal(byte[] pickle, String fileName) throws IOException {
        Path file = dir.resolve(fileName);
        new TorchSaveWriter().writeWithPickle(file, pickle);
        WeightsException e = assertThrows(WeightsException.class, () -> PytorchCheckpoint.open(file).close());
        assertTrue(e.getMessage().contains(fileName), e.getMessage());
        return e.getMessage();
    }

    /** {@code GLOBAL module name; (arg,); REDUCE; STOP} at protocol 2, as {@code __reduce__} exploits write it. */
    private static byte[] reduceCall(String module, String name, String argument) {
        PickleBuilder p = new PickleBuilder();
        p.op(PickleBuilder.PROTO).raw(2);
        p.op(PickleBuilder.GLOBAL).raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        p.unicode(argument).op(PickleBuilder.TUPLE1).op(PickleBuilder.REDUCE).op(PickleBuilder.STOP);
        return p.bytes();
    }

    @Test
    void posixSystemIsRefusedNamingTheGlobal() throws IOException {
        String message = refusal(reduceCall("posix", "system", "touch " + marker), "evil.pth");
        assertTrue(message.contains("refusing to load"), message);
        assertTrue(message.contains("'posix system'"), message);
        assertTrue(message.contains("only tensors, storages and dicts/lists/tuples are allowed"), message);
    }

    @Test
    void builtinsEvalIsRefused() throws IOException {
        String payload = "__import__('os').system('touch " + marker + "')";
        assertTrue(refusal(reduceCall("builtins", "eval", payload), "eval.bin").contains("'builtins eval'"));
    }

    @Test
    void python2GetattrIsRefused() throws IOException {
        assertTrue(refusal(reduceCall("__builtin__", "getattr", "x"), "getattr.pt").contains("'__builtin__ getattr'"));
    }

    @Test
    void stackGlobalAtProtocol4IsCheckedToo() throws IOException {
        PickleBuilder p = new PickleBuilder();
        p.op(PickleBuilder.PROTO).raw(4).op(PickleBuilder.FRAME).le64(60);
        p.op(PickleBuilder.SHORT_BINUNICODE).raw(10).raw("subprocess".getBytes(StandardCharsets.US_ASCII))
                .op(PickleBuilder.MEMOIZE);
        p.op(PickleBuilder.SHORT_BINUNICODE).raw(5).raw("Popen".getBytes(StandardCharsets.US_ASCII))
                .op(PickleBuilder.MEMOIZE);
        p.op(PickleBuilder.STACK_GLOBAL).op(PickleBuilder.MEMOIZE);
        p.op(PickleBuilder.EMPTY_LIST).unicode("touch").op(PickleBuilder.APPEND).unicode(marker.toString())
                .op(PickleBuilder.APPEND).op(PickleBuilder.TUPLE1).op(PickleBuilder.REDUCE).op(PickleBuilder.STOP);
        assertTrue(refusal(p.bytes(), "popen.pth").contains("'subprocess Popen'"));
    }

    @Test
    void instOpcodeIsCheckedToo() throws IOException {
        PickleBuilder p = new PickleBuilder();
        p.op(PickleBuilder.PROTO).raw(2).op(PickleBuilder.MARK).unicode("touch " + marker);
        p.op(PickleBuilder.INST).raw("os\nsystem\n".getBytes(StandardCharsets.US_ASCII)).op(PickleBuilder.STOP);
        assertTrue(refusal(p.bytes(), "inst.pth").contains("'os system'"));
    }

    @Test
    void payloadHiddenAfterRealTensorsIsRefused() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        byte[] honest = w.pickle(new StateDict(Map.of("w", w.contiguous(DType.F32, new long[] {1}, f32(1)))));
        // The honest state dict, then (instead of its STOP) a call of posix.system and a new STOP.
        byte[] evil = reduceCall("posix", "system", "touch " + marker);
        byte[] combined = new byte[honest.length - 1 + evil.length - 2];
        System.arraycopy(honest, 0, combined, 0, honest.length - 1); // drop STOP
        System.arraycopy(evil, 2, combined, honest.length - 1, evil.length - 2); // drop PROTO 2
        assertTrue(refusal(combined, "hidden.pth").contains("'posix system'"));
    }

    @Test
    void newobjOfAnUnknownClassIsRefused() throws IOException {
        TorchSaveWriter w = new TorchSaveWriter();
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("model", new StateDict(Map.of("w", w.contiguous(DType.F32, new long[] {1}, f32(1)))));
        checkpoint.put("trainer", new PickledObject("pytorch_lightning.trainer", "Trainer", Map.of(), Map.of()));
        Path file = dir.resolve("lightning.ckpt");
        w.write(file, checkpoint);
        WeightsException e = assertThrows(WeightsException.class, () -> PytorchCheckpoint.open(file).close());
        assertTrue(e.getMessage().contains("'pytorch_lightning.trainer Trainer'"), e.getMessage());
    }

    @Test
    void storageTypeCannotBeCalled() throws IOException {
        PickleBuilder p = new PickleBuilder();
        p.op(PickleBuilder.PROTO).raw(2).global("torch", "FloatStorage").integer(10).op(PickleBuilder.TUPLE1)
                .op(PickleBuilder.REDUCE).op(PickleBuilder.STOP);
        assertTrue(refusal(p.bytes(), "call.pth").contains("type marker"));
    }

    @Test
    void trainingConfigClassIsReadOnlyWhenTheCallerAllowsIt() throws IOException {
        // X-CLIP / ViFi-CLIP save {'model': ..., 'config': yacs CfgNode, ...}; CfgNode is a dict subclass.
        TorchSaveWriter w = new TorchSaveWriter();
        Map<String, Object> cfgItems = new LinkedHashMap<>();
        cfgItems.put("ARCH", "ViT-B/32");
        cfgItems.put("NUM_FRAMES", 8L);
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("model", new StateDict(Map.of("visual.proj", w.contiguous(DType.F32, new long[] {1}, f32(1)))));
        checkpoint.put("config", new PickledObject("yacs.config", "CfgNode", cfgItems,
                Map.of("__immutable__", false, "__deprecated_keys__", List.of())));
        checkpoint.put("epoch", 29L);
        Path file = dir.resolve("k400_32_8.pth");
        w.write(file, checkpoint);

        WeightsException refused = assertThrows(WeightsException.class, () -> PytorchCheckpoint.open(file).close());
        assertTrue(refused.getMessage().contains("'yacs.config CfgNode'"), refused.getMessage());
        try (PytorchCheckpoint allowed = PytorchCheckpoint.open(file, Set.of("yacs.config.CfgNode"))) {
            assertEquals(List.of("visual.proj"), new ArrayList<>(allowed.names()));
        }
    }
}
