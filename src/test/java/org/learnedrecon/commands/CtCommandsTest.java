package org.learnedrecon.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.learnedrecon.io.MeasurementTable;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.solvers.classical.ParkerWeights;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogListener;
import org.scijava.log.LogService;

/**
 * Simulate CT Acquisition and Reconstruct CT through a real SciJava Context and CommandService. Run without pre- and
 * postprocessing (as the ImageJ 1.x bridge does) so values persisted by an earlier run cannot leak into a test.
 */
class CtCommandsTest extends SciJavaCommandTest {

    private static MetadataImage phantom(int n, int slices) {
        return new MetadataImage("phantom", SheppLoganPhantom.stack(n, slices), Map.of());
    }

    private static MetadataImage simulate(MetadataImage image, Object... keys) throws Exception {
        Object[] all = new Object[keys.length + 2];
        all[0] = "image";
        all[1] = image;
        System.arraycopy(keys, 0, all, 2, keys.length);
        CommandModule module = commands.run(SimulateCtCommand.class, false, all).get();
        return assertInstanceOf(MetadataImage.class, module.getOutput("sinogram"));
    }

    private static CommandModule reconstruct(MetadataImage sinogram, Object... keys) throws Exception {
        Object[] all = new Object[keys.length + 2];
        all[0] = "sinogram";
        all[1] = sinogram;
        System.arraycopy(keys, 0, all, 2, keys.length);
        return commands.run(ReconstructCtCommand.class, false, all).get();
    }

    private static float[] pixels(MetadataImage image) {
        try (NDManager m = NDManager.newBaseManager()) {
            return TensorAdapter.toTensor(m, image.image()).toFloatArray();
        }
    }

