package org.learnedrecon.phantoms;

/**
 * One ellipse of an additive ellipse phantom, in normalised coordinates: the image spans [-1, 1] in x (left to
 * right) and y (bottom to top).
 *
 * @param intensity value added inside the ellipse (overlapping ellipses add up)
 * @param a half-axis along the ellipse's own x axis
 * @param b half-axis along the ellipse's own y axis
 * @param x0 centre x
 * @param y0 centre y (positive is up, i.e. towards row 0)
 * @param angle counter-clockwise rotation of the ellipse in radians
 */
public record Ellipse(double intensity, double a, double b, double x0, double y0, double angle) {

    public Ellipse {
        if (!(a > 0) || !(b > 0)) {
            throw new IllegalArgumentException("Ellipse half-axes must be positive, got a=" + a + ", b=" + b);
        }
    }

    /** True when the point (x, y) lies inside or on the ellipse. */
    public boolean contains(double x, double y) {
        double dx = x - x0;
        double dy = y - y0;
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double u = (dx * c + dy * s) / a;
        double v = (-dx * s + dy * c) / b;
        return u * u + v * v <= 1.0;
    }
}
