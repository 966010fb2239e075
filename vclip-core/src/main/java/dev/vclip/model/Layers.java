package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.vclip.weights.ModelWeights.Scope;

/**
 * The transformer pieces CLIP and X-CLIP share, as functions of NDArrays and a {@link Scope} of named weights.
 * Each mirrors one module of HF's modeling_clip.py; the same code runs with and without gradients.
 *
 * <p>Shapes: B batch, L sequence length, H hidden width.
 */
final class Layers {
    private Layers() {
    }

    /** {@code nn.Linear}: y = x·Wᵀ + b. */
    static NDArray linear(NDArray x, Scope s) {
        return Linear.linear(x, s.weight(), s.bias()).singletonOrThrow();
    }

    /** {@code nn.Linear(bias=False)}. */
    static NDArray linearNoBias(NDArray x, Scope s) {
        return Linear.linear(x, s.weight()).singletonOrThrow();
    }

    /**
     * A residual connection, x + f(x). Without gradients the sum goes into f(x)'s own fresh result (one
     * activation-sized allocation less per sub-layer, as the PyTorch anchor's fast path does); with gradients it is
     * an ordinary add. Same values either way (addition commutes exactly).
     */
    static NDArray residual(NDArray x, NDArray sublayerOutput) {
        return recordingGradients() ? x.add(sublayerOutput) : sublayerOutput.addi(x);
    }

    /** Whether autograd records this thread's ops (inside a GradientCollector). In-place shortcuts only without. */
    static boolean recordingGradients() {
        return ai.djl.pytorch.jni.JniUtils.isGradMode();
    }

    /** {@code nn.LayerNorm} over the last axis. */
    static NDArray layerNorm(NDArray x, Scope s, double eps) {
        Shape normalized = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return LayerNorm.layerNorm(x, normalized, s.weight(), s.bias(), (float) eps).singletonOrThrow();
    }

    /** HF's ACT2FN for the activations CLIP checkpoints use. */
    static NDArray activation(NDArray x, String name) {
        return switch (name) {
            // quick_gelu(x) = x·σ(1.702x), the approximation OpenAI CLIP was trained with
            case "quick_gelu" -> recordingGradients()
                    ? x.mul(Activation.sigmoid(x.mul(scalar(x, 1.702f))))
                    : Activation.sigmoid(x.mul(scalar(x, 1.702f))).muli(x); // σ(1.702x)·x into σ's own buffer
            case "gelu" -> Activation.gelu(x);
            case "gelu_new", "gelu_pytorch_tanh" -> {
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                NDArray inner = x.add(x.pow(scalar(x, 3f)).mul(scalar(x, 0.044715f)))
                        .mul(scalar(x, (float) Math.sqrt(2 / Math.PI)));
                yield x.mul(scalar(x, 0.5f)).mul(Activation.tanh(inner).add(scalar(x, 1f)));
            }
            case "relu" -> Activation.relu(x);
            default -> throw new IllegalArgumentException("unknown activation '" + name + "'");
        };
    }

    /**
     * A scalar operand owned by libtorch ({@code torch::full}), for the scalars of differentiable ops. DJL 0.36's
     * {@code x.mul(Number)} wraps the number in a Java direct buffer ({@code from_blob}) and closes that array right
     * after the op, but autograd keeps the scalar for backward (d(x·s)/dx = s): a garbage collection in between frees
     * memory that backward then reads, and gradients come out as garbage or NaN. Same value, same results.
     */
    static NDArray scalar(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }

    /** x / ‖x‖₂ over the last axis, without epsilon (as HF's {@code x / x.norm(dim=-1, keepdim=True)}). */
    static NDArray l2Normalize(NDArray x) {
        return x.div(x.square().sum(new int[]{-1}, true).sqrt());
    }

    /**
     * Scaled dot-product attention over heads: q [B, Lq, H], k and v [B, Lk, H] → [B, Lq, H].
     * {@code additiveMask} (broadcastable to [B, heads, Lq, Lk]) is added to the scores; null for none.
     * q is scaled by head_dim^-1/2 before q·kᵀ, as CLIPAttention does; without gradients in place, so q must be
     * a fresh array the caller does not read again (a projection's output). Without gradients, libtorch's fused
     * scaled-dot-product attention computes the same within 1e-6 ({@link Kernels#attention}).
     */
    static NDArray multiHeadAttention(NDArray q, NDArray k, NDArray v, int heads, NDArray additiveMask) {
        long batch = q.getShape().get(0);
        long width = q.getShape().get(2);
        long headDim = width / heads;
        if (!recordingGradients() && Kernels.takes(q, additiveMask)) { // fused (flash) attention, same values
            NDArray context = Kernels.attention(splitHeads(q, heads), splitHeads(k, heads), splitHeads(v, heads),
                    additiveMask);
            return context.transpose(0, 2, 1, 3).reshape(batch, -1, width);
        }
        NDArray scale = scalar(q, (float) Math.pow(headDim, -0.5));
        NDArray qh = splitHeads(recordingGradients() ? q.mul(scale) : q.muli(scale), heads); // q is fresh: in place
        NDArray kh = splitHeads(k, heads);
        NDArray vh = splitHeads(v, heads);
        NDArray scores = qh.matMul(kh.transpose(0, 1, 3, 2));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        NDArray context = scores.softmax(-1).matMul(vh);                 // [B, heads, Lq, hd]
        return context.transpose(0, 2, 1, 3).reshape(batch, -1, width);  // [B, Lq, H]
    }

    /** [B, L, H] → [B, heads, L, H/heads]. */
    private static NDArray splitHeads(NDArray x, int heads) {
        long batch = x.getShape().get(0);
        long width = x.getShape().get(2);
        return x.reshape(batch, -1, heads, width / heads).transpose(0, 2, 1, 3);
    }

    /** HF {@code CLIPAttention}: q/k/v/out projections with biases around multi-head self-attention. */
    static NDArray selfAttention(NDArray x, Scope s, int heads, NDArray additiveMask) {
        NDArray q = linear(x, s.at("q_proj"));
        NDArray k = linear(x, s.at("k_proj"));
        NDArray v = linear(x, s.at("v_proj"));
        return linear(multiHeadAttention(q, k, v, heads, additiveMask), s.at("out_proj"));
    }

    /** HF {@code CLIPMLP}: fc1 → activation → fc2. */
    static NDArray mlp(NDArray x, Scope s, String act) {
        return linear(activation(linear(x, s.at("fc1")), act), s.at("fc2"));
    }

    /** HF {@code CLIPEncoderLayer}, pre-LN: h = x + attn(ln1(x)); out = h + mlp(ln2(h)). */
    static NDArray encoderLayer(NDArray x, Scope s, int heads, String act, double eps, NDArray additiveMask) {
        NDArray h = residual(x, selfAttention(layerNorm(x, s.at("layer_norm1"), eps), s.at("self_attn"), heads,
                additiveMask));
        return residual(h, mlp(layerNorm(h, s.at("layer_norm2"), eps), s.at("mlp"), act));
    }

    /** Concatenates along an axis. */
    static NDArray concat(int axis, NDArray... parts) {
        return NDArrays.concat(new NDList(parts), axis);
    }
}
