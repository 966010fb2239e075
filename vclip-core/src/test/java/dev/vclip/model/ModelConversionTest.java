package dev.vclip.model;

import dev.vclip.VclipException;
import dev.vclip.weights.DType;
import dev.vclip.weights.OriginalLayout;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip convert} as one library call: what it writes and what it reports. */
class ModelConversionTest {

    @TempDir
    Path dir;

    private static StoredTensor i64(String name, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        return new StoredTensor(name, DType.I64, new long[0], b);
    }

    @Test
    void anOriginalCheckpointBecomesAModelFolderWithTheFixtureWeightsAndReportsWhatItLeftOut() throws IOException {
        Path fixture = OriginalLayout.fixtureFolder("clip-tiny-a");
        Path checkpoint = OriginalLayout.writeOriginalCheckpoint("clip-tiny-a", dir.resolve("clip.pth"),
                Map.of("input_resolution", i64("input_resolution", 32), "mystery.weight", i64("mystery.weight", 1)));
        Path out = dir.resolve("converted");
        List<String> warnings = new ArrayList<>();
        // the tiny fixture has 12-wide heads, which the shapes cannot tell: give its config
        ModelConversion.Result r = ModelConversion.convert(
                ModelConversion.Options.of(checkpoint, out).withConfig(fixture.resolve("config.json")), warnings::add);

        assertEquals("OPENAI_CLIP", r.layout());
        assertFalse(r.fromFolder());
        assertEquals("clip", r.modelType());
        assertEquals(List.of("mystery.weight"), r.unmapped());
        assertEquals(List.of("input_resolution"), r.dropped());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("mystery.weight"), warnings.get(0));
        assertNull(r.dtype());
        assertTrue(Files.isRegularFile(out.resolve("conversion.json")));
        try (SafeTensors expected = SafeTensors.open(fixture.resolve("model.safetensors"));
             SafeTensors written = SafeTensors.open(r.weightsFile())) {
            assertEquals(expected.names(), written.names());
            assertEquals(expected.names().size(), r.parameters());
            for (String name : expected.names()) {
                assertArrayEquals(expected.get(name).toFloatArray(), written.get(name).toFloatArray(), 0f, name);
            }
        }
        try (VideoTextModel model = ModelFolder.load(out)) {
            assertEquals(ModelConfig.read(fixture.resolve("config.json")), model.config());
        }
    }

    @Test
    void aModelFolderIsRewrittenInHalfPrecisionWithItsTokenizerFiles() throws IOException {
        Path source = Files.createDirectories(dir.resolve("source"));
        Path fixture = OriginalLayout.fixtureFolder("xclip-tiny-a");
        for (String name : List.of("config.json", "model.safetensors")) {
            Files.copy(fixture.resolve(name), source.resolve(name));
        }
        Files.writeString(source.resolve("preprocessor_config.json"), "{}");
        ModelConversion.Result r = ModelConversion.convert(
                ModelConversion.Options.of(source, dir.resolve("half")).withDtype(DType.F16));
        assertTrue(r.fromFolder());
        assertEquals(DType.F16, r.dtype());
        assertEquals(List.of("preprocessor_config.json"), r.copied());
        try (SafeTensors half = SafeTensors.open(r.weightsFile())) {
            assertEquals(r.parameters(), half.names().size());
            assertTrue(half.names().stream().allMatch(n -> half.get(n).dtype() == DType.F16));
        }
    }

    @Test
    void aFolderWithFilesIsRefusedUnlessForcedAndAFailedCheckWritesNothing() throws IOException {
        Path fixture = OriginalLayout.fixtureFolder("clip-tiny-a");
        Path checkpoint = OriginalLayout.writeOriginalCheckpoint("clip-tiny-a", dir.resolve("clip.pth"), Map.of());
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("keep.txt"), "mine");
        ModelConversion.Options options = ModelConversion.Options.of(checkpoint, busy)
                .withConfig(fixture.resolve("config.json"));
        VclipException refused = assertThrows(VclipException.class, () -> ModelConversion.convert(options));
        assertTrue(refused.getMessage().contains("not empty"), refused.getMessage());
        assertEquals(List.of("keep.txt"), List.of(busy.toFile().list()));

        ModelConversion.convert(options.withForce(true));
        assertTrue(Files.isRegularFile(busy.resolve("model.safetensors")));

        // the tiny widths are not multiples of 64: no config can be inferred, and nothing is written
        Path inferred = dir.resolve("inferred");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ModelConversion.convert(ModelConversion.Options.of(checkpoint, inferred)));
        assertTrue(e.getMessage().contains("attention heads"), e.getMessage());
        assertFalse(Files.exists(inferred));
    }
}
