package dev.portless.access.forward;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The table {@code access forward} prints: one row per app, where it listens and whether it is ready
 * or why not, in aligned columns.
 */
public final class ForwardTable {
    private static final String[] HEADER = {"APP", "LISTENING ON", "STATUS"};
    private final List<String[]> rows = new ArrayList<>();

    /** Adds a row for {@code hostname}: {@code listening} is the bound address, or "-" when none. */
    public void add(String hostname, String listening, String status) {
        rows.add(new String[] {
            requireNonNull(hostname, "hostname"),
            requireNonNull(listening, "listening"),
            requireNonNull(status, "status")
        });
    }

    /** Returns the table as lines, the header first, columns padded to their widest cell. */
    public String render() {
        int[] widths = new int[HEADER.length - 1];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = HEADER[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, HEADER, widths);
        rows.forEach(row -> line(out, row, widths));
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] widths) {
        for (int c = 0; c < widths.length; c++) {
            out.append(cells[c]).append(" ".repeat(widths[c] - cells[c].length() + 2));
        }
        out.append(cells[cells.length - 1]).append('\n');
    }
}
