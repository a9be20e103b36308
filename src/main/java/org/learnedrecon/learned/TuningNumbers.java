package org.learnedrecon.learned;

import java.util.Arrays;

/**
 * The comma-separated numbers of the solvers' tuning properties ({@code lrecon.pnp.schedule},
 * {@code lrecon.pnp.initial}, {@code lrecon.diffusion}), read one way with one error naming the key and the form.
 */
final class TuningNumbers {

    private TuningNumbers() {
    }

    /** The numbers of system property {@code key}, or null when it is unset or blank; {@code form} names them. */
    static double[] property(String key, String form) {
        String text = System.getProperty(key);
        return text == null || text.isBlank() ? null : parse(key, text, form);
    }

    /**
     * {@code text} as numbers, exactly as many as {@code form} names ({@code "a,b,c"}).
     *
     * @throws IllegalArgumentException otherwise, e.g. {@code lrecon.pnp.initial=0.5 must be lambda,iterations}
     */
    static double[] parse(String key, String text, String form) {
        String[] parts = text.split(",");
        if (parts.length != form.split(",").length) {
            throw new IllegalArgumentException(key + "=" + text + " must be " + form);
        }
        return Arrays.stream(parts).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
    }
}
