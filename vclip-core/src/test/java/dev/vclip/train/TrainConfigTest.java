package dev.vclip.train;

import dev.vclip.model.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainConfigTest {

    private static Path resource(String name) {
        try {
            return Path.of(TrainConfigTest.class.getResource("/train/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void defaultsAreXclipConfigPy() {
        TrainConfig c = TrainConfig.defaults();
        assertEquals(8e-6, c.number("TRAIN.LR"));
        assertEquals(30, c.integer("TRAIN.EPOCHS"));
        assertEquals(5.0, c.number("TRAIN.WARMUP_EPOCHS"));
        assertEquals(0.001, c.number("TRAIN.WEIGHT_DECAY"));
        assertEquals(8, c.integer("TRAIN.BATCH_SIZE"));
        assertEquals(1, c.integer("TRAIN.ACCUMULATION_STEPS"));
        assertEquals("cosine", c.string("TRAIN.LR_SCHEDULER"));
        assertEquals("adamw", c.string("TRAIN.OPTIMIZER"));
        assertEquals("O1", c.string("TRAIN.OPT_LEVEL"));
        assertEquals(0.1, c.number("AUG.LABEL_SMOOTH"));
        assertEquals(0.8, c.number("AUG.COLOR_JITTER"));
        assertEquals(0.2, c.number("AUG.GRAY_SCALE"));
        assertEquals(0.8, c.number("AUG.MIXUP"));
        assertEquals(1.0, c.number("AUG.CUTMIX"));
        assertEquals(0.5, c.number("AUG.MIXUP_SWITCH_PROB"));
        assertEquals(1, c.integer("TEST.NUM_CLIP"));
        assertEquals(1, c.integer("TEST.NUM_CROP"));
        assertEquals(1024, c.integer("SEED"));
        assertEquals("ViT-B/32", c.string("MODEL.ARCH"));
        assertNull(c.string("MODEL.PRETRAINED"));
        assertTrue(c.bool("MODEL.FIX_TEXT"));
        assertEquals("a photo of a", c.string("TRAINER.ViFi_CLIP.CTX_INIT"));
        assertEquals(1, c.integer("TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT"));
    }

    @Test
    void yamlWithBaseFileThenOpts() {
        TrainConfig c = TrainConfig.load(resource("xclip_32_8.yaml"), List.of("TRAIN.LR", "2e-5", "DATA.ROOT", "/data/k400",
                "TRAIN.FREEZE", "text_model.*,logit_scale", "MODEL.FIX_TEXT", "False", "MODEL.PRETRAINED", "models/xclip"));
        assertEquals(10, c.integer("TRAIN.EPOCHS"));            // from base.yaml
        assertEquals(4, c.integer("TRAIN.ACCUMULATION_STEPS"));  // from the file
        assertEquals(1e-3, c.number("TRAIN.WEIGHT_DECAY"));      // "1e-3" (a string to PyYAML) read as a number
        assertEquals(2e-5, c.number("TRAIN.LR"));                // --opts over the file over base.yaml (8.e-6)
        assertEquals("/data/k400", c.string("DATA.ROOT"));
        assertEquals(List.of("text_model.*", "logit_scale"), c.list("TRAIN.FREEZE"));
        assertFalse(c.bool("MODEL.FIX_TEXT"));
        assertEquals("models/xclip", c.string("MODEL.PRETRAINED"));
        assertEquals(4, c.integer("TRAINER.ViFi_CLIP.N_CTX_TEXT"));
        assertEquals(10, c.integer("SAVE_FREQ"));
        assertEquals("--opts", c.origin("TRAIN.LR"));
        assertTrue(c.origin("TRAIN.EPOCHS").endsWith("base.yaml"));
        assertTrue(c.origin("TRAIN.BATCH_SIZE").endsWith("xclip_32_8.yaml"));
        // the written YAML reads back to the same config
        assertTrue(TrainConfig.parse("round trip", c.toYaml()).differences(c).isEmpty());
    }

    @Test
    void unknownKeysAreErrorsWithSuggestions() {
        ConfigException typo = assertThrows(ConfigException.class, () -> TrainConfig.load(resource("typo_key.yaml"), null));
        assertTrue(typo.getMessage().contains("typo_key.yaml") && typo.getMessage().contains("'TRAIN.BATCH_SIZ'")
                && typo.getMessage().contains("did you mean 'TRAIN.BATCH_SIZE'"), typo.getMessage());

        ConfigException unknown = assertThrows(ConfigException.class,
                () -> TrainConfig.load(resource("unknown_key.yaml"), null));
        assertTrue(unknown.getMessage().contains("unknown key 'TRAIN.LEARNING_RATE'"), unknown.getMessage());

        ConfigException opts = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().withOpts(List.of("TRAIN.ACCUMULATION_STEP", "2")));
        assertTrue(opts.getMessage().startsWith("--opts") && opts.getMessage().contains("TRAIN.ACCUMULATION_STEPS"),
                opts.getMessage());

        ConfigException section = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().withOpts(List.of("TRAINN.LR", "2")));
        assertTrue(section.getMessage().contains("did you mean 'TRAIN.LR'"), section.getMessage());

        ConfigException odd = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().withOpts(List.of("TRAIN.LR", "2", "TRAIN.EPOCHS")));
        assertTrue(odd.getMessage().contains("KEY VALUE pairs"), odd.getMessage());
    }

    @Test
    void badValuesNameTheFileTheKeyAndWhatIsExpected() {
        ConfigException type = assertThrows(ConfigException.class, () -> TrainConfig.load(resource("bad_type.yaml"), null));
        assertTrue(type.getMessage().contains("bad_type.yaml: key 'TRAIN.EPOCHS' must be an integer, got 'ten'"),
                type.getMessage());

        ConfigException range = assertThrows(ConfigException.class, () -> TrainConfig.load(resource("bad_range.yaml"), null));
        assertTrue(range.getMessage().contains("bad_range.yaml: key 'AUG.COLOR_JITTER' must be a probability in [0, 1]"),
                range.getMessage());

        ConfigException choice = assertThrows(ConfigException.class, () -> TrainConfig.load(resource("bad_choice.yaml"), null));
        assertTrue(choice.getMessage().contains("'TEST.NUM_CROP' must be one of 1, 3, got 2"), choice.getMessage());

        ConfigException negative = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().withOpts(List.of("TRAIN.LR", "-0.1")));
        assertTrue(negative.getMessage().contains("--opts: key 'TRAIN.LR' must be a number > 0, got -0.1"),
                negative.getMessage());

        ConfigException bool = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().withOpts(List.of("MODEL.FIX_TEXT", "maybe")));
        assertTrue(bool.getMessage().contains("must be true or false"), bool.getMessage());

        ConfigException level = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().withOpts(List.of("TRAIN.OPT_LEVEL", "O3")));
        assertTrue(level.getMessage().contains("one of O0, O1, O2"), level.getMessage());

        ConfigException missing = assertThrows(ConfigException.class,
                () -> TrainConfig.load(Path.of("no/such/config.yaml"), null));
        assertTrue(missing.getMessage().contains("no/such/config.yaml"), missing.getMessage());
    }
}