    @Test
    void noiselessSinogramIsTheRayTransformAndCarriesItsGeometry() throws Exception {
        MetadataImage image = phantom(32, 2);
        float[] before = pixels(image);
        MetadataImage sino = simulate(image, "angles", 12, "range", 180.0, "noise", "None");
        assertArrayEquals(new long[] {46, 12, 2}, sino.image().dimensionsAsLongArray()); // ceil(32 sqrt 2) = 46
        CtGeometry g = CtGeometry.fromProperties(sino.metadata());
        assertEquals(ParallelBeamGeometry.uniform(32, 12, 180), g);
        assertEquals("none", sino.metadata().get("ct.noise"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray expected = RayTransform.matrixFree(g).apply(TensorAdapter.toTensor(m, image.image()));
            assertArrayEquals(expected.toFloatArray(), pixels(sino), 0f);
        }
        assertArrayEquals(before, pixels(image), 0f, "input modified");
    }

    @Test
    void gaussianAndPoissonNoiseFollowTheSeedAndAreRecorded() throws Exception {
        MetadataImage image = phantom(32, 1);
        MetadataImage a = simulate(image, "angles", 10, "noise", "Gaussian", "level", 0.05, "seed", 7L);
        MetadataImage b = simulate(image, "angles", 10, "noise", "Gaussian", "level", 0.05, "seed", 7L);
        MetadataImage clean = simulate(image, "angles", 10, "noise", "None");
        assertArrayEquals(pixels(a), pixels(b), 0f);
        float[] y = pixels(clean);
        float[] noisy = pixels(a);
        double ss = 0;
        double se = 0;
        for (int i = 0; i < y.length; i++) {
            ss += y[i] * y[i];
            se += (noisy[i] - y[i]) * (noisy[i] - y[i]);
        }
        double relative = Math.sqrt(se / ss);
        assertTrue(relative > 0.045 && relative < 0.055, "relative noise " + relative + ", expected 0.05");
        assertEquals("0.05", a.metadata().get("ct.noise.level"));
        assertEquals("7", a.metadata().get("ct.noise.seed"));
        MetadataImage p = simulate(image, "angles", 10, "noise", "Poisson", "photons", 1000.0, "seed", 3L);
        assertEquals("1000.0", p.metadata().get("ct.noise.photons"));
        assertEquals(4.0 / 32, Double.parseDouble(p.metadata().get("ct.noise.mu")), 1e-15);
    }

    @Test
    void fanBeamRoundTrip() throws Exception {
        MetadataImage sino = simulate(phantom(32, 1), "geometry", "Fan beam", "angles", 90, "range", 360.0,
            "source", 60.0, "detector", 40.0, "shape", "Equiangular");
        CtGeometry g = CtGeometry.fromProperties(sino.metadata());
        assertEquals("fan", sino.metadata().get("ct.geometry"));
        assertEquals(g.detectorCount(), sino.image().dimension(0));
        MetadataImage x = (MetadataImage) reconstruct(sino, "solver", "FBP").getOutput("reconstruction");
        assertArrayEquals(new long[] {32, 32}, x.image().dimensionsAsLongArray());
    }

    /**
     * A fan-beam short scan (250 degrees; 180 + fan angle is about 216 here) reconstructs with FBP (Parker weights)
     * as well as the 360-degree scan: measured 22.53 dB vs 22.52 dB PSNR (64 px Shepp-Logan, one view per degree).
     * Below the minimal short scan the command warns, naming the range and the fully measured disk.
     */
    @Test
    void fanBeamShortScanReconstructsLikeTheFullScan() throws Exception {
        MetadataImage reference = phantom(64, 1);
        double[] psnr = new double[2];
        double[] ranges = {360, 250};
        for (int i = 0; i < 2; i++) {
            MetadataImage sino = simulate(reference, "geometry", "Fan beam", "angles", (int) ranges[i], "range",
                ranges[i], "source", 150.0, "detector", 100.0, "shape", "Flat");
            assertEquals(ranges[i], Double.parseDouble(sino.metadata().get("ct.angles.range.deg")), 1e-9);
            CommandModule fbp = reconstruct(sino, "solver", "FBP", "filter", "Ramp", "reference", reference);
            psnr[i] = ((MeasurementTable) fbp.getOutput("metrics")).rows().get(0).values()[0];
        }
        System.out.println("Reconstruct CT, fan beam FBP PSNR: 360 degrees " + psnr[0] + ", 250 degrees " + psnr[1]);
        assertTrue(psnr[1] > psnr[0] - 0.5, "short scan " + psnr[1] + " vs full scan " + psnr[0]);
        CtGeometry full = CtGeometryKeys.fan(64, 360, 360, 0, 150, 100, "Flat");
        assertNull(ParkerWeights.incompleteDataWarning("s", full));
        assertNull(ParkerWeights.incompleteDataWarning("s", CtGeometryKeys.fan(64, 250, 250, 0, 150, 100,
            "Flat")));
        // 200 degrees: 99 detectors of 5/3 px, outer fan angle atan(49 * 5/3 / 250) = 18.09 degrees; complete
        // only for lines within 150 sin(10 degrees) = 26.0 px of the axis
        assertEquals("Fan-beam sinogram 's' covers 200.0 degrees, less than the minimal short scan of 216.2 degrees"
            + " (180 + fan angle): the data are incomplete; only a central disk of radius 26.0 px is fully measured",
            ParkerWeights.incompleteDataWarning("s", CtGeometryKeys.fan(64, 200, 200, 0, 150, 100, "Flat")));
    }

    /**
     * FBP (ramp) of 180 noiseless views of a 128 Shepp-Logan phantom: measured 25.80 dB PSNR against the phantom
     * (data range 1); floor 25 dB. The table labels the slices and uses the reference's range.
     */
    @Test
    void fbpOfManyNoiselessViewsReachesAPsnrFloor() throws Exception {
        MetadataImage reference = phantom(128, 1);
        MetadataImage sino = simulate(reference, "angles", 180);
        CommandModule fbp = reconstruct(sino, "solver", "FBP", "filter", "Ramp", "reference", reference);
        MeasurementTable table = assertInstanceOf(MeasurementTable.class, fbp.getOutput("metrics"));
        assertEquals("Metrics FBP", table.title());
        double psnr = table.rows().get(0).values()[0];
        assertTrue(psnr > FBP_180_VIEWS_PSNR_FLOOR, "PSNR " + psnr);
        assertEquals(1.0, table.rows().get(0).values()[2], 0);
        assertEquals("FBP", ((MetadataImage) fbp.getOutput("reconstruction")).metadata().get("solver")
            .substring(0, 3));
    }

    private static final double FBP_180_VIEWS_PSNR_FLOOR = 25;

    /**
     * {@code noise=} with TV chooses lambda per slice to fit that noise level (the discrepancy principle); -1 reads
     * the level Simulate CT Acquisition wrote into the Info and gives the image the typed level gives. On 64^2
     * Shepp-Logan, 30 views, 2 % noise: measured 31.18 dB (lambda 0.5) against 27.26 for the default lambda 1.
     */
    @Test
    void tvWithANoiseLevelChoosesLambdaToFitIt() throws Exception {
        MetadataImage reference = phantom(64, 1);
        MetadataImage sino = simulate(reference, "angles", 30, "noise", "Gaussian", "level", 0.02, "seed", 5L);
        float[] before = pixels(sino);
        CommandModule fromInfo = reconstruct(sino, "solver", "TV", "noise", -1.0, "reference", reference);
        CommandModule typed = reconstruct(sino, "solver", "TV", "noise", 0.02);
        CommandModule fixed = reconstruct(sino, "solver", "TV", "reference", reference);
        MetadataImage x = (MetadataImage) fromInfo.getOutput("reconstruction");
        assertEquals(org.learnedrecon.solvers.SolverFactory.TV_FITTING_NOISE, x.metadata().get("solver"));
        assertArrayEquals(pixels(x), pixels((MetadataImage) typed.getOutput("reconstruction")), 0f);
        double fit = ((MeasurementTable) fromInfo.getOutput("metrics")).rows().get(0).values()[0];
        double atDefault = ((MeasurementTable) fixed.getOutput("metrics")).rows().get(0).values()[0];
        System.out.println("TV fitting the noise " + fit + " dB, lambda 1 " + atDefault + " dB");
        assertTrue(fit > atDefault + 2.0, "fitting the noise " + fit + " dB, default lambda " + atDefault + " dB");
        assertArrayEquals(before, pixels(sino), 0f, "input modified");
        // The Info records each slice's lambda, and that lambda alone reproduces the image.
        assertEquals("0.5000", x.metadata().get("ct.tv.lambda"));
        assertEquals("0.02", x.metadata().get("ct.tv.noise_level"));
        CommandModule again = reconstruct(sino, "solver", "TV", "lambda", 0.5);
        assertArrayEquals(pixels(x), pixels((MetadataImage) again.getOutput("reconstruction")), 0f);
        MetadataImage clean = simulate(reference, "angles", 30, "noise", "None");
        assertFails("has no ct.noise.level", () -> reconstruct(clean, "solver", "TV", "noise", -1.0));
        assertFails("noise=-0.5", () -> reconstruct(sino, "solver", "TV", "noise", -0.5));
    }

    /**
     * The choice by held-out views on a stack of a Shepp-Logan phantom (TV's image) and a brain slice (the brain
     * denoiser's): each slice gets its candidate, or a weighted mean of two, and is that candidate's own
     * reconstruction from all views (or the weighted mean of theirs), and the Info says which it got and with which
     * weights. Measured: Shepp-Logan 38.82 dB, the brain slice 31.89; with one candidate per slice (before 2026-12-04)
     * the Shepp-Logan slice took TV at lambda 0.25, 38.60 dB (TV fitting the noise, the only TV candidate before the
     * lambdas were added, gave 37.62), the brain slice the denoiser, 31.92 dB.
     */
    @Test
    void theChoiceByHeldOutViewsGivesEachSliceTheCandidateItsDataSpeakFor() throws Exception {
        PlanarImg<FloatType, FloatArray> images = PlanarImgs.floats(128, 128, 2);
        System.arraycopy(SheppLoganPhantom.render(128), 0, images.getPlane(0).getCurrentStorageArray(), 0, 128 * 128);
        float[] brain = pixels(org.learnedrecon.io.ImagePlusAdapter.toMetadataImage(ij.IJ.openImage(
            "test-data/ct/reference.tif")));
        System.arraycopy(brain, 0, images.getPlane(1).getCurrentStorageArray(), 0, 128 * 128);
        MetadataImage reference = new MetadataImage("two", images, Map.of());
        MetadataImage sino = simulate(reference, "angles", 30, "noise", "Gaussian", "level", 0.01, "seed", 1L);
        float[] before = pixels(sino);
        CommandModule chosen = reconstruct(sino, "solver", "Choice by held-out views", "noise", -1.0, "model",
            "dncnn-s05", "reference", reference);
        MetadataImage x = (MetadataImage) chosen.getOutput("reconstruction");
        MetadataImage pnpImage = (MetadataImage) reconstruct(sino, "solver", "Plug-and-play", "model", "dncnn-s05")
            .getOutput("reconstruction");
        String pnp = pnpImage.metadata().get("solver");
        // TV at lambda x 0.25 ... 8 (lambda= 1), TV fitting the noise (noise= given), then the model.
        List<String> candidates = List.of(x.metadata().get("ct.choice.candidates").split(","));
        assertEquals(List.of("TV lambda 0.25", "TV lambda 0.5", "TV lambda 1", "TV lambda 2", "TV lambda 4",
            "TV lambda 8", org.learnedrecon.solvers.SolverFactory.TV_FITTING_NOISE, pnp), candidates);
        String[] choices = x.metadata().get("ct.choice").split(",");
        String[] weights = x.metadata().get("ct.choice.weights").split(",");
        assertEquals("Choice by held-out views", x.metadata().get("solver"));
        // The Shepp-Logan slice leans on a TV candidate, the brain slice on the denoiser.
        assertTrue(choices[0].startsWith("TV") || choices[0].matches("0\\.\\d\\d TV.*"), choices[0]);
        assertTrue(choices[1].equals(pnp) || choices[1].startsWith("0.") && choices[1].indexOf(pnp) > 0
            && choices[1].indexOf(pnp) < choices[1].indexOf(" + "), choices[1]);
        float[] result = pixels(x);
        int n = 128 * 128;
        for (int slice = 0; slice < 2; slice++) {
            String[] w = weights[slice].split(" ");
            assertEquals(candidates.size(), w.length);
            float[] expected = new float[n];
            double sum = 0;
            for (int c = 0; c < w.length; c++) {
                double weight = Double.parseDouble(w[c]);
                sum += weight;
                if (weight > 0) {
                    float[] image = candidateImage(sino, candidates.get(c), pnp, pnpImage);
                    for (int i = 0; i < n; i++) {
                        expected[i] += (float) (weight * image[slice * n + i]);
                    }
                }
            }
            assertEquals(1, sum, 1e-3, "weights of slice " + slice + ": " + weights[slice]);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(result, slice * n, (slice + 1) * n), 5e-4f,
                "slice " + slice + ", " + choices[slice] + ": the candidates' own reconstructions, weighted (the "
                + "denoiser on a batch of one slice or of two)");
        }
        List<MeasurementTable.Row> rows = ((MeasurementTable) chosen.getOutput("metrics")).rows();
        System.out.println("Choice by held-out views: Shepp-Logan " + rows.get(0).values()[0] + " dB, brain slice "
            + rows.get(1).values()[0] + " dB; scores " + x.metadata().get("ct.choice.scores"));
        assertTrue(rows.get(0).values()[0] > 38 && rows.get(1).values()[0] > 30, "PSNR of the chosen slices");
        assertArrayEquals(before, pixels(sino), 0f, "input modified");
        assertFails("model=no-such-model", () -> reconstruct(sino, "solver", "Choice by held-out views",
            "model", "no-such-model"));
        MetadataImage few = simulate(phantom(32, 1), "angles", 15);
        assertFails("at least 20 views, got views=15", () -> reconstruct(few, "solver", "Choice by held-out views",
            "model", "dncnn-s05"));
    }

