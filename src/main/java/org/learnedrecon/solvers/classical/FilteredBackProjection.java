package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import java.util.stream.IntStream;
import org.jtransforms.fft.FloatFFT_1D;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ForwardingOperator;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.FanBeamGeometry;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Filtered back-projection for the parallel and fan-beam geometries of {@link CtGeometry} (Kak &amp; Slaney,
 * <i>Principles of Computerized Tomographic Imaging</i>, ch. 3).
 *
 * <ol>
 *   <li>Pre-weighting (fan beam only): flat detector {@code R / sqrt(R^2 + s'^2)} with {@code s'} the detector
 *       coordinate scaled to the rotation axis; equiangular detector {@code R cos(gamma)}; {@code R} = source
 *       distance. Fan-beam scans over less than 360° also get {@link ParkerWeights} (with {@code q = 1}, times 2
 *       against the 1/2 of step 2): Parker's short-scan weights for the minimal short scan {@code 180° + 2 delta}
 *       ({@code delta} = half fan angle), Parker's formula with {@code delta} scaled to {@code (range - 180°) / 2}
 *       for longer scans (Wesarg's generalisation at {@code q = 1}), so that every measured line counts once.</li>
 *   <li>Filtering of each projection row, zero-padded to {@code max(64, 2^ceil(log2(2 D)))} like scikit-image, by
 *       the FFT of the band-limited spatial ramp kernel (Kak &amp; Slaney eq. 3.61: {@code h(0) = 1/(4 tau^2)},
 *       {@code h(odd n) = -1/(n pi tau)^2}; for equiangular fans its {@code (gamma / sin gamma)^2} version), times
 *       the {@link Filter} window. Building the filter from the spatial kernel avoids the DC bias of a sampled
 *       {@code |f|}.</li>
 *   <li>Pixel-driven back-projection with linear interpolation along the zero-extended detector, each angle
 *       weighted by the angular interval it represents, see {@link #angularWeights}. Fan beams add the
 *       {@code 1/U^2} (flat) or {@code 1/L^2} (equiangular) distance weights and the factor 1/2 of a 360° scan.</li>
 * </ol>
 *
 * <p>Scaling: for uniform angles over 180° (parallel) the result equals scikit-image
 * {@code iradon(filter_name='ramp', circle=False)} (to float precision inside the inscribed circle; a few corner
 * pixels differ where skimage cuts the detector off without interpolating to zero): image values are recovered in
 * the units of the projected image. Sparse and limited-angle sets are weighted by their actual angular intervals, so
 * values stay on scale (limited angles still miss the unseen wedge). A 360° fan scan keeps the plain factor 1/2.
 * Fan-beam scans shorter than the minimal short scan are incomplete data: FBP runs (each measured line still counts
 * once) but the lines never measured are missing, with limited-angle artefacts outside the central disk of radius
 * {@code R sin((range - 180°) / 2)}; {@link ParkerWeights#minimalShortScan} tells whether a scan is long enough.
 * Filtering is parallel over angles; back-projection is parallel over image rows (fan beam) or over tiles of rows
 * with a 4-fold symmetric kernel ({@code ParallelBeamBackProjector}, parallel beam). Work runs on the common
 * fork-join pool; filter responses and FFT plans are cached between calls.
 */
public final class FilteredBackProjection implements Solver {

    /** Frequency windows applied to the ramp; {@code f} in cycles per detector sample, {@code |f| <= 1/2}. */
    public enum Filter {
        /** Plain ramp {@code |f|} (Ram-Lak). */
        RAMP,
        /** Ramp times {@code sinc(f) = sin(pi f) / (pi f)}. */
        SHEPP_LOGAN,
        /** Ramp times {@code cos(pi f)}. */
        COSINE,
        /** Ramp times {@code (1 + cos(2 pi f)) / 2}. */
        HANN;

        double window(double f) {
            switch (this) {
                case SHEPP_LOGAN:
                    return f == 0 ? 1 : Math.sin(Math.PI * f) / (Math.PI * f);
                case COSINE:
                    return Math.cos(Math.PI * f);
                case HANN:
                    return 0.5 * (1 + Math.cos(2 * Math.PI * f));
                default:
                    return 1;
            }
        }

        /** Parses names like {@code Ramp}, {@code Shepp-Logan}, {@code shepp_logan}, {@code hann}. */
        public static Filter parse(String text) {
            String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_').replace(' ', '_');
            for (Filter f : values()) {
                if (f.name().equals(t)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("Unknown FBP filter '" + text
                + "': choose Ramp, Shepp-Logan, Cosine or Hann");
        }
    }

    private final Filter filter;
    /** False only in tests that show what short scans look like without {@link ParkerWeights}. */
    private final boolean shortScanWeights;

    public FilteredBackProjection(Filter filter) {
        this(filter, true);
    }

    FilteredBackProjection(Filter filter, boolean shortScanWeights) {
        this.filter = filter;
        this.shortScanWeights = shortScanWeights;
    }

    public Filter filter() {
        return filter;
    }

    @Override
    public String name() {
        return "FBP (" + filter.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")";
    }

    /** Needs a {@link RayTransform} (for its geometry), possibly under forwarding layers; any backend. */
    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        ForwardOperator inner = ForwardingOperator.innermost(operator);
        if (!(inner instanceof RayTransform)) {
            throw new IllegalArgumentException("FBP needs a CT ray transform, got " + operator.getClass().getName());
        }
        CtGeometry g = ((RayTransform) inner).geometry();
        Shape s = measurements.getShape();
        if (s.dimension() != 3 || s.get(1) != g.angleCount() || s.get(2) != g.detectorCount()) {
            throw new IllegalArgumentException("FBP needs sinograms of shape (B, " + g.angleCount() + " angles, "
                + g.detectorCount() + " detectors) for " + g + ", got " + s);
        }
        int batch = (int) s.get(0);
        int bins = g.angleCount() * g.detectorCount();
        int pixels = g.imageSize() * g.imageSize();
        float[] all = RayTransform.floats(measurements);
        float[] out = new float[batch * pixels];
        for (int b = 0; b < batch; b++) {
            float[] image = reconstruct(Arrays.copyOfRange(all, b * bins, (b + 1) * bins), g,
                progress.part(b, b + 1, batch, ""));
            System.arraycopy(image, 0, out, b * pixels, pixels);
        }
        return measurements.getManager().create(out, new Shape(batch, g.imageSize(), g.imageSize()));
    }

    /**
     * Reconstructs one sinogram ({@code angles x detectors}, row-major, not modified) into a row-major
     * {@code N x N} image.
     */
    public float[] reconstruct(float[] sinogram, CtGeometry geometry, ProgressMonitor progress) {
        int angles = geometry.angleCount();
        int detectors = geometry.detectorCount();
        if (sinogram.length != angles * detectors) {
            throw new IllegalArgumentException("The sinogram has " + sinogram.length + " values but the geometry has "
                + angles + " angles x " + detectors + " detectors");
        }
        for (int i = 0; i < sinogram.length; i++) {
            if (!Float.isFinite(sinogram[i])) {
                throw new IllegalArgumentException("The sinogram contains " + sinogram[i] + " at angle "
                    + i / detectors + ", detector " + i % detectors + ": FBP needs finite values");
            }
        }
        if (!(geometry instanceof ParallelBeamGeometry) && !(geometry instanceof FanBeamGeometry)) {
            throw new IllegalArgumentException("FBP supports parallel and fan-beam geometries, not " + geometry);
        }
        long total = 2L * angles + geometry.imageSize();
        progress.checkCancelled();
        double[] weights = angularWeights(geometry);
        if (geometry instanceof ParallelBeamGeometry) {
            MirroredRowTable table = new MirroredRowTable(geometry);
            filterRows(sinogram, geometry, progress, total,
                (buffer, a) -> table.setRow(a, buffer, (float) weights[a]));
            return new ParallelBeamBackProjector(table, geometry).backProject(progress, 2L * angles, total);
        }
        float[][] filtered = new float[angles][];
        filterRows(sinogram, geometry, progress, total, (buffer, a) -> {
            filtered[a] = Arrays.copyOf(buffer, detectors + 1);
            filtered[a][detectors] = 0;
        });
        return FbpBackProjector.backProject(filtered, (FanBeamGeometry) geometry, weights, progress, angles, total);
    }

    /**
     * Filters each projection row (after the fan-beam pre-weights and short-scan weights) and hands it to
     * {@code sink} as {@code (buffer, angle)}: the buffer holds the filtered row in {@code [0, detectors)} and is
     * reused after the call. Parallel over angles on the common fork-join pool, in a few rounds for progress and cancellation.
     */
    private void filterRows(float[] sinogram, CtGeometry g, ProgressMonitor progress, long total,
                            ObjIntConsumer<float[]> sink) {
        int angles = g.angleCount();
        int detectors = g.detectorCount();
        int padded = Math.max(64, Integer.highestOneBit(Math.max(1, 2 * detectors - 1)) << 1);
        float[] response = response(g, padded);
        float[] preWeights = preWeights(g);
        ParkerWeights parker = shortScanWeights && g instanceof FanBeamGeometry
            ? ParkerWeights.of((FanBeamGeometry) g, 1) : null;
        int block = Math.max(1, (angles + 3) / 4);
        for (int start = 0; start < angles; start += block) {
            progress.checkCancelled();
            int end = Math.min(angles, start + block);
            IntStream.range(start, end).parallel().forEach(a -> {
                float[] buffer = new float[padded];
                for (int d = 0; d < detectors; d++) {
                    buffer[d] = sinogram[a * detectors + d] * preWeights[d];
                }
                if (parker != null) {
                    // the filter carries the 1/2 of a 360-degree scan; conjugate Parker weights add up to 1 instead
                    for (int d = 0; d < detectors; d++) {
                        buffer[d] *= (float) (2 * parker.weight(a, d));
                    }
                }
                FloatFFT_1D fft = fft(padded);
                fft.realForward(buffer);
                // JTransforms packing: [Re0, Re(n/2), Re1, Im1, Re2, Im2, ...]; the response is real and even.
                buffer[0] *= response[0];
                buffer[1] *= response[padded / 2];
                for (int k = 1; k < padded / 2; k++) {
                    buffer[2 * k] *= response[k];
                    buffer[2 * k + 1] *= response[k];
                }
                fft.realInverse(buffer, true);
                sink.accept(buffer, a);
            });
            progress.progress(end, total, "FBP: filtering projections");
        }
    }

    /** One FFT plan per thread and size: building a plan costs about as much as a few transforms. */
    private static final ThreadLocal<Map<Integer, FloatFFT_1D>> FFT_PLANS = ThreadLocal.withInitial(HashMap::new);

    private static FloatFFT_1D fft(int size) {
        return FFT_PLANS.get().computeIfAbsent(size, FloatFFT_1D::new);
    }

    /** Responses by filter and geometry (see {@link #responseKey}); a few, so repeated reconstructions reuse them. */
    private static final Map<String, float[]> RESPONSES = java.util.Collections.synchronizedMap(
        new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > 16;
            }
        });

    private float[] response(CtGeometry g, int padded) {
        String key = responseKey(g, padded);
        float[] cached = RESPONSES.get(key);
        if (cached == null) {
            cached = computeResponse(g, padded);
            RESPONSES.put(key, cached);
        }
        return cached;
    }

    /** Everything {@link #computeResponse} reads: filter, padded length, geometry kind, spacing, fan distances. */
    private String responseKey(CtGeometry g, int padded) {
        StringBuilder key = new StringBuilder().append(filter).append(' ').append(padded).append(' ')
            .append(g.getClass().getSimpleName()).append(' ').append(g.detectorSpacing());
        if (g instanceof FanBeamGeometry) {
            FanBeamGeometry fan = (FanBeamGeometry) g;
            key.append(' ').append(fan.detectorShape()).append(' ').append(fan.sourceDistance()).append(' ')
                .append(fan.sourceToDetector());
        }
        return key.toString();
    }

    /**
     * Frequency response {@code H[k]}, {@code k = 0..P/2}, of the discrete convolution kernel (the continuous
     * kernel times the sample spacing) including the window.
     */
    private float[] computeResponse(CtGeometry g, int padded) {
        double[] kernel = new double[2 * padded];
        boolean equiangular = g instanceof FanBeamGeometry
            && ((FanBeamGeometry) g).detectorShape() == FanBeamGeometry.DetectorShape.EQUIANGULAR;
        for (int n = 0; n <= padded / 2; n++) {
            double value;
            if (equiangular) {
                // g(n alpha) = 1/2 (gamma / sin gamma)^2 h(gamma) sampled at gamma = n alpha, times alpha
                // (Kak & Slaney section 3.4.1, equiangular rays); the 1/2 is that of a 360-degree scan
                double alpha = g.detectorSpacing() / ((FanBeamGeometry) g).sourceToDetector();
                value = n == 0 ? 1 / (8 * alpha)
                    : n % 2 == 0 ? 0 : -alpha / (2 * Math.PI * Math.PI * Math.pow(Math.sin(n * alpha), 2));
            } else {
                double tau = g.detectorSpacing();
                if (g instanceof FanBeamGeometry) {
                    FanBeamGeometry fan = (FanBeamGeometry) g;
                    tau *= fan.sourceDistance() / fan.sourceToDetector();
                }
                value = n == 0 ? 1 / (4 * tau) : n % 2 == 0 ? 0 : -1 / (Math.PI * Math.PI * n * n * tau);
                if (g instanceof FanBeamGeometry) {
                    // flat fan: ramp on the detector scaled to the rotation axis, halved for the 360-degree scan
                    value *= 0.5;
                }
            }
            kernel[2 * n] = value;
            if (n > 0 && n < padded / 2) {
                kernel[2 * (padded - n)] = value;
            }
        }
        new org.jtransforms.fft.DoubleFFT_1D(padded).complexForward(kernel);
        float[] response = new float[padded / 2 + 1];
        for (int k = 0; k <= padded / 2; k++) {
            response[k] = (float) (kernel[2 * k] * filter.window(k / (double) padded));
        }
        return response;
    }

    private static float[] preWeights(CtGeometry g) {
        float[] w = new float[g.detectorCount()];
        Arrays.fill(w, 1f);
        if (g instanceof FanBeamGeometry) {
            FanBeamGeometry fan = (FanBeamGeometry) g;
            double r = fan.sourceDistance();
            for (int d = 0; d < w.length; d++) {
                double s = (d - w.length / 2 - g.centerOfRotationOffset()) * g.detectorSpacing();
                if (fan.detectorShape() == FanBeamGeometry.DetectorShape.FLAT) {
                    double sIso = s * r / fan.sourceToDetector();
                    w[d] = (float) (r / Math.sqrt(r * r + sIso * sIso));
                } else {
                    w[d] = (float) (r * Math.cos(s / fan.sourceToDetector()));
                }
            }
        }
        return w;
    }

    /**
     * The angular interval each projection stands for, so that the discrete back-projection sum approximates the
     * integral over angles at any sampling. Angles are reduced modulo the period (180° parallel, 360° fan) and
     * sorted; each gets half the gap to each neighbour. A gap more than three times the mean of the other gaps is a
     * missing wedge (limited-angle scan) and is replaced by that mean, so the end projections are not
     * over-weighted. Uniform angles over a full period give {@code period / count}; a 360° parallel scan gives
     * each of the two opposite views half of it.
     */
    public static double[] angularWeights(CtGeometry g) {
        double period = g instanceof FanBeamGeometry ? 2 * Math.PI : Math.PI;
        int n = g.angleCount();
        if (n == 1) {
            return new double[] {period};
        }
        ScanArc arc = new ScanArc(g.angles(), period);
        double[] gaps = arc.gaps.clone();
        if (arc.hasMissingWedge()) {
            gaps[arc.widest] = arc.step;
        }
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[arc.order[i]] = 0.5 * (gaps[i] + gaps[(i + n - 1) % n]);
        }
        return weights;
    }
}
