package dev.vclip.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonTextTest {

    /** Lines of a {"in": ..., field: ...} JSONL file where {@code actual(in)} differs from the field. */
    private static List<String> mismatches(String resource, String field,
            java.util.function.UnaryOperator<String> actual) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> failures = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(TestData.resource(resource))) {
            lineNumber++;
            JsonNode node = json.readTree(line);
            String input = node.get("in").textValue();
            String expected = node.get(field).textValue();
            String got = actual.apply(input);
            if (!expected.equals(got)) {
                failures.add("line " + lineNumber + " " + TestData.escaped(input, 60) + ": expected "
                        + TestData.escaped(expected, 60) + ", got " + TestData.escaped(got, 60));
            }
        }
        assertTrue(lineNumber > 1000, resource + " has only " + lineNumber + " lines");
        return failures;
    }

    // ----------------------------------------------------------------------------------------------------
    // html unescape

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "&amp;|&", "&amp|&", "&notin|¬in", "&notin;|∉", "&not;in|¬in", "&lt;b&gt;|<b>",
        "&#128;|€", "&#133;|…", "&#x80;|€", "&#X9f|Ÿ", "&#65|A", "&#x41;|A", "&#0065;|A",
        "&#0;|\uFFFD", "&#xD800;|\uFFFD", "&#x110000;|\uFFFD", "&#99999999999999999999;|\uFFFD",
        "a&#1;b|ab", "a&#11;b|ab", "a&#127;b|ab", "a&#xFDD0;b|ab", "a&#xFFFF;b|ab", "a&#x10FFFE;b|ab",
        "&#x1F600;|\uD83D\uDE00", "&CounterClockwiseContourIntegral;|∳", "&nosuchentity;|&nosuchentity;",
        "&;|&;", "&#;|&#;", "&#x;|&#x;", "& amp;|& amp;", "fish & chips|fish & chips", "AT&T|AT&T"
    })
    void htmlUnescapeMatchesPython(String input, String expected) {
        assertEquals(expected, PythonText.htmlUnescape(input));
    }

    @Test
    void controlCharacterReferencesKeepTheirC1ControlOrCarriageReturn() {
        assertEquals("\r", PythonText.htmlUnescape("&#13;"));
        for (int undefinedInWindows1252 : new int[] {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
            assertEquals(String.valueOf((char) undefinedInWindows1252),
                    PythonText.htmlUnescape("&#" + undefinedInWindows1252 + ";"));
        }
    }

    @Test
    void tableHasAllHtml5Names() {
        assertEquals(2231, PythonText.Html5Entities.TABLE.size());
        assertEquals("\u2233", PythonText.Html5Entities.TABLE.get("CounterClockwiseContourIntegral;"));
        assertEquals("\u2242\u0338", PythonText.Html5Entities.TABLE.get("NotEqualTilde;"), "two code points");
    }

    @Test
    void unescapingTwiceResolvesDoubleEscapes() {
        String once = PythonText.htmlUnescape("&amp;lt;");
        assertEquals("&lt;", once);
        assertEquals("<", PythonText.htmlUnescape(once));
    }

    @Test
    void matchesPythonOnEveryGoldenString() throws IOException {
        List<String> failures = mismatches("python-html-unescape.jsonl", "once", PythonText::htmlUnescape);
        failures.addAll(mismatches("python-html-unescape.jsonl", "twice",
                s -> PythonText.htmlUnescape(PythonText.htmlUnescape(s))));
        assertTrue(failures.isEmpty(), failures.size() + " differ, first: " + failures.stream().limit(5).toList());
    }

    // ----------------------------------------------------------------------------------------------------
    // strip

    @Test
    void removesPythonWhitespaceIncludingInformationSeparators() {
        String leading = "\u001C\u001D \t\n\u000B\u000C\r\u0085\u00A0\u3000";
        String trailing = "\u2028\u2029\u202F\u205F\u1680\u2000\u200A\u001E\u001F";
        assertEquals("a b", PythonText.strip(leading + "a b" + trailing));
    }

    @Test
    void keepsOtherControlAndFormatCharacters() {
        assertEquals("\u0000nul", PythonText.strip("\u0000nul"));
        assertEquals("end control\u0007", PythonText.strip("end control\u0007 "));
        assertEquals("\u200Bzero width\uFEFF", PythonText.strip("\u200Bzero width\uFEFF"));
        assertEquals("\u180E", PythonText.strip("\u180E"), "not White_Space since Unicode 6.3");
    }

    @Test
    void whitespaceSetIsExactlyPythons() {
        int count = 0;
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            if (PythonText.isPythonWhitespace(codePoint)) {
                count++;
                boolean whiteSpaceProperty = Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
                        || codePoint == 0x85;
                assertTrue(whiteSpaceProperty, Integer.toHexString(codePoint));
            }
        }
        assertEquals(29, count, "25 White_Space code points + U+001C..U+001F");
        assertFalse(PythonText.isPythonWhitespace(0x200B));
    }

    // ----------------------------------------------------------------------------------------------------
    // lower

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "ΟΔΟΣ|οδος", "ΟΔΟΣ-ΟΔΟΣ|οδος-οδος", "ΑΣ_Β|ας_β", "ΑΣ2Β|ας2β", "ΑΣ’Β|ασ’β", "ΑΣ:Β|ασ:β",
        "Σ|σ", "ΣΑ|σα", "Α Σ|α σ", "ΑΣ Β|ας β", "ΑΣ.|ας.", "Α.Σ|α.ς", "ΑΣ\u0301|ας\u0301", "ΑΣ\u0301Β|ασ\u0301β",
        "ΑΣΣ|ασς", "ǅΣ|ǆς", "ªΣ|ªς", "\u24B6Σ|\u24D0ς"
    })
    void finalSigmaFollowsPython(String input, String expected) {
        assertEquals(expected, PythonText.lower(input));
    }

    @Test
    void capitalIWithDotBecomesTwoCodePoints() {
        assertEquals("i\u0307stanbul", PythonText.lower("İstanbul"));
        assertEquals("i\u0307σ", PythonText.lower("İΣ").substring(0, 2) + "σ");
        assertEquals("i\u0307ς", PythonText.lower("İΣ"), "İ is cased, so the sigma after it is final");
    }

    @Test
    void withoutSigmaEqualsJavaRootLowerCasing() {
        String text = "ÀÉÎÕÜ ẞ ǄǅǇ Ⅻ ＡＢＣ 𐐀 KELVIN\u212A";
        assertEquals(text.toLowerCase(Locale.ROOT), PythonText.lower(text));
    }

    @Test
    void matchesPythonOnEveryGoldenSigmaContext() throws IOException {
        List<String> failures = mismatches("python-lower.jsonl", "lower", PythonText::lower);
        assertTrue(failures.isEmpty(), failures.size() + " differ, first: " + failures.stream().limit(5).toList());
    }
}
