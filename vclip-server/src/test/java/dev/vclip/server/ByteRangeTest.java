package dev.vclip.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Range headers against a 1000-byte file (RFC 9110 §14): what is served. */
class ByteRangeTest {

    private static String served(String header, long length) {
        ByteRange.Parsed p = ByteRange.parse(header.equals("absent") ? null : header, length);
        if (p instanceof ByteRange.Part part) {
            return part.range().first() + "-" + part.range().last();
        }
        return p instanceof ByteRange.Unsatisfiable ? "416" : "whole";
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "absent                  | whole",
            "bytes=0-0               | 0-0",
            "bytes=0-99              | 0-99",
            "bytes=100-199           | 100-199",
            "bytes=-100              | 900-999",
            "bytes=-5000             | 0-999",
            "bytes=900-              | 900-999",
            "bytes=0-                | 0-999",
            "bytes=990-5000          | 990-999",
            "BYTES=1-2               | 1-2",
            "bytes= 1 - 2            | 1-2",
            "bytes=0-1,5-9           | 0-9",
            "bytes=500-599, -10      | 500-999",
            "bytes=1000-             | 416",
            "bytes=1000-1000         | 416",
            "bytes=-0                | 416",
            "bytes=1000-,2000-3000   | 416",
            "bytes=5-1               | whole",
            "bytes=x-1               | whole",
            "bytes=1-y               | whole",
            "bytes=-                 | whole",
            "bytes=1-2-3             | whole",
            "bytes=                  | whole",
            "items=0-1               | whole",
            "bytes=0-1,,             | whole",
            "bytes=99999999999999999999- | 416",
            "bytes=-99999999999999999999 | 0-999",
            "bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17,18-19,20-21,22-23,24-25,26-27,28-29,30-31,32-33 | whole",
    })
    void rangesOfAThousandByteFile(String header, String expected) {
        assertEquals(expected, served(header, 1000), header);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"bytes=0-     | 416", "bytes=-10 | 416", "absent | whole"})
    void anEmptyFileHasNoSatisfiableRange(String header, String expected) {
        assertEquals(expected, served(header, 0), header);
    }
}
