package dev.vclip.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer: openai/CLIP {@code clip/simple_tokenizer.py} ({@code SimpleTokenizer.encode}
 * without ftfy) plus the two ways of framing ids into a fixed context: openai's {@code clip.tokenize} and the
 * Hugging Face {@code CLIPTokenizer(padding="max_length", truncation=True)}.
 *
 * <p>The steps and their Python-specific traps are listed in the fixture README
 * ({@code shared/fixtures/tokenizer/README.md}, "Definition of ids"):
 * {@code html.unescape} twice, {@code strip}, {@code \s+} -> one space, {@code strip}, {@code lower}, split with
 * the CLIP pattern, then BPE on the UTF-8 bytes of every piece.
 *
 * <p>Instances are immutable and thread-safe. The only mutable state is a concurrent memo of BPE results per
 * piece, which (like the {@code cache} of simple_tokenizer.py) never changes a result.
 */
public final class ClipTokenizer {

    /** How a batch of ids is laid out in a fixed-length context. */
    public enum Framing {
        /** Hugging Face CLIPTokenizer: pads with {@code <|endoftext|>} (49407). */
        HF,
        /** openai {@code clip.tokenize}: pads with 0 (which is also the id of "!"; the mask tells them apart). */
        OPENAI
    }

    /**
     * A batch framed as {@code [bos] + ids[:contextLength-2] + [eot]} and padded, shape [texts][contextLength].
     *
     * @param inputIds      token ids, padded per the framing
     * @param attentionMask 1 on real tokens, bos and eot included, 0 on padding (for both framings)
     * @param eotIndex      where CLIP pools the text features: the first {@code <|endoftext|>} of each row,
     *                      as {@code ids.argmax(-1)} finds it in openai's and HF's code (torch returns the
     *                      first maximum). That is the closing one unless the text holds a literal
     *                      "&lt;|endoftext|&gt;"
     * @param truncated     whether a text had more than {@code contextLength - 2} ids and was cut
     */
    public record Encoding(long[][] inputIds, long[][] attentionMask, int[] eotIndex, boolean[] truncated) {
        public int batchSize() {
            return inputIds.length;
        }

        public int contextLength() {
            return inputIds.length == 0 ? 0 : inputIds[0].length;
        }

