package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.TestResources;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CenterCLIP's token clustering against the golden cases of the reference ({@code fixtures/centerclip}, one
 * {@code TokenClusterInter} forward each), plus the rules the cases take for granted: which block clusters, the mask
 * reduction, ties, determinism and gradients.
 */
class TokenClusteringTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CASES = TestResources.path("fixtures/centerclip/cases.json");

    static Stream<String> caseNames() throws IOException {
        List<String> names = new ArrayList<>();
        JSON.readTree(CASES.toFile()).get("cases").forEach(c -> names.add(c.get("name").asText()));
        return names.stream();
    }

    private static JsonNode fixtureCase(String name) throws IOException {
        for (JsonNode c : JSON.readTree(CASES.toFile()).get("cases")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** A case's CenterCLIP arguments as the hparams file of a run with them would hold them. */
    static ObjectNode hparams(JsonNode fixtureCase) {
        ObjectNode h = fixtureCase.get("params").deepCopy();
        h.put("cluster_inter", 1);
        h.put("max_frames", fixtureCase.get("max_frames").asInt());
        if (h.has("spectral_knn_k_arg")) {
            h.set("spectral_knn_k", h.remove("spectral_knn_k_arg"));
        }
        return h;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseNames")
    void tokenClusteringMatchesTheReferenceOnEveryFixtureCase(String name) throws IOException {
        JsonNode c = fixtureCase(name);
        JsonNode derived = c.get("derived");
        TokenClustering.Config config = TokenClustering.Config.fromHparams(hparams(c), name);
        assertEquals(List.of(derived.get("cluster_block_id").asInt()), config.clusterBlocks(), name + ": blocks");
        TokenClustering step = config.at(derived.get("cluster_block_id").asInt()).orElseThrow();
        assertEquals(derived.get("frame_duration").asInt(), step.frameDuration());
        assertEquals(derived.get("cluster_num").asInt(), step.clusterNum());
        assertEquals(derived.get("split_size").asInt(), config.splitSize());
        if (derived.has("spectral_knn_k_effective")) {
            assertEquals(derived.get("spectral_knn_k_effective").asInt(), step.spectralKnnK());
        }
        try (SafeTensors file = SafeTensors.open(CASES.resolveSibling(c.get("file").asText()));
             NDManager manager = Torch.newManager()) {
            NDArray x = Tensors.toNDArray(file.get("x"), manager);
            TokenClustering.Result result = step.apply(x);
            long[] wantMedoids = file.get("medoid_index").toLongArray();
            long[] wantAssignment = file.get("assignment").toLongArray();
            assertArrayEquals(wantMedoids, flat(result.medoidIndex()), name + ": medoid_index");
            assertArrayEquals(wantAssignment, flat(result.assignment()), name + ": assignment");

            float[] want = file.get("y").toFloatArray();
            float[] got = result.tokens().toFloatArray();
            assertEquals(new Shape(file.get("y").shape()), result.tokens().getShape(), name + ": y shape");
            int columns = Math.toIntExact(file.get("y").shape()[1] * file.get("y").shape()[2]);
            boolean means = config.meanAggregation();
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                double diff = Math.abs(got[i] - want[i]);
                worst = Math.max(worst, diff);
                boolean medoidRow = i >= columns && !means;
                if (medoidRow) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                            name + ": y medoid element " + i + " is not a bitwise copy");
                } else {
                    assertTrue(diff <= 1e-6 + 1e-6 * Math.abs(want[i]),
                            name + ": y element " + i + " got " + got[i] + " want " + want[i]);
                }
            }
            System.out.printf("%-22s max |y diff| %.3g%n", name, worst);
        }
    }

    private static long[] flat(int[][] rows) {
        return Arrays.stream(rows).flatMapToInt(Arrays::stream).asLongStream().toArray();
    }

    // ------------------------------------------------------------------------------------------ block selection

    @Test
    void theBlockRuleOfGetClusterInterPicksThePublishedBlocks() {
        List<Integer> k49 = Collections.nCopies(12, 49);
        // msrvtt.sh case 80: 12 x7, 4 x5 -> block 8 (the paper's B7-4,49)
        assertEquals(List.of(8), blocks(12, k49, concat(12, 7, 4, 5)));
        // msvd / lsmdc: 12 x6, 4 x6 -> block 7 (B6-4,49); 6 x6 -> block 7 too
        assertEquals(List.of(7), blocks(12, k49, concat(12, 6, 4, 6)));
        assertEquals(List.of(7), blocks(12, k49, concat(12, 6, 6, 6)));
        // ActivityNet ViT-B/16: 196 x6, 160 x6 with 60 -> 15 frames at the same block
        List<Integer> vitb16 = new ArrayList<>(Collections.nCopies(6, 196));
        vitb16.addAll(Collections.nCopies(6, 160));
        assertEquals(List.of(7), blocks(60, vitb16, concat(60, 6, 15, 6)));
        // frames already reduced at block 1 (max_frames 12, first target 6)
        assertEquals(List.of(1), blocks(12, k49, concat(6, 12, 6, 0)));
        // no drop anywhere: nothing clusters; cluster_num 1 never clusters
        assertEquals(List.of(), blocks(12, k49, Collections.nCopies(12, 12)));
        List<Integer> ones = Collections.nCopies(12, 1);
        assertEquals(List.of(), blocks(12, ones, concat(12, 6, 4, 6)));
        // a drop of the token count alone clusters (token_reduction_fd1: 25 -> 10 at block 7)
        List<Integer> drop = new ArrayList<>(Collections.nCopies(6, 25));
        drop.addAll(Collections.nCopies(6, 10));
        assertEquals(List.of(7), blocks(3, drop, Collections.nCopies(12, 3)));
        // block 1 compares cluster_num_blocks[0] with itself
        assertFalse(TokenClustering.clustersAt(1, 12, k49, Collections.nCopies(12, 12)));
        assertThrows(ConfigException.class, () -> TokenClustering.clustersAt(13, 12, k49, k49));
    }

    @Test
    void clusteringOffOrAbsentKeysMeanNoBlock() {
        ObjectNode h = JSON.createObjectNode();
        h.put("cluster_inter", 0).put("max_frames", 12);
        h.putArray("cluster_num_blocks").add(49).add(49);
        h.putArray("target_frames_blocks").add(12).add(4);
        assertEquals(List.of(), TokenClustering.Config.fromHparams(h).clusterBlocks());
        assertTrue(TokenClustering.Config.fromHparams(h).at(2).isEmpty());
        h.put("cluster_inter", 1);
        assertEquals(List.of(2), TokenClustering.Config.fromHparams(h).clusterBlocks());
        // params.py defaults: cluster_inter 0, cluster_num_blocks 0 (a scalar), kmediods++, threshold 1e-5
        TokenClustering.Config defaults = TokenClustering.Config.fromHparams(JSON.createObjectNode());
        assertFalse(defaults.clusterInter());
        assertEquals(List.of(), defaults.clusterNumBlocks());
        assertEquals(TokenClustering.Algorithm.KMEDOIDS, defaults.algorithm());
        assertEquals(1e-5, defaults.threshold());
        assertEquals(2.0, defaults.minkowskiNormP());
        ObjectNode bad = h.deepCopy().put("cluster_algo", "kmedoids++");
        ConfigException e = assertThrows(ConfigException.class,
                () -> TokenClustering.Config.fromHparams(bad, "hparams_x.json"));
        assertTrue(e.getMessage().contains("hparams_x.json: key 'cluster_algo' is 'kmedoids++'"), e.getMessage());
        assertTrue(e.getMessage().contains("kmediods++"), e.getMessage());
    }

    @Test
    void theTinyModelFixtureClustersAtBlockTwoWithSixSegments() throws IOException {
        // centerclip-tiny-a's hparams: max_frames 12, target_frames_blocks [12, 6, 6], cluster_num_blocks [9, 6, 6]
        ObjectNode h = JSON.createObjectNode();
        h.put("cluster_inter", 1).put("max_frames", 12).put("cluster_algo", "spectral").put("spectral_sigma", 8.0)
                .put("pre_norm", 0).putNull("aggregation");
        h.putArray("cluster_num_blocks").add(9).add(6).add(6);
        h.putArray("target_frames_blocks").add(12).add(6).add(6);
        TokenClustering.Config config = TokenClustering.Config.fromHparams(h);
        assertEquals(List.of(2), config.clusterBlocks());
        TokenClustering step = config.at(2).orElseThrow();
        assertEquals(2, step.frameDuration());
        assertEquals(6, step.clusterNum());
        assertEquals(9, step.beforeClusterNum());
        assertEquals(10, step.spectralKnnK());
    }

    private static List<Integer> blocks(int maxFrames, List<Integer> clusterNums, List<Integer> targetFrames) {
        List<Integer> out = new ArrayList<>();
        for (int b = 1; b <= clusterNums.size(); b++) {
            if (TokenClustering.clustersAt(b, maxFrames, clusterNums, targetFrames)) {
                out.add(b);
            }
        }
        return out;
    }

    /** {@code a} repeated {@code na} times, then {@code b} repeated {@code nb} times (nb = 0: padded to 12 with a). */
    private static List<Integer> concat(int a, int na, int b, int nb) {
        List<Integer> out = new ArrayList<>(Collections.nCopies(na, a));
        out.addAll(Collections.nCopies(nb == 0 ? 12 - na : nb, b));
        return out;
    }

    // ------------------------------------------------------------------------------------------ mask

    @Test
    void theMaskKeepsTheLastFrameOfEachSegment() {
        ObjectNode h = JSON.createObjectNode();
        h.put("cluster_inter", 1).put("max_frames", 12);
        h.putArray("cluster_num_blocks").add(9).add(6).add(6);
        h.putArray("target_frames_blocks").add(12).add(6).add(6);
        TokenClustering.Config config = TokenClustering.Config.fromHparams(h);
        assertArrayEquals(new int[]{1, 3, 5, 7, 9, 11}, config.keptMaskColumns(12));
        try (NDManager manager = Torch.newManager()) {
            long[] mask = new long[24];
            Arrays.fill(mask, 0, 12, 1);
            Arrays.fill(mask, 12, 19, 1);                 // second video: 7 valid frames
            NDArray reduced = config.videoMaskAfterCluster(manager.create(mask, new Shape(2, 12)));
            assertEquals(new Shape(2, 6), reduced.getShape());
            // the segment of frames 6-7 is dropped although frame 6 is real (README: the fixture's [1,1,1,0,0,0])
            assertArrayEquals(new long[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, reduced.toLongArray());
        }
        // 12 frames, 4 final segments (fd 3): frames 2, 5, 8, 11
        h.putArray("target_frames_blocks").add(12).add(4).add(4);
        assertArrayEquals(new int[]{2, 5, 8, 11}, TokenClustering.Config.fromHparams(h).keptMaskColumns(12));
        // the shifts keep every frame; so does a model without clustering
        h.put("cluster_algo", "token_shift");
        assertArrayEquals(new int[]{0, 1, 2, 3}, TokenClustering.Config.fromHparams(h).keptMaskColumns(4));
        h.put("cluster_algo", "kmediods++").put("cluster_inter", 0);
        assertArrayEquals(new int[]{0, 1, 2, 3}, TokenClustering.Config.fromHparams(h).keptMaskColumns(4));
    }

    // ------------------------------------------------------------------------------------------ ties, determinism

    /** One video of {@code frames} frames, P patches of width D, LND, from per-frame patch values {@code [T][P][D]}. */
    private static NDArray video(NDManager manager, float[][][] patches, float classValue) {
        int t = patches.length;
        int p = patches[0].length;
        int d = patches[0][0].length;
        float[] x = new float[(1 + p) * t * d];
        for (int f = 0; f < t; f++) {
            for (int c = 0; c < d; c++) {
                x[f * d + c] = classValue + f;
            }
            for (int q = 0; q < p; q++) {
                for (int c = 0; c < d; c++) {
                    x[((1 + q) * t + f) * d + c] = patches[f][q][c];
                }
            }
        }
        return manager.create(x, new Shape(1 + p, t, d));
    }

    private static TokenClustering oneBlock(int frames, int segments, int k, String algorithm) {
        ObjectNode h = JSON.createObjectNode();
        h.put("cluster_inter", 1).put("max_frames", frames).put("cluster_algo", algorithm)
                .put("cluster_threshold", 1e-6);
        h.putArray("cluster_num_blocks").add(k);
        h.putArray("target_frames_blocks").add(segments);
        return TokenClustering.Config.fromHparams(h).at(1).orElseThrow();
    }

    @Test
    void exactTiesGoToTheLowestIndex() {
        // 1-d tokens 0, 1 (frame 0) and 10, 11 (frame 1), K = 2:
        // KKZ: largest norm 11 (#3), then farthest from it 0 (#0); clusters {10, 11} and {0, 1} are two-member
        // clusters, exact ties, so the medoids move to #2 and #0; sorted [0, 2]. Keeping the old medoid on a tie
        // would give [0, 3].
        try (NDManager manager = Torch.newManager()) {
            NDArray x = video(manager, new float[][][]{{{0}, {1}}, {{10}, {11}}}, 5);
            TokenClustering.Result r = oneBlock(2, 1, 2, "kmediods++").apply(x);
            assertArrayEquals(new int[]{0, 2}, r.medoidIndex()[0]);
            assertArrayEquals(new int[]{0, 0, 1, 1}, r.assignment()[0]);
            assertArrayEquals(new float[]{5.5f, 0, 10}, r.tokens().toFloatArray());
        }
        // tokens 4, 0 | 2, 10, K = 3: KKZ picks 10 (#3), then 0 (#1, at 10), then 4 (#0, at 4 from 0; 2 is only
        // at 2). Token 2 lies exactly between 0 and 4: in pick order [3, 1, 0] it joins #1 (the earlier position),
        // the two-member cluster {#1, #2} keeps #1; after sorting [0, 1, 3] the final re-assignment sends it to
        // position 0 (#0), the lower sorted position.
        try (NDManager manager = Torch.newManager()) {
            NDArray x = video(manager, new float[][][]{{{4}, {0}}, {{2}, {10}}}, 0);
            TokenClustering.Result r = oneBlock(2, 1, 3, "kmediods++").apply(x);
            assertArrayEquals(new int[]{0, 1, 3}, r.medoidIndex()[0]);
            assertArrayEquals(new int[]{0, 1, 0, 2}, r.assignment()[0]);
        }
    }

    @Test
    void duplicateTokensAreAtDistanceZeroAndTheLowerIndexWins() {
        // frame 1 repeats frame 0 exactly (a padded or static video): each pair is a two-member cluster of
        // identical tokens, and the lower index (frame 0's) is its medoid
        float[][] frame = {{3, 1}, {-2, 4}, {0.5f, -7}};
        try (NDManager manager = Torch.newManager()) {
            NDArray x = video(manager, new float[][][]{frame, frame}, 0);
            TokenClustering.Result r = oneBlock(2, 1, 3, "kmediods++").apply(x);
            assertArrayEquals(new int[]{0, 1, 2}, r.medoidIndex()[0]);
            assertArrayEquals(new int[]{0, 1, 2, 0, 1, 2}, r.assignment()[0]);
        }
    }

    @Test
    void twoRunsGiveIdenticalResults() throws IOException {
        for (String name : List.of("vitb32_width768_fd3", "spectral_knn_f64")) {
            JsonNode c = fixtureCase(name);
            TokenClustering step = TokenClustering.Config.fromHparams(hparams(c))
                    .at(c.get("derived").get("cluster_block_id").asInt()).orElseThrow();
            try (SafeTensors file = SafeTensors.open(CASES.resolveSibling(c.get("file").asText()));
                 NDManager manager = Torch.newManager()) {
                NDArray x = Tensors.toNDArray(file.get("x"), manager);
                TokenClustering.Result a = step.apply(x);
                TokenClustering.Result b = step.apply(x);
                assertArrayEquals(a.medoidIndex(), b.medoidIndex(), name);
                assertArrayEquals(a.assignment(), b.assignment(), name);
                assertArrayEquals(a.tokens().toFloatArray(), b.tokens().toFloatArray(), name);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ training

    @Test
    void gradientsReachTheMedoidTokensAndTheClassTokensOnly() {
        Random random = new Random(3);
        int frames = 4;
        int p = 5;
        int d = 3;
        float[][][] patches = new float[frames][p][d];
        for (float[][] f : patches) {
            for (float[] q : f) {
                for (int c = 0; c < d; c++) {
                    q[c] = (float) random.nextGaussian();
                }
            }
        }
        TokenClustering step = oneBlock(frames, 2, 3, "kmediods++");
        try (NDManager manager = Torch.newManager()) {
            NDArray x = video(manager, patches, 1);
            x.setRequiresGradient(true);
            TokenClustering.Result r;
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                r = step.apply(x);
                gc.backward(r.tokens().sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            // class tokens: each of the fd = 2 frames contributes 1/2 to its segment's mean
            for (int i = 0; i < frames * d; i++) {
                assertEquals(0.5f, grad[i], 1e-7, "class token element " + i);
            }
            // patch tokens: 1 where selected as a medoid, 0 elsewhere
            for (int f = 0; f < frames; f++) {
                int segment = f / 2;
                for (int q = 0; q < p; q++) {
                    int token = (f % 2) * p + q;
                    boolean medoid = Arrays.stream(r.medoidIndex()[segment]).anyMatch(m -> m == token);
                    for (int c = 0; c < d; c++) {
                        assertEquals(medoid ? 1f : 0f, grad[((1 + q) * frames + f) * d + c],
                                "frame " + f + " patch " + q);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the pieces

    @Test
    void theEigenSolverDiagonalisesSymmetricMatrices() {
        Random random = new Random(11);
        for (int n : new int[]{1, 2, 7, 60}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = a[j][i] = random.nextGaussian();
                }
            }
            TokenClustering.SymmetricEigen eigen = TokenClustering.SymmetricEigen.ascending(a);
            double[][] v = eigen.vectors();
            for (int c = 0; c < n; c++) {
                if (c > 0) {
                    assertTrue(eigen.values()[c - 1] <= eigen.values()[c], "ascending");
                }
                for (int i = 0; i < n; i++) {
                    double av = 0;
                    for (int j = 0; j < n; j++) {
                        av += a[i][j] * v[j][c];
                    }
                    assertEquals(eigen.values()[c] * v[i][c], av, 1e-10, "A v = lambda v, n " + n);
                }
                for (int c2 = 0; c2 < n; c2++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += v[i][c] * v[i][c2];
                    }
                    assertEquals(c == c2 ? 1 : 0, dot, 1e-10, "orthonormal, n " + n);
                }
            }
        }
    }

    @Test
    void theSpatialTemporalGraphLinksNeighboursInSpaceAndTime() {
        // 2 frames of a 3x3 grid, 3x3 spatial window, 3-frame temporal window
        boolean[][] g = TokenClustering.spatialTemporalGraph(18, 9, 3, 3);
        assertTrue(g[0][0] && g[0][1] && g[0][4] && g[0][9] && g[0][13]);
        assertFalse(g[0][2] || g[0][8] || g[0][11]);
        for (int i = 0; i < 18; i++) {
            for (int j = 0; j < 18; j++) {
                assertEquals(g[i][j], g[j][i]);
            }
        }
    }

    @Test
    void poolingAndSparseSamplingKeepTheSegmentLayout() {
        try (NDManager manager = Torch.newManager()) {
            float[][][] patches = {{{0}, {1}, {2}}, {{10}, {11}, {12}}, {{20}, {21}, {22}}, {{30}, {31}, {32}}};
            NDArray x = video(manager, patches, 100);
            // pooling: every token averaged over the 2 frames of a segment -> [1+P, 2, D]
            TokenClustering.Result pooled = oneBlock(4, 2, 3, "pooling").apply(x);
            assertEquals(new Shape(4, 2, 1), pooled.tokens().getShape());
            assertArrayEquals(new float[]{100.5f, 102.5f, 5, 25, 6, 26, 7, 27}, pooled.tokens().toFloatArray());
            // sparse sampling (evaluation): N = 6, K = 2, tick 3 -> positions 1 and 4
            TokenClustering.Result sampled = oneBlock(4, 2, 2, "sparse_sampling").apply(x);
            assertArrayEquals(new int[][]{{1, 4}, {1, 4}}, sampled.medoidIndex());
            assertArrayEquals(new float[]{100.5f, 102.5f, 1, 21, 11, 31}, sampled.tokens().toFloatArray());
            TokenClustering.Result random = oneBlock(4, 2, 2, "sparse_sampling").apply(x, new Random(1));
            for (int[] positions : random.medoidIndex()) {
                assertTrue(positions[0] >= 0 && positions[0] < 3 && positions[1] >= 3 && positions[1] < 6);
            }
        }
    }

    @Test
    void theShiftsMoveAnEighthOfTheChannelsAcrossFrames() {
        try (NDManager manager = Torch.newManager()) {
            int d = 8;
            float[][][] patches = new float[3][1][d];
            for (int f = 0; f < 3; f++) {
                Arrays.fill(patches[f][0], f + 1);
            }
            NDArray x = video(manager, patches, 10);
            // temporal_shift: channel 0 from the next frame, channel 1 from the previous, class tokens untouched
            float[] shifted = oneBlock(3, 1, 2, "temporal_shift").apply(x).tokens().toFloatArray();
            assertArrayEquals(new float[]{2, 0, 1, 1, 1, 1, 1, 1}, Arrays.copyOfRange(shifted, 24, 32));
            assertArrayEquals(new float[]{0, 2, 3, 3, 3, 3, 3, 3}, Arrays.copyOfRange(shifted, 40, 48));
            assertArrayEquals(new float[]{10, 10, 10, 10, 10, 10, 10, 10}, Arrays.copyOfRange(shifted, 0, 8));
            // token_shift: the same on the class token only
            float[] tokens = oneBlock(3, 1, 2, "token_shift").apply(x).tokens().toFloatArray();
            assertArrayEquals(new float[]{11, 0, 10, 10, 10, 10, 10, 10}, Arrays.copyOfRange(tokens, 0, 8));
            assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 1, 1}, Arrays.copyOfRange(tokens, 24, 32));
        }
    }
}
