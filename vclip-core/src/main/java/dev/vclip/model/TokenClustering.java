package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * CenterCLIP's multi-segment token clustering (Zhao et al., "CenterCLIP: Token Clustering for Efficient Text-Video
 * Retrieval", SIGIR 2022; {@code mzhaoshuai/CenterCLIP}, {@code modules/cluster}): inside the CLIP ViT, at the start
 * of one residual block, the patch tokens of every temporal segment of {@code fd} consecutive frames are clustered
 * into K clusters and only the K medoids ("centers") go on, behind the mean of the segment's class tokens. The
 * block then runs on {@code 1+K} tokens per segment instead of {@code 1+P} per frame.
 *
 * <p>One instance is one {@code TokenClusterInter} module: the token clustering of one block. Reads top to bottom in
 * the order of the paper: which block clusters ({@link #clustersAt}), the segments, the distances, KKZ
 * initialisation and k-medoids iterations ({@code kmediods++}), spectral clustering ({@code spectral}), then the
 * simpler alternatives of the reference ({@code pooling}, {@code sparse_sampling}, {@code temporal_shift},
 * {@code token_shift}) and the video-mask reduction.
 *
 * <h2>Public API</h2>
 * <pre>{@code
 * TokenClustering.Config config = TokenClustering.Config.fromHparams(hparamsJson, "hparams_train.json");
 * for (int block = 1; block <= layers; block++) {                  // 1-based, as CenterCLIP counts blocks
 *     Optional<TokenClustering> clustering = config.at(block);
 *     if (clustering.isPresent()) {
 *         x = clustering.get().apply(x).tokens();                  // [1+P, B*T, D] -> [1+K, B*T', D], before ln_1
 *     }
 *     x = residualAttentionBlock(x, block);
 * }
 * NDArray mask = config.videoMaskAfterCluster(videoMask);          // [B, T] -> [B, T']
 * }</pre>
 * <ul>
 *   <li>{@link Config#fromHparams(JsonNode, String)}: the clustering keys of CenterCLIP's {@code hparams_*.json}
 *       ({@code vars(args)}), with {@code params.py}'s defaults for absent keys.</li>
 *   <li>{@link #clustersAt(int, int, List, List)}: the block-selection rule of {@code get_cluster_inter};
 *       {@link Config#clusterBlocks()} lists the blocks, {@link Config#at(int)} gives the step of one block.</li>
 *   <li>{@link #apply(NDArray)}: the forward of the step on LND tokens {@code [1+P, B*T, D]} (row 0 class token,
 *       column {@code b*T + t} = frame t of video b). The {@link Result} holds the output tokens
 *       {@code [1+K, B*T', D]} (column {@code b*T' + s} = segment s of video b; row 0 the mean class token of the
 *       segment, rows 1..K the medoid tokens in ascending token order) attached to x's manager, and for
 *       {@code kmediods++} / {@code spectral} the medoid indices {@code [B*T'][K]} and assignments
 *       {@code [B*T'][N]} ({@code N = fd*P}, token {@code f*P + p} = patch p of the f-th frame of the segment).</li>
 *   <li>{@link Config#videoMaskAfterCluster(NDArray)}: {@code get_video_mask_after_cluster}.</li>
 * </ul>
 *
 * <h2>Exactness and determinism</h2>
 * The medoid search runs in plain Java on {@code double} copies of the tokens (the search is without gradients in
 * the reference too) and is fully deterministic: distances are computed exactly from direct differences (never the
 * {@code |x|²+|y|²−2x·y} expansion), so they are symmetric with a zero diagonal, and every tie goes to the lowest
 * index (first medoid, farthest point, nearest medoid, cluster medoid), which is what the reference does wherever its
 * own distances are exact. The reference's shift of the distance matrix ({@code D − max(D) − 1}, diagonal −1 more)
 * only makes every point strictly nearest to itself; that rule is applied as such. Segments are searched in the
 * reference's chunks of {@code split_size} (16; 4 for ViT-B/16) in its segment-major order, because its stop test
 * averages the medoid shift over a chunk. The {@code pre_norm} and spectral cases, whose decisions lie below float32
 * resolution, need this float64 search to be reproducible at all.
 *
 * <p>Training: the output is built from the input with differentiable NDArray ops only (a {@code gather} of the
 * medoid rows, means for the class token and for {@code aggregation: mean}); indices are computed from a detached
 * copy. Gradients reach the selected tokens and every class token, as in the reference. The step has no parameters
 * ({@code cluster_embedding 0}, as in every published setting; 1 is refused).
 */
public final class TokenClustering {

    // ================================================================================================ config

    /** {@code cluster_algo}, with the reference's exact spellings. */
    public enum Algorithm {
        /** K-medoids with deterministic KKZ initialisation (the reference's name; nothing is random). */
        KMEDOIDS("kmediods++"),
        /** Mean of every token over the fd frames of a segment. */
        POOLING("pooling"),
        /** K tokens per segment at fixed (evaluation) or random (training) positions. */
        SPARSE_SAMPLING("sparse_sampling"),
        /** Spectral embedding of the segment's tokens, then k-medoids on the embedding rows. */
        SPECTRAL("spectral"),
        /** TSM without the class token: 1/8 of the channels from the next frame, 1/8 from the previous. */
        TEMPORAL_SHIFT("temporal_shift"),
        /** Token shift (MM 2021): the same, on the class token only. */
        TOKEN_SHIFT("token_shift");

        private final String key;

        Algorithm(String key) {
            this.key = key;
        }

        /** The value of {@code cluster_algo}. */
        public String key() {
            return key;
        }
    }

    /** {@code cluster_distance}. */
    public enum Distance {
        /** Minkowski distance with {@code p = minkowski_norm_p} ({@code torch.cdist}). */
        EUCLIDEAN("euclidean"),
        /** {@code 1 − <x/(|x|+1e-6), y/(|y|+1e-6)>}. */
        COSINE("cosine");

        private final String key;

        Distance(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** {@code spectral_graph}. */
    public enum Graph {
        /** Dense heat-kernel affinity {@code exp(−|x−y|²/(2σ²))}. */
        HEAT_KERNEL("HeatKernel"),
        /** Heat kernel kept where it is among the k largest of its row or of its column (symmetric union). */
        KNN("KNN");

        private final String key;

        Graph(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /**
     * CenterCLIP's clustering arguments, named after its keys ({@code params.py}, saved as {@code hparams_*.json}).
     *
     * @param clusterInter       {@code cluster_inter}: clustering inside the vision transformer at all
     * @param algorithm          {@code cluster_algo}
     * @param clusterNumBlocks   {@code cluster_num_blocks}: tokens per segment after each block (one per layer)
     * @param targetFramesBlocks {@code target_frames_blocks}: frames (segments) after each block (one per layer)
     * @param maxFrames          {@code max_frames}: frames per video entering the ViT
     * @param distance           {@code cluster_distance}
     * @param minkowskiNormP     {@code minkowski_norm_p} (p of the Minkowski distance; ∞ allowed)
     * @param iterLimit          {@code cluster_iter_limit}: most assign+update steps
     * @param threshold          {@code cluster_threshold}: stop when the mean medoid shift of a chunk is below it
     * @param preNorm            {@code pre_norm}: search on {@code x/(|x|+1e-6)} (k-medoids only)
     * @param aggregation        {@code aggregation}: null / "None" (medoid tokens) or "mean" (cluster means)
     * @param spectralSigma      {@code spectral_sigma}
     * @param spectralGraph      {@code spectral_graph}
     * @param spectralKnnK       {@code spectral_knn_k} as given (below 5: automatic, see {@link #spectralKnnK()})
     * @param spectralSpg        {@code spectral_spg}: multiply the affinity by the spatial-temporal neighbourhood
     * @param svdCorrectSign     {@code svd_correct_sign}: kept for completeness; signs of eigenvectors cannot
     *                           change distances between embedding rows, so it has no effect on the result
     * @param pretrainedClipName {@code pretrained_clip_name}: "ViT-B/16" searches in chunks of 4, others of 16
     * @param clusterEmbedding   {@code cluster_embedding}: learnable per-cluster embeddings (not supported)
     */
    public record Config(boolean clusterInter, Algorithm algorithm, List<Integer> clusterNumBlocks,
                         List<Integer> targetFramesBlocks, int maxFrames, Distance distance, double minkowskiNormP,
                         int iterLimit, double threshold, boolean preNorm, String aggregation, double spectralSigma,
                         Graph spectralGraph, int spectralKnnK, boolean spectralSpg, boolean svdCorrectSign,
                         String pretrainedClipName, boolean clusterEmbedding) {

        public Config {
            clusterNumBlocks = List.copyOf(clusterNumBlocks);
            targetFramesBlocks = List.copyOf(targetFramesBlocks);
            if (!(minkowskiNormP >= 0)) {
                throw new ConfigException("minkowski_norm_p must be >= 0, found " + minkowskiNormP);
            }
            if (aggregation != null && !aggregation.equals("None") && !aggregation.equals("mean")) {
                throw new ConfigException("aggregation must be null, \"None\" or \"mean\", found \"" + aggregation
                        + "\"");
            }
        }

        /** Reads the clustering keys of a CenterCLIP {@code hparams_*.json}; {@code source} names it in errors. */
        public static Config fromHparams(JsonNode hparams, String source) {
            return read(ConfigReader.of(source, hparams));
        }

        /** The clustering keys read through {@code k}, with {@code params.py}'s defaults. */
        static Config read(ConfigReader k) {
            return new Config(
                    k.flag("cluster_inter", false),
                    k.choice("cluster_algo", Algorithm.values(), Algorithm.KMEDOIDS, Algorithm::key),
                    k.intList("cluster_num_blocks", List.of()),
                    k.intList("target_frames_blocks", List.of(12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12)),
                    k.integer("max_frames", 100),
                    k.choice("cluster_distance", Distance.values(), Distance.EUCLIDEAN, Distance::key),
                    k.number("minkowski_norm_p", 2.0),
                    k.integer("cluster_iter_limit", 100),
                    k.number("cluster_threshold", 1e-5),
                    k.flag("pre_norm", false),
                    k.string("aggregation", null),
                    k.number("spectral_sigma", 2.0),
                    k.choice("spectral_graph", Graph.values(), Graph.HEAT_KERNEL, Graph::key),
                    k.integer("spectral_knn_k", 1),
                    k.flag("spectral_spg", false),
                    k.flag("svd_correct_sign", true),
                    k.string("pretrained_clip_name", "ViT-B/32"),
                    k.flag("cluster_embedding", false));
        }

        /** The same clustering for videos of {@code frames} frames. */
        public Config withMaxFrames(int frames) {
            return new Config(clusterInter, algorithm, clusterNumBlocks, targetFramesBlocks, frames, distance,
                    minkowskiNormP, iterLimit, threshold, preNorm, aggregation, spectralSigma, spectralGraph,
                    spectralKnnK, spectralSpg, svdCorrectSign, pretrainedClipName, clusterEmbedding);
        }

        /** The keys {@link #read} reads, as CenterCLIP names and spells them (for a vclip {@code config.json}). */
        public void write(com.fasterxml.jackson.databind.node.ObjectNode out) {
            out.put("cluster_inter", clusterInter ? 1 : 0).put("cluster_algo", algorithm.key());
            clusterNumBlocks.forEach(out.putArray("cluster_num_blocks")::add);
            targetFramesBlocks.forEach(out.putArray("target_frames_blocks")::add);
            out.put("max_frames", maxFrames).put("cluster_distance", distance.key());
            if (Double.isInfinite(minkowskiNormP)) {
                out.put("minkowski_norm_p", "inf");
            } else {
                out.put("minkowski_norm_p", minkowskiNormP);
            }
            out.put("cluster_iter_limit", iterLimit).put("cluster_threshold", threshold).put("pre_norm", preNorm ? 1 : 0)
                    .put("aggregation", aggregation).put("spectral_sigma", spectralSigma)
                    .put("spectral_graph", spectralGraph.key()).put("spectral_knn_k", spectralKnnK)
                    .put("spectral_spg", spectralSpg ? 1 : 0).put("svd_correct_sign", svdCorrectSign ? 1 : 0)
                    .put("pretrained_clip_name", pretrainedClipName).put("cluster_embedding", clusterEmbedding ? 1 : 0);
        }

        /** {@link #fromHparams(JsonNode, String)} with errors naming "hparams". */
        public static Config fromHparams(JsonNode hparams) {
            return fromHparams(hparams, "hparams");
        }

        /** Whether the output tokens are cluster means ({@code aggregation: "mean"}) instead of medoid tokens. */
        public boolean meanAggregation() {
            return aggregation != null && !aggregation.equals("None");
        }

        /** Segments per medoid-search chunk ({@code split_size} of {@code get_cluster_inter}). */
        public int splitSize() {
            return "ViT-B/16".equals(pretrainedClipName) ? 4 : 16;
        }

        /** The 1-based blocks that cluster (one in every published setting); empty when clustering is off. */
        public List<Integer> clusterBlocks() {
            List<Integer> blocks = new ArrayList<>();
            if (clusterInter) {
                for (int block = 1; block <= clusterNumBlocks.size(); block++) {
                    if (clustersAt(block, maxFrames, clusterNumBlocks, targetFramesBlocks)) {
                        blocks.add(block);
                    }
                }
            }
            return blocks;
        }

        /** The token clustering at the start of the 1-based {@code block}, or empty where the block does not cluster. */
        public Optional<TokenClustering> at(int block) {
            if (!clusterInter || !clustersAt(block, maxFrames, clusterNumBlocks, targetFramesBlocks)) {
                return Optional.empty();
            }
            return Optional.of(new TokenClustering(this, block));
        }

        /**
         * The columns of a {@code [B, T]} frame mask that survive the clustering ({@code get_video_mask_after_cluster}):
         * the last frame of each final segment, {@code fd_f−1, fd_f−1+T/T_f, ...} with {@code T_f} the last entry of
         * {@code target_frames_blocks} and {@code fd_f = max_frames / T_f}. A segment whose last frame is padding is
         * dropped even when its other frames are real. All columns when clustering is off or the algorithm keeps
         * the frames (the shifts).
         */
        public int[] keptMaskColumns(int columns) {
            if (!reducesFrames() || targetFramesBlocks.isEmpty()) {
                return IntStream.range(0, columns).toArray();
            }
            int finalFrames = targetFramesBlocks.get(targetFramesBlocks.size() - 1);
            int start = maxFrames / finalFrames - 1;
            int step = columns / finalFrames;
            if (step < 1) {
                throw new IllegalArgumentException("a video mask of " + columns + " columns cannot be reduced to "
                        + finalFrames + " segments");
            }
            List<Integer> kept = new ArrayList<>();
            for (int c = start; c < columns; c += step) {
                kept.add(c);
            }
            return kept.stream().mapToInt(Integer::intValue).toArray();
        }

        /** {@code get_video_mask_after_cluster}: the frame mask {@code [B, T]} reduced to {@code [B, T']}. */
        public NDArray videoMaskAfterCluster(NDArray videoMask) {
            long columns = videoMask.getShape().get(videoMask.getShape().dimension() - 1);
            int[] kept = keptMaskColumns(Math.toIntExact(columns));
            long[] index = Arrays.stream(kept).asLongStream().toArray();
            try (NDArray idx = videoMask.getManager().create(index)) {
                return videoMask.get(":, {}", idx);
            }
        }

        private boolean reducesFrames() {
            return clusterInter && switch (algorithm) {
                case KMEDOIDS, POOLING, SPARSE_SAMPLING, SPECTRAL -> true;
                case TEMPORAL_SHIFT, TOKEN_SHIFT -> false;
            };
        }
    }

    /**
     * The block-selection rule of {@code get_cluster_inter}: with {@code frames = [max_frames] + target_frames_blocks},
     * block {@code i} (1-based) clusters iff {@code cluster_num_blocks[i−1] > 1} and the frames drop
     * ({@code frames[i−1] > frames[i]}) or the tokens per segment drop
     * ({@code cluster_num_blocks[max(i−2, 0)] > cluster_num_blocks[i−1]}). Whether {@code cluster_inter} is on is
     * the caller's question ({@link Config#clusterBlocks()} asks both).
     */
    public static boolean clustersAt(int block, int maxFrames, List<Integer> clusterNumBlocks,
                                     List<Integer> targetFramesBlocks) {
        if (block < 1 || block > clusterNumBlocks.size() || block > targetFramesBlocks.size()) {
            throw new ConfigException("block " + block + " has no entry in cluster_num_blocks (" + clusterNumBlocks
                    + ") or target_frames_blocks (" + targetFramesBlocks + "); they need one entry per vision layer");
        }
        int clusterNum = clusterNumBlocks.get(block - 1);
        int beforeClusterNum = clusterNumBlocks.get(Math.max(block - 2, 0));
        int beforeFrames = block == 1 ? maxFrames : targetFramesBlocks.get(block - 2);
        int afterFrames = targetFramesBlocks.get(block - 1);
        return clusterNum > 1 && (beforeFrames > afterFrames || beforeClusterNum > clusterNum);
    }

    // ================================================================================================ the step

    private final Config config;
    private final int block;
    private final int clusterNum;
    private final int beforeClusterNum;
    private final int beforeFrames;
    private final int afterFrames;
    private final int frameDuration;
    private final int spectralKnnK;

    private TokenClustering(Config config, int block) {
        this.config = config;
        this.block = block;
        this.clusterNum = config.clusterNumBlocks().get(block - 1);
        this.beforeClusterNum = config.clusterNumBlocks().get(Math.max(block - 2, 0));
        this.beforeFrames = block == 1 ? config.maxFrames() : config.targetFramesBlocks().get(block - 2);
        this.afterFrames = config.targetFramesBlocks().get(block - 1);
        if (afterFrames < 1 || beforeFrames % afterFrames != 0) {
            throw new ConfigException("target_frames_blocks: block " + block + " goes from " + beforeFrames + " to "
                    + afterFrames + " frames; CenterCLIP needs a whole number of frames per segment");
        }
        this.frameDuration = beforeFrames / afterFrames;
        // spectral_knn_k below 5: 5 frames' worth of neighbours per frame in the segment (+5 for ViT-B/16 grids)
        this.spectralKnnK = config.spectralKnnK() >= 5 ? config.spectralKnnK()
                : beforeClusterNum < 100 ? 5 * frameDuration : 5 * frameDuration + 5;
        if (config.clusterEmbedding()
                && (config.algorithm() == Algorithm.KMEDOIDS || config.algorithm() == Algorithm.SPECTRAL)) {
            throw new ConfigException("cluster_embedding 1 (learnable per-cluster embeddings) is not supported; "
                    + "every published CenterCLIP setting uses 0");
        }
    }

    public Config config() {
        return config;
    }

    /** The 1-based block whose input this step clusters. */
    public int block() {
        return block;
    }

    /** K: tokens per segment after the step ({@code cluster_num_blocks[block−1]}). */
    public int clusterNum() {
        return clusterNum;
    }

    /** {@code cluster_num_blocks[max(block−2, 0)]}: tokens per frame the reference assumes before the step. */
    public int beforeClusterNum() {
        return beforeClusterNum;
    }

    /** Frames (or segments) per video entering the step. */
    public int beforeFrames() {
        return beforeFrames;
    }

    /** Segments per video leaving the step (T'). */
    public int afterFrames() {
        return afterFrames;
    }

    /** fd: consecutive frames per segment. */
    public int frameDuration() {
        return frameDuration;
    }

    /** The k of the KNN graph actually used ({@code spectral_knn_k} when ≥ 5, else 5·fd, or 5·fd+5 from 100 tokens). */
    public int spectralKnnK() {
        return spectralKnnK;
    }

    /**
     * The output of one step. {@code tokens} is attached to the input's manager. {@code medoidIndex [B*T'][K]}
     * (ascending) and {@code assignment [B*T'][N]} (cluster = position in medoidIndex) are in video-major order
     * {@code b*T' + s}; for {@code sparse_sampling} medoidIndex holds the sampled positions and assignment is empty;
     * both are empty for the other algorithms. {@code laplacianEigenvalues [B*T'][N]} (spectral only, else empty):
     * the ascending eigenvalues of each segment's normalised Laplacian, to see how well K clusters separate.
     */
    public record Result(NDArray tokens, int[][] medoidIndex, int[][] assignment, double[][] laplacianEigenvalues) {
        Result(NDArray tokens, int[][] medoidIndex, int[][] assignment) {
            this(tokens, medoidIndex, assignment, new double[0][]);
        }
    }

    /** The step on LND tokens {@code [1+P, B*T, D]}; the same in training and evaluation (sparse sampling: uniform). */
    public Result apply(NDArray x) {
        return apply(x, null);
    }

    /**
     * The step; {@code trainingSampler} only matters to {@code sparse_sampling}, which draws its training positions
     * from it (null: the evaluation positions). All other algorithms are deterministic and ignore it.
     */
    public Result apply(NDArray x, Random trainingSampler) {
        Shape shape = x.getShape();
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException("token clustering takes LND tokens [1+P, B*T, D], got " + shape);
        }
        int tokens = Math.toIntExact(shape.get(0));
        int columns = Math.toIntExact(shape.get(1));
        if (columns % beforeFrames != 0) {
            throw new IllegalArgumentException("block " + block + " expects B*" + beforeFrames + " frames, got "
                    + columns + " columns in " + shape);
        }
        Geometry g = new Geometry(columns / beforeFrames, afterFrames, frameDuration, tokens - 1,
                Math.toIntExact(shape.get(2)));
        NDManager target = x.getManager();
        return switch (config.algorithm()) {
            case KMEDOIDS, SPECTRAL -> tokenClustering(x, g);
            case SPARSE_SAMPLING -> sparseSampling(x, g, trainingSampler);
            case POOLING -> new Result(Scoped.one(target, () -> pooling(x, g)), new int[0][], new int[0][]);
            case TEMPORAL_SHIFT -> new Result(Scoped.one(target, () -> temporalShift(x, g)), new int[0][], new int[0][]);
            case TOKEN_SHIFT -> new Result(Scoped.one(target, () -> tokenShift(x, g)), new int[0][], new int[0][]);
        };
    }

    /** B videos, T' segments of fd frames, P patch tokens per frame, width D; S = B*T' segments of N = fd*P tokens. */
    private record Geometry(int batch, int segments, int fd, int patches, int width) {
        int count() {
            return batch * segments;
        }

        int n() {
            return fd * patches;
        }
    }

    // ================================================================================================ segments

    /**
     * The patch tokens regrouped per segment: {@code [1+P, B*T, D]} → {@code [B*T', fd*P, D]}, row {@code b*T'+s},
     * token {@code f*P + p} (frame by frame, raster order within a frame). Class tokens are excluded.
     */
    private static NDArray segmentTokens(NDArray x, Geometry g) {
        return x.get("1:").reshape(g.patches(), g.batch(), g.segments(), g.fd(), g.width())
                .transpose(1, 2, 3, 0, 4)
                .reshape(g.count(), g.n(), g.width());
    }

    /** The plain mean of the fd class tokens of each segment: {@code [B*T', 1, D]}. */
    private static NDArray meanClassToken(NDArray x, Geometry g) {
        return x.get("0").reshape(g.count(), g.fd(), g.width()).mean(new int[]{1}).expandDims(1);
    }

    /** {@code [B*T', 1, D]} class tokens and {@code [B*T', K, D]} kept tokens → LND {@code [1+K, B*T', D]}. */
    private static NDArray sequence(NDArray classTokens, NDArray kept) {
        return NDArrays.concat(new NDList(classTokens, kept), 1).transpose(1, 0, 2);
    }

    /** An index or weight array created from Java data and then copied into libtorch-owned memory (see below). */
    private static NDArray owned(NDManager manager, long[] values, Shape shape) {
        // A Java-created array wraps a direct buffer; autograd keeps gather's index for backward after the scope
        // closes the wrapper, so hand it a copy that libtorch owns.
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.duplicate();
        }
    }

    private static NDArray owned(NDManager manager, float[] values, Shape shape, DataType type) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.toType(type, true);
        }
    }

    // ================================================================================================ token clustering

    /** The medoids and cluster assignments of every segment, video-major ({@code b*T' + s}). */
    private record Clusters(int[][] medoids, int[][] assignment, double[][] eigenvalues) {
        Clusters(int[][] medoids, int[][] assignment) {
            this(medoids, assignment, new double[0][]);
        }
    }

    /**
     * {@code kmediods++} and {@code spectral}: cluster each segment's N tokens into K clusters and keep, per
     * segment, the mean class token followed by the K medoid tokens in ascending token order ({@code id_sort}); with
     * {@code aggregation: mean} the means of the clusters instead of the medoids.
     */
    private Result tokenClustering(NDArray x, Geometry g) {
        if (clusterNum > g.n()) {
            throw new IllegalArgumentException("block " + block + " keeps K=" + clusterNum + " tokens per segment but "
                    + "a segment has only N=" + g.n());
        }
        Clusters[] found = new Clusters[1];
        NDArray tokens = Scoped.one(x.getManager(), () -> {
            NDArray segments = segmentTokens(x, g);                                   // [S, N, D]
            double[] values = segments.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            found[0] = search(values, g);
            NDArray kept = config.meanAggregation()
                    ? clusterMeans(segments, found[0].assignment(), g)
                    : medoidTokens(segments, found[0].medoids(), g);
            return sequence(meanClassToken(x, g), kept);
        });
        return new Result(tokens, found[0].medoids(), found[0].assignment(), found[0].eigenvalues());
    }

    /** {@code [S, N, D]} → the rows at the medoid indices, {@code [S, K, D]}; a gather, differentiable in the tokens. */
    private NDArray medoidTokens(NDArray segments, int[][] medoids, Geometry g) {
        long[] index = new long[g.count() * clusterNum];
        for (int s = 0; s < g.count(); s++) {
            for (int k = 0; k < clusterNum; k++) {
                index[s * clusterNum + k] = medoids[s][k];
            }
        }
        NDArray idx = owned(segments.getManager(), index, new Shape(g.count(), clusterNum, 1))
                .broadcast(new Shape(g.count(), clusterNum, g.width()));
        return segments.gather(idx, 1);
    }

    /** {@code aggregation: mean}: the mean of the tokens of each cluster, {@code [S, K, D]}. */
    private NDArray clusterMeans(NDArray segments, int[][] assignment, Geometry g) {
        int n = g.n();
        float[] members = new float[g.count() * clusterNum * n];
        float[] counts = new float[g.count() * clusterNum];
        for (int s = 0; s < g.count(); s++) {
            for (int t = 0; t < n; t++) {
                int k = assignment[s][t];
                members[(s * clusterNum + k) * n + t] = 1f;
                counts[s * clusterNum + k]++;
            }
        }
        NDManager m = segments.getManager();
        DataType type = segments.getDataType();
        NDArray sums = owned(m, members, new Shape(g.count(), clusterNum, n), type).batchMatMul(segments);
        return sums.div(owned(m, counts, new Shape(g.count(), clusterNum, 1), type));
    }

    /**
     * The medoid search of all segments ({@code tokens}: {@code [S][N][D]} row-major, S video-major), in the
     * reference's chunks: segment-major order {@code s*B + b}, {@code split_size} segments per chunk.
     */
    private Clusters search(double[] tokens, Geometry g) {
        int n = g.n();
        int d = g.width();
        int[][] medoids = new int[g.count()][];
        int[][] assignment = new int[g.count()][];
        boolean spectral = config.algorithm() == Algorithm.SPECTRAL;
        double[][] eigenvalues = new double[spectral ? g.count() : 0][];
        int[] order = new int[g.count()];                   // reference position -> video-major row
        for (int s = 0, i = 0; s < g.segments(); s++) {
            for (int b = 0; b < g.batch(); b++) {
                order[i++] = b * g.segments() + s;
            }
        }
        int chunk = config.splitSize();
        for (int from = 0; from < order.length; from += chunk) {
            int[] rows = Arrays.copyOfRange(order, from, Math.min(from + chunk, order.length));
            double[][] points = new double[rows.length][];
            double[][] distances = new double[rows.length][];
            int dims = config.algorithm() == Algorithm.SPECTRAL ? clusterNum : d;
            IntStream.range(0, rows.length).parallel().forEach(i -> {
                double[] x = Arrays.copyOfRange(tokens, rows[i] * n * d, (rows[i] + 1) * n * d);
                if (spectral) {
                    SymmetricEigen eigen = laplacianEigen(x, n, d);
                    eigenvalues[rows[i]] = eigen.values();
                    points[i] = spectralEmbedding(eigen, n);
                } else {
                    points[i] = config.preNorm() ? l2Normalized(x, n, d) : x;
                }
                distances[i] = pairwiseDistances(points[i], n, dims);
            });
            Clusters c = kMedoids(points, distances, n, dims);
            for (int i = 0; i < rows.length; i++) {
                medoids[rows[i]] = c.medoids()[i];
                assignment[rows[i]] = c.assignment()[i];
            }
        }
        return new Clusters(medoids, assignment, eigenvalues);
    }

    // ------------------------------------------------------------------------------------------------ distances

    /** {@code pre_norm} (and cosine's normalisation): every row divided by {@code (|row| + 1e-6)}. */
    static double[] l2Normalized(double[] x, int n, int d) {
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            double norm = Math.sqrt(squaredNorm(x, i * d, d));
            for (int c = 0; c < d; c++) {
                out[i * d + c] = x[i * d + c] / (norm + 1e-6);
            }
        }
        return out;
    }

    private static double squaredNorm(double[] x, int offset, int d) {
        double sum = 0;
        for (int c = 0; c < d; c++) {
            sum += x[offset + c] * x[offset + c];
        }
        return sum;
    }

    /**
     * The distance matrix of one segment's N points ({@code [N*N]}, row-major), exact and symmetric: each pair is
     * computed once from direct differences and mirrored, the Minkowski diagonal is exactly 0, and exact duplicates
     * are at distance exactly 0 with identical rows. {@code euclidean} is the Minkowski distance of order
     * {@code minkowski_norm_p} (p = 2, p = 1, ∞ = max, 0 = number of differing coordinates, otherwise
     * {@code (Σ|x−y|^p)^(1/p)}), as {@code torch.cdist}; {@code cosine} is {@code 1 − <x̂, ŷ>} with
     * {@code x̂ = x/(|x|+1e-6)}, whose diagonal is slightly above 0, as in the reference.
     */
    private double[] pairwiseDistances(double[] x, int n, int d) {
        double[] dist = new double[n * n];
        if (config.distance() == Distance.COSINE) {
            double[] unit = l2Normalized(x, n, d);
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += unit[i * d + c] * unit[j * d + c];
                    }
                    dist[i * n + j] = dist[j * n + i] = 1.0 - dot;
                }
            }
            return dist;
        }
        double p = config.minkowskiNormP();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = p == 2 ? Math.sqrt(squaredDistance(x, i * d, j * d, d)) : minkowski(x, i * d, j * d, d, p);
                dist[i * n + j] = dist[j * n + i] = v;
            }
        }
        return dist;
    }

    /**
     * {@code Σ (x_i − x_j)²} over one pair of rows: eight partial sums (independent add chains, about 1.4× faster
     * than four), in the same order for every pair, so that duplicates get identical rows.
     */
    static double squaredDistance(double[] x, int a, int b, int d) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int c = 0;
        for (; c + 7 < d; c += 8) {
            double e0 = x[a + c] - x[b + c];
            double e1 = x[a + c + 1] - x[b + c + 1];
            double e2 = x[a + c + 2] - x[b + c + 2];
            double e3 = x[a + c + 3] - x[b + c + 3];
            double e4 = x[a + c + 4] - x[b + c + 4];
            double e5 = x[a + c + 5] - x[b + c + 5];
            double e6 = x[a + c + 6] - x[b + c + 6];
            double e7 = x[a + c + 7] - x[b + c + 7];
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
            s4 += e4 * e4;
            s5 += e5 * e5;
            s6 += e6 * e6;
            s7 += e7 * e7;
        }
        for (; c < d; c++) {
            double e = x[a + c] - x[b + c];
            s0 += e * e;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    private static double minkowski(double[] x, int a, int b, int d, double p) {
        double sum = 0;
        for (int c = 0; c < d; c++) {
            double e = Math.abs(x[a + c] - x[b + c]);
            if (p == 1) {
                sum += e;
            } else if (p == Double.POSITIVE_INFINITY) {
                sum = Math.max(sum, e);
            } else if (p == 0) {
                sum += e != 0 ? 1 : 0;
            } else {
                sum += Math.pow(e, p);
            }
        }
        return p == 1 || p == 0 || p == Double.POSITIVE_INFINITY ? sum : Math.pow(sum, 1 / p);
    }

    // ------------------------------------------------------------------------------------------------ k-medoids

    /**
     * K-medoids of one chunk of segments ({@code batch_fast_kmedoids}): KKZ initialisation, then up to
     * {@code cluster_iter_limit} steps of assignment + medoid update, stopping after the step whose medoid shift
     * (the sum over clusters of {@code |x_new − x_old|₂}, averaged over the chunk's segments) is below
     * {@code cluster_threshold}; finally the medoids are sorted ascending and every point re-assigned.
     */
    private Clusters kMedoids(double[][] points, double[][] distances, int n, int d) {
        int segments = points.length;
        int k = clusterNum;
        int[][] medoids = new int[segments][];
        int[][] assignment = new int[segments][n];
        for (int s = 0; s < segments; s++) {
            medoids[s] = kkzInit(points[s], distances[s], n, d, k);
        }
        for (int step = 0; step < config.iterLimit(); step++) {
            double shift = 0;
            for (int s = 0; s < segments; s++) {
                assign(distances[s], medoids[s], n, assignment[s]);
                int[] next = updateMedoids(distances[s], assignment[s], n, k);
                for (int c = 0; c < k; c++) {
                    shift += Math.sqrt(squaredDistanceBetween(points[s], next[c], medoids[s][c], d));
                }
                medoids[s] = next;
            }
            if (shift / segments < config.threshold()) {
                break;
            }
        }
        for (int s = 0; s < segments; s++) {
            Arrays.sort(medoids[s]);
            assign(distances[s], medoids[s], n, assignment[s]);
        }
        return new Clusters(medoids, assignment);
    }

    private static double squaredDistanceBetween(double[] x, int i, int j, int d) {
        return i == j ? 0 : squaredDistance(x, i * d, j * d, d);
    }

    /**
     * KKZ initialisation (Katsavounidis, Kuo and Zhang, 1994), deterministic: the first medoid is the point of
     * largest L2 norm; each next one is the point farthest from its nearest chosen medoid. Chosen points are never
     * chosen again (each is nearest to itself). Ties: lowest index. Returns the medoids in pick order.
     */
    static int[] kkzInit(double[] x, double[] dist, int n, int d, int k) {
        int[] medoids = new int[k];
        int first = 0;
        double best = -1;
        for (int i = 0; i < n; i++) {
            double norm = Math.sqrt(squaredNorm(x, i * d, d));
            if (norm > best) {
                best = norm;
                first = i;
            }
        }
        medoids[0] = first;
        boolean[] chosen = new boolean[n];
        chosen[first] = true;
        double[] nearest = new double[n];                 // distance to the nearest chosen medoid
        for (int i = 0; i < n; i++) {
            nearest[i] = dist[first * n + i];
        }
        for (int m = 1; m < k; m++) {
            int far = -1;
            for (int i = 0; i < n; i++) {
                if (!chosen[i] && (far < 0 || nearest[i] > nearest[far])) {
                    far = i;
                }
            }
            medoids[m] = far;
            chosen[far] = true;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], dist[far * n + i]);
            }
        }
        return medoids;
    }

    /**
     * Assignment step: every point goes to the position of its nearest medoid in {@code medoids} (a medoid to its
     * own position, first occurrence); ties go to the earlier position.
     */
    static void assign(double[] dist, int[] medoids, int n, int[] assignment) {
        int[] own = new int[n];
        Arrays.fill(own, -1);
        for (int c = medoids.length - 1; c >= 0; c--) {
            own[medoids[c]] = c;
        }
        for (int i = 0; i < n; i++) {
            if (own[i] >= 0) {
                assignment[i] = own[i];
                continue;
            }
            int best = 0;
            for (int c = 1; c < medoids.length; c++) {
                if (dist[medoids[c] * n + i] < dist[medoids[best] * n + i]) {
                    best = c;
                }
            }
            assignment[i] = best;
        }
    }

    /**
     * Update step: the new medoid of each cluster is its member with the smallest sum of distances to all members
     * (itself included); ties: lowest index; an empty cluster gets point 0, as the reference's argmin over zeros.
     */
    static int[] updateMedoids(double[] dist, int[] assignment, int n, int k) {
        int[][] members = new int[k][];
        int[] sizes = new int[k];
        for (int i = 0; i < n; i++) {
            sizes[assignment[i]]++;
        }
        for (int c = 0; c < k; c++) {
            members[c] = new int[sizes[c]];
            sizes[c] = 0;
        }
        for (int i = 0; i < n; i++) {                     // ascending point order within each cluster
            int c = assignment[i];
            members[c][sizes[c]++] = i;
        }
        int[] medoids = new int[k];
        for (int c = 0; c < k; c++) {
            int best = 0;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int i : members[c]) {
                double cost = 0;
                for (int j : members[c]) {
                    cost += dist[i * n + j];
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    best = i;
                }
            }
            medoids[c] = best;
        }
        return medoids;
    }

    // ------------------------------------------------------------------------------------------------ spectral clustering

    /**
     * Normalised spectral embedding of one segment ({@code batch_spectral_clustering}), in float64: heat-kernel
     * affinity {@code W = exp(−|x−y|²/(2σ²))} (diagonal 1) from exact squared distances, optionally restricted to a
     * KNN graph (kept where among the k largest of its row or of its column) and to the spatial-temporal
     * neighbourhood ({@code spectral_spg}); normalised Laplacian {@code L = I − D^−½ W D^−½}; the eigenvectors of
     * its K smallest eigenvalues as columns; every row divided by {@code (|row| + 1e-6)}. Returns {@code [N*K]}.
     * Only the span of those eigenvectors matters to the clustering (rotations and signs keep row norms and
     * distances), so the result is reproducible wherever eigenvalues K and K+1 are apart.
     */
    private double[] spectralEmbedding(SymmetricEigen laplacian, int n) {
        double[][] vectors = laplacian.vectors();    // columns, smallest eigenvalue first
        int k = clusterNum;
        double[] q = new double[n * k];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int c = 0; c < k; c++) {
                norm += vectors[i][c] * vectors[i][c];
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < k; c++) {
                q[i * k + c] = vectors[i][c] / (norm + 1e-6);
            }
        }
        return q;
    }

    /** The eigen-decomposition of one segment's normalised Laplacian (see {@link #spectralEmbedding}). */
    private SymmetricEigen laplacianEigen(double[] x, int n, int d) {
        double[][] w = new double[n][n];
        double scale = 2 * config.spectralSigma() * config.spectralSigma();
        for (int i = 0; i < n; i++) {
            w[i][i] = 1;
            for (int j = i + 1; j < n; j++) {
                w[i][j] = w[j][i] = Math.exp(-squaredDistance(x, i * d, j * d, d) / scale);
            }
        }
        if (config.spectralGraph() == Graph.KNN) {
            knnGraph(w, n);
        }
        if (config.spectralSpg()) {
            boolean[][] near = spatialTemporalGraph(n, beforeClusterNum, beforeClusterNum < 100 ? 9 : 19, 7);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (!near[i][j]) {
                        w[i][j] = 0;
                    }
                }
            }
        }
        double[] inverseRootDegree = new double[n];
        for (int i = 0; i < n; i++) {
            double degree = 0;
            for (int j = 0; j < n; j++) {
                degree += w[i][j];
            }
            inverseRootDegree[i] = 1 / Math.sqrt(degree);
        }
        double[][] laplacian = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                laplacian[i][j] = (i == j ? 1 : 0) - inverseRootDegree[i] * w[i][j] * inverseRootDegree[j];
            }
        }
        return SymmetricEigen.ascending(laplacian);
    }

    /** KNN graph: keep {@code W[i][j]} where it is ≥ the k-th largest of row i or of row j; zero the rest. */
    private void knnGraph(double[][] w, int n) {
        int k = spectralKnnK;
        if (k > n) {
            throw new ConfigException("spectral_knn_k: the KNN graph needs k=" + k + " neighbours but a segment has "
                    + "only " + n + " tokens (torch.topk fails too); set spectral_knn_k >= 5 and <= " + n);
        }
        double[] kth = new double[n];
        for (int i = 0; i < n; i++) {
            double[] row = w[i].clone();
            Arrays.sort(row);
            kth[i] = row[n - k];
        }
        boolean[][] keep = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                keep[i][j] = w[i][j] >= kth[i] || w[j][i] >= kth[j];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (!keep[i][j]) {
                    w[i][j] = 0;
                }
            }
        }
    }

    /**
     * {@code spatial_temporal_graph}: token i is linked to token j when j lies within a {@code sKernel × sKernel}
     * patch window (on the {@code ⌊√tokensPerFrame⌋} grid) and a {@code tKernel} frame window around i.
     */
    static boolean[][] spatialTemporalGraph(int n, int tokensPerFrame, int sKernel, int tKernel) {
        int side = (int) Math.sqrt(tokensPerFrame);
        int frames = n / tokensPerFrame;
        int halfT = tKernel / 2;
        int halfS = sKernel / 2;
        boolean[][] graph = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            int t0 = i / tokensPerFrame;
            int y0 = i % tokensPerFrame / side;
            int x0 = i % tokensPerFrame % side;
            for (int t = Math.max(t0 - halfT, 0); t <= Math.min(t0 + halfT, frames - 1); t++) {
                for (int y = Math.max(y0 - halfS, 0); y <= Math.min(y0 + halfS, side - 1); y++) {
                    for (int x = Math.max(x0 - halfS, 0); x <= Math.min(x0 + halfS, side - 1); x++) {
                        graph[i][t * tokensPerFrame + y * side + x] = true;
                    }
                }
            }
        }
        return graph;
    }

    /**
     * Eigen-decomposition of a real symmetric matrix in float64: Householder reduction to tridiagonal form, then
     * the implicit QL algorithm with Wilkinson shifts (the EISPACK tred2/tql2 pair), about 10·N³ flops.
     * {@code vectors[i][c]} is component i of the eigenvector of {@code values[c]}, values ascending.
     */
    record SymmetricEigen(double[] values, double[][] vectors) {

        static SymmetricEigen ascending(double[][] matrix) {
            int n = matrix.length;
            double[][] v = new double[n][];
            for (int i = 0; i < n; i++) {
                v[i] = matrix[i].clone();
            }
            double[] d = new double[n];
            double[] e = new double[n];
            tridiagonalize(v, d, e);
            double[][] rows = transpose(v);                  // rows[c] = eigenvector c: rotations run on rows
            diagonalize(rows, d, e);
            return new SymmetricEigen(d, transpose(rows));
        }

        /** Householder tridiagonalisation: on return d is the diagonal, e[1..] the sub-diagonal, v the transform. */
        private static void tridiagonalize(double[][] v, double[] d, double[] e) {
            int n = d.length;
            for (int j = 0; j < n; j++) {
                d[j] = v[n - 1][j];
            }
            for (int i = n - 1; i > 0; i--) {
                double scale = 0;
                double h = 0;
                for (int k = 0; k < i; k++) {
                    scale += Math.abs(d[k]);
                }
                if (scale == 0) {
                    e[i] = d[i - 1];
                    for (int j = 0; j < i; j++) {
                        d[j] = v[i - 1][j];
                        v[i][j] = 0;
                        v[j][i] = 0;
                    }
                } else {
                    for (int k = 0; k < i; k++) {
                        d[k] /= scale;
                        h += d[k] * d[k];
                    }
                    double f = d[i - 1];
                    double g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
                    e[i] = scale * g;
                    h -= f * g;
                    d[i - 1] = f - g;
                    for (int j = 0; j < i; j++) {
                        e[j] = 0;
                    }
                    for (int j = 0; j < i; j++) {
                        f = d[j];
                        v[j][i] = f;
                        g = e[j] + v[j][j] * f;
                        for (int k = j + 1; k < i; k++) {
                            g += v[k][j] * d[k];
                            e[k] += v[k][j] * f;
                        }
                        e[j] = g;
                    }
                    f = 0;
                    for (int j = 0; j < i; j++) {
                        e[j] /= h;
                        f += e[j] * d[j];
                    }
                    double hh = f / (h + h);
                    for (int j = 0; j < i; j++) {
                        e[j] -= hh * d[j];
                    }
                    for (int j = 0; j < i; j++) {
                        f = d[j];
                        g = e[j];
                        for (int k = j; k < i; k++) {
                            v[k][j] -= f * e[k] + g * d[k];
                        }
                        d[j] = v[i - 1][j];
                        v[i][j] = 0;
                    }
                }
                d[i] = h;
            }
            // accumulate the transformations
            for (int i = 0; i < n - 1; i++) {
                v[n - 1][i] = v[i][i];
                v[i][i] = 1;
                double h = d[i + 1];
                if (h != 0) {
                    for (int k = 0; k <= i; k++) {
                        d[k] = v[k][i + 1] / h;
                    }
                    for (int j = 0; j <= i; j++) {
                        double g = 0;
                        for (int k = 0; k <= i; k++) {
                            g += v[k][i + 1] * v[k][j];
                        }
                        for (int k = 0; k <= i; k++) {
                            v[k][j] -= g * d[k];
                        }
                    }
                }
                for (int k = 0; k <= i; k++) {
                    v[k][i + 1] = 0;
                }
            }
            for (int j = 0; j < n; j++) {
                d[j] = v[n - 1][j];
                v[n - 1][j] = 0;
            }
            v[n - 1][n - 1] = 1;
            e[0] = 0;
        }

        private static double[][] transpose(double[][] a) {
            int n = a.length;
            double[][] t = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    t[j][i] = a[i][j];
                }
            }
            return t;
        }

        /**
         * Implicit QL on the tridiagonal (d, e), rotating the rows of {@code vt} (the transposed transform, one
         * eigenvector per row); then eigenpairs sorted by ascending eigenvalue.
         */
        private static void diagonalize(double[][] vt, double[] d, double[] e) {
            int n = d.length;
            for (int i = 1; i < n; i++) {
                e[i - 1] = e[i];
            }
            e[n - 1] = 0;
            double f = 0;
            double largest = 0;
            double eps = Math.ulp(1.0);
            for (int l = 0; l < n; l++) {
                largest = Math.max(largest, Math.abs(d[l]) + Math.abs(e[l]));
                int m = l;
                while (m < n - 1 && Math.abs(e[m]) > eps * largest) {
                    m++;
                }
                if (m > l) {
                    int iterations = 0;
                    do {
                        if (++iterations > 100) {
                            throw new IllegalStateException("eigenvalues did not converge");
                        }
                        double g = d[l];
                        double p = (d[l + 1] - g) / (2 * e[l]);
                        double r = Math.hypot(p, 1);
                        if (p < 0) {
                            r = -r;
                        }
                        d[l] = e[l] / (p + r);
                        d[l + 1] = e[l] * (p + r);
                        double dl1 = d[l + 1];
                        double h = g - d[l];
                        for (int i = l + 2; i < n; i++) {
                            d[i] -= h;
                        }
                        f += h;
                        p = d[m];
                        double c = 1;
                        double c2 = c;
                        double c3 = c;
                        double el1 = e[l + 1];
                        double s = 0;
                        double s2 = 0;
                        for (int i = m - 1; i >= l; i--) {
                            c3 = c2;
                            c2 = c;
                            s2 = s;
                            g = c * e[i];
                            h = c * p;
                            r = Math.hypot(p, e[i]);
                            e[i + 1] = s * r;
                            s = e[i] / r;
                            c = p / r;
                            p = c * d[i] - s * g;
                            d[i + 1] = h + s * (c * g + s * d[i]);
                            double[] lower = vt[i];
                            double[] upper = vt[i + 1];
                            for (int k = 0; k < n; k++) {
                                h = upper[k];
                                upper[k] = s * lower[k] + c * h;
                                lower[k] = c * lower[k] - s * h;
                            }
                        }
                        p = -s * s2 * c3 * el1 * e[l] / dl1;
                        e[l] = s * p;
                        d[l] = c * p;
                    } while (Math.abs(e[l]) > eps * largest);
                }
                d[l] += f;
                e[l] = 0;
            }
            for (int i = 0; i < n - 1; i++) {                 // selection sort, ascending
                int k = i;
                for (int j = i + 1; j < n; j++) {
                    if (d[j] < d[k]) {
                        k = j;
                    }
                }
                if (k != i) {
                    double t = d[k];
                    d[k] = d[i];
                    d[i] = t;
                    double[] swap = vt[k];
                    vt[k] = vt[i];
                    vt[i] = swap;
                }
            }
        }
    }

    // ================================================================================================ the alternatives

    /** {@code pooling}: every token (class token included) averaged over the fd frames of a segment. */
    private static NDArray pooling(NDArray x, Geometry g) {
        return x.reshape(g.patches() + 1, g.batch(), g.segments(), g.fd(), g.width()).mean(new int[]{3})
                .reshape(g.patches() + 1, g.count(), g.width());
    }

    /**
     * {@code sparse_sampling}: the mean class token and K tokens of the segment at positions that are the same for
     * every segment: evaluation {@code ⌊tick/2 + tick·i⌋} with {@code tick = N/K} ({@code token_sparse_sampling}
     * without random shift); training one random offset in each of K equal strides of {@code ⌊N/K⌋} tokens.
     */
    private Result sparseSampling(NDArray x, Geometry g, Random training) {
        int n = g.n();
        int k = clusterNum;
        int[][] positions = new int[g.count()][];
        int[][] perSegment = new int[g.segments()][];
        for (int s = 0; s < g.segments(); s++) {
            perSegment[s] = sparsePositions(k, n, training);
        }
        for (int b = 0; b < g.batch(); b++) {
            for (int s = 0; s < g.segments(); s++) {
                positions[b * g.segments() + s] = perSegment[s];
            }
        }
        NDArray tokens = Scoped.one(x.getManager(),
                () -> sequence(meanClassToken(x, g), medoidTokens(segmentTokens(x, g), positions, g)));
        return new Result(tokens, positions, new int[0][]);
    }

    /** {@code token_sparse_sampling(target, total, random_shift)}. */
    static int[] sparsePositions(int target, int total, Random training) {
        if (target > total) {
            throw new IllegalArgumentException("sparse_sampling keeps " + target + " of only " + total + " tokens");
        }
        int[] out = new int[target];
        if (training == null) {
            double tick = total / (double) target;
            for (int i = 0; i < target; i++) {
                out[i] = total > target ? (int) (tick / 2.0 + tick * i) : i;
            }
            return out;
        }
        int stride = total / target;                      // >= 1 since target <= total
        for (int i = 0; i < target; i++) {
            out[i] = i * stride + training.nextInt(stride);
        }
        return out;
    }

    /**
     * {@code temporal_shift} ({@code temporal_shift_wo_cls}, over the {@code max_frames} frames of each video):
     * patch channels {@code [0, D/8)} come from the next frame, {@code [D/8, 2D/8)} from the previous one (zeros at
     * the ends), the rest stay; class tokens unchanged.
     */
    private NDArray temporalShift(NDArray x, Geometry g) {
        int t = config.maxFrames();
        int videos = g.batch() * beforeFrames / t;
        int fold = g.width() / 8;
        NDArray patches = x.get("1:").reshape(g.patches(), videos, t, g.width());
        NDArray shifted = shiftFrames(patches, fold, 2);
        return NDArrays.concat(new NDList(x.get("0:1"), shifted.reshape(g.patches(), videos * t, g.width())), 0);
    }

    /** {@code token_shift}: the same shift on the class token's channels {@code [0, 2D/8)} only. */
    private NDArray tokenShift(NDArray x, Geometry g) {
        int t = config.maxFrames();
        int videos = g.batch() * beforeFrames / t;
        int fold = g.width() / 8;
        NDArray cls = x.get("0:1").reshape(1, videos, t, g.width());
        NDArray shifted = shiftFrames(cls, fold, 2).reshape(1, videos * t, g.width());
        return NDArrays.concat(new NDList(shifted, x.get("1:")), 0);
    }

    /** On {@code [L, B, T, D]}: channels {@code [0, fold)} from frame t+1, {@code [fold, 2·fold)} from t−1. */
    private static NDArray shiftFrames(NDArray x, int fold, int axisT) {
        Shape shape = x.getShape();
        long t = shape.get(axisT);
        NDManager m = x.getManager();
        Shape edge = new Shape(shape.get(0), shape.get(1), 1, fold);
        NDArray left = NDArrays.concat(new NDList(x.get(":, :, 1:, :{}", fold), m.zeros(edge, x.getDataType())), 2);
        NDArray right = NDArrays.concat(new NDList(m.zeros(edge, x.getDataType()),
                x.get(":, :, :{}, {}:{}", t - 1, fold, 2 * fold)), 2);
        return NDArrays.concat(new NDList(left, right, x.get(":, :, :, {}:", 2 * fold)), 3);
    }
}