    /** A candidate of the choice as the command runs it alone: TV at a lambda, TV fitting the noise, the denoiser. */
    private float[] candidateImage(MetadataImage sino, String candidate, String pnp, MetadataImage pnpImage)
            throws Exception {
        if (candidate.equals(pnp)) {
            return pixels(pnpImage);
        }
        CommandModule run = candidate.startsWith("TV lambda ") ? reconstruct(sino, "solver", "TV", "lambda",
            Double.parseDouble(candidate.substring("TV lambda ".length()))) : reconstruct(sino, "solver", "TV",
            "noise", -1.0);
        return pixels((MetadataImage) run.getOutput("reconstruction"));
    }

    /**
     * {@code initial=} names where plug-and-play starts: from FBP the fast denoiser gives another image than from its
     * default TV start, still far above FBP itself, and the Info's {@code pnp.start} says which start ran. An unknown
     * start, or a start for another solver, is refused naming the key; the sinogram is not modified.
     */
    @Test
    void plugAndPlayStartsWhereInitialSays() throws Exception {
        MetadataImage truth = phantom(64, 1);
        MetadataImage sino = simulate(truth, "angles", 30, "noise", "Gaussian", "level", 0.01, "seed", 4L);
        float[] before = pixels(sino);
        CommandModule fromTv = reconstruct(sino, "solver", "Plug-and-play", "model", "dncnn-fast", "reference", truth);
        CommandModule fromFbp = reconstruct(sino, "solver", "Plug-and-play", "model", "dncnn-fast", "initial", "fbp",
            "reference", truth);
        double fbp = psnr(reconstruct(sino, "solver", "FBP", "filter", "Hann", "reference", truth));
        MetadataImage tvImage = (MetadataImage) fromTv.getOutput("reconstruction");
        MetadataImage fbpImage = (MetadataImage) fromFbp.getOutput("reconstruction");
        System.out.println("Plug-and-play dncnn-fast, 64^2 Shepp-Logan, 30 views: from TV " + psnr(fromTv)
            + " dB, from FBP " + psnr(fromFbp) + " dB; FBP " + fbp + " dB");
        assertEquals(org.learnedrecon.acquisition.CtParallelPhysics.PLUG_AND_PLAY_START,
            tvImage.metadata().get("pnp.start"));
        assertEquals("fbp", fbpImage.metadata().get("pnp.start"));
        assertTrue(psnr(fromFbp) > fbp + 3 && psnr(fromTv) > fbp + 3, "plug-and-play above FBP");
        double difference = maxDifference(pixels(tvImage), pixels(fbpImage));
        assertTrue(difference > 1e-3, "the start changes the result: " + difference);
        assertNull(((MetadataImage) reconstruct(sino, "solver", "TV").getOutput("reconstruction")).metadata()
            .get("pnp.start"));
        assertFails("initial=zero: choose fbp, sirtN", () -> reconstruct(sino, "solver", "Plug-and-play",
            "initial", "zero"));
        assertFails("initial=fbp sets where plug-and-play starts, but solver=Learned gradient descent",
            () -> reconstruct(sino, "solver", "Learned gradient descent", "initial", "fbp"));
        assertArrayEquals(before, pixels(sino), 0f, "input modified");
    }

