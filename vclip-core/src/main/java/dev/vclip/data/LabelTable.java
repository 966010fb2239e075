package dev.vclip.data;

import dev.vclip.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The class names of a classification dataset: X-CLIP / ViFi-CLIP {@code labels/*.csv}, e.g.
 * {@code labels/kinetics_400_labels.csv}:
 *
 * <pre>
 * id,name
 * 0,abseiling
 * 1,air drumming
 * </pre>
 *
 * <p>Format decisions, from the reference code:
 * <ul>
 *   <li>CSV with a header line: X-CLIP {@code datasets/build.py} reads it with {@code pd.read_csv(labels_file)},
 *       which takes the first line as the header. A file whose first line is already a class ({@code 0,...}) is
 *       rejected, since pandas would silently drop class 0. The header must have two columns; their names are
 *       not checked ({@code id,name} in every reference file);</li>
 *   <li>names may be quoted and contain commas (ViFi-CLIP {@code labels/ssv2_labels.csv} quotes every name:
 *       {@code 21,"Laying something on the table on its side, not upright"}); they are kept exactly, without
 *       trimming, as pandas does; an empty name is an error (pandas reads it as NaN);</li>
 *   <li>the ids must be {@code 0..N-1} in row order: X-CLIP's {@code generate_text} tokenizes the names in row
 *       order ({@code for i, c in data.classes}) and the logits are indexed by that position, so the id column
 *       must agree with it. A duplicate id is a skippable problem (the first row is kept); an id that leaves a
 *       gap or comes out of order is fatal in both modes, because no row can be dropped to repair it;</li>
 *   <li>blank lines are skipped (pandas' {@code skip_blank_lines}); there are no comment lines.</li>
 * </ul>
 */
public final class LabelTable {
    private final String source;
    private final List<String> names;
    private final int[] lines;
    private final Map<String, Integer> firstIdByName;

    private LabelTable(String source, List<String> names, int[] lines) {
        this.source = source;
        this.names = Collections.unmodifiableList(new ArrayList<>(names));
        this.lines = lines;
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            byName.putIfAbsent(names.get(i), i);
        }
        this.firstIdByName = byName;
    }

    /**
     * A table built in memory: class {@code i} is {@code names.get(i)}.
     *
     * @throws IllegalArgumentException for an empty list or an empty name
     */
    public static LabelTable of(List<String> names) {
        return of("<memory>", names);
    }

    /** A table built in memory, with the name to use for it in messages. */
    public static LabelTable of(String source, List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a label table needs at least one class");
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || names.get(i).isEmpty()) {
                throw new IllegalArgumentException("class " + i + " has an empty name");
            }
        }
        return new LabelTable(source, names, new int[names.size()]);
    }

    /** Reads a labels CSV, throwing at the first problem. */
    public static LabelTable read(Path csv) {
        return read(csv, ParseReport.strict());
    }

    /** Reads a labels CSV; malformed and duplicate rows go to {@code report} (see the class comment). */
    public static LabelTable read(Path csv, ParseReport report) {
        return parse(Csv.open(csv), report);
    }

    /** Parses CSV text already in memory; {@code fileName} is used in messages. */
    public static LabelTable parse(String fileName, String text, ParseReport report) {
        return parse(Csv.of(fileName, text), report);
    }

    private static LabelTable parse(Csv.Reader reader, ParseReport report) {
        String file = reader.file();
        Csv.Row header = reader.next();
        if (header == null) {
            throw new DatasetFormatException(file, 0, "empty file: expected the header line 'id,name' and one line"
                    + " per class");
        }
        if (!header.ok()) {
            throw new DatasetFormatException(file, header.line(), "malformed header: " + header.problem());
        }
        if (header.size() == 2 && Numbers.parseInteger("id", header.get(0), false).ok()) {
            throw new DatasetFormatException(file, header.line(), "expected the header line 'id,name', found the"
                    + " class row '" + Csv.formatRecord(header.fields()) + "' (pandas.read_csv takes the first line"
                    + " as the header, so this class would be lost)");
        }
        if (header.size() != 2) {
            throw new DatasetFormatException(file, header.line(), "expected the header line 'id,name' (2 columns),"
                    + " found " + header.size() + " columns");
        }
        List<String> names = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        // rows skipped since the last class: a gap after them is their doing, and the error says so
        List<String> skippedSince = new ArrayList<>();
        for (Csv.Row row = reader.next(); row != null; row = reader.next()) {
            if (!row.ok()) {
                skip(report, skippedSince, file, row.line(), row.problem());
                continue;
            }
            if (row.size() != 2) {
                skip(report, skippedSince, file, row.line(), "expected 2 fields 'id,name', found " + row.size()
                        + (row.size() > 2 ? " (a name that contains a comma must be quoted)" : ""));
                continue;
            }
            Numbers.Parsed id = Numbers.parseIndex("class id", row.get(0), false);
            if (!id.ok()) {
                skip(report, skippedSince, file, row.line(), id.error());
                continue;
            }
            if (row.get(1).isEmpty()) {
                skip(report, skippedSince, file, row.line(), "class " + id.value() + " has an empty name");
                continue;
            }
            int expected = names.size();
            if (id.value() < expected) {
                skip(report, skippedSince, file, row.line(), "duplicate class id " + id.value() + " (already defined on line "
                        + lines.get((int) id.value()) + ")");
                continue;
            }
            if (id.value() > expected) {
                throw new DatasetFormatException(file, row.line(), "class id " + id.value() + " leaves a gap:"
                        + " expected id " + expected + " (ids must run 0..N-1 in row order, because X-CLIP uses"
                        + " the row position as the class index)" + (skippedSince.isEmpty() ? ""
                        : "; the row(s) skipped before it: " + String.join("; ", skippedSince)));
            }
            names.add(row.get(1));
            lines.add(row.line());
            skippedSince.clear();
            report.accepted(file);
        }
        if (names.isEmpty()) {
            throw new DatasetFormatException(file, 0, "no classes after the header line");
        }
        return new LabelTable(file, names, lines.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void skip(ParseReport report, List<String> skippedSince, String file, int line, String why) {
        skippedSince.add("line " + line + ": " + why);
        report.skip(file, line, why);
    }

    /** The file this table was read from, or the name it was given. */
    public String source() {
        return source;
    }

    /** Number of classes. */
    public int size() {
        return names.size();
    }

    /** True when {@code id} is a class of this table. */
    public boolean contains(int id) {
        return id >= 0 && id < names.size();
    }

    /** The name of class {@code id}. */
    public String name(int id) {
        if (!contains(id)) {
            throw new IndexOutOfBoundsException("class id " + id + " is not in " + source + " (ids 0.."
                    + (names.size() - 1) + ")");
        }
        return names.get(id);
    }

    /** All names, index = class id. */
    public List<String> names() {
        return names;
    }

    /** The id of the first class with this exact name. */
    public OptionalInt idOf(String name) {
        Integer id = firstIdByName.get(name);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The line of class {@code id} in the file read, 0 for a table built in memory. */
    public int line(int id) {
        name(id);
        return lines[id];
    }

    /** The table as the CSV text {@link #read} reads: header {@code id,name}, one class per line. */
    public String toCsv() {
        StringBuilder out = new StringBuilder("id,name\n");
        for (int i = 0; i < names.size(); i++) {
            out.append(i).append(',').append(Csv.quoteIfNeeded(names.get(i))).append('\n');
        }
        return out.toString();
    }

    /** Writes {@link #toCsv()} atomically (UTF-8). */
    public void write(Path csv) {
        AtomicFiles.write(csv, toCsv().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelTable other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "LabelTable[" + source + ", " + names.size() + " classes]";
    }
}
