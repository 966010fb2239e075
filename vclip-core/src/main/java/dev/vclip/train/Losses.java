package dev.vclip.train;

import ai.djl.ndarray.NDArray;

/**
 * The training losses, as NDArray functions (differentiable through DJL's PyTorch autograd).
 */
public final class Losses {
    private Losses() {
    }

    /**
     * timm {@code SoftTargetCrossEntropy} (X-CLIP {@code main.py} with mixup): mean over the batch of
     * {@code Σ_c −target_c · log_softmax(logits)_c}. logits and targets [B, C]. With one-hot targets smoothed by
     * {@link Blending#oneHot} this is also timm's {@code LabelSmoothingCrossEntropy}, and with plain one-hot targets
     * {@code nn.CrossEntropyLoss}.
     */
    public static NDArray softTargetCrossEntropy(NDArray logits, NDArray targets) {
        if (!logits.getShape().equals(targets.getShape())) {
            throw new IllegalArgumentException("logits " + logits.getShape() + " and targets " + targets.getShape()
                    + " differ in shape");
        }
        return logits.logSoftmax(-1).mul(targets).sum(new int[]{-1}).neg().mean();
    }

    /**
     * The symmetric InfoNCE loss of CLIP over a batch of matching pairs: {@code logits[i][j]} scores video i against
     * text j (the diagonal holds the pairs); the mean of the video→text and text→video cross-entropies. This is
     * CLIP4Clip's {@code (CrossEn(sim) + CrossEn(sim.T)) / 2} ({@code CrossEn}: the mean of −diag(log_softmax(sim))),
     * whichever way round the matrix is.
     */
    public static NDArray symmetricInfoNce(NDArray logitsPerVideo) {
        long n = logitsPerVideo.getShape().get(0);
        if (logitsPerVideo.getShape().dimension() != 2 || logitsPerVideo.getShape().get(1) != n) {
            throw new IllegalArgumentException("contrastive logits must be square [B, B], got " + logitsPerVideo.getShape());
        }
        NDArray eye = logitsPerVideo.getManager().eye((int) n);
        NDArray videoToText = softTargetCrossEntropy(logitsPerVideo, eye);
        NDArray textToVideo = softTargetCrossEntropy(logitsPerVideo.transpose(), eye);
        return videoToText.add(textToVideo).div(scalar(videoToText, 2));
    }

    /**
     * A scalar operand owned by libtorch ({@code torch::full}) for differentiable ops. DJL 0.36's {@code x.mul(Number)}
     * wraps the number in a Java direct buffer ({@code from_blob}) and closes it right after the op while autograd keeps
     * the scalar for backward; a garbage collection before backward then frees memory that backward reads (garbage or
     * NaN gradients, seen under the allocation load of the decoding threads). Every scalar on a gradient path is made
     * here instead.
     */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new ai.djl.ndarray.types.Shape(), (float) value, like.getDataType());
    }
}