    @Test
    void withoutReferenceThereIsNoTable() throws Exception {
        MetadataImage sino = simulate(phantom(16, 1), "angles", 8);
        CommandModule module = reconstruct(sino, "solver", "CGLS", "iterations", 3);
        assertNull(module.getOutput("metrics"));
        assertArrayEquals(new long[] {16, 16}, ((MetadataImage) module.getOutput("reconstruction")).image()
            .dimensionsAsLongArray());
    }

    @Test
    void badInputsFailNamingTheProblemAndLeaveTheInputUnchanged() throws Exception {
        MetadataImage sino = simulate(phantom(16, 1), "angles", 8);
        float[] before = pixels(sino);
        // height not matching the angle count
        Map<String, String> wrongAngles = new HashMap<>(sino.metadata());
        wrongAngles.put(CtGeometry.KEY_ANGLE_COUNT, "9");
        assertFails("8 angles high", reconstructCall(new MetadataImage("s", sino.image(), wrongAngles)));
        // no geometry
        assertFails("no CT geometry", reconstructCall(new MetadataImage("plain", sino.image(), Map.of())));
        // NaN pixel
        PlanarImg<FloatType, FloatArray> nan = PlanarImgs.floats(23, 8);
        nan.getPlane(0).getCurrentStorageArray()[5] = Float.NaN;
        assertFails("NaN pixel", reconstructCall(new MetadataImage("nan", nan, sino.metadata())));
        // a 1-pixel image
        assertFails("1 x 1 pixels", simulateCall(new MetadataImage("dot", PlanarImgs.floats(1, 1), Map.of())));
        assertFails("square", simulateCall(new MetadataImage("wide", PlanarImgs.floats(8, 6), Map.of())));
        // reference of a different size
        assertFails("Reference 'phantom'", reconstructCall(sino, "reference", phantom(8, 1)));
        assertArrayEquals(before, pixels(sino), 0f, "input modified");
    }

