package dev.vclip.data;

/** Number fields of the dataset formats, with messages that say what was expected. */
final class Numbers {
    private Numbers() {
    }

    /** The outcome of parsing an integer field: a value, or why there is none. */
    record Parsed(long value, String error) {
        boolean ok() {
            return error == null;
        }
    }

    /**
     * A decimal integer as Python's {@code int()} reads a field: optional surrounding whitespace and sign,
     * ASCII digits (no underscores, no exponent). With {@code allowIntegralDecimal}, {@code "12.0"} is 12 too
     * (pandas writes an integer column that way once it holds a missing value), but {@code "12.5"} is not.
     */
    static Parsed parseInteger(String what, String field, boolean allowIntegralDecimal) {
        String s = TextFiles.strip(field);
        if (s.isEmpty()) {
            return new Parsed(0, what + " is empty: expected an integer");
        }
        String digits = s;
        if (allowIntegralDecimal) {
            int dot = s.indexOf('.');
            if (dot >= 0) {
                String fraction = s.substring(dot + 1);
                if (!fraction.chars().allMatch(c -> c == '0')) {
                    return new Parsed(0, what + " '" + field + "' is not an integer");
                }
                digits = s.substring(0, dot);
            }
        }
        int start = digits.startsWith("+") || digits.startsWith("-") ? 1 : 0;
        if (start == digits.length() || digits.length() - start > 18
                || !digits.substring(start).chars().allMatch(c -> c >= '0' && c <= '9')) {
            boolean tooLong = digits.length() - start > 18
                    && digits.substring(start).chars().allMatch(c -> c >= '0' && c <= '9');
            return new Parsed(0, what + " '" + field + "' " + (tooLong ? "is too large" : "is not an integer"));
        }
        return new Parsed(Long.parseLong(digits), null);
    }

    /** A non-negative int, or the reason it is not one. */
    static Parsed parseIndex(String what, String field, boolean allowIntegralDecimal) {
        Parsed parsed = parseInteger(what, field, allowIntegralDecimal);
        if (!parsed.ok()) {
            return parsed;
        }
        if (parsed.value() < 0) {
            return new Parsed(0, what + " " + parsed.value() + " is negative: expected an integer >= 0");
        }
        if (parsed.value() > Integer.MAX_VALUE) {
            return new Parsed(0, what + " " + parsed.value() + " is too large");
        }
        return parsed;
    }
}
