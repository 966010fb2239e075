package dev.vclip.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The two tables a CLIP tokenizer needs, read from either file layout: the token -> id map ({@code encoder})
 * and the ranked merges ({@code bpe_ranks}, held on ids in a {@link MergeTable}).
 *
 * <p>Both loaders reproduce the Python readers exactly, including which lines of the merges they keep
 * (the slice {@code [1 : 49152-256-2+1]}, i.e. lines 1..48,894), so the same file gives the same tokenizer
 * as in Python. On top of that they check what Python would only trip over later with a KeyError: that every
 * byte symbol, every merge result and both special tokens have an id.
 */
final class BpeVocabulary {

    static final String START_OF_TEXT = "<|startoftext|>";
    static final String END_OF_TEXT = "<|endoftext|>";
    static final String END_OF_WORD = "</w>";

    /** Python slice end {@code 49152-256-2+1}: the merges kept are lines 1 up to (excluding) this one. */
    private static final int MERGES_SLICE_END = 49152 - 256 - 2 + 1;

    /** Token string -> id. */
    final Map<String, Integer> encoder;
    /** Id -> token string ({@code decoder}). */
    final Map<Integer, String> decoder;
    /** {@code bpe_ranks}, on ids. */
    final MergeTable merges;
    /** Id of the symbol of each byte value, and of that symbol followed by {@code </w>}. */
    final int[] byteId = new int[256];
    final int[] byteEndOfWordId = new int[256];
    /** Where the tables were read from, for messages. */
    final String source;

