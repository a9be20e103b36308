package org.learnedrecon.acquisition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SettingRangeTest {

    @Test
    void rangesNumbersAndAnyParse() {
        assertEquals(new SettingRange(20, 180), SettingRange.parse("views", "20-180"));
        assertEquals(new SettingRange(90.5, 90.5), SettingRange.parse("range", " 90.5 "));
        assertTrue(SettingRange.parse("size", "any").contains("4096"));
        assertTrue(SettingRange.parse("views", "20-180").contains("180"));
        assertFalse(SettingRange.parse("views", "20-180").contains("19.5"));
        assertFalse(SettingRange.parse("views", "20-180").contains("many"));
        // A family's centre fractions are written to 6 decimals; the exact value at the end still belongs.
        assertTrue(SettingRange.parse("center", "0.026667-0.16").contains(Double.toString(0.32 / 12)));
        assertFalse(SettingRange.parse("center", "0.026667-0.16").contains("0.0266"));
        assertTrue(SettingRange.isRange("20-180") && SettingRange.isRange("0.5 - 1.5"));
        assertFalse(SettingRange.isRange("30") || SettingRange.isRange("any") || SettingRange.isRange("-3"));
    }

    @Test
    void badRangesNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> SettingRange.parse("physics.views", "180-20"));
        assertTrue(e.getMessage().startsWith("physics.views=180-20"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SettingRange.parse("physics.views", "lots"));
        assertTrue(e.getMessage().contains("physics.views=lots must be a number, a range lo-hi or any"),
            e.getMessage());
    }
}