    /**
     * A bare sinogram (no {@code ct.*} keys) with angles=60 and range=0 is reconstructed as the parallel beam the
     * command assumes, and the command logs one info line naming that geometry; a simulated sinogram logs none.
     */
    @Test
    void aBareSinogramLogsTheAssumedGeometry() throws Exception {
        MetadataImage sino = simulate(phantom(128, 1), "angles", 60, "range", 180.0, "noise", "None");
        MetadataImage bare = new MetadataImage("bare", sino.image(), Map.of());
        List<String> lines = new CopyOnWriteArrayList<>();
        LogListener listener = message -> {
            if (message.text() != null && message.text().startsWith("Reconstruct CT: no ct.* geometry")) {
                lines.add(message.level() + " " + message.text());
            }
        };
        LogService log = context.service(LogService.class);
        log.addLogListener(listener);
        try {
            MetadataImage fromBare = (MetadataImage) reconstruct(bare, "solver", "FBP", "angles", 60, "range", 0.0)
                .getOutput("reconstruction");
            assertEquals(List.of(LogLevel.INFO + " Reconstruct CT: no ct.* geometry in the Info of sinogram 'bare';"
                + " assumed parallel beam, 60 angles over 180 degrees, 182 detectors, image 128 x 128"), lines);
            // the behaviour is unchanged: the same image as from the simulated sinogram's own geometry
            MetadataImage fromSimulated = (MetadataImage) reconstruct(sino, "solver", "FBP")
                .getOutput("reconstruction");
            assertArrayEquals(pixels(fromSimulated), pixels(fromBare), 0f);
            assertEquals(1, lines.size(), "no line when the geometry is in the Info: " + lines);
        } finally {
            log.removeLogListener(listener);
        }
    }

