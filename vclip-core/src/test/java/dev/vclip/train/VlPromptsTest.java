package dev.vclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.tokenizer.ClipTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ViFi-CLIP bridge-and-prompt: VL prompt parameters on a frozen CLIP. */
class VlPromptsTest {

    @TempDir
    Path dir;

    private static TrainConfig promptConfig() {
        return TrainConfig.defaults().withOpts(List.of("MODEL.TYPE", "clip", "MODEL.ARCH", "tiny",
                "DATA.NUM_FRAMES", "4", "DATA.INPUT_SIZE", "32", "TRAINER.ViFi_CLIP.PROMPT_MODEL", "true",
                "TRAINER.ViFi_CLIP.N_CTX_TEXT", "4", "TRAINER.ViFi_CLIP.N_CTX_VISION", "2",
                "TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT", "2", "TRAINER.ViFi_CLIP.PROMPT_DEPTH_VISION", "2", "SEED", "3"));
    }

    @Test
    void promptParametersAreAddedFrozenBackboneAndInitialisedAsVifiClip() {
        TrainConfig cfg = promptConfig();
        try (TrainableModel tm = ModelSetup.build(cfg, new ConfigPaths(cfg, null))) {
            assertEquals(List.of(VlPrompts.TEXT_EMBEDDINGS, "text_model.encoder.layers.1.prompt_ctx",
                    VlPrompts.VISION_EMBEDDINGS, "vision_model.encoder.layers.1.prompt_ctx"), tm.plan().trainableNames());
            assertEquals(new ai.djl.ndarray.types.Shape(4, 48), tm.master().get(VlPrompts.TEXT_EMBEDDINGS).getShape());
            assertEquals(new ai.djl.ndarray.types.Shape(2, 64), tm.master().get(VlPrompts.VISION_EMBEDDINGS).getShape());
            // CTX_INIT "a photo of a" with N_CTX_TEXT <= 4: the context starts as those words' token embeddings
            int[] ids = ClipTokenizer.openaiDefault().encode("a photo of a");
            float[] ctx = tm.master().get(VlPrompts.TEXT_EMBEDDINGS).toFloatArray();
            float[] table = tm.master().get("text_model.embeddings.token_embedding.weight").toFloatArray();
            for (int t = 0; t < 4; t++) {
                for (int j = 0; j < 48; j++) {
                    assertEquals(table[ids[t] * 48 + j], ctx[t * 48 + j], 0f);
                }
            }
            assertEquals("{}.", Evaluation.template(cfg, tm.config()));
        }
        assertThrows(dev.vclip.model.ConfigException.class, () -> VlPrompts.apply(VlPrompts.spec(cfg),
                TrainFixtures.tiny("xclip")));
        assertThrows(dev.vclip.model.ConfigException.class, () -> VlPrompts.spec(cfg.with(
                "TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT", "0")));
    }

    /** True when the model code reads the text context (the VL-prompt support in dev.vclip.model.Clip). */
    private static boolean modelReadsPrompts(TrainableModel tm) {
        try (NDManager m = tm.root().newSubManager()) {
            VideoTextModel model = tm.model();
            float[] before = model.textFeatures(List.of("growing."), m).toFloatArray();
            NDArray ctx = tm.master().get(VlPrompts.TEXT_EMBEDDINGS);
            float[] original = ctx.toFloatArray();
            float[] moved = original.clone();
            for (int i = 0; i < moved.length; i++) {
                moved[i] += 0.5f;
            }
            ctx.set(java.nio.FloatBuffer.wrap(moved));
            float[] after = model.textFeatures(List.of("growing."), m).toFloatArray();
            ctx.set(java.nio.FloatBuffer.wrap(original));
            return !java.util.Arrays.equals(before, after);
        }
    }

    @Test
    void onlyThePromptsTrainAndTheModelFolderKeepsThem() {
        TrainConfig cfg = promptConfig();
        List<String> texts = new ArrayList<>();
        TrainFixtures.CLASS_TEXTS.forEach(t -> texts.add(t + "."));
        try (TrainableModel tm = ModelSetup.build(cfg, new ConfigPaths(cfg, null));
             Trainer trainer = new Trainer(tm, new LossHead.Recognition(texts, true),
                     new LrSchedule(2e-2, 100, 0, 1, 1), new Trainer.Settings(1, 0, 0.001))) {
            MicroBatch batch = TrainFixtures.randomBatch(4, 2);
            if (!modelReadsPrompts(tm)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.step(List.of(batch)));
                assertTrue(e.getMessage().contains("VlPrompts"), e.getMessage());
                Assumptions.abort("this build's dev.vclip.model.Clip does not read VL prompts (see VlPrompts)");
            }
            Map<String, float[]> before = snapshot(tm);
            double first = trainer.step(List.of(batch)).loss();
            double last = first;
            for (int i = 0; i < 15; i++) {
                last = trainer.step(List.of(batch)).loss();
            }
            assertTrue(last < first, first + " -> " + last);
            Map<String, float[]> after = snapshot(tm);
            for (String name : before.keySet()) {
                boolean moved = !java.util.Arrays.equals(before.get(name), after.get(name));
                assertEquals(name.endsWith(ParameterPlan.PROMPT_SUFFIX), moved, name);
            }
            Path folder = dir.resolve("prompted");
            Checkpoints.saveModel(folder, tm.config(), tm.master(), null);
            try (VideoTextModel loaded = ModelFolder.load(folder);
                 NDManager m = tm.root().newSubManager()) {
                assertTrue(loaded.weights().contains(VlPrompts.TEXT_EMBEDDINGS));
                assertArrayEquals(tm.model().textFeatures(texts, m).toFloatArray(),
                        loaded.textFeatures(texts, m).toFloatArray(), 1e-6f);
                assertTrue(loaded.config().familyConfig(dev.vclip.model.Clip.Config.class).enabled(),
                        "the folder's config declares the prompts");
            }
        }
    }

    private static Map<String, float[]> snapshot(TrainableModel tm) {
        Map<String, float[]> out = new LinkedHashMap<>();
        tm.master().arrays().forEach((n, a) -> out.put(n, a.toFloatArray()));
        return out;
    }
}
