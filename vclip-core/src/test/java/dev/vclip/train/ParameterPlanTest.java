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
}