    private static java.util.concurrent.Callable<Object> reconstructCall(MetadataImage sino) {
        return () -> reconstruct(sino, "solver", "FBP");
    }

    private static java.util.concurrent.Callable<Object> reconstructCall(MetadataImage sino, String key,
                                                                   Object value) {
        return () -> CtCommandsTest.reconstruct(sino, "solver", "FBP", key, value);
    }

    private static java.util.concurrent.Callable<Object> simulateCall(MetadataImage image) {
        return () -> simulate(image, "angles", 4);
    }

    @Test
    void diffusionPosteriorGivesTheMeanAStdImageAndOnRequestTheSamples(@org.junit.jupiter.api.io.TempDir
        java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = TinyNoiseLevelDenoiser.write(dir);
        MetadataImage sino = simulate(phantom(16, 2), "angles", 12);
        CommandModule module = reconstruct(sino, "solver", "Diffusion posterior", "model", file.toString(),
            "samples", 3, "seed", 2L, "keep", true);
        MetadataImage mean = (MetadataImage) module.getOutput("reconstruction");
        MetadataImage std = (MetadataImage) module.getOutput("uncertainty");
        MetadataImage samples = (MetadataImage) module.getOutput("posteriorSamples");
        assertArrayEquals(new long[] {16, 16, 2}, mean.image().dimensionsAsLongArray());
        assertArrayEquals(new long[] {16, 16, 2}, std.image().dimensionsAsLongArray());
        assertArrayEquals(new long[] {16, 16, 6}, samples.image().dimensionsAsLongArray());
        assertEquals(sino.title() + " std", std.title());
        // 12 views cannot hold out every 10th: the automatic start is noise, uncalibrated.
        assertEquals("Noise", mean.metadata().get("posterior.start"));
        assertNull(mean.metadata().get("posterior.spread_scale"));
        float[] spread = pixels(std);
        assertTrue(java.util.stream.IntStream.range(0, spread.length).allMatch(i -> spread[i] >= 0
            && Float.isFinite(spread[i])) && java.util.stream.IntStream.range(0, spread.length)
            .anyMatch(i -> spread[i] > 0), "std finite, non-negative and not all zero");
        assertFails("samples=1", () -> reconstruct(sino, "solver", "Diffusion posterior", "model",
            file.toString(), "samples", 1));
        assertFails("samples=257: at most 256", () -> reconstruct(sino, "solver", "Diffusion posterior", "model",
            file.toString(), "samples", 257));
        // The shipped denoiser knows one noise level: refused, naming the key.
        assertFails("noiseMap=false", () -> reconstruct(sino, "solver", "Diffusion posterior", "model",
            "dncnn-s05"));
    }

