package dev.vclip.server;

import java.util.Optional;

/**
 * One satisfiable byte range of a file of {@code length} bytes, {@code first} to {@code last} inclusive, as a
 * {@code Range: bytes=...} header asks (RFC 9110 §14). Several ranges are served as the one range that covers them
 * all, which the RFC allows (a server may coalesce ranges); browsers ask for one range when they seek a video.
 */
record ByteRange(long first, long last, long length) {

    /** The most ranges one header may list; past that the header is ignored (the whole file is sent). */
    static final int MAX_RANGES = 16;

    /** The result of reading a Range header: no range (send everything), a range, or unsatisfiable (416). */
    sealed interface Parsed permits Whole, Part, Unsatisfiable {
    }

    /** No usable Range header: answer 200 with the whole file. */
    record Whole() implements Parsed {
    }

    /** Answer 206 with this range. */
    record Part(ByteRange range) implements Parsed {
    }

    /** Answer 416 with {@code Content-Range: bytes *}{@code /length}. */
    record Unsatisfiable() implements Parsed {
    }

    long count() {
        return last - first + 1;
    }

    /** The {@code Content-Range} value, {@code bytes first-last/length}. */
    String contentRange() {
        return "bytes " + first + "-" + last + "/" + length;
    }

    /**
     * Reads {@code header} (null when absent) against a file of {@code length} bytes. A header that does not parse
     * is ignored, as the RFC says; a header whose ranges all lie past the end is unsatisfiable.
     */
    static Parsed parse(String header, long length) {
        if (header == null) {
            return new Whole();
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String[] specs = h.substring(6).split(",", -1);
        if (specs.length > MAX_RANGES) {
            return new Whole();
        }
        long first = Long.MAX_VALUE;
        long last = -1;
        for (String spec : specs) {
            Optional<long[]> r = one(spec.strip(), length);
            if (r == null) {
                return new Whole(); // malformed: ignore the header
            }
            if (r.isPresent()) {
                first = Math.min(first, r.get()[0]);
                last = Math.max(last, r.get()[1]);
            }
        }
        if (last < 0) {
            return new Unsatisfiable();
        }
        return new Part(new ByteRange(first, last, length));
    }

    /** One range spec: null when malformed, empty when unsatisfiable, else {first, last} clamped to the file. */
    private static Optional<long[]> one(String spec, long length) {
        int dash = spec.indexOf('-');
        if (dash < 0 || spec.indexOf('-', dash + 1) >= 0) {
            return null;
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        if (a.isEmpty()) { // suffix: the last N bytes
            Long n = number(b);
            if (n == null) {
                return null;
            }
            if (n == 0 || length == 0) {
                return Optional.empty();
            }
            return Optional.of(new long[]{Math.max(0, length - n), length - 1});
        }
        Long first = number(a);
        Long last = b.isEmpty() ? Long.valueOf(Long.MAX_VALUE) : number(b);
        if (first == null || last == null || last < first) {
            return null;
        }
        if (first >= length) {
            return Optional.empty();
        }
        return Optional.of(new long[]{first, Math.min(last, length - 1)});
    }

    private static Long number(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return s.length() > 18 && s.chars().allMatch(Character::isDigit) ? Long.MAX_VALUE : null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(s);
    }
}
