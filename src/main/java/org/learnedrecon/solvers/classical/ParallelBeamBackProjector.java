package org.learnedrecon.solvers.classical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Pixel-driven parallel-beam back-projection of a {@link MirroredRowTable} with linear interpolation along the
 * detector. The pixel at {@code x = col - N/2}, {@code y = row - N/2} reads detector position
 * {@code (x cos - y sin) / spacing} from the axis.
 *
 * <p>Symmetry cuts the position arithmetic, which is most of the cost of a scalar kernel: with {@code u = x cos -
 * y sin} and {@code v = -x cos - y sin}, the four pixels {@code (+-x, +-y)} at angle {@code theta} read {@code u},
 * {@code v} (forward rows) and {@code -u}, {@code -v} (mirrored rows), and at the partner angle {@code pi - theta}
 * (if the scan has it, as every uniform 180° scan does) the same four values swapped. So two positions serve up to
 * eight interpolations. Image rows are processed in tiles of {@link #TILE_ROWS} so that the table rows of one angle
 * stay in cache for the whole tile. Pixels without four distinct mirror images (the axes through the centre, and for
 * even {@code N} the first row and column) and geometries whose rotation axis is not on a half-detector use the
 * plain kernel, one position per interpolation. Positions are 32.32 fixed point, stepped by adding the
 * fixed-point step: the integer part indexes the table, the low word is the interpolation fraction (error below
 * {@code N 2^-32} detector elements).
 */
final class ParallelBeamBackProjector {

    private static final int TILE_ROWS = 4;
    private static final double ONE = 4294967296.0;
    private static final long LOW = 0xFFFFFFFFL;
    private static final float FRACTION = (float) (1 / ONE);

    private final MirroredRowTable table;
    private final int n;
    private final int c;
    private final double spacing;
    private final double[] cos;
    private final double[] sin;
    /** Angles {@code theta} whose partner {@code pi - theta} is in the scan: {@code pairs[2 k], pairs[2 k + 1]}. */
    final int[] pairs;
    /** The other angles. */
    final int[] singles;
    /** Largest {@code |x|} such that both {@code c + x} and {@code c - x} are image columns. */
    private final int reach;

    ParallelBeamBackProjector(MirroredRowTable table, CtGeometry g) {
        this.table = table;
        n = g.imageSize();
        c = n / 2;
        spacing = g.detectorSpacing();
        double[] angles = g.angles();
        cos = new double[angles.length];
        sin = new double[angles.length];
        for (int a = 0; a < angles.length; a++) {
            cos[a] = Math.cos(angles[a]);
            sin[a] = Math.sin(angles[a]);
        }
        reach = Math.min(c, n - 1 - c);
        List<Integer> paired = new ArrayList<>();
        List<Integer> single = new ArrayList<>();
        // partner of theta: same sin, opposite cos (pi - theta); matched on a 1e-9 grid, misses only cost speed
        Map<String, Integer> open = new HashMap<>();
        for (int a = 0; a < angles.length; a++) {
            Integer partner = Math.abs(cos[a]) > 1e-9 ? open.remove(key(sin[a], -cos[a])) : null;
            if (partner != null) {
                paired.add(partner);
                paired.add(a);
            } else {
                open.put(key(sin[a], cos[a]), a);
            }
        }
        boolean[] inPair = new boolean[angles.length];
        for (int a : paired) {
            inPair[a] = true;
        }
        for (int a = 0; a < angles.length; a++) {
            if (!inPair[a]) {
                single.add(a);
            }
        }
        pairs = paired.stream().mapToInt(Integer::intValue).toArray();
        singles = single.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String key(double s, double c) {
        return Math.round(s * 1e9) + ":" + Math.round(c * 1e9);
    }

    /**
     * Back-projects into a new row-major {@code N x N} image, parallel over tiles of rows, reporting progress
     * {@code doneBefore .. doneBefore + N} of {@code total}.
     */
    float[] backProject(ProgressMonitor progress, long doneBefore, long total) {
        float[] image = new float[n * n];
        List<Runnable> tasks = new ArrayList<>();
        if (table.mirrored && reach >= 1) {
            for (int y0 = 1; y0 <= reach; y0 += TILE_ROWS) {
                int first = y0;
                int rows = Math.min(TILE_ROWS, reach + 1 - y0);
                tasks.add(() -> tile(first, rows, image));
            }
            // the lines through the centre, and for even N row 0 and column 0 (x or y = -c), in full ...
            for (int y = -c; y < n - c; y++) {
                if (y == 0 || Math.abs(y) > reach) {
                    int row = y;
                    tasks.add(() -> line(-c, row, 1, 0, n, image));
                }
            }
            // ... and the columns without the rows done above: y = -reach .. -1 and 1 .. reach
            for (int x = -c; x < n - c; x++) {
                if (x == 0 || Math.abs(x) > reach) {
                    int col = x;
                    tasks.add(() -> {
                        line(col, -reach, 0, 1, reach, image);
                        line(col, 1, 0, 1, reach, image);
                    });
                }
            }
        } else {
            for (int y = -c; y < n - c; y++) {
                int row = y;
                tasks.add(() -> line(-c, row, 1, 0, n, image));
            }
        }
        // few parallel rounds: each is a barrier, costly when other processes hold the cores
        int chunk = Math.max(1, (tasks.size() + 7) / 8);
        for (int start = 0; start < tasks.size(); start += chunk) {
            progress.checkCancelled();
            int end = Math.min(tasks.size(), start + chunk);
            IntStream.range(start, end).parallel().forEach(i -> tasks.get(i).run());
            progress.progress(doneBefore + (long) n * end / tasks.size(), total, "FBP: back-projecting");
        }
        return image;
    }

    /**
     * Rows {@code y0 .. y0 + rows - 1} and their mirrors {@code -y}, columns {@code +-1 .. +-reach}. Accumulator
     * layout per row: {@code 4 x + 0..3} = pixels {@code (x, y), (-x, y), (x, -y), (-x, -y)}.
     */
    private void tile(int y0, int rows, float[] image) {
        float[] q = table.values;
        double centre = table.centre;
        int width = 4 * (reach + 1);
        float[] acc = new float[rows * width];
        for (int k = 0; k + 1 < pairs.length; k += 2) {
            int a = pairs[k];
            int b = pairs[k + 1];
            // u, v are positions at angle a; at b = pi - a the pixel (x, y) reads v and (-x, y) reads u
            int fa = table.forwardRow(a);
            int ma = table.mirroredRow(a);
            int fb = table.forwardRow(b);
            int mb = table.mirroredRow(b);
            long step = Math.round(cos[a] / spacing * ONE);
            for (int r = 0; r < rows; r++) {
                int y = y0 + r;
                long base = Math.round((-y * sin[a] / spacing + centre) * ONE);
                long u = base + step;
                long v = base - step;
                for (int x = 1, i = r * width + 4; x <= reach; x++, i += 4) {
                    int ku = 2 * (int) (u >>> 32);
                    int kv = 2 * (int) (v >>> 32);
                    float gu = (u & LOW) * FRACTION;
                    float gv = (v & LOW) * FRACTION;
                    acc[i] += q[fa + ku] + gu * q[fa + ku + 1] + q[fb + kv] + gv * q[fb + kv + 1];
                    acc[i + 1] += q[fa + kv] + gv * q[fa + kv + 1] + q[fb + ku] + gu * q[fb + ku + 1];
                    acc[i + 2] += q[ma + kv] + gv * q[ma + kv + 1] + q[mb + ku] + gu * q[mb + ku + 1];
                    acc[i + 3] += q[ma + ku] + gu * q[ma + ku + 1] + q[mb + kv] + gv * q[mb + kv + 1];
                    u += step;
                    v -= step;
                }
            }
        }
        for (int a : singles) {
            int fa = table.forwardRow(a);
            int ma = table.mirroredRow(a);
            long step = Math.round(cos[a] / spacing * ONE);
            for (int r = 0; r < rows; r++) {
                int y = y0 + r;
                long base = Math.round((-y * sin[a] / spacing + centre) * ONE);
                long u = base + step;
                long v = base - step;
                for (int x = 1, i = r * width + 4; x <= reach; x++, i += 4) {
                    int ku = 2 * (int) (u >>> 32);
                    int kv = 2 * (int) (v >>> 32);
                    float gu = (u & LOW) * FRACTION;
                    float gv = (v & LOW) * FRACTION;
                    acc[i] += q[fa + ku] + gu * q[fa + ku + 1];
                    acc[i + 1] += q[fa + kv] + gv * q[fa + kv + 1];
                    acc[i + 2] += q[ma + kv] + gv * q[ma + kv + 1];
                    acc[i + 3] += q[ma + ku] + gu * q[ma + ku + 1];
                    u += step;
                    v -= step;
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int y = y0 + r;
            int top = (c + y) * n + c;
            int bottom = (c - y) * n + c;
            for (int x = 1, i = r * width + 4; x <= reach; x++, i += 4) {
                image[top + x] = acc[i];
                image[top - x] = acc[i + 1];
                image[bottom + x] = acc[i + 2];
                image[bottom - x] = acc[i + 3];
            }
        }
    }

    /** The plain kernel: {@code count} pixels from {@code (x0, y0)} in steps of {@code (dx, dy)}, all angles. */
    private void line(int x0, int y0, int dx, int dy, int count, float[] image) {
        float[] q = table.values;
        float[] acc = new float[count];
        for (int a = 0; a < cos.length; a++) {
            int f = table.forwardRow(a);
            long step = Math.round((dx * cos[a] - dy * sin[a]) / spacing * ONE);
            long p = Math.round(((x0 * cos[a] - y0 * sin[a]) / spacing + table.centre) * ONE);
            for (int i = 0; i < count; i++) {
                int k = f + 2 * (int) (p >>> 32);
                acc[i] += q[k] + (p & LOW) * FRACTION * q[k + 1];
                p += step;
            }
        }
        for (int i = 0; i < count; i++) {
            image[(c + y0 + i * dy) * n + c + x0 + i * dx] = acc[i];
        }
    }

    @Override
    public String toString() {
        return "parallel-beam back-projector, " + pairs.length / 2 + " angle pairs, " + singles.length + " singles "
            + Arrays.toString(singles);
    }
}
