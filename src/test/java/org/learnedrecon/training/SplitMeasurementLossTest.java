package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.learned.RandomSparseOperator;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.physics.SubsetOperator;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.RandomLineSampling;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Split measurements (SSDU): the two parts are disjoint and cover what was measured, the network sees only its part,
 * the loss only the other, and an unrolled MRI solver learns from them with no clean image.
 */
class SplitMeasurementLossTest {

    @TempDir
    Path directory;

    @Test
    void kspaceLinesSplitIntoDisjointPartsThatCoverTheMask() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SamplingMask mask = new RandomLineSampling(4, 0.125).generate(32, 32, 5);
            SubsetOperator operator = new SubsetOperator(new CartesianMriOperator(manager, mask));
            float[][] parts = new SplitMeasurementLoss(operator, 0.4).split(new Random(7));
            float[] omega = mask.values();
            int held = 0;
            int selectable = 0;
            for (int i = 0; i < parts[0].length; i++) {
                int point = i % omega.length;
                assertEquals(omega[point], parts[0][i] + parts[1][i], 0, "Theta + Lambda = Omega at " + i);
                assertEquals(parts[1][point], parts[1][i], 0, "real and imaginary parts split alike at " + i);
                int w = point % 32;
                assertEquals(parts[1][w], parts[1][i], 0, "whole lines at " + i);
                if (i < 32) {
                    held += (int) parts[1][i];
                    selectable += omega[i] != 0 ? 1 : 0;
                }
            }
            assertEquals(Math.round(0.4 * selectable), held, "Lambda holds 40 % of the selectable lines");
            float[][] other = new SplitMeasurementLoss(operator, 0.4).split(new Random(8));
            assertTrue(!java.util.Arrays.equals(parts[1], other[1]), "each draw splits anew");
        }
    }

    /**
     * SSDU's Gaussian selection: points, not lines; the two parts are disjoint and cover what was measured; the
     * 4 x 4 centre block always stays with the network; 40 % of the measured points are held out; and over many
     * draws points near the centre are held out more often than far ones.
     */
    @Test
    void gaussianSelectionHoldsOutPointsAboutTheCentre() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SamplingMask mask = new RandomLineSampling(4, 0.125).generate(32, 32, 5);
            SubsetOperator operator = new SubsetOperator(new CartesianMriOperator(manager, mask));
            SplitMeasurementLoss loss = new SplitMeasurementLoss(operator, 0.4,
                SplitMeasurementLoss.Selection.GAUSSIAN);
            float[] omega = mask.values();
            int measured = 0;
            for (float v : omega) {
                measured += v != 0 ? 1 : 0;
            }
            int[] heldNear = new int[2];
            int[] measuredNear = new int[2];
            boolean notWholeLines = false;
            Random random = new Random(7);
            for (int draw = 0; draw < 50; draw++) {
                float[][] parts = loss.split(random);
                int held = 0;
                for (int i = 0; i < parts[0].length; i++) {
                    int point = i % omega.length;
                    assertEquals(omega[point], parts[0][i] + parts[1][i], 0, "Theta + Lambda = Omega at " + i);
                    assertEquals(parts[1][point], parts[1][i], 0, "real and imaginary parts split alike at " + i);
                }
                for (int point = 0; point < omega.length; point++) {
                    int r = point / 32;
                    int c = point % 32;
                    if (r >= 14 && r < 18 && c >= 14 && c < 18) {
                        assertEquals(omega[point], parts[0][point], 0, "the centre block stays with the network");
                    }
                    held += (int) parts[1][point];
                    notWholeLines |= parts[1][point] != parts[1][c];
                    if (omega[point] != 0 && (Math.abs(r - 16) < 4 || Math.abs(r - 16) >= 10)) {
                        int near = Math.abs(r - 16) < 4 ? 1 : 0;
                        measuredNear[near]++;
                        heldNear[near] += (int) parts[1][point];
                    }
                }
                assertEquals(Math.round(0.4 * measured), held, "Lambda holds 40 % of the measured points");
            }
            assertTrue(notWholeLines, "points are split, not whole lines");
            double nearRate = heldNear[1] / (double) measuredNear[1];
            double farRate = heldNear[0] / (double) measuredNear[0];
            System.out.printf("Gaussian selection: held-out rate %.3f within 4 rows of the centre, %.3f 10 or more"
                + " away%n", nearRate, farRate);
            assertTrue(nearRate > 1.3 * farRate, "held-out rate near the centre " + nearRate + ", far " + farRate);
        }
    }

    /** {@code split.selection=} is refused naming the key when it is unknown, without split, or for CT. */
    @Test
    void splitSelectionIsRefusedWhereItDoesNotApply() {
        String[] base = {"train=ellipses", "val=ellipses", "patch=32", "patches=8", "valPatches=2", "physics.size=32",
            "solver=lgd", "net.iterations=1", "net.hiddenChannels=4", "epochs=1", "batch=4", "device=CPU",
            "output=" + directory.resolve("never.zip")};
        String[][] cases = {
            {"physics=mri-cartesian", "supervision=split", "split.selection=circles"},
            {"physics=mri-cartesian", "supervision=measurements", "split.selection=gaussian"},
            {"physics=ct-parallel", "physics.views=16", "supervision=split", "split.selection=gaussian"}};
        String[] expected = {"split.selection=circles: choose lines", "it needs supervision=split",
            "split.selection=gaussian draws k-space points"};
        for (int k = 0; k < cases.length; k++) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.Arrays.stream(cases[k])).toArray(String[]::new);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainMain.run(args, ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains(expected[k]), e.getMessage());
        }
        assertTrue(!java.nio.file.Files.exists(directory.resolve("never.zip")));
    }

    /**
     * Other operators' measurements are refused naming the key (CT views are split by {@link Noise2InverseLoss},
     * see Noise2InverseLossTest).
     */
    @Test
    void onlyKspaceIsSplitIntoEntries() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SubsetOperator operator = new SubsetOperator(RandomSparseOperator.create(manager, 16, 16, 10, 23, 16, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SplitMeasurementLoss(operator, 0.4));
            assertTrue(e.getMessage().contains("supervision=split"), e.getMessage());
        }
    }

    /**
     * Inside the loss the network's operator gives only Theta's entries and the measurements it gets are zero on
     * Lambda; after it the operator is whole again. The exact image scores 0, the zero image 4 (l2 and l1 parts 1 on
     * each part).
     */
    @Test
    void theNetworkSeesOnlyItsPartAndIsScoredOnTheOther() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SamplingMask mask = new RandomLineSampling(4, 0.125).generate(16, 16, 2);
            CartesianMriOperator base = new CartesianMriOperator(manager, mask);
            SubsetOperator operator = new SubsetOperator(base);
            NDArray truth = manager.randomNormal(new ai.djl.ndarray.types.Shape(2, 2, 16, 16));
            NDArray y = base.apply(truth);
            SplitMeasurementLoss loss = new SplitMeasurementLoss(operator, 0.4);
            float[][] parts = loss.split(new Random(11));
            NDArray theta = manager.create(parts[0], base.rangeShape());
            MeasurementLoss.Terms exact = loss.loss(m -> {
                assertEquals(0, m.sub(y.mul(theta)).abs().max().getFloat(), 1e-6, "the network gets y on Theta");
                assertEquals(0, operator.apply(truth).sub(y.mul(theta)).abs().max().getFloat(), 1e-5,
                    "the network's operator is restricted to Theta");
                return truth;
            }, y, new Random(11));
            assertEquals(0, exact.total.getFloat(), 1e-5);
            assertEquals(0, operator.apply(truth).sub(y).abs().max().getFloat(), 1e-5, "whole again afterwards");
            MeasurementLoss.Terms zero = loss.loss(m -> truth.zerosLike(), y, new Random(11));
            assertEquals(4, zero.total.getFloat(), 1e-5);
            assertEquals(2, zero.consistency.getFloat(), 1e-5);
            assertThrows(IllegalArgumentException.class, () -> new SplitMeasurementLoss(operator, 1));
            assertThrows(IllegalArgumentException.class, () -> operator.restrict(manager.ones(
                new ai.djl.ndarray.types.Shape(16, 16))));
        }
    }

    /**
     * An unrolled MRI solver (LGD) trained by TrainMain with supervision=split on k-space simulated from ellipses
     * (4x random lines, a new mask per batch): it beats zero filling on clean validation images it never trained on,
     * and its model says what it learnt from.
     */
    @Test
    void unrolledMriSolverLearnsFromSplitKspace() throws Exception {
        Path model = directory.resolve("lgd-ssdu.zip");
        TrainingResult result = TrainMain.run(new String[] {"train=ellipses", "val=ellipses", "patch=32",
            "patches=192", "valPatches=8", "physics=mri-cartesian", "physics.size=32", "physics.acceleration=4",
            "physics.center=0.125", "physics.maskSeed=perBatch", "solver=lgd", "net.iterations=3",
            "net.hiddenChannels=16", "epochs=8", "batch=4", "lr=3e-3", "seed=3", "supervision=split",
            "output=" + model, "device=CPU"}, ProgressMonitor.NONE);
        System.out.printf("SSDU MRI tiny: loss %.4g -> %.4g, PSNR %.2f dB (zero-filled %.2f dB)%n",
            result.stepLosses.get(0), result.last().trainingLoss, result.last().validationPsnr, result.baselinePsnr);
        assertTrue(result.last().validationPsnr > result.baselinePsnr + 0.6, "SSDU " + result.last().validationPsnr
            + " dB vs zero-filled " + result.baselinePsnr);
        assertEquals(7, result.modelEpoch, "the last epoch, not one chosen on clean images");
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertEquals("measurements", metadata.training.get("supervision"));
        assertTrue(metadata.training.get("loss").startsWith("split measurements (SSDU)")
            && metadata.training.get("loss").contains("k-space lines"), metadata.training.get("loss"));
    }
}
