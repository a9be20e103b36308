package org.learnedrecon.physics.ct;

/**
 * Test-local rasteriser of ellipses with supersampling (area-fraction pixels), in the {@link CtGeometry} image
 * coordinates: pixel {@code (row, col)} centred at {@code x = col - N/2}, {@code y = row - N/2} (y down).
 */
public final class TestEllipses {

    private TestEllipses() {
    }

    /**
     * Adds {@code value} inside the ellipse with centre {@code (cx, cy)}, semi-axes {@code a} (along x before
     * rotation) and {@code b}, rotated by {@code phi} radians; {@code sub x sub} samples per pixel.
     */
    public static void add(float[] image, int n, double value, double cx, double cy, double a, double b, double phi,
                           int sub) {
        double c = Math.cos(phi);
        double s = Math.sin(phi);
        int centre = n / 2;
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                int inside = 0;
                for (int i = 0; i < sub; i++) {
                    for (int j = 0; j < sub; j++) {
                        double x = col - centre - 0.5 + (j + 0.5) / sub - cx;
                        double y = row - centre - 0.5 + (i + 0.5) / sub - cy;
                        double u = x * c + y * s;
                        double v = -x * s + y * c;
                        if (u * u / (a * a) + v * v / (b * b) <= 1) {
                            inside++;
                        }
                    }
                }
                image[row * n + col] += (float) (value * inside / (sub * sub));
            }
        }
    }

    /**
     * A modified Shepp-Logan-like head (Toft's contrast), scaled to an {@code n x n} image, values in [0, 1].
     * The ellipse table is the usual one, in units of half the image width; y is flipped to our y-down axis.
     */
    public static float[] sheppLogan(int n, int sub) {
        double[][] e = {
            {1.0, .69, .92, 0, 0, 0},
            {-.8, .6624, .8740, 0, -.0184, 0},
            {-.2, .1100, .3100, .22, 0, -18},
            {-.2, .1600, .4100, -.22, 0, 18},
            {.1, .2100, .2500, 0, .35, 0},
            {.1, .0460, .0460, 0, .1, 0},
            {.1, .0460, .0460, 0, -.1, 0},
            {.1, .0460, .0230, -.08, -.605, 0},
            {.1, .0230, .0230, 0, -.606, 0},
            {.1, .0230, .0460, .06, -.605, 0},
        };
        float[] image = new float[n * n];
        double half = n / 2.0;
        for (double[] q : e) {
            add(image, n, q[0], q[3] * half, -q[4] * half, q[1] * half, q[2] * half, Math.toRadians(-q[5]), sub);
        }
        return image;
    }

    /** The line integral of a constant-1 ellipse along the parallel ray {@code x cos t - y sin t = s}. */
    public static double ellipseLineIntegral(double cx, double cy, double a, double b, double phi, double theta,
                                             double s) {
        // Ray direction e_u = (sin t, cos t), foot point s * e_t with e_t = (cos t, -sin t); express both in the
        // ellipse frame and solve the quadratic for the chord length.
        double px = s * Math.cos(theta) - cx;
        double py = -s * Math.sin(theta) - cy;
        double dx = Math.sin(theta);
        double dy = Math.cos(theta);
        double c = Math.cos(phi);
        double sn = Math.sin(phi);
        double pu = (px * c + py * sn) / a;
        double pv = (-px * sn + py * c) / b;
        double du = (dx * c + dy * sn) / a;
        double dv = (-dx * sn + dy * c) / b;
        double qa = du * du + dv * dv;
        double qb = 2 * (pu * du + pv * dv);
        double qc = pu * pu + pv * pv - 1;
        double disc = qb * qb - 4 * qa * qc;
        return disc <= 0 ? 0 : Math.sqrt(disc) / qa;
    }
}
