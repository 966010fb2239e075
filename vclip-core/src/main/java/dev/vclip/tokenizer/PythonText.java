package dev.vclip.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few Python string functions that CLIP's {@code simple_tokenizer.py} relies on, with Python 3 semantics
 * rather than Java's: {@code html.unescape}, {@code str.strip} and {@code str.lower}.
 *
 * <p>Each one differs from the nearest Java built-in in ways that change token ids (see the fixture README,
 * "Notes for a Java implementation"), which is why they are spelled out here.
 */
public final class PythonText {

    private PythonText() {}

    // ---------------------------------------------------------------------------------------------------------
    // str.strip()

    /**
     * Python's {@code str.isspace()} for one code point: general category Zs or bidirectional class WS, B or S.
     * That is Unicode White_Space plus U+001C..U+001F (the information separators, bidi class B/S).
     * The set was read off CPython 3.11 ({@code [c for c in range(0x110000) if chr(c).isspace()]}).
     */
    public static boolean isPythonWhitespace(int codePoint) {
        switch (codePoint) {
            case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
            case 0x1C: case 0x1D: case 0x1E: case 0x1F:
            case 0x20: case 0x85: case 0xA0: case 0x1680:
            case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
                return true;
            default:
                return codePoint >= 0x2000 && codePoint <= 0x200A;
        }
    }

