package dev.vclip.train;

import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelFolder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterPlanTest {

    private static final Map<String, long[]> XCLIP = ModelFolder.parameterShapes(TrainFixtures.tiny("xclip"));
    private static final Map<String, long[]> CLIP = ModelFolder.parameterShapes(TrainFixtures.tiny("clip"));
    private static final dev.vclip.model.ModelFamily XCLIP_FAMILY = dev.vclip.model.ModelFamilies.require("xclip");
    private static final dev.vclip.model.ModelFamily CLIP_FAMILY = dev.vclip.model.ModelFamilies.require("clip");

    @Test
    void noDecayForNormsBiasesEmbeddingsAndScalars() {
        ParameterPlan plan = ParameterPlan.of(XCLIP, XCLIP_FAMILY, TrainConfig.defaults().with("MODEL.FIX_TEXT", "false"));
        List<String> noDecay = List.of("vision_model.encoder.layers.0.layer_norm1.weight",
                "vision_model.encoder.layers.0.layer_norm1.bias", "vision_model.encoder.layers.0.self_attn.q_proj.bias",
                "vision_model.embeddings.class_embedding", "vision_model.embeddings.position_embedding.weight",
                "text_model.embeddings.position_embedding.weight", "text_model.embeddings.token_embedding.weight",
                "mit.position_embedding", "logit_scale", "prompts_generator.alpha", "prompts_visual_layernorm.weight",
                "text_model.final_layer_norm.bias");
        for (String n : noDecay) {
            assertFalse(plan.get(n).decay(), n + " should not decay");
        }
        List<String> decay = List.of("vision_model.encoder.layers.0.self_attn.q_proj.weight",
                "vision_model.embeddings.patch_embedding.weight", "visual_projection.weight", "text_projection.weight",
                "mit.encoder.layers.0.mlp.fc1.weight", "prompts_visual_projection",
                "prompts_generator.decoder.0.cross_attn.q_proj.weight",
                "vision_model.encoder.layers.1.message_fc.weight");
        for (String n : decay) {
            assertTrue(plan.get(n).decay(), n + " should decay");
        }
    }

    @Test
    void newModulesGetTenTimesTheLearningRate() {
        ParameterPlan plan = ParameterPlan.of(XCLIP, XCLIP_FAMILY, TrainConfig.defaults());
        assertEquals(10, plan.get("mit.encoder.layers.0.mlp.fc1.weight").lrScale());
        assertEquals(10, plan.get("prompts_generator.alpha").lrScale());
        assertEquals(10, plan.get("prompts_visual_projection").lrScale());
        assertEquals(10, plan.get("vision_model.encoder.layers.0.message_attn.q_proj.weight").lrScale());
        assertEquals(1, plan.get("vision_model.encoder.layers.0.self_attn.q_proj.weight").lrScale());
        assertEquals(1, plan.get("visual_projection.weight").lrScale());
        ParameterPlan scaled = ParameterPlan.of(XCLIP, XCLIP_FAMILY, TrainConfig.defaults().with("TRAIN.NEW_MODULE_LR_SCALE", "3"));
        assertEquals(3, scaled.get("mit.position_embedding").lrScale());
        assertTrue(plan.groups().containsKey("decay, lr x10") && plan.groups().containsKey("no decay, lr x10")
                && plan.groups().containsKey("decay") && plan.groups().containsKey("no decay"), plan.groups().toString());
    }

    @Test
    void fixTextFreezesTheTextSideAsXclipDoes() {
        ParameterPlan plan = ParameterPlan.of(XCLIP, XCLIP_FAMILY, TrainConfig.defaults());
        assertFalse(plan.get("text_model.encoder.layers.0.mlp.fc1.weight").trainable());
        assertFalse(plan.get("text_projection.weight").trainable());
        assertFalse(plan.get("logit_scale").trainable());
        assertTrue(plan.get("vision_model.encoder.layers.0.mlp.fc1.weight").trainable());
        assertTrue(plan.get("visual_projection.weight").trainable());
        assertTrue(plan.get("mit.position_embedding").trainable());
        assertTrue(plan.get("prompts_generator.alpha").trainable());
        assertTrue(plan.get("prompts_visual_layernorm.bias").trainable());
    }

    @Test
    void vificlipUseSelectsTheTowers() {
        ParameterPlan both = ParameterPlan.of(CLIP, CLIP_FAMILY, TrainConfig.defaults());
        assertTrue(both.get("text_model.encoder.layers.0.mlp.fc1.weight").trainable());
        assertTrue(both.get("logit_scale").trainable());
        assertFalse(both.get("text_model.embeddings.token_embedding.weight").trainable());
        ParameterPlan image = ParameterPlan.of(CLIP, CLIP_FAMILY, TrainConfig.defaults().with("TRAINER.ViFi_CLIP.USE", "image"));
        assertTrue(image.get("vision_model.encoder.layers.0.mlp.fc1.weight").trainable());
        assertTrue(image.get("visual_projection.weight").trainable());
        assertFalse(image.get("text_projection.weight").trainable());
        assertFalse(image.get("logit_scale").trainable());
        ParameterPlan text = ParameterPlan.of(CLIP, CLIP_FAMILY, TrainConfig.defaults().with("TRAINER.ViFi_CLIP.USE", "text"));
        assertTrue(text.get("text_projection.weight").trainable());
        assertTrue(text.get("text_model.final_layer_norm.weight").trainable());
        assertFalse(text.get("vision_model.post_layernorm.weight").trainable());
    }

    @Test
    void freezePatternsAndTrainableGlobs() {
        TrainConfig cfg = TrainConfig.defaults().withOpts(List.of("MODEL.FIX_TEXT", "false",
                "TRAIN.FREEZE", "vision_model.encoder.layers.0.*,text_model.*"));
        ParameterPlan plan = ParameterPlan.of(XCLIP, XCLIP_FAMILY, cfg);
        assertFalse(plan.get("vision_model.encoder.layers.0.mlp.fc1.weight").trainable());
        assertTrue(plan.get("vision_model.encoder.layers.1.mlp.fc1.weight").trainable());
        assertFalse(plan.get("text_model.final_layer_norm.weight").trainable());
        assertTrue(plan.get("text_projection.weight").trainable());

        ParameterPlan only = ParameterPlan.of(XCLIP, XCLIP_FAMILY, TrainConfig.defaults().withOpts(
                List.of("TRAIN.TRAINABLE", "[mit.*, logit_scale]")));
        assertEquals(only.trainableNames().size(), only.trainableNames().stream()
                .filter(n -> n.startsWith("mit.") || n.equals("logit_scale")).count());
        assertTrue(only.get("logit_scale").trainable());

        ConfigException e = assertThrows(ConfigException.class, () -> ParameterPlan.of(XCLIP, XCLIP_FAMILY,
                TrainConfig.defaults().with("TRAIN.FREEZE", "vision.layers.*")));
        assertTrue(e.getMessage().contains("TRAIN.FREEZE") && e.getMessage().contains("vision.layers.*"),
                e.getMessage());
    }

    @Test
    void promptModelTrainsOnlyThePromptTokens() {
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>(CLIP);
        shapes.put(VlPrompts.TEXT_EMBEDDINGS, new long[]{4, 48});
        shapes.put(VlPrompts.VISION_EMBEDDINGS, new long[]{4, 64});
        ParameterPlan plan = ParameterPlan.of(shapes, CLIP_FAMILY, TrainConfig.defaults().with("TRAINER.ViFi_CLIP.PROMPT_MODEL",
                "true"));
        assertEquals(List.of(VlPrompts.TEXT_EMBEDDINGS, VlPrompts.VISION_EMBEDDINGS), plan.trainableNames());
        assertTrue(plan.get(VlPrompts.TEXT_EMBEDDINGS).decay()); // 2-D, no keyword: decayed, as in ViFi-CLIP
        assertEquals(1, plan.get(VlPrompts.TEXT_EMBEDDINGS).lrScale());
    }
    // ------------------------------------------------------------------------------------ CLIP4Clip's recipe

    private static final dev.vclip.model.ModelFamily C4C_FAMILY = dev.vclip.model.ModelFamilies.require("clip4clip");

    private static Map<String, long[]> clip4clip(String header) {
        return ModelFolder.parameterShapes(ModelPresets.config(TrainConfig.defaults().withOpts(List.of(
                "MODEL.TYPE", "clip4clip", "MODEL.ARCH", "tiny", "MODEL.SIM_HEADER", header,
                "MODEL.CROSS_NUM_HIDDEN_LAYERS", "1", "DATA.INPUT_SIZE", "32", "DATA.NUM_FRAMES", "4"))));
    }

    @Test
    void clip4clipGivesClipCoefLrAndTheHeaderTheLearningRate() {
        ParameterPlan plan = ParameterPlan.of(clip4clip("seqTransf"), C4C_FAMILY,
                TrainConfig.defaults().with("TRAIN.COEF_LR", "1e-3"));
        for (String clip : List.of("text_model.encoder.layers.0.mlp.fc1.weight", "text_model.final_layer_norm.weight",
                "vision_model.encoder.layers.1.self_attn.q_proj.bias", "vision_model.post_layernorm.bias",
                "visual_projection.weight", "text_projection.weight", "logit_scale")) {
            assertEquals(1e-3, plan.get(clip).lrScale(), clip);
        }
        for (String header : List.of("transformerClip.layers.0.mlp.fc1.weight",
                "transformerClip.layers.0.layer_norm1.weight", "frame_position_embeddings.weight")) {
            assertEquals(1, plan.get(header).lrScale(), header);
            assertTrue(plan.get(header).trainable(), header);
        }
        assertEquals(List.of("decay, lr x0.001", "no decay, lr x0.001", "decay", "no decay"),
                List.copyOf(plan.groups().keySet()), plan.groups().toString());

        ParameterPlan lstm = ParameterPlan.of(clip4clip("seqLSTM"), C4C_FAMILY, TrainConfig.defaults());
        assertEquals(1, lstm.get("lstm_visual.weight_ih_l0").lrScale());
        assertEquals(1, lstm.get("text_model.encoder.layers.0.mlp.fc1.weight").lrScale()); // COEF_LR defaults to 1
        ParameterPlan tight = ParameterPlan.of(clip4clip("tightTransf"), C4C_FAMILY,
                TrainConfig.defaults().with("TRAIN.COEF_LR", "0.1"));
        assertEquals(1, tight.get("cross.encoder.layers.0.mlp.fc1.weight").lrScale());
        assertEquals(1, tight.get("similarity_dense.weight").lrScale());
        assertEquals(0.1, tight.get("text_model.encoder.layers.0.mlp.fc1.weight").lrScale());
    }

    /** prep_optimizer's no_decay = ['bias', 'LayerNorm.bias', 'LayerNorm.weight']: no CLIP4Clip LayerNorm is so named. */
    @Test
    void clip4clipExemptsOnlyBiasesFromWeightDecay() {
        ParameterPlan plan = ParameterPlan.of(clip4clip("seqLSTM"), C4C_FAMILY,
                TrainConfig.defaults().with("MODEL.FREEZE_LAYER_NUM", "-1"));
        for (String bias : List.of("text_model.encoder.layers.0.self_attn.q_proj.bias",
                "text_model.final_layer_norm.bias", "vision_model.pre_layrnorm.bias", "lstm_visual.bias_ih_l0",
                "lstm_visual.bias_hh_l0")) {
            assertFalse(plan.get(bias).decay(), bias + " should not decay");
        }
        for (String decayed : List.of("text_model.encoder.layers.0.layer_norm1.weight",
                "vision_model.post_layernorm.weight", "text_model.embeddings.token_embedding.weight",
                "vision_model.embeddings.class_embedding", "logit_scale", "lstm_visual.weight_hh_l0",
                "frame_position_embeddings.weight", "visual_projection.weight")) {
            assertTrue(plan.get(decayed).decay(), decayed + " should decay");
        }
    }

    @Test
    void clip4clipFreezeLayerNumFreezesEmbeddingsAndLowerLayers() {
        Map<String, long[]> shapes = clip4clip("seqTransf");
        ParameterPlan zero = ParameterPlan.of(shapes, C4C_FAMILY, TrainConfig.defaults());
        for (String frozen : List.of("text_model.embeddings.token_embedding.weight",
                "text_model.embeddings.position_embedding.weight", "vision_model.embeddings.patch_embedding.weight",
                "vision_model.embeddings.class_embedding", "vision_model.embeddings.position_embedding.weight",
                "vision_model.pre_layrnorm.weight")) {
            assertFalse(zero.get(frozen).trainable(), frozen + " should be frozen");
        }
        for (String trains : List.of("text_model.encoder.layers.0.mlp.fc1.weight",
                "vision_model.encoder.layers.0.layer_norm1.bias", "text_model.final_layer_norm.weight",
                "vision_model.post_layernorm.weight", "visual_projection.weight", "text_projection.weight",
                "logit_scale", "transformerClip.layers.0.mlp.fc1.weight", "frame_position_embeddings.weight")) {
            assertTrue(zero.get(trains).trainable(), trains + " should train");
        }
        ParameterPlan one = ParameterPlan.of(shapes, C4C_FAMILY, TrainConfig.defaults().with("MODEL.FREEZE_LAYER_NUM", "1"));
        assertFalse(one.get("text_model.encoder.layers.0.mlp.fc1.weight").trainable());
        assertFalse(one.get("vision_model.encoder.layers.0.self_attn.k_proj.weight").trainable());
        assertTrue(one.get("text_model.encoder.layers.1.mlp.fc1.weight").trainable());
        assertTrue(one.get("transformerClip.layers.0.mlp.fc1.weight").trainable()); // the header always trains
        ParameterPlan none = ParameterPlan.of(shapes, C4C_FAMILY, TrainConfig.defaults().with("MODEL.FREEZE_LAYER_NUM", "-1"));
        assertEquals(shapes.size(), none.trainableNames().size());

        ConfigException e = assertThrows(ConfigException.class, () -> ParameterPlan.of(shapes, C4C_FAMILY,
                TrainConfig.defaults().with("MODEL.FREEZE_LAYER_NUM", "3")));
        assertTrue(e.getMessage().contains("key 'MODEL.FREEZE_LAYER_NUM' is 3 but the CLIP towers have 2 layers"),
                e.getMessage());
    }

    /** A recipe's own keys are errors under another recipe, so that a config never silently means nothing. */
    @Test
    void keysOfAnotherRecipeAreRejected() {
        ConfigException coef = assertThrows(ConfigException.class, () -> ParameterPlan.of(XCLIP, XCLIP_FAMILY,
                TrainConfig.defaults().withOpts(List.of("TRAIN.COEF_LR", "0.001"))));
        assertTrue(coef.getMessage().contains("--opts: key 'TRAIN.COEF_LR' is 0.001 but applies only to CLIP4Clip's "
                + "recipe, not to X-CLIP"), coef.getMessage());
        assertThrows(ConfigException.class, () -> ParameterPlan.of(CLIP, CLIP_FAMILY,
                TrainConfig.defaults().withOpts(List.of("MODEL.FREEZE_LAYER_NUM", "-1"))));
        ConfigException fixText = assertThrows(ConfigException.class, () -> ParameterPlan.of(clip4clip("meanP"),
                C4C_FAMILY, TrainConfig.defaults().withOpts(List.of("MODEL.FIX_TEXT", "false"))));
        assertTrue(fixText.getMessage().contains("key 'MODEL.FIX_TEXT' is false but applies only to X-CLIP's recipe"),
                fixText.getMessage());
        assertThrows(ConfigException.class, () -> ParameterPlan.of(clip4clip("meanP"), C4C_FAMILY,
                TrainConfig.defaults().withOpts(List.of("TRAIN.NEW_MODULE_LR_SCALE", "5"))));
        assertThrows(ConfigException.class, () -> ParameterPlan.of(clip4clip("meanP"), C4C_FAMILY,
                TrainConfig.defaults().withOpts(List.of("TRAINER.ViFi_CLIP.USE", "image"))));
        // X-CLIP's and ViFi-CLIP's plans are as before with every CLIP4Clip key at its default
        assertEquals(10, ParameterPlan.of(XCLIP, XCLIP_FAMILY, TrainConfig.defaults())
                .get("mit.encoder.layers.0.mlp.fc1.weight").lrScale());
    }
}