        public boolean anyTruncated() {
            for (boolean cut : truncated) {
                if (cut) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The bundled openai vocabulary (MIT, see LICENSE-CLIP.txt next to it). */
    public static final String BUNDLED_VOCABULARY = "/dev/vclip/tokenizer/bpe_simple_vocab_16e6.txt.gz";
    /** Context length of every released CLIP text encoder. */
    public static final int DEFAULT_CONTEXT_LENGTH = 77;
    /**
     * The tokenizer files a model folder may carry, which {@link #forModelDir} reads or HF writes next to them; copied
     * with the weights when a model folder is saved or converted.
     */
    public static final List<String> FOLDER_FILES = List.of("vocab.json", "merges.txt", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "bpe_simple_vocab_16e6.txt.gz");

    /**
     * The split pattern of simple_tokenizer.py, with the flags Java needs to behave like the Python regex module
     * with IGNORECASE (README, "Regex flags").
     *
     * <p>One deliberate change: U+0345 COMBINING GREEK YPOGEGRAMMENI is excluded from the last alternative. Under
     * IGNORECASE the regex module matches it with none of the alternatives (it case-folds to the letter iota, so
     * {@code [^\s\p{L}\p{N}]} rejects it, while {@code [\p{L}]} does not take it either), and findall skips it:
     * "a", U+0345, "b" gives {@code ['a', 'b']}. Java would make it a piece of its own. Compared with the regex
     * module over every code point JDK 17 defines, in letter, digit, punctuation and contraction contexts, this is
     * the only code point where the two differ. It is not in the shared fixtures.
     */
    private static final Pattern PIECES = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d"
                    + "|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}\\u0345]+",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    /** {@code \s} of the Python regex module: the 25 White_Space code points (not U+001C..U+001F). */
    private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    /** The memo is cleared when it grows past this, so that a long-running process cannot grow it forever. */
    private static final int MAX_CACHED_PIECES = 100_000;

    private static volatile ClipTokenizer openaiDefault;

    private final BpeVocabulary vocabulary;
    private final Map<Integer, String> tokenOfId;
    private final int bosId;
    private final int eotId;
    private final ConcurrentHashMap<String, int[]> idsOfPiece = new ConcurrentHashMap<>();

    private ClipTokenizer(BpeVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.bosId = vocabulary.encoder.get(BpeVocabulary.START_OF_TEXT);
        this.eotId = vocabulary.encoder.get(BpeVocabulary.END_OF_TEXT);
        this.tokenOfId = vocabulary.decoder;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Loading

    /** From a Hugging Face model's {@code vocab.json} and {@code merges.txt}. */
    public static ClipTokenizer fromHfFiles(Path vocabJson, Path mergesTxt) {
        return new ClipTokenizer(BpeVocabulary.fromHfFiles(vocabJson, mergesTxt));
    }

    /** From openai's {@code bpe_simple_vocab_16e6.txt.gz} (or a file of the same layout). */
    public static ClipTokenizer fromBpeGz(Path bpeSimpleVocabGz) {
        return new ClipTokenizer(BpeVocabulary.fromBpeGz(bpeSimpleVocabGz));
    }

    /** The tokenizer of every openai CLIP model, from the vocabulary bundled in this jar; loaded once. */
    public static ClipTokenizer openaiDefault() {
        ClipTokenizer tokenizer = openaiDefault;
        if (tokenizer == null) {
            synchronized (ClipTokenizer.class) {
                tokenizer = openaiDefault;
                if (tokenizer == null) {
                    tokenizer = loadBundled();
                    openaiDefault = tokenizer;
                }
            }
        }
        return tokenizer;
    }

    private static ClipTokenizer loadBundled() {
        try (InputStream in = ClipTokenizer.class.getResourceAsStream(BUNDLED_VOCABULARY)) {
            if (in == null) {
                throw new TokenizerException("bundled vocabulary " + BUNDLED_VOCABULARY
                        + " is missing from the class path");
            }
            return new ClipTokenizer(BpeVocabulary.fromBpeGz(in, "classpath:" + BUNDLED_VOCABULARY));
        } catch (IOException e) {
            throw new TokenizerException("cannot read bundled vocabulary " + BUNDLED_VOCABULARY, e);
        }
    }

    /**
     * The tokenizer for a model folder: its {@code vocab.json} + {@code merges.txt} when both are there, else its
     * {@code bpe_simple_vocab_16e6.txt.gz}, else the bundled openai vocabulary (all CLIP-family models share it).
     */
    public static ClipTokenizer forModelDir(Path dir) {
        Path vocabJson = dir.resolve("vocab.json");
        Path mergesTxt = dir.resolve("merges.txt");
        if (Files.isRegularFile(vocabJson) && Files.isRegularFile(mergesTxt)) {
            return fromHfFiles(vocabJson, mergesTxt);
        }
        Path gz = dir.resolve("bpe_simple_vocab_16e6.txt.gz");
        if (Files.isRegularFile(gz)) {
            return fromBpeGz(gz);
        }
        return openaiDefault();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Encoding

    /** {@code SimpleTokenizer().encode(text)} (ftfy taken as the identity): no special tokens, no truncation. */
    public int[] encode(String text) {
        List<int[]> pieceIds = new ArrayList<>();
        int count = 0;
        for (String piece : preTokenize(text)) {
            int[] ids = idsOfPiece(piece);
            pieceIds.add(ids);
            count += ids.length;
        }
        int[] result = new int[count];
        int at = 0;
        for (int[] ids : pieceIds) {
            System.arraycopy(ids, 0, result, at, ids.length);
            at += ids.length;
        }
        return result;
    }

    /** The BPE token strings of {@link #encode(String)} (HF's {@code tokenize}), e.g. {@code "cat</w>"}. */
    public List<String> tokenize(String text) {
        int[] ids = encode(text);
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(tokenOfId.get(id));
        }
        return tokens;
    }

    /**
     * Encodes a batch into a fixed context: {@code [bos] + ids[:contextLength-2] + [eot]}, padded to
     * {@code contextLength} with 0 ({@link Framing#OPENAI}) or with eot ({@link Framing#HF}).
     */
    public Encoding encode(List<String> texts, int contextLength, Framing framing) {
        Objects.requireNonNull(framing, "framing");
        if (contextLength < 2) {
            throw new IllegalArgumentException("context length must leave room for <|startoftext|> and "
                    + "<|endoftext|>, got " + contextLength);
        }
        long padId = framing == Framing.HF ? eotId : 0;
        int bodyLimit = contextLength - 2;
        long[][] inputIds = new long[texts.size()][contextLength];
        long[][] attentionMask = new long[texts.size()][contextLength];
        int[] eotIndex = new int[texts.size()];
        boolean[] truncated = new boolean[texts.size()];
        for (int row = 0; row < texts.size(); row++) {
            int[] ids = encode(texts.get(row));
            int bodyLength = Math.min(ids.length, bodyLimit);
            long[] rowIds = inputIds[row];
            rowIds[0] = bosId;
            for (int i = 0; i < bodyLength; i++) {
                rowIds[1 + i] = ids[i];
            }
            rowIds[1 + bodyLength] = eotId;
            Arrays.fill(rowIds, 2 + bodyLength, contextLength, padId);
            Arrays.fill(attentionMask[row], 0, 2 + bodyLength, 1L);
            eotIndex[row] = firstIndexOf(rowIds, eotId);
            truncated[row] = ids.length > bodyLimit;
        }
        return new Encoding(inputIds, attentionMask, eotIndex, truncated);
    }

    private static int firstIndexOf(long[] values, long wanted) {
        int index = 0;
        while (values[index] != wanted) {
            index++;
        }
        return index;
    }

    /** Shorthand for one text in the default 77-token context. */
    public Encoding encode(String text, Framing framing) {
        return encode(List.of(text), DEFAULT_CONTEXT_LENGTH, framing);
    }

    /** Whether {@code text} has more ids than fit between bos and eot in a context of this length. */
    public boolean isTruncated(String text, int contextLength) {
        return encode(text).length > contextLength - 2;
    }

    /**
     * The cleaned, lower-cased pieces that BPE runs on (steps 2-6 of the README): what {@code re.findall(pat,
     * text)} returns in {@code SimpleTokenizer.encode}.
     */
    List<String> preTokenize(String text) {
        String cleaned = clean(text);
        List<String> pieces = new ArrayList<>();
        Matcher matcher = PIECES.matcher(cleaned);
        while (matcher.find()) {
            pieces.add(matcher.group());
        }
        return pieces;
    }

    /** {@code whitespace_clean(basic_clean(text)).lower()} with ftfy as the identity. */
    static String clean(String text) {
        String unescaped = PythonText.htmlUnescape(PythonText.htmlUnescape(text));
        String stripped = PythonText.strip(unescaped);
        String collapsed = WHITESPACE_RUN.matcher(stripped).replaceAll(" ");
        return PythonText.lower(PythonText.strip(collapsed));
    }

    private int[] idsOfPiece(String piece) {
        int[] cached = idsOfPiece.get(piece);
        if (cached != null) {
            return cached;
        }
        int[] ids = computeIdsOfPiece(piece);
        if (idsOfPiece.size() >= MAX_CACHED_PIECES) {
            idsOfPiece.clear();
        }
        idsOfPiece.put(piece, ids);
        return ids;
    }

    private int[] computeIdsOfPiece(String piece) {
        // The two special-token strings are pre-filled in simple_tokenizer's cache and so skip BPE. The check is
        // on the exact string: the pattern's IGNORECASE would also match "<|ſtartoftext|>", which Python BPEs.
        if (piece.equals(BpeVocabulary.START_OF_TEXT)) {
            return new int[] {bosId};
        }
        if (piece.equals(BpeVocabulary.END_OF_TEXT)) {
            return new int[] {eotId};
        }
        return bytePairEncode(piece.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code SimpleTokenizer.bpe} followed by the id lookup: start from one symbol per byte with {@code </w>}
     * on the last, then repeatedly merge every occurrence (left to right, no overlap) of the adjacent pair with
     * the lowest rank, until no pair has a rank or one symbol is left. Symbols are held as their ids.
     */
    private int[] bytePairEncode(byte[] utf8) {
        int length = utf8.length;
        int[] word = new int[length];
        for (int i = 0; i < length - 1; i++) {
            word[i] = vocabulary.byteId[utf8[i] & 0xFF];
        }
        word[length - 1] = vocabulary.byteEndOfWordId[utf8[length - 1] & 0xFF];
        MergeTable merges = vocabulary.merges;
        while (length > 1) {
            long best = MergeTable.ABSENT;
            int bestLeft = 0;
            int bestRight = 0;
            for (int i = 0; i + 1 < length; i++) {
                long merge = merges.get(word[i], word[i + 1]);
                if (merge != MergeTable.ABSENT
                        && (best == MergeTable.ABSENT || MergeTable.rank(merge) < MergeTable.rank(best))) {
                    best = merge;
                    bestLeft = word[i];
                    bestRight = word[i + 1];
                }
            }
            if (best == MergeTable.ABSENT) {
                break;
            }
            int mergedId = MergeTable.mergedId(best);
            int kept = 0; // compacts in place: the write position never passes the read position
            for (int i = 0; i < length; ) {
                if (i + 1 < length && word[i] == bestLeft && word[i + 1] == bestRight) {
                    word[kept++] = mergedId;
                    i += 2;
                } else {
                    word[kept++] = word[i++];
                }
            }
            length = kept;
        }
        return Arrays.copyOf(word, length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Decoding and accessors

    /**
     * {@code SimpleTokenizer.decode}: concatenates the tokens, turns the byte symbols back into UTF-8 (invalid
     * sequences become U+FFFD) and each {@code </w>} into a space. Special tokens are kept as text and padding
     * is not removed, so pass only the ids you want to see (0 decodes to "!").
     *
     * @throws IllegalArgumentException for an id that is not in the vocabulary
     */
    public String decode(int[] ids) {
        StringBuilder symbols = new StringBuilder(ids.length * 4);
        for (int id : ids) {
            String token = tokenOfId.get(id);
            if (token == null) {
                throw new IllegalArgumentException("token id " + id + " is not in the vocabulary ("
                        + vocabulary.source + ")");
            }
            symbols.append(token);
        }
        byte[] bytes = new byte[symbols.length()];
        for (int i = 0; i < bytes.length; i++) {
            int b = ByteSymbols.byteOf(symbols.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException("token text " + symbols + " contains "
                        + Character.getName(symbols.charAt(i)) + ", which is no byte symbol");
            }
            bytes[i] = (byte) b;
        }
        return new String(bytes, StandardCharsets.UTF_8).replace(BpeVocabulary.END_OF_WORD, " ");
    }

    /** Id of {@code <|startoftext|>} (49406 in CLIP). */
    public int bosId() {
        return bosId;
    }

    /** Id of {@code <|endoftext|>} (49407 in CLIP); also HF's pad token. */
    public int eotId() {
        return eotId;
    }

    /** Number of distinct tokens (49408 in CLIP). */
    public int vocabSize() {
        return vocabulary.encoder.size();
    }

    /** The id of a token string such as {@code "cat</w>"}, or -1 if the vocabulary has none. */
    public int idOf(String token) {
        return vocabulary.encoder.getOrDefault(token, -1);
    }

    @Override
    public String toString() {
        return "ClipTokenizer[" + vocabulary.source + ", " + vocabSize() + " tokens]";
    }

    /** Number of pieces currently memoised; for tests of the cache bound. */
    int cachedPieceCount() {
        return idsOfPiece.size();
    }
}
