package org.learnedrecon.solvers.classical;

import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.FanBeamGeometry;

/**
 * Redundancy weights for fan-beam scans over less than 360° (Parker, Med. Phys. 9 (1982) 254; generalised by Wesarg,
 * Ebert &amp; Bortfeld, Med. Phys. 29 (2002) 372).
 *
 * <p><b>Conventions</b> (those of {@link FanBeamGeometry}): {@code beta} is the source angle measured from the start
 * of the scanned arc in the direction of increasing projection angle, {@code 0 <= beta <= R} with {@code R} the
 * scan range; {@code gamma} is the fan angle of a ray, positive towards {@code +e_t}, i.e. towards increasing
 * detector index ({@code gamma = atan(s / SDD)} on a flat detector, {@code s / SDD} on an equiangular one, with
 * {@code s} the detector coordinate and SDD the source-detector distance). The ray {@code (beta, gamma)} is the
 * parallel line of angle {@code beta + gamma} at {@code t = R_source sin gamma}, so it is measured again, in the
 * opposite direction, as {@code (beta + pi + 2 gamma, -gamma)}: the conjugate ray. Weights of conjugate rays that
 * both lie in the scan add up to 1; rays whose line is measured only once get weight 1.
 *
 * <p><b>Formula</b>: Wesarg's generalised weights with the scan range entering only through
 * {@code B(gamma) = R - pi - 2 gamma} (the length of the start of the scan whose conjugates are also scanned; it is
 * {@code 2 delta - 2 gamma + epsilon} in Wesarg's notation, {@code delta} the half fan angle, {@code epsilon} the
 * overscan) and {@code B'(gamma) = B(-gamma) = R - pi + 2 gamma} (the end of the scan), both clipped at 0, and the
 * transition width {@code b = q B}:
 * <pre>
 *   w = 1/2 [ S(beta / b - 1/2) + S((beta - B) / b + 1/2)
 *           - S((beta - pi + 2 gamma) / b' - 1/2) - S((beta - R) / b' + 1/2) ],
 *   S(x) = 0 (x &lt;= -1/2), (1 + sin(pi x)) / 2 (|x| &lt; 1/2), 1 (x &gt;= 1/2).
 * </pre>
 * With {@code q = 1} (what {@link FilteredBackProjection} uses) this is {@code sin^2(pi beta / (2 B))} on
 * {@code [0, B]}, 1 in between and {@code sin^2(pi (R - beta) / (2 B'))} on {@code [pi - 2 gamma, R]}: Parker's
 * formula exactly for the minimal short scan {@code R = pi + 2 delta}, and for longer scans Parker's formula with
 * {@code delta} replaced by {@code (R - pi) / 2} (the scaling rule). Smaller {@code q} gives sharper transitions and
 * a plateau of 1/2 where data are redundant (less noise, Wesarg's choice is about 0.1), at the cost of more
 * sensitivity to angular sampling.
 *
 * <p>Below the minimal short scan ({@code R < pi + 2 delta}) the same formula still weights every pair of measured
 * conjugates to 1 and single measurements to 1, but some lines are not measured at all: the data are incomplete.
 * Every line at distance {@code t} from the rotation axis is measured iff {@code |t| <= R_source sin((R - pi) / 2)}
 * (the fan angle of such a ray, {@code asin(|t| / R_source)}, is at most {@code (R - pi) / 2}), so the central disk
 * of that radius is reconstructed as from complete data and the rest shows limited-angle artefacts.
 */
public final class ParkerWeights {

    private final double range;
    private final double q;
    private final double[] beta;
    private final double[] gamma;

    private ParkerWeights(double range, double q, double[] beta, double[] gamma) {
        this.range = range;
        this.q = q;
        this.beta = beta;
        this.gamma = gamma;
    }

