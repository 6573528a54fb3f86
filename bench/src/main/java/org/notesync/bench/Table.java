package org.notesync.bench;

import java.util.ArrayList;
import java.util.List;

/** A result table, printed as Markdown so that it reads in a terminal and pastes into docs/PERFORMANCE.md. */
final class Table {

    private final String title;
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Table(String title, String... headers) {
        this.title = title;
        this.headers = List.of(headers);
    }

    Table row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(String.valueOf(cell));
        }
        while (row.size() < headers.size()) {
            row.add("");
        }
        rows.add(row);
        return this;
    }

    Table note(String note) {
        notes.add(note);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String render() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < headers.size(); c++) {
            widths[c] = Math.max(3, headers.get(c).length());
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("### ").append(title).append("\n\n");
        line(text, headers, widths);
        StringBuilder rule = new StringBuilder("|");
        for (int width : widths) {
            rule.append("-".repeat(width + 2)).append('|');
        }
        text.append(rule).append('\n');
        for (List<String> row : rows) {
            line(text, row, widths);
        }
        if (!notes.isEmpty()) {
            text.append('\n');
            for (String note : notes) {
                text.append(note).append('\n');
            }
        }
        return text.toString();
    }

    private static void line(StringBuilder text, List<String> cells, int[] widths) {
        text.append('|');
        for (int c = 0; c < widths.length; c++) {
            String cell = c < cells.size() ? cells.get(c) : "";
            text.append(' ').append(cell).append(" ".repeat(widths[c] - cell.length())).append(" |");
        }
        text.append('\n');
    }
}
