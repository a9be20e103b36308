package org.learnedrecon.solvers.classical;

import java.util.Arrays;

/**
 * The projection angles of a scan reduced modulo a period (180° parallel, 360° fan) and sorted, with the gap from
 * each to the next. The widest gap is a missing wedge (a limited-angle or short scan) when it is more than three times the
 * mean of the other gaps; the scan then covers one arc, from half a mean step before the first angle after the wedge
 * to half a mean step after the last one before it, each view standing for one step. Shared by
 * {@link FilteredBackProjection#angularWeights} and {@link ParkerWeights} so both see the same arc.
 */
final class ScanArc {

    final double period;
    /** Angles reduced to {@code [0, period)}, in input order. */
    final double[] reduced;
    /** Input indices sorted by reduced angle. */
    final Integer[] order;
    /** {@code gaps[i]}: from the {@code i}-th sorted angle to the next (cyclically). */
    final double[] gaps;
    /** Position in {@link #order} of the angle before the widest gap. */
    final int widest;
    /** Mean of the gaps other than the widest (the nominal angular step). */
    final double step;

    ScanArc(double[] angles, double period) {
        this.period = period;
        int n = angles.length;
        order = new Integer[n];
        reduced = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            reduced[i] = ((angles[i] % period) + period) % period;
        }
        Arrays.sort(order, (x, y) -> Double.compare(reduced[x], reduced[y]));
        gaps = new double[n];
        int w = 0;
        for (int i = 0; i < n; i++) {
            double next = i + 1 < n ? reduced[order[i + 1]] : reduced[order[0]] + period;
            gaps[i] = next - reduced[order[i]];
            if (gaps[i] > gaps[w]) {
                w = i;
            }
        }
        widest = w;
        step = n == 1 ? period : (period - gaps[w]) / (n - 1);
    }

    /** True when the widest gap is a missing wedge, i.e. the scan covers less than the whole period. */
    boolean hasMissingWedge() {
        return order.length > 1 && gaps[widest] > 3 * step;
    }

    /** Start of the covered arc: half a step before the first angle after the wedge, in {@code [-step/2, period)}. */
    double start() {
        return reduced[order[(widest + 1) % order.length]] - step / 2;
    }

    /** Length of the covered arc: the period minus the wedge plus one step (half a step at either end). */
    double range() {
        return hasMissingWedge() ? period - gaps[widest] + step : period;
    }

    /** Angle {@code i} (input index) measured from {@link #start()} along the scan, in {@code [0, period)}. */
    double fromStart(int i) {
        double beta = reduced[i] - start();
        return ((beta % period) + period) % period;
    }
}