    /**
     * Python's {@code str.strip()} without arguments. Unlike {@link String#trim()} it keeps C0 controls such as
     * U+0000 or U+0007, and unlike {@link String#strip()} it also removes U+001C..U+001F.
     */
    public static String strip(String text) {
        int start = 0;
        int end = text.length();
        // All Python whitespace is in the BMP, so stepping by char is exact.
        while (start < end && isPythonWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPythonWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    // ---------------------------------------------------------------------------------------------------------
    // str.lower()

    private static final int CAPITAL_SIGMA = 0x03A3;
    private static final int SMALL_SIGMA = 0x03C3;
    private static final int FINAL_SIGMA = 0x03C2;
    private static final int CAPITAL_I_WITH_DOT = 0x0130;

    /**
     * Python's {@code str.lower()}: full lower-casing code point by code point, with capital sigma following the
     * Unicode Final_Sigma condition the way CPython implements it ({@code handle_capital_sigma} in
     * {@code unicodeobject.c}). Java's {@link String#toLowerCase(Locale)} decides final sigma with word
     * boundaries instead and so differs on e.g. {@code ΑΣ_Β} or {@code ΑΣ2Β}.
     */
    public static String lower(String text) {
        if (text.indexOf(CAPITAL_SIGMA) < 0) {
            // Without a capital sigma, Java's ROOT-locale lower-casing is context-free and equals Python's:
            // the only other special case it applies is U+0130 -> "i" + U+0307, which Python applies too.
            return text.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(text.length() + 4);
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (codePoint == CAPITAL_SIGMA) {
                out.append((char) (isFinalSigma(text, i) ? FINAL_SIGMA : SMALL_SIGMA));
            } else if (codePoint == CAPITAL_I_WITH_DOT) {
                out.append("i\u0307"); // SpecialCasing.txt, unconditional
            } else {
                out.appendCodePoint(Character.toLowerCase(codePoint));
            }
            i += Character.charCount(codePoint);
        }
        return out.toString();
    }

    /**
     * Final_Sigma: {@code \p{cased} \p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})}, evaluated like
     * CPython: skip case-ignorable characters backwards, require a cased one; then skip case-ignorable characters
     * forwards and require that the next one (if any) is not cased.
     */
    private static boolean isFinalSigma(String text, int sigmaIndex) {
        int before = sigmaIndex;
        int previous = -1;
        while (before > 0) {
            previous = text.codePointBefore(before);
            before -= Character.charCount(previous);
            if (!isCaseIgnorable(previous)) {
                break;
            }
            previous = -1;
        }
        if (previous < 0 || !isCased(previous)) {
            return false;
        }
        int after = sigmaIndex + 1;
        while (after < text.length()) {
            int next = text.codePointAt(after);
            if (!isCaseIgnorable(next)) {
                return !isCased(next);
            }
            after += Character.charCount(next);
        }
        return true;
    }

    /** Unicode "Cased": Lowercase or Uppercase (both including their Other_ contributory sets) or Lt. */
    static boolean isCased(int codePoint) {
        return Character.isLowerCase(codePoint) || Character.isUpperCase(codePoint)
                || Character.isTitleCase(codePoint);
    }

    /**
     * Unicode "Case_Ignorable": categories Mn, Me, Cf, Lm, Sk, plus the Word_Break classes MidLetter, MidNumLet
     * and Single_Quote (the explicit list below, from the fixture README and DerivedCoreProperties.txt).
     */
    static boolean isCaseIgnorable(int codePoint) {
        switch (Character.getType(codePoint)) {
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.FORMAT:
            case Character.MODIFIER_LETTER:
            case Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        switch (codePoint) {
            case '\'': case '.': case ':': case 0x00B7: case 0x0387: case 0x055F: case 0x05F4:
            case 0x2018: case 0x2019: case 0x2024: case 0x2027:
            case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
                return true;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // html.unescape()

    /** The character-reference pattern of CPython's {@code html/__init__.py} ({@code _charref}), unchanged. */
    private static final Pattern CHARACTER_REFERENCE =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

    /**
     * Python's {@code html.unescape}: replaces every numeric and named character reference the way HTML5 parsers
     * do, including the legacy names without ';' matched by longest prefix ({@code &notin} -> {@code ¬in}).
     */
    public static String htmlUnescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher matcher = CHARACTER_REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int copiedUpTo = 0;
        while (matcher.find()) {
            out.append(text, copiedUpTo, matcher.start());
            out.append(replaceReference(matcher.group(1)));
            copiedUpTo = matcher.end();
        }
        out.append(text, copiedUpTo, text.length());
        return out.toString();
    }

    /** Port of {@code _replace_charref}: {@code reference} is the match without its leading '&'. */
    private static String replaceReference(String reference) {
        if (reference.charAt(0) == '#') {
            return replaceNumericReference(reference);
        }
        Map<String, String> entities = Html5Entities.TABLE;
        String whole = entities.get(reference);
        if (whole != null) {
            return whole;
        }
        // Longest prefix that is a name, as Python's `for x in range(len(s)-1, 1, -1)`. Python counts code
        // points and we count chars, but every name is ASCII, so a matching prefix is all ASCII and lies at the
        // same index either way.
        for (int length = reference.length() - 1; length > 1; length--) {
            String value = entities.get(reference.substring(0, length));
            if (value != null) {
                return value + reference.substring(length);
            }
        }
        return "&" + reference;
    }

    private static String replaceNumericReference(String reference) {
        boolean hex = reference.charAt(1) == 'x' || reference.charAt(1) == 'X';
        String digits = reference.substring(hex ? 2 : 1);
        if (digits.endsWith(";")) {
            digits = digits.substring(0, digits.length() - 1);
        }
        long number = parseCappedNumber(digits, hex ? 16 : 10);
        String replacement = invalidCharacterReference(number);
        if (replacement != null) {
            return replacement;
        }
        if ((number >= 0xD800 && number <= 0xDFFF) || number > Character.MAX_CODE_POINT) {
            return "\uFFFD";
        }
        int codePoint = (int) number;
        if (isInvalidCodePoint(codePoint)) {
            return "";
        }
        return new String(Character.toChars(codePoint));
    }

    /**
     * Parses digits that may be arbitrarily long (Python ints are unbounded); anything above U+10FFFF only needs
     * to be recognised as too large, so the value saturates just above it.
     */
    private static long parseCappedNumber(String digits, int radix) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            value = value * radix + Character.digit(digits.charAt(i), radix);
            if (value > Character.MAX_CODE_POINT) {
                return Character.MAX_CODE_POINT + 1L;
            }
        }
        return value;
    }

    /**
     * CPython's {@code _invalid_charrefs} (WHATWG "numeric character reference end state"): NUL becomes U+FFFD,
     * CR stays CR, 0x80..0x9F are read as windows-1252 except the five bytes that code page leaves undefined,
     * which stay C1 controls. Returns null for every other number.
     */
    private static String invalidCharacterReference(long number) {
        if (number == 0x00) {
            return "\uFFFD";
        }
        if (number == 0x0D) {
            return "\r";
        }
        if (number >= 0x80 && number <= 0x9F) {
            return String.valueOf(WINDOWS_1252_C1[(int) number - 0x80]);
        }
        return null;
    }

    /** Windows-1252 meaning of bytes 0x80..0x9F; 0x81, 0x8D, 0x8F, 0x90 and 0x9D map to themselves. */
    private static final char[] WINDOWS_1252_C1 = {
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    };

    /**
     * CPython's {@code _invalid_codepoints}: references to these are dropped (replaced by nothing). 0x80..0x9F
     * are also in that set but never reach it, because {@link #invalidCharacterReference} handles them first.
     */
    private static boolean isInvalidCodePoint(int codePoint) {
        return (codePoint >= 0x01 && codePoint <= 0x08)
                || codePoint == 0x0B
                || (codePoint >= 0x0E && codePoint <= 0x1F)
                || (codePoint >= 0x7F && codePoint <= 0x9F)
                || (codePoint >= 0xFDD0 && codePoint <= 0xFDEF)
                || (codePoint & 0xFFFE) == 0xFFFE; // U+xFFFE and U+xFFFF of every plane
    }

    /** The HTML5 named character references, loaded on first use from the generated resource file. */
    static final class Html5Entities {
        static final String RESOURCE = "html5-entities.tsv";
        static final Map<String, String> TABLE = load();

        private Html5Entities() {}

        private static Map<String, String> load() {
            try (InputStream in = PythonText.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource dev/vclip/tokenizer/" + RESOURCE);
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
                Map<String, String> table = new HashMap<>(4096);
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    int tab = line.indexOf('\t');
                    StringBuilder value = new StringBuilder(2);
                    for (String hex : line.substring(tab + 1).split(" ")) {
                        value.appendCodePoint(Integer.parseInt(hex, 16));
                    }
                    table.put(line.substring(0, tab), value.toString());
                }
                return Map.copyOf(table);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read resource dev/vclip/tokenizer/" + RESOURCE, e);
            }
        }
    }
}
