package org.learnedrecon.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import org.learnedrecon.io.ImagePlusAdapter;
import org.learnedrecon.io.MeasurementTable;
import org.learnedrecon.io.MetadataImage;

/**
 * Shows a command's outputs in ImageJ 1.x: {@link MetadataImage} as a 32-bit image with its metadata in the Info
 * property, other ImgLib2 images titled by the output's label, {@link MeasurementTable} as a ResultsTable titled
 * by the table, anything else as a {@code label: value} line in the Log. In batch mode images are registered
 * with the macro interpreter instead of opening windows (ImageJ's {@code show()} does that).
 */
final class OutputDisplay {

    private OutputDisplay() {
    }

    @SuppressWarnings("unchecked")
    static void show(String label, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof MetadataImage image) {
            ImagePlusAdapter.toImagePlus(image).show();
        } else if (value instanceof ImagePlus imp) {
            imp.show();
        } else if (value instanceof RandomAccessibleInterval<?> rai) {
            ImagePlusAdapter.toImagePlus((RandomAccessibleInterval<? extends RealType<?>>) rai, label)
                .show();
        } else if (value instanceof MeasurementTable table) {
            toResultsTable(table).show(table.title());
        } else {
            IJ.log(label + ": " + value);
        }
    }

    static ResultsTable toResultsTable(MeasurementTable table) {
        ResultsTable rt = new ResultsTable();
        for (MeasurementTable.Row row : table.rows()) {
            rt.incrementCounter();
            rt.addLabel(row.label());
            for (int c = 0; c < table.columns().size(); c++) {
                rt.addValue(table.columns().get(c), row.values()[c]);
            }
        }
        return rt;
    }
}
