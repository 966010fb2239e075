package dev.vclip.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelConfig parse(String json, List<String> warnings) throws Exception {
        return ModelConfig.fromJson("config.json", (ObjectNode) JSON.readTree(json), warnings::add);
    }

    @Test
    void absentKeysTakeHuggingFaceDefaults() throws Exception {
        ModelConfig x = parse("{\"model_type\": \"xclip\"}", new ArrayList<>());
        assertEquals(512, x.projectionDim());
        assertEquals(768, x.vision().hiddenSize());
        assertEquals(32, x.vision().patchSize());
        XClip.Config own = x.familyConfig(XClip.Config.class);
        assertEquals(8, own.numFrames());
        assertEquals(2, own.promptLayers());
        assertEquals(8, own.promptNumAttentionHeads());
        assertEquals(77, x.text().maxPositionEmbeddings());
        assertEquals(2, x.text().eosTokenId());
        ModelConfig c = parse("{\"model_type\": \"clip\"}", new ArrayList<>());
        assertEquals(49407, c.text().eosTokenId());
        assertEquals(Clip.Config.NONE, c.familyConfig());
    }

    @Test
    void wrongTypesAreErrorsNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("{\"model_type\": \"xclip\", \"vision_config\": {\"num_frames\": \"8\"}}", new ArrayList<>()));
        assertTrue(e.getMessage().contains("'vision_config.num_frames' must be an integer"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("{\"model_type\": \"clip\", \"text_config\": 3}", new ArrayList<>()));
        assertTrue(e.getMessage().contains("'text_config' must be an object"), e.getMessage());
    }

    @Test
    void aMisspelledKeyIsAnErrorWithASuggestionAndOtherKeysAWarning() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(
                "{\"model_type\": \"clip\", \"vision_config\": {\"num_hiden_layers\": 4}}", new ArrayList<>()));
        assertTrue(e.getMessage().contains("did you mean 'vision_config.num_hidden_layers'"), e.getMessage());
        List<String> warnings = new ArrayList<>();
        parse("{\"model_type\": \"clip\", \"my_custom_flag\": true, \"transformers_version\": \"4.20\"}", warnings);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("my_custom_flag") && !warnings.get(0).contains("transformers_version"));
    }

    @Test
    void legacyConfigDictsOverrideAndDimensionsAreChecked() throws Exception {
        ModelConfig c = parse("{\"model_type\": \"clip\", \"vision_config\": {\"patch_size\": 32},"
                + " \"vision_config_dict\": {\"patch_size\": 16}}", new ArrayList<>());
        assertEquals(16, c.vision().patchSize());
        ConfigException e = assertThrows(ConfigException.class, () -> parse(
                "{\"model_type\": \"xclip\", \"projection_dim\": 256}", new ArrayList<>()));
        assertTrue(e.getMessage().contains("mit_hidden_size 512 must equal projection_dim 256"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("{\"model_type\": \"bert\"}", new ArrayList<>()));
        assertTrue(e.getMessage().contains("'bert' is not supported"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse(
                "{\"model_type\": \"clip\", \"text_config\": {\"hidden_act\": \"swish\"}}", new ArrayList<>()));
        assertTrue(e.getMessage().contains("text_config.hidden_act"), e.getMessage());
    }
}
