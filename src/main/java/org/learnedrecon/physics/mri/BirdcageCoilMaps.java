package org.learnedrecon.physics.mri;

import java.util.Random;

/**
 * Smooth synthetic coil sensitivities for simulation: {@code C} small loop coils evenly spaced on a circle of
 * radius 1.5 around the field of view (pixel centres span [-1, 1], row 0 at y = +1, as the phantoms), like the
 * rungs of a birdcage array. Coil {@code c} at angle {@code phi_c = 2 pi c / C + jitter} has magnitude
 * {@code 1 / (1 + (d / 0.9)^2)} (a quasi-static loop falling off with the distance {@code d} to it) and phase
 * {@code phi_c + 0.6 (x cos phi_c + y sin phi_c) + offset_c} (a linear phase ramp across the object, as B1 fields
 * have). The seed draws the small jitter (angle +-0.1 rad, offset +-pi/4) so different seeds give different but
 * equally smooth arrays. The maps are normalised to {@code sum_c |S_c|^2 = 1} at every pixel, the convention of
 * {@link CartesianMriOperator} and {@link LowResolutionCoilMaps}.
 */
public final class BirdcageCoilMaps {

    private static final double RADIUS = 1.5;
    private static final double FALL_OFF = 0.9;

    private BirdcageCoilMaps() {
    }

    /** Row-major {@code (C, 2, H, W)} maps for {@code coils >= 1}; one coil gives the constant map 1. */
    public static float[] generate(int coils, int height, int width, long seed) {
        if (coils < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("Coil maps need coils, height and width >= 1, got " + coils + ", "
                + height + ", " + width);
        }
        int plane = height * width;
        float[] maps = new float[coils * 2 * plane];
        if (coils == 1) {
            java.util.Arrays.fill(maps, 0, plane, 1f);
            return maps;
        }
        Random random = new Random(seed);
        double[] power = new double[plane];
        for (int c = 0; c < coils; c++) {
            double angle = 2 * Math.PI * c / coils + 0.1 * (2 * random.nextDouble() - 1);
            double offset = Math.PI / 4 * (2 * random.nextDouble() - 1);
            double cx = RADIUS * Math.cos(angle);
            double cy = RADIUS * Math.sin(angle);
            for (int r = 0; r < height; r++) {
                double y = height == 1 ? 0 : 1 - 2.0 * r / (height - 1);
                for (int col = 0; col < width; col++) {
                    double x = width == 1 ? 0 : 2.0 * col / (width - 1) - 1;
                    double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (FALL_OFF * FALL_OFF);
                    double magnitude = 1 / (1 + d2);
                    double phase = angle + 0.6 * (x * Math.cos(angle) + y * Math.sin(angle)) + offset;
                    int p = r * width + col;
                    maps[2 * c * plane + p] = (float) (magnitude * Math.cos(phase));
                    maps[(2 * c + 1) * plane + p] = (float) (magnitude * Math.sin(phase));
                    power[p] += magnitude * magnitude;
                }
            }
        }
        for (int c = 0; c < 2 * coils; c++) {
            for (int p = 0; p < plane; p++) {
                maps[c * plane + p] /= (float) Math.sqrt(power[p]);
            }
        }
        return maps;
    }
}
