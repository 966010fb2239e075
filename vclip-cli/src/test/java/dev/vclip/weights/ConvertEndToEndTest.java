package dev.vclip.weights;

import dev.vclip.cli.Main;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.verify.ReferenceCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Original-layout checkpoints (made from the HF fixtures by an independent inverse) converted by {@code vclip convert}
 * or loaded as {@code pytorch_model.bin} must reproduce the reference outputs of the fixture.
 */
class ConvertEndToEndTest {

    @TempDir
    Path dir;

    private Path originalCheckpoint(String fixture) throws IOException {
        return OriginalLayout.writeOriginalCheckpoint(fixture, dir.resolve(fixture + ".pth"), Map.of());
    }

    private static int run(StringBuilder output, String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            return Main.run(args);
        } finally {
            System.setOut(oldOut);
            output.append(out.toString(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}: convert, then verify against the reference outputs")
    @ValueSource(strings = {"xclip-tiny-a", "clip-tiny-a"})
    void convertedCheckpointReproducesTheReferenceOutputs(String fixture) throws IOException {
        Path folder = OriginalLayout.fixtureFolder(fixture);
        Path out = dir.resolve("converted");
        StringBuilder log = new StringBuilder();
        // the tiny fixtures have 12-wide heads, which the shapes cannot tell (CLIP's rule is width / 64): give the config
        assertEquals(0, run(log, "convert", "--checkpoint", originalCheckpoint(fixture).toString(), "--out",
                out.toString(), "--config", folder.resolve("config.json").toString()), log.toString());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")) && Files.isRegularFile(out.resolve("config.json")));
        assertEquals(0, run(log, "verify", "--model", out.toString(), "--case",
                folder.resolve("case.safetensors").toString()), log.toString());
        assertTrue(log.toString().contains(" passed, 0 failed"), log.toString());
    }

    @ParameterizedTest(name = "an HF folder rewritten in {0}: half the bytes, every weight rounded to the nearest")
    @ValueSource(strings = {"float16", "bfloat16"})
    void aModelFolderConvertsToHalfPrecision(String dtype) throws IOException {
        Path folder = OriginalLayout.fixtureFolder("xclip-tiny-a");
        Path out = dir.resolve(dtype);
        StringBuilder log = new StringBuilder();
        assertEquals(0, run(log, "convert", "--checkpoint", folder.toString(), "--dtype", dtype, "--out",
                out.toString()), log.toString());
        DType target = dtype.equals("float16") ? DType.F16 : DType.BF16;
        try (SafeTensors original = SafeTensors.open(folder.resolve("model.safetensors"));
             SafeTensors half = SafeTensors.open(out.resolve("model.safetensors"))) {
            long originalBytes = 0;
            long halfBytes = 0;
            for (String name : half.names()) {
                StoredTensor h = half.get(name);
                StoredTensor o = original.get(name);
                assertEquals(o.dtype().isFloating() ? target : o.dtype(), h.dtype(), name);
                float[] a = o.toFloatArray();
                float[] b = h.toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    float expected = target == DType.F16 ? HalfFloats.f16ToF32(HalfFloats.f32ToF16(a[i]))
                            : HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(a[i]));
                    assertEquals(expected, b[i], 0f, name + "[" + i + "]");
                }
                originalBytes += o.byteSize();
                halfBytes += h.byteSize();
            }
            assertEquals(originalBytes / 2.0, halfBytes, originalBytes * 0.01, "float tensors take half the bytes");
        }
        try (VideoTextModel m = ModelFolder.load(out)) { // loads (widened to fp32) with the copied config
            assertEquals("xclip", m.config().modelType());
        }
        assertEquals(1, run(log, "convert", "--checkpoint", folder.toString(), "--dtype", "int8", "--out",
                dir.resolve("bad").toString()));
    }

    @Test
    void aFolderWithAnOriginalPytorchModelBinLoadsDirectly() throws IOException {
        Path folder = OriginalLayout.fixtureFolder("xclip-tiny-a");
        Path model = Files.createDirectories(dir.resolve("bin-model"));
        Files.copy(originalCheckpoint("xclip-tiny-a"), model.resolve("pytorch_model.bin"));
        Files.copy(folder.resolve("config.json"), model.resolve("config.json"));
        try (VideoTextModel m = ModelFolder.load(model);
             SafeTensors caseFile = SafeTensors.open(folder.resolve("case.safetensors"))) {
            ReferenceCheck.Report report = ReferenceCheck.run(m, caseFile);
            assertEquals(0, report.failed(), report.results().toString());
            assertTrue(report.passed() > 0, report.summary());
        }
    }

    @Test
    void aConfigThatCannotBeInferredIsExplainedAndNothingIsWritten() throws IOException {
        Path out = dir.resolve("inferred");
        StringBuilder log = new StringBuilder();
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = run(log, "convert", "--checkpoint", originalCheckpoint("clip-tiny-a").toString(), "--out",
                    out.toString());
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(1, exit);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("cannot infer the number of attention heads of the text tower (width 48"), message);
        assertTrue(message.contains("--config"), message);
        assertTrue(!Files.exists(out.resolve("model.safetensors")));
    }

    @Test
    void convertRefusesToWriteIntoAFolderWithFiles() throws IOException {
        Path out = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        StringBuilder log = new StringBuilder();
        assertEquals(1, run(log, "convert", "--checkpoint", originalCheckpoint("clip-tiny-a").toString(), "--out",
                out.toString()));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }
}
