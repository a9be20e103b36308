package org.learnedrecon.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the scikit-image reference values written by {@code test-data/scripts/make_metric_fixtures.py}: image pairs
 * as little-endian float32 (truth then test, row-major) and one line of metrics per pair.
 */
final class MetricFixtures {

    static final Path DIR = Paths.get("test-data", "metrics");

    /** One pair and skimage's values; {@code float32Arithmetic} marks values skimage computed in float32. */
    static final class Case {
        String name;
        boolean float32Arithmetic;
        int height;
        int width;
        double dataRange;
        double psnr;
        double ssimUniform;
        double ssimGaussianSample;
        double ssimGaussianPopulation;
        float[] truth;
        float[] test;

        @Override
        public String toString() {
            return name + (float32Arithmetic ? " (skimage float32)" : " (skimage float64)");
        }
    }

    private MetricFixtures() {
    }

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve("reference.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            Case c = new Case();
            c.float32Arithmetic = f[0].endsWith(".f32");
            c.name = c.float32Arithmetic ? f[0].substring(0, f[0].length() - 4) : f[0];
            c.height = Integer.parseInt(f[1]);
            c.width = Integer.parseInt(f[2]);
            c.dataRange = Double.parseDouble(f[3]);
            c.psnr = Double.parseDouble(f[4]);
            c.ssimUniform = Double.parseDouble(f[5]);
            c.ssimGaussianSample = parse(f[6]);
            c.ssimGaussianPopulation = parse(f[7]);
            int n = c.height * c.width;
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(DIR.resolve(c.name + ".f32")))
                .order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.remaining() != 8L * n) {
                throw new IOException(c.name + ".f32 has " + bytes.remaining() + " bytes, expected " + 8L * n);
            }
            c.truth = new float[n];
            c.test = new float[n];
            bytes.asFloatBuffer().get(c.truth).get(c.test);
            out.add(c);
        }
        return out;
    }

    private static double parse(String s) {
        return "nan".equals(s) ? Double.NaN : Double.parseDouble(s);
    }
}
