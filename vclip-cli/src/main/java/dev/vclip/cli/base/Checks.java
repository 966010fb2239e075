package dev.vclip.cli.base;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option value checks done while parsing, so an out-of-range number is a usage error (exit 2) that names the option
 * ({@code Invalid value for option '--batch': must be 1 or more, not 0}) rather than a failure deep in a run.
 */
public final class Checks {
    private Checks() {
    }

    /** A whole number of 1 or more: counts, sizes, frames, batch, workers, top K. */
    public static final class AtLeastOne implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = wholeNumber(value);
            if (n < 1) {
                throw new TypeConversionException("must be 1 or more, not " + n);
            }
            return n;
        }
    }

    /** A whole number of 0 or more (e.g. warm-up runs). */
    public static final class AtLeastZero implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = wholeNumber(value);
            if (n < 0) {
                throw new TypeConversionException("must be 0 or more, not " + n);
            }
            return n;
        }
    }

    /** A number of 0 or more (seconds, durations). */
    public static final class AtLeastZeroDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double d;
            try {
                d = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number");
            }
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new TypeConversionException("must be 0 or more, not " + value);
            }
            return d;
        }
    }

    /** Text with something other than spaces in it (queries, templates). */
    public static final class NotBlank implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("must not be empty or blank");
            }
            return value;
        }
    }

    /** {@code value} as an int, or a conversion error that says it is not a whole number. */
    public static int wholeNumber(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }
}
