package dev.vclip.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * Writes a report as one self-contained HTML page: inline CSS, charts as PNG {@code data:} URIs, no scripts, web
 * fonts or links out, so the file can be mailed, archived or opened offline and still shows everything. Every piece
 * of text from the run (titles, file names, captions, cells) goes through {@link #escape}.
 */
final class HtmlPage {

    /** Tables longer than this are shown as a preview with the full table behind a {@code <details>}. */
    static final int COLLAPSE_ROWS_OVER = 25;
    static final int PREVIEW_ROWS = 10;
    /** From this many sections on, a contents list at the top saves scrolling. */
    private static final int CONTENTS_FROM_SECTIONS = 4;

    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private static final String CSS = """
            :root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--alt:#f9fafb;--accent:#2563eb}
            *{box-sizing:border-box}
            body{margin:0 auto;max-width:980px;padding:28px 20px 48px;color:var(--fg);background:#fff;
              font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
            h1{font-size:24px;line-height:1.25;margin:0 0 4px}
            h2{font-size:17px;margin:34px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
            .meta{color:var(--muted);margin:0 0 10px}
            pre.command{margin:0;padding:8px 10px;background:var(--alt);border:1px solid var(--line);border-radius:6px;
              white-space:pre-wrap;overflow-wrap:anywhere;
              font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
            .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:22px 0 0}
            .card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:var(--alt)}
            .card dt{color:var(--muted);font-size:12px}
            .card dd{margin:2px 0 0;font-size:20px;font-weight:600;font-variant-numeric:tabular-nums;
              overflow-wrap:anywhere}
            nav.contents ol{margin:18px 0 0;padding-left:20px;columns:2;color:var(--muted)}
            a{color:var(--accent);text-decoration:none}
            .table-wrap{overflow-x:auto}
            table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:4px 0}
            th,td{padding:4px 12px 4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;
              overflow-wrap:anywhere}
            th{font-weight:600;border-bottom:2px solid #d1d5db}
            tbody tr:nth-child(even){background:var(--alt)}
            th.num,td.num{text-align:right;white-space:nowrap}
            .count{color:var(--muted);font-weight:400;font-size:13px}
            details{margin:8px 0}
            summary{cursor:pointer;color:var(--accent)}
            figure{margin:0}
            figure img{display:block;max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
            figcaption{color:var(--muted);font-size:12.5px;margin-top:4px}
            ul.notes{margin:0;padding-left:20px}
            ul.notes li{overflow-wrap:anywhere;font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
            .empty{color:var(--muted)}
            footer{margin-top:44px;padding-top:8px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
            @media print{
              body{max-width:none;padding:0;font-size:10.5pt}
              h2{break-after:avoid}
              figure,.card,tr{break-inside:avoid}
              .card,tbody tr:nth-child(even){background:none}
              a,summary{color:inherit}
              nav.contents{display:none}
              details:not([open])>summary::after{content:" (open it before printing to include it)"}
            }
            """;

    private HtmlPage() {
    }

    /** What the page shows, taken from the report under its lock so rendering needs no lock. */
    record Content(String title, String commandLine, Instant createdAt, Instant writtenAt, String vclipVersion,
                   List<RunReport.SummaryItem> summary, List<Section> sections) {
    }

    static String render(Content content) {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"vclip ").append(escape(content.vclipVersion()))
                .append("\">\n<title>").append(escape(content.title())).append(" · vclip</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");

        html.append("<header>\n<h1>").append(escape(content.title())).append("</h1>\n<p class=\"meta\">")
                .append("started ").append(TIMESTAMP.format(content.createdAt()))
                .append(" · written ").append(escape(CellFormat.duration(
                        Duration.between(content.createdAt(), content.writtenAt()))))
                .append(" later · vclip ").append(escape(content.vclipVersion())).append("</p>\n");
        if (!content.commandLine().isEmpty()) {
            html.append("<pre class=\"command\"><code>").append(escape(content.commandLine()))
                    .append("</code></pre>\n");
        }
        html.append("</header>\n<main>\n");

        if (!content.summary().isEmpty()) {
            html.append("<dl class=\"cards\" aria-label=\"summary\">\n");
            for (RunReport.SummaryItem item : content.summary()) {
                html.append("<div class=\"card\"><dt>").append(escape(item.name())).append("</dt><dd>")
                        .append(escape(CellFormat.withUnit(item.value(), item.unit()))).append("</dd></div>\n");
            }
            html.append("</dl>\n");
        }

        List<Section> sections = content.sections();
        if (sections.size() >= CONTENTS_FROM_SECTIONS) {
            html.append("<nav class=\"contents\" aria-label=\"contents\"><ol>\n");
            for (int i = 0; i < sections.size(); i++) {
                html.append("<li><a href=\"#").append(anchor(i)).append("\">")
                        .append(escape(sections.get(i).title())).append("</a></li>\n");
            }
            html.append("</ol></nav>\n");
        }
        for (int i = 0; i < sections.size(); i++) {
            Section section = sections.get(i);
            // Ids come from the position, never from the title: no run-supplied text inside an attribute.
            html.append("<section id=\"").append(anchor(i)).append("\">\n");
            if (section instanceof Section.Table table) {
                appendTable(html, table);
            } else if (section instanceof Section.Chart chart) {
                appendChart(html, chart);
            } else {
                appendNotes(html, (Section.Notes) section);
            }
            html.append("</section>\n");
        }
        html.append("</main>\n<footer>Written by vclip ").append(escape(content.vclipVersion()))
                .append(". The JSON report of this run holds the same figures for machines.</footer>\n")
                .append("</body>\n</html>\n");
        return html.toString();
    }

    private static void appendTable(StringBuilder html, Section.Table table) {
        int rows = table.rows().size();
        html.append("<h2>").append(escape(table.title())).append(" <span class=\"count\">")
                .append(rows).append(rows == 1 ? " row" : " rows").append("</span></h2>\n");
        if (rows == 0) {
            html.append("<p class=\"empty\">No rows.</p>\n");
            return;
        }
        boolean[] numeric = Tables.numericColumns(table.headers().size(), table.rows());
        if (rows <= COLLAPSE_ROWS_OVER) {
            appendTableElement(html, table.headers(), table.rows(), numeric);
            return;
        }
        appendTableElement(html, table.headers(), table.rows().subList(0, PREVIEW_ROWS), numeric);
        html.append("<details><summary>Show all ").append(rows).append(" rows</summary>\n");
        appendTableElement(html, table.headers(), table.rows(), numeric);
        html.append("</details>\n");
    }

    private static void appendTableElement(StringBuilder html, List<String> headers, List<List<Object>> rows,
                                           boolean[] numeric) {
        html.append("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for (int c = 0; c < headers.size(); c++) {
            html.append(numeric[c] ? "<th class=\"num\">" : "<th>").append(escape(headers.get(c))).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (List<Object> row : rows) {
            html.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                html.append(numeric[c] ? "<td class=\"num\">" : "<td>")
                        .append(escape(CellFormat.format(row.get(c)))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
    }

    private static void appendChart(StringBuilder html, Section.Chart chart) {
        ChartRenderer.Rendered rendered = chart.rendered();
        html.append("<h2>").append(escape(chart.title())).append("</h2>\n<figure>\n");
        if (rendered == null) {
            html.append("<figcaption>Chart not drawn: no chart renderer on the class path (vclip-cli has one); "
                    + "the data is in the tables and the JSON.</figcaption>\n</figure>\n");
            return;
        }
        html
                .append("<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(rendered.png()))
                .append("\" width=\"").append(rendered.width()).append("\" height=\"").append(rendered.height())
                .append("\" alt=\"").append(escape(chart.title())).append("\">\n");
        if (!rendered.note().isEmpty()) {
            html.append("<figcaption>").append(escape(rendered.note())).append("</figcaption>\n");
        }
        html.append("</figure>\n");
    }

    private static void appendNotes(StringBuilder html, Section.Notes notes) {
        List<String> lines = notes.lines();
        html.append("<h2>").append(escape(notes.title())).append(" <span class=\"count\">").append(lines.size())
                .append("</span></h2>\n");
        if (lines.isEmpty()) {
            html.append("<p class=\"empty\">None.</p>\n");
            return;
        }
        boolean collapse = lines.size() > COLLAPSE_ROWS_OVER;
        appendNoteList(html, collapse ? lines.subList(0, PREVIEW_ROWS) : lines);
        if (collapse) {
            html.append("<details><summary>Show all ").append(lines.size()).append("</summary>\n");
            appendNoteList(html, lines);
            html.append("</details>\n");
        }
    }

    private static void appendNoteList(StringBuilder html, List<String> lines) {
        html.append("<ul class=\"notes\">\n");
        for (String line : lines) {
            html.append("<li>").append(escape(line)).append("</li>\n");
        }
        html.append("</ul>\n");
    }

    private static String anchor(int sectionIndex) {
        return "section-" + (sectionIndex + 1);
    }

    /**
     * Text as HTML that shows it literally, in element content and in quoted attributes alike:
     * {@code <script>alert(1)</script>.mp4} stays a file name, never markup. Control characters other than tab and
     * newline (not allowed in HTML) become U+FFFD.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
