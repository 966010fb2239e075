package dev.vclip.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** {@code --views CLIPSxCROPS}: temporal clips (1 or more) times spatial crops (1 or 3), TEST.NUM_CLIP x NUM_CROP. */
record Views(int clips, int crops) {

    static final Views ONE = new Views(1, 1);

    @Override
    public String toString() {
        return clips + "x" + crops;
    }

    static final class Converter implements ITypeConverter<Views> {
        @Override
        public Views convert(String value) {
            String[] parts = value.toLowerCase(Locale.ROOT).split("x", -1);
            try {
                int clips = Integer.parseInt(parts[0].trim());
                int crops = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 1;
                if (parts.length <= 2 && clips >= 1 && (crops == 1 || crops == 3)) {
                    return new Views(clips, crops);
                }
            } catch (NumberFormatException e) {
                // the message below says what is expected
            }
            throw new TypeConversionException("must be CLIPSxCROPS with CLIPS 1 or more and CROPS 1 or 3, e.g. 4x3; "
                    + "not '" + value + "'");
        }
    }
}
