package org.learnedrecon.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A table of numbers that commands return (metrics, benchmark results): named columns, one labelled row per
 * measured item. The ImageJ 1.x bridge shows it as a ResultsTable titled {@link #title()}.
 */
public final class MeasurementTable {

    /** One row: a label (e.g. the solver's name) and one value per column. */
    public record Row(String label, double[] values) {
    }

    private final String title;
    private final List<String> columns;
    private final List<Row> rows = new ArrayList<>();

    public MeasurementTable(String title, List<String> columns) {
        this.title = title;
        this.columns = List.copyOf(columns);
    }

    /** Appends a row; it must have one value per column. */
    public void addRow(String label, double... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("Row '" + label + "' has " + values.length + " values for "
                + columns.size() + " columns " + columns);
        }
        rows.add(new Row(label, values.clone()));
    }

    public String title() {
        return title;
    }

    public List<String> columns() {
        return columns;
    }

    public List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }
}
