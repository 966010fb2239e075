package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vclip.tokenizer.ClipTokenizer;

import java.util.List;

/** Tokenized texts as the model's input arrays: HF framing (padding with EOT, attention mask). */
final class TextBatch {
    private TextBatch() {
    }

    /** Returns [input_ids [T, L], attention_mask [T, L]] (INT64) in {@code manager}. */
    static NDArray[] encode(ClipTokenizer tokenizer, List<String> texts, int contextLength, int vocabSize,
                            NDManager manager) {
        return encode(tokenizer, texts, contextLength, vocabSize, ClipTokenizer.Framing.HF, manager);
    }

    /** The same with another framing (CLIP4Clip pads with 0). */
    static NDArray[] encode(ClipTokenizer tokenizer, List<String> texts, int contextLength, int vocabSize,
                            ClipTokenizer.Framing framing, NDManager manager) {
        ClipTokenizer.Encoding enc = tokenizer.encode(texts, contextLength, framing);
        if (tokenizer.vocabSize() > vocabSize) {
            for (int i = 0; i < texts.size(); i++) {
                for (long id : enc.inputIds()[i]) {
                    if (id >= vocabSize) {
                        throw new ConfigException("text " + (i + 1) + " ('" + texts.get(i) + "') has token id "
                                + id + " but the model's vocab_size is " + vocabSize
                                + ": the model folder's tokenizer does not fit its config");
                    }
                }
            }
        }
        return new NDArray[]{toArray(enc.inputIds(), manager), toArray(enc.attentionMask(), manager)};
    }

    static NDArray toArray(long[][] rows, NDManager manager) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return manager.create(flat, new Shape(rows.length, cols));
    }
}
