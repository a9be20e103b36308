package org.learnedrecon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.learnedrecon.io.MeasurementTable;

class QualityTableTest {

    @Test
    void oneRowPerSliceWithTheStackRange() {
        int h = 16;
        int w = 12;
        float[] ref = new float[2 * h * w];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = (i % 7) * 0.5f; // values 0..3: range 3
        }
        float[] test = ref.clone();
        for (int i = 0; i < h * w; i++) {
            test[i] += 0.03f; // slice 1: MSE 9e-4 -> PSNR 10 log10(9 / 9e-4) = 40 dB
        }
        float[] original = test.clone();
        MeasurementTable t = QualityTable.compare("Metrics", "TV", ref, test, 2, h, w);
        assertEquals(QualityTable.COLUMNS, t.columns());
        assertEquals(2, t.rows().size());
        assertEquals("TV slice 1", t.rows().get(0).label());
        assertEquals(40, t.rows().get(0).values()[0], 1e-4);
        assertEquals(3, t.rows().get(0).values()[2], 0);
        assertEquals(Double.POSITIVE_INFINITY, t.rows().get(1).values()[0]);
        assertEquals(1, t.rows().get(1).values()[1], 1e-12);
        assertEquals(Ssim.uniform().compute(Arrays.copyOf(ref, h * w), Arrays.copyOf(test, h * w), h, w, 3),
            t.rows().get(0).values()[1], 0);
        assertTrue(Arrays.equals(original, test), "input modified");
    }

    @Test
    void badInputsAreNamed() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
            () -> QualityTable.compare("M", "x", new float[64], new float[63], 1, 8, 8));
        assertTrue(size.getMessage().contains("8 x 8 x 1"), size.getMessage());
        IllegalArgumentException constant = assertThrows(IllegalArgumentException.class,
            () -> QualityTable.compare("M", "x", new float[64], new float[64], 1, 8, 8));
        assertTrue(constant.getMessage().contains("constant"), constant.getMessage());
    }
}