    private BpeVocabulary(Map<String, Integer> encoder, Map<Integer, String> decoder, MergeTable merges,
            String source) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.merges = merges;
        this.source = source;
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteSymbols.symbol(b));
            byteId[b] = encoder.get(symbol);
            byteEndOfWordId[b] = encoder.get(symbol + END_OF_WORD);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // openai layout: bpe_simple_vocab_16e6.txt.gz

    /** Reads the openai {@code .gz} merges file and builds the ids the way {@code SimpleTokenizer.__init__} does. */
    static BpeVocabulary fromBpeGz(Path gzFile) {
        try (InputStream in = Files.newInputStream(gzFile)) {
            return fromBpeGz(in, gzFile.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerException("BPE vocabulary file not found: " + gzFile, e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read BPE vocabulary file " + gzFile + ": " + e.getMessage(), e);
        }
    }

    static BpeVocabulary fromBpeGz(InputStream gzStream, String sourceName) {
        String content;
        try (GZIPInputStream gunzip = new GZIPInputStream(gzStream, 1 << 16)) {
            content = decodeUtf8Strictly(gunzip.readAllBytes(), sourceName);
        } catch (IOException e) {
            throw new TokenizerException("cannot read BPE vocabulary file " + sourceName
                    + " (expected gzip-compressed merges like bpe_simple_vocab_16e6.txt.gz): " + e.getMessage(), e);
        }
        // merges = read().decode("utf-8").split('\n')[1:49152-256-2+1]
        List<String[]> merges = parseMerges(splitLines(content, MERGES_SLICE_END), sourceName);

        // vocab = byte symbols, then the same with '</w>', then one entry per merge, then the two specials.
        List<String> vocab = new ArrayList<>(512 + merges.size() + 2);
        for (int b : ByteSymbols.ORDER) {
            vocab.add(String.valueOf(ByteSymbols.symbol(b)));
        }
        for (int i = 0; i < 256; i++) {
            vocab.add(vocab.get(i) + END_OF_WORD);
        }
        for (String[] merge : merges) {
            vocab.add(merge[0] + merge[1]);
        }
        vocab.add(START_OF_TEXT);
        vocab.add(END_OF_TEXT);
        // dict(zip(vocab, range(len(vocab)))): a repeated string keeps its last id.
        Map<String, Integer> encoder = new HashMap<>(vocab.size() * 2);
        for (int id = 0; id < vocab.size(); id++) {
            encoder.put(vocab.get(id), id);
        }
        return validated(encoder, merges, sourceName);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hugging Face layout: vocab.json + merges.txt

    /** Reads {@code vocab.json} and {@code merges.txt} the way HF's slow {@code CLIPTokenizer.__init__} does. */
    static BpeVocabulary fromHfFiles(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> encoder = readVocabJson(vocabJson);
        String content = readUtf8File(mergesTxt, "merges file");
        // open(..., encoding="utf-8") reads with universal newlines, so CRLF files work in Python too.
        content = content.replace("\r\n", "\n").replace('\r', '\n');
        // merges_handle.read().strip().split("\n")[1 : 49152 - 256 - 2 + 1]
        List<String[]> merges = parseMerges(splitLines(PythonText.strip(content), MERGES_SLICE_END),
                mergesTxt.toString());
        return validated(encoder, merges, vocabJson + " + " + mergesTxt);
    }

    private static Map<String, Integer> readVocabJson(Path vocabJson) {
        JsonFactory factory = new JsonFactory();
        try (InputStream in = Files.newInputStream(vocabJson);
                JsonParser parser = factory.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new TokenizerException("vocabulary file " + vocabJson
                        + " is not a JSON object of token -> id (like Hugging Face vocab.json)");
            }
            Map<String, Integer> encoder = new HashMap<>(1 << 17);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String token = parser.currentName();
                if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw new TokenizerException("vocabulary file " + vocabJson + ": the id of token "
                            + quoted(token) + " is not an integer (line " + parser.currentLocation().getLineNr()
                            + ")");
                }
                encoder.put(token, parser.getIntValue()); // like json.load, a repeated key keeps its last value
            }
            return encoder;
        } catch (NoSuchFileException e) {
            throw new TokenizerException("vocabulary file not found: " + vocabJson, e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read vocabulary file " + vocabJson + ": " + e.getMessage(), e);
        }
    }

    private static String readUtf8File(Path file, String what) {
        try {
            return decodeUtf8Strictly(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerException(what + " not found: " + file, e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // shared parsing and checks

    private static String decodeUtf8Strictly(byte[] bytes, String sourceName) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TokenizerException("tokenizer file " + sourceName + " is not valid UTF-8", e);
        }
    }

    /** Python's {@code text.split('\n')[1:endExclusive]}: only '\n' separates lines. */
    private static List<String> splitLines(String text, int endExclusive) {
        List<String> lines = new ArrayList<>(endExclusive);
        int lineStart = 0;
        for (int index = 0; index < endExclusive; index++) {
            int newline = text.indexOf('\n', lineStart);
            String line = newline < 0 ? text.substring(lineStart) : text.substring(lineStart, newline);
            if (index >= 1) {
                lines.add(line);
            }
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
        }
        return lines;
    }

    /** {@code [tuple(merge.split()) for merge in merges]}, insisting on exactly two parts per line. */
    private static List<String[]> parseMerges(List<String> lines, String sourceName) {
        List<String[]> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = splitOnPythonWhitespace(lines.get(i));
            if (parts.length != 2) {
                throw new TokenizerException("merges in " + sourceName + ", line " + (i + 2)
                        + ": expected two symbols separated by a space, found " + quoted(lines.get(i)));
            }
            merges.add(parts);
        }
        return merges;
    }

    /** Python's {@code str.split()} without arguments. */
    private static String[] splitOnPythonWhitespace(String line) {
        List<String> parts = new ArrayList<>(2);
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && PythonText.isPythonWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < line.length() && !PythonText.isPythonWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                parts.add(line.substring(start, i));
            }
        }
        return parts.toArray(new String[0]);
    }

    private static BpeVocabulary validated(Map<String, Integer> encoder, List<String[]> merges, String source) {
        // The Python slice hard-codes the size of CLIP's vocabulary (49,408 = 512 byte tokens + 48,894 merges
        // + 2 specials), so fewer merges means a truncated file or a different tokenizer, never a CLIP one.
        if (merges.size() != MERGES_SLICE_END - 1) {
            throw new TokenizerException("tokenizer vocabulary " + source + " has " + merges.size()
                    + " merges where CLIP's has " + (MERGES_SLICE_END - 1) + "; is the file truncated?");
        }
        for (String special : List.of(START_OF_TEXT, END_OF_TEXT)) {
            requireToken(encoder, special, source, "special token");
        }
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteSymbols.symbol(b));
            requireToken(encoder, symbol, source, "byte symbol");
            requireToken(encoder, symbol + END_OF_WORD, source, "byte symbol");
        }
        // Python's decoder {v: k for k, v in encoder.items()} silently loses tokens that share an id, and BPE on
        // ids (MergeTable) needs one id per token; CLIP's vocabulary has 49,408 distinct ids.
        Map<Integer, String> tokenOfId = new HashMap<>(encoder.size() * 2);
        for (Map.Entry<String, Integer> entry : encoder.entrySet()) {
            String previous = tokenOfId.put(entry.getValue(), entry.getKey());
            if (entry.getValue() < 0 || previous != null) {
                throw new TokenizerException("tokenizer vocabulary " + source + ": id " + entry.getValue()
                        + (previous != null ? " is given to both " + quoted(previous) + " and " : " of ")
                        + quoted(entry.getKey()) + (previous != null ? "" : " is negative"));
            }
        }
        // bpe_ranks = dict(zip(merges, range(len(merges)))): a repeated pair keeps its last rank.
        MergeTable table = new MergeTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String left = merges.get(rank)[0];
            String right = merges.get(rank)[1];
            Integer mergedId = encoder.get(left + right);
            if (mergedId == null) {
                throw new TokenizerException("tokenizer vocabulary " + source + " has no id for "
                        + quoted(left + right) + ", the result of merge " + rank + " (line " + (rank + 2)
                        + " of the merges); do the vocabulary and the merges belong together?");
            }
            Integer leftId = encoder.get(left);
            Integer rightId = encoder.get(right);
            if (leftId != null && rightId != null) { // otherwise the pair can never occur in a word
                table.put(leftId, rightId, rank, mergedId);
            }
        }
        return new BpeVocabulary(Map.copyOf(encoder), Map.copyOf(tokenOfId), table, source);
    }

    private static void requireToken(Map<String, Integer> encoder, String token, String source, String what) {
        if (!encoder.containsKey(token)) {
            throw new TokenizerException("tokenizer vocabulary " + source + " has no id for the " + what + " "
                    + quoted(token) + "; is it a CLIP vocabulary?");
        }
    }

    private static String quoted(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return "\"" + shown + "\"";
    }
}
