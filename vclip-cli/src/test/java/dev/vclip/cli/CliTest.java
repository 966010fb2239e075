package dev.vclip.cli;

import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end, on the fixture files copied into the project. */
class CliTest {

    @TempDir
    Path dir;

    static CliRun.Result run(String... args) {
        return CliRun.run(args);
    }

    static final String XCLIP = dev.vclip.TestResources.path("models/xclip-tiny-a").toString();

    @Test
    void verifyPrintsOneLinePerTensorAndPassesOnTheFixture() {
        CliRun.Result r = run("verify", "--model", XCLIP, "--case", XCLIP + "/case.safetensors");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("19 passed, 0 failed"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("vision_layer0_output") && l.contains("max|diff|")), r.out());
    }

    @Test
    void verifyFailsWhenAnOutputIsOffAndWhenAKnownOutputCannotBeComputed() throws Exception {
        List<StoredTensor> tensors = new ArrayList<>();
        try (SafeTensors st = SafeTensors.open(Path.of(XCLIP, "case.safetensors"))) {
            for (String name : st.names()) {
                if (name.equals("input_ids_eotpad")) {
                    continue; // text_features_eotpad can no longer be computed
                }
                StoredTensor t = st.get(name);
                ByteBuffer copy = ByteBuffer.allocateDirect((int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                copy.put(t.data().duplicate()).flip();
                if (name.equals("video_embeds")) {
                    copy.putFloat(0, copy.getFloat(0) + 0.01f); // past the 1e-4 tolerance
                }
                tensors.add(new StoredTensor(name, t.dtype(), t.shape(), copy));
            }
        }
        Path tampered = dir.resolve("tampered.safetensors");
        SafeTensors.write(tampered, tensors, Map.of());
        CliRun.Result r = run("verify", "--model", XCLIP, "--case", tampered.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL") && l.contains("video_embeds")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("NOT_COMPUTED") && l.contains("text_features_eotpad")), r.out());
    }

    static final String CLIP4CLIP = dev.vclip.TestResources.path("models/clip4clip-tiny-a").toString();

    @Test
    void verifyChecksEveryConfigurationOfAnOriginalRunFolder() {
        CliRun.Result r = run("verify", "--model", CLIP4CLIP, "--case", CLIP4CLIP + "/case.safetensors");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("24 passed, 0 failed"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ok") && l.contains("seqTransf/sim_logits")
                && l.contains("tol 1e-03")), r.out());
    }

    @Test
    void verifyFailsAGroupWhoseConfigurationTheFolderLacks() throws Exception {
        Path tampered = dir.resolve("case.safetensors");
        try (SafeTensors st = SafeTensors.open(Path.of(CLIP4CLIP, "case.safetensors"))) {
            List<StoredTensor> tensors = new ArrayList<>();
            for (String name : List.of("input_ids", "video", "video_mask", "meanP/sim_logits")) {
                tensors.add(st.get(name));
            }
            StoredTensor logits = st.get("meanP/sim_logits");
            tensors.add(new StoredTensor("seqMax/sim_logits", logits.dtype(), logits.shape(), logits.data()));
            SafeTensors.write(tampered, tensors, Map.of());
        }
        CliRun.Result r = run("verify", "--model", CLIP4CLIP, "--case", tampered.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("1 passed, 1 failed"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL") && l.contains("seqMax/sim_logits")
                && l.contains("no configuration 'seqMax'") && l.contains("meanP, seqLSTM, seqTransf, tightTransf")),
                r.out());
    }

    @Test
    void infoSelfChecksEveryConfigurationOfARunFolder() throws Exception {
        Path folder = dir.resolve("clip4clip");
        java.nio.file.Files.createDirectories(folder);
        for (String file : List.of("config.json", "cross_config.json", "pytorch_model.bin")) {
            java.nio.file.Files.copy(Path.of(CLIP4CLIP, file), folder.resolve(file));
        }
        java.nio.file.Files.copy(Path.of(CLIP4CLIP, "case.safetensors"), folder.resolve("reference.safetensors"));
        CliRun.Result r = run("info", "--model", folder.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("self-check 24 of 24 reference tensors match"), r.out());
    }

    @Test
    void badInputGivesAMessageAndExitCodeOne() {
        CliRun.Result r = run("verify", "--model", dir.toString(), "--case", "nope.safetensors");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("config.json"), r.err());
        CliRun.Result usage = run("verify", "--model");
        assertEquals(2, usage.exit());
    }

    @Test
    void infoDescribesAModelFolder() {
        CliRun.Result r = run("info", dev.vclip.TestResources.path("models/clip-tiny-a").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("CLIP (CLIPModel)") && r.out().contains("parameters"), r.out());
    }

    @Test
    void tokenizeVerifiesTheGoldenCases() {
        CliRun.Result r = run("tokenize", "--verify", dev.vclip.TestResources.path("tokenizer/cases.jsonl").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("407 passed, 0 failed"), r.out());
        CliRun.Result ids = run("tokenize", "a photo of a cat");
        assertTrue(ids.out().contains("[49406, 320, 1125, 539, 320, 2368, 49407]"), ids.out());
    }

    @Test
    void preprocessVerifiesTheGoldenFrames() {
        CliRun.Result r = run("preprocess", "--verify", dev.vclip.TestResources.path("processor/frames.safetensors").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("32 passed, 0 failed"), r.out());
    }
}
