package dev.vclip.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.TestResources;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CenterCLIP's run folder as configurations: each {@code hparams_*.json} gives its clustering, a vclip
 * {@code config.json} keeps it under {@code token_clustering} and reads it back unchanged, and a clustering that does
 * not fit the towers is refused with the key named.
 */
class CenterClipConfigTest {

    private static final Path DIR = TestResources.path("models/centerclip-tiny-a");

    @Test
    void eachHparamsFileIsAConfigurationWithItsClustering() {
        Map<String, ModelConfig> configs = ModelFolder.configs(DIR);
        Clip4Clip.Config spectral = configs.get("spectral").familyConfig(Clip4Clip.Config.class);
        assertTrue(spectral.clusters());
        assertEquals(TokenClustering.Algorithm.SPECTRAL, spectral.tokenClustering().algorithm());
        assertEquals(8.0, spectral.tokenClustering().spectralSigma());
        assertEquals(List.of(2), spectral.tokenClustering().clusterBlocks());
        assertEquals(Clip4Clip.Config.CENTERCLIP_EPS, spectral.headerLayerNormEps());
        assertEquals(1.0, configs.get("kmedoids_p1").familyConfig(Clip4Clip.Config.class).tokenClustering()
                .minkowskiNormP());
        Map<String, Object> summary = new LinkedHashMap<>();
        configs.get("kmedoids_p2").family().describe(configs.get("kmedoids_p2"), summary);
        assertEquals("k-medoids (euclidean, p 2.0) before block 2: 12 frames -> 6 segments of 2, 6 tokens each",
                summary.get("token_clustering"));
    }

    @Test
    void configJsonKeepsTheClustering() {
        for (ModelConfig config : ModelFolder.configs(DIR).values()) {
            ObjectNode json = config.toJson();
            assertTrue(json.has("token_clustering"), json.toString());
            assertFalse(json.get("token_clustering").has("max_frames"), "max_frames is the model's own key");
            List<String> warnings = new ArrayList<>();
            ModelConfig back = ModelConfig.fromJson("config.json", json, warnings::add);
            assertEquals(config.familyConfig(Clip4Clip.Config.class), back.familyConfig(Clip4Clip.Config.class));
            assertEquals(List.of(), warnings);
        }
    }

    @Test
    void plainClip4ClipHasNoClustering() {
        ModelConfig meanP = ModelFolder.configs(TestResources.path("models/clip4clip-tiny-a")).get("meanP");
        assertNull(meanP.familyConfig(Clip4Clip.Config.class).tokenClustering());
        assertFalse(meanP.toJson().has("token_clustering"));
    }

    @Test
    void aClusteringThatDoesNotFitTheTowersNamesTheKey() {
        ObjectNode json = ModelFolder.configs(DIR).get("").toJson();
        ((ObjectNode) json.get("token_clustering")).putArray("cluster_num_blocks").add(9).add(6);
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.fromJson("c.json", json, w -> { }));
        assertTrue(e.getMessage().contains("c.json") && e.getMessage().contains("cluster_num_blocks (2 entries)")
                && e.getMessage().contains("one entry per vision layer (3)"), e.getMessage());

        ObjectNode algo = ModelFolder.configs(DIR).get("").toJson();
        ((ObjectNode) algo.get("token_clustering")).put("cluster_algo", "kmeans");
        e = assertThrows(ConfigException.class, () -> ModelConfig.fromJson("c.json", algo, w -> { }));
        assertTrue(e.getMessage().contains("c.json: key 'token_clustering.cluster_algo' is 'kmeans'; expected one of"),
                e.getMessage());
    }
}