    /**
     * The weights of {@code g}'s scan, or {@code null} for a full 360° scan (no missing wedge in the sense of
     * {@link FilteredBackProjection#angularWeights}), which needs none.
     *
     * @param q transition width as a fraction of the redundant interval, in {@code (0, 1]}
     */
    public static ParkerWeights of(FanBeamGeometry g, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("Parker transition width q must be in (0, 1], got " + q);
        }
        ScanArc arc = new ScanArc(g.angles(), 2 * Math.PI);
        if (!arc.hasMissingWedge()) {
            return null;
        }
        double[] beta = new double[g.angleCount()];
        for (int a = 0; a < beta.length; a++) {
            beta[a] = arc.fromStart(a);
        }
        double[] gamma = new double[g.detectorCount()];
        for (int d = 0; d < gamma.length; d++) {
            gamma[d] = fanAngle(g, d);
        }
        return new ParkerWeights(arc.range(), q, beta, gamma);
    }

    /** Fan angle (radians, positive towards increasing detector index) of detector {@code d}. */
    public static double fanAngle(FanBeamGeometry g, int d) {
        double s = (d - g.detectorCount() / 2 - g.centerOfRotationOffset()) * g.detectorSpacing();
        return g.detectorShape() == FanBeamGeometry.DetectorShape.FLAT
            ? Math.atan(s / g.sourceToDetector()) : s / g.sourceToDetector();
    }

    /** Half the fan angle: the largest {@code |gamma|} over the detector elements. */
    public static double halfFanAngle(FanBeamGeometry g) {
        return Math.max(Math.abs(fanAngle(g, 0)), Math.abs(fanAngle(g, g.detectorCount() - 1)));
    }

    /** The minimal short scan {@code pi + 2 delta}, radians: shorter fan-beam scans miss some lines entirely. */
    public static double minimalShortScan(FanBeamGeometry g) {
        return Math.PI + 2 * halfFanAngle(g);
    }

    /** Length of the scanned arc in radians (each view standing for one angular step). */
    public double range() {
        return range;
    }

    /** The weight of projection {@code angle} at detector {@code detector}. */
    public double weight(int angle, int detector) {
        return weight(beta[angle], gamma[detector], range, q);
    }

    /** The warning for a fan-beam scan shorter than 180 degrees plus the fan angle, else {@code null}. */
    public static String incompleteDataWarning(String title, CtGeometry g) {
        if (!(g instanceof FanBeamGeometry)) {
            return null;
        }
        FanBeamGeometry fan = (FanBeamGeometry) g;
        ParkerWeights parker = of(fan, 1);
        double minimal = minimalShortScan(fan);
        if (parker == null || parker.range() >= minimal - 1e-9) {
            return null;
        }
        // lines at distance t from the axis are all measured iff asin(t / R) <= (range - 180 degrees) / 2
        double radius = fan.sourceDistance() * Math.sin(Math.max(0, parker.range() - Math.PI) / 2);
        return String.format(java.util.Locale.ROOT, "Fan-beam sinogram '%s' covers %.1f degrees, less than the"
            + " minimal short scan of %.1f degrees (180 + fan angle): the data are incomplete; only a central disk of"
            + " radius %.1f px is fully measured", title, Math.toDegrees(parker.range()), Math.toDegrees(minimal),
            radius);
    }

    /** The formula of the class comment: {@code beta, gamma, range} in radians. */
    public static double weight(double beta, double gamma, double range, double q) {
        double start = Math.max(0, range - Math.PI - 2 * gamma);
        double end = Math.max(0, range - Math.PI + 2 * gamma);
        double w = 2;
        if (start > 0) {
            double b = q * start;
            w += s(beta / b - 0.5) + s((beta - start) / b + 0.5) - 2;
        }
        if (end > 0) {
            double b = q * end;
            w -= s((beta - Math.PI + 2 * gamma) / b - 0.5) + s((beta - range) / b + 0.5);
        }
        return 0.5 * w;
    }

    /** Wesarg's smooth step from 0 (x &lt;= -1/2) to 1 (x &gt;= 1/2). */
    private static double s(double x) {
        return x <= -0.5 ? 0 : x >= 0.5 ? 1 : 0.5 * (1 + Math.sin(Math.PI * x));
    }
}