    /**
     * {@code calibrate}: the same samples (same seed) spread around the same mean by each slice's scale, recorded in
     * the Info; the std image is the uncalibrated one times that scale. Too few views to hold out: refused, naming the
     * key.
     */
    @Test
    void calibratedPosteriorScalesEachSlicesStdByItsHeldOutScale(@org.junit.jupiter.api.io.TempDir
        java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = TinyNoiseLevelDenoiser.write(dir);
        MetadataImage sino = simulate(phantom(16, 2), "angles", 24);
        float[] before = pixels(sino);
        CommandModule raw = reconstruct(sino, "solver", "Diffusion posterior", "model", file.toString(),
            "samples", 3, "seed", 2L, "start", "Noise");
        CommandModule calibrated = reconstruct(sino, "solver", "Diffusion posterior", "model", file.toString(),
            "samples", 3, "seed", 2L, "calibrate", true, "start", "Noise");
        MetadataImage std = (MetadataImage) calibrated.getOutput("uncertainty");
        String[] scales = std.metadata().get("posterior.spread_scale").split(",");
        assertEquals(scales.length, std.metadata().get("posterior.spread_evidence").split(",").length);
        assertEquals(2, scales.length);
        assertEquals(std.metadata().get("posterior.spread_scale"), ((MetadataImage) calibrated.getOutput(
            "reconstruction")).metadata().get("posterior.spread_scale"));
        assertArrayEquals(pixels((MetadataImage) raw.getOutput("reconstruction")),
            pixels((MetadataImage) calibrated.getOutput("reconstruction")), 1e-5f);
        float[] s0 = pixels((MetadataImage) raw.getOutput("uncertainty"));
        float[] s1 = pixels(std);
        for (int i = 0; i < s0.length; i++) {
            double scale = Double.parseDouble(scales[i / 256]);
            assertEquals(s0[i] * scale, s1[i], 1e-5 + 1e-3 * s1[i], "pixel " + i);
        }
        assertTrue(java.util.Arrays.stream(scales).mapToDouble(Double::parseDouble).allMatch(v -> v >= 0.25
            && v <= 4), String.join(",", scales));
        assertArrayEquals(before, pixels(sino), "input unchanged");
        MetadataImage few = simulate(phantom(16, 1), "angles", 12);
        assertFails("calibrate=true: Holding out every 10th view needs at least 20 views, got views=12",
            () -> reconstruct(few, "solver", "Diffusion posterior", "model", file.toString(), "calibrate", true));
    }

