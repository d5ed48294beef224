package io.jcap.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A listing's columns, each as wide as its widest cell (its header included) and two spaces apart,
 * the last one unpadded: a long image name or a kernel such as {@code linux-mini} does not run into
 * the next column.
 *
 * <pre>{@code
 * TextTable table = new TextTable("NAME", "SIZE", "KERNEL").alignRight(1);
 * table.add("hello", "13.4 MiB", "linux");
 * table.print(out);
 * }</pre>
 */
final class TextTable {
    private static final String GAP = "  ";
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    TextTable(String... headers) {
        rows.add(headers.clone());
        right = new boolean[headers.length];
    }

    /** Aligns the given columns (from 0) to the right, as numbers are. */
    TextTable alignRight(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    /** Adds a row of as many cells as there are headers. */
    void add(String... cells) {
        if (cells.length != right.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells for " + right.length + " columns");
        }
        rows.add(cells.clone());
    }

    void print(PrintWriter out) {
        int[] widths = new int[right.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                boolean last = c == row.length - 1;
                String pad = " ".repeat(widths[c] - row[c].length());
                if (right[c]) {
                    line.append(pad).append(row[c]);
                } else {
                    line.append(row[c]).append(last ? "" : pad);
                }
                if (!last) {
                    line.append(GAP);
                }
            }
            out.println(line);
        }
    }
}
