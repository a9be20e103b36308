package org.learnedrecon.acquisition;

import java.util.regex.Pattern;

/**
 * An inclusive range of a numeric physics setting written {@code lo-hi} ({@code 20-180}), as in the {@code physics.*}
 * arguments of a training over a family of acquisitions and in a model file's {@code serves} map; {@code any}
 * holds every value. One place for the notation, so training and model loading read it alike.
 */
public record SettingRange(double low, double high) {

    /** Relative (absolute below 1) slack of {@link #contains} at the ends. */
    static final double TOLERANCE = 1e-6;

    private static final Pattern RANGE = Pattern.compile("\\s*[0-9]+(\\.[0-9]*)?\\s*-\\s*[0-9]+(\\.[0-9]*)?\\s*");

    /** A setting's number as text: whole numbers without a decimal point, so {@code 8} and not {@code 8.0}. */
    public static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Whether {@code text} is written as a range {@code lo-hi} (not a single number, not {@code any}). */
    public static boolean isRange(String text) {
        return text != null && RANGE.matcher(text).matches();
    }

    /**
     * {@code text} as a range: {@code lo-hi}, a single number (a range of one value) or {@code any}.
     *
     * @throws IllegalArgumentException naming {@code key} when it is none of these or {@code lo > hi}
     */
    public static SettingRange parse(String key, String text) {
        String t = text.trim();
        if ("any".equalsIgnoreCase(t)) {
            return new SettingRange(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        int dash = t.indexOf('-', 1);
        try {
            double low = Double.parseDouble(dash < 0 ? t : t.substring(0, dash).trim());
            double high = dash < 0 ? low : Double.parseDouble(t.substring(dash + 1).trim());
            if (!(low <= high)) {
                throw new IllegalArgumentException(key + "=" + text + ": the low end must not exceed the high end");
            }
            return new SettingRange(low, high);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + text + " must be a number, a range lo-hi or any");
        }
    }

    /**
     * Whether the number {@code value} lies in this range, give or take {@link #TOLERANCE} (ends written rounded to 6
     * decimals, as a family's centre fractions are, still hold the exact value: 0.32 / 12 in 0.026667-0.16); false
     * when it is not a number.
     */
    public boolean contains(String value) {
        try {
            double v = Double.parseDouble(value.trim());
            return v >= low - TOLERANCE * Math.max(1, Math.abs(low))
                && v <= high + TOLERANCE * Math.max(1, Math.abs(high));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
