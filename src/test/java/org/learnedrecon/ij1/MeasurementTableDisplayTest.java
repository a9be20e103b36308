package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.measure.ResultsTable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnedrecon.io.MeasurementTable;

class MeasurementTableDisplayTest {

    @Test
    void tableBecomesResultsTableWithLabelsAndColumns() {
        MeasurementTable table = new MeasurementTable("Benchmark", List.of("PSNR", "SSIM"));
        table.addRow("FBP", 28.5, 0.81);
        table.addRow("TV", 31.25, 0.9);
        ResultsTable rt = OutputDisplay.toResultsTable(table);
        assertEquals(2, rt.size());
        assertEquals("TV", rt.getLabel(1));
        assertEquals(31.25, rt.getValue("PSNR", 1), 0);
        assertEquals(0.81, rt.getValue("SSIM", 0), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.addRow("x", 1));
        assertTrue(e.getMessage().contains("[PSNR, SSIM]"), e.getMessage());
    }
}
