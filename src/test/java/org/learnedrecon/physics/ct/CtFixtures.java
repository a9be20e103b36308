package org.learnedrecon.physics.ct;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Reads the committed scikit-image fixtures of {@code test-data/ct} (made by make_ct_fixtures.py). */
public final class CtFixtures {

    private final Path dir;
    private final Properties header = new Properties();

    private CtFixtures(Path dir, String headerName) throws IOException {
        this.dir = dir;
        try (Reader r = Files.newBufferedReader(dir.resolve(headerName))) {
            header.load(r);
        }
    }

    /** The 64 x 64, 60-angle parallel-beam fixture. */
    public static CtFixtures skimageParallel64() throws IOException {
        String base = System.getProperty("lrecon.project.dir", ".");
        return new CtFixtures(Path.of(base, "test-data", "ct"), "skimage_parallel64.properties");
    }

    public int integer(String key) {
        return Integer.parseInt(header.getProperty(key).trim());
    }

    /** The little-endian float32 array named by header key {@code key}. */
    public float[] floats(String key) throws IOException {
        byte[] bytes = Files.readAllBytes(dir.resolve(header.getProperty(key).trim()));
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    /** The geometry the fixture was made with: uniform angles over 180 degrees, skimage's detector. */
    public ParallelBeamGeometry geometry() {
        ParallelBeamGeometry g = ParallelBeamGeometry.uniform(integer("image.size"), integer("angles.count"), 180);
        if (g.detectorCount() != integer("detectors")) {
            throw new IllegalStateException("fixture has " + integer("detectors") + " detectors, geometry "
                + g.detectorCount());
        }
        return g;
    }
}