    /**
     * {@code start=[Choice by held-out views]}: the shipped diffusion model's chains start at the choice's
     * reconstruction and refine it from a low noise level, so on a 64^2 Shepp-Logan phantom (30 views, 1 % noise) the
     * posterior mean lands near that reconstruction, far above the mean of chains started in noise; with
     * {@code calibrate} too; and from the quick choice ({@code [Quick choice by held-out views]}, TV and the two fast
     * candidates); the default start ({@code Auto}) is the quick choice, calibrated. Measured: from noise 23.69 dB, from
     * the quick choice 39.21, from the choice 41.01 (the choice alone
     * 41.16; 40.66 with
     * the chain's last level at 0.005, before 2026-12-05; before 2026-12-05's finer-schedule candidate 40.54 and 41.20;
     * from sigma 0.02, before 2026-12-04's lower warm start: 40.20; a choice of one candidate, before weighted means:
     * 40.01 and 40.84; with the sharp schedule among its candidates, before 2026-12-04: 39.20 and 38.04).
     */
    @Test
    void posteriorChainsStartAtTheChoiceByHeldOutViews() throws Exception {
        MetadataImage reference = phantom(64, 1);
        MetadataImage sino = simulate(reference, "angles", 30, "noise", "Gaussian", "level", 0.01, "seed", 1L);
        float[] before = pixels(sino);
        double fromNoise = psnr(reconstruct(sino, "solver", "Diffusion posterior", "samples", 4, "seed", 2L,
            "start", "Noise", "reference", reference));
        CommandModule warm = reconstruct(sino, "solver", "Diffusion posterior", "samples", 4, "seed", 2L,
            "start", "Choice by held-out views", "calibrate", true, "noise", -1.0, "reference", reference);
        double fromChoice = psnr(warm);
        double choice = psnr(reconstruct(sino, "solver", "Choice by held-out views", "noise", -1.0, "reference",
            reference));
        CommandModule quick = reconstruct(sino, "solver", "Diffusion posterior", "samples", 4, "seed", 2L,
            "start", "Quick choice by held-out views", "noise", -1.0, "reference", reference);
        double fromQuick = psnr(quick);
        System.out.printf(java.util.Locale.ROOT, "Posterior mean from noise %.2f dB, from the choice %.2f (the choice"
            + " alone %.2f), from the quick choice %.2f%n", fromNoise, fromChoice, choice, fromQuick);
        assertEquals("Quick choice by held-out views", ((MetadataImage) quick.getOutput("reconstruction")).metadata()
            .get("posterior.start"));
        assertTrue(fromQuick > fromNoise + 8, fromQuick + " vs " + fromNoise);
        // The default start (Auto): the quick choice with its std calibrated, the same mean.
        CommandModule automatic = reconstruct(sino, "solver", "Diffusion posterior", "samples", 4, "seed", 2L,
            "noise", -1.0, "reference", reference);
        MetadataImage automaticMean = (MetadataImage) automatic.getOutput("reconstruction");
        assertEquals("Quick choice by held-out views", automaticMean.metadata().get("posterior.start"));
        assertTrue(automaticMean.metadata().get("posterior.calibration").startsWith("std of chains started in noise"),
            automaticMean.metadata().toString());
        assertArrayEquals(pixels((MetadataImage) quick.getOutput("reconstruction")), pixels(automaticMean), 1e-5f);
        MetadataImage mean = (MetadataImage) warm.getOutput("reconstruction");
        assertEquals("Choice by held-out views", mean.metadata().get("posterior.start"));
        assertEquals(1, mean.metadata().get("posterior.spread_scale").split(",").length);
        assertTrue(mean.metadata().get("posterior.calibration").startsWith("std of chains started in noise"),
            mean.metadata().get("posterior.calibration"));
        assertTrue(fromChoice > fromNoise + 8, fromChoice + " vs " + fromNoise);
        assertTrue(fromChoice > choice - 1, fromChoice + " vs the choice's " + choice);
        assertArrayEquals(before, pixels(sino), 0f, "input modified");
        assertFails("start=Sideways: choose Auto, Noise, Choice by held-out views or Quick choice by held-out views",
            () -> reconstruct(sino, "solver", "Diffusion posterior", "start", "Sideways"));
        MetadataImage few = simulate(phantom(32, 1), "angles", 15);
        assertFails("start=Choice by held-out views: Holding out every 10th view needs at least 20 views",
            () -> reconstruct(few, "solver", "Diffusion posterior", "start", "Choice by held-out views"));
    }

    private static double psnr(CommandModule module) {
        return ((MeasurementTable) module.getOutput("metrics")).rows().get(0).values()[0];
    }

    private static void assertFails(String part, java.util.concurrent.Callable<Object> call) {
        ExecutionException e = assertThrows(ExecutionException.class, call::call);
        Throwable cause = e.getCause();
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof IllegalArgumentException && cause.getMessage().contains(part),
            "'" + cause + "' lacks '" + part + "'");
    }
}
