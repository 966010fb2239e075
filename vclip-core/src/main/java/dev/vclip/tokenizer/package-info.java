/**
 * CLIP's text tokenizer: byte-level BPE exactly as openai/CLIP {@code simple_tokenizer.py} (without ftfy), and
 * the openai and Hugging Face framings into a fixed context with padding and attention mask.
 *
 * <ul>
 *   <li>{@link dev.vclip.tokenizer.ClipTokenizer}: loading (HF {@code vocab.json} + {@code merges.txt}, openai
 *       {@code bpe_simple_vocab_16e6.txt.gz}, or the bundled copy of the latter), encode, decode;</li>
 *   <li>{@link dev.vclip.tokenizer.PythonText}: the Python string semantics the tokenizer depends on
 *       ({@code html.unescape}, {@code str.strip}, {@code str.lower}).</li>
 * </ul>
 *
 * <p>Resources under {@code dev/vclip/tokenizer/}: the openai vocabulary (MIT, {@code LICENSE-CLIP.txt}) and
 * the WHATWG HTML5 named character reference table generated from CPython's {@code html.entities}.
 *
 * <p>Of vclip it uses only {@code VclipException} (the base of {@code TokenizerException}); otherwise the JDK
 * and Jackson. The reference behaviour, and every trap a Java port falls into, is described in
 * {@code shared/fixtures/tokenizer/README.md}.
 *
 * <p>May depend on: {@code dev.vclip}.
 */
package dev.vclip.tokenizer;
