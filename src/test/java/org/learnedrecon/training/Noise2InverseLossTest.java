package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.ct.ViewSplitRayTransform;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.classical.FilteredBackProjection;

/**
 * Split views (Noise2Inverse): the subsets' scans are the rows of the whole scan, the network sees only the views it
 * is given and is scored against the FBP of the others, and an unrolled CT solver learns from noisy sinograms alone.
 */
class Noise2InverseLossTest {

    @TempDir
    Path directory;

    @Test
    void subsetScansAreRowsOfTheWholeScan() {
        try (NDManager manager = NDManager.newBaseManager()) {
            RayTransform full = RayTransform.differentiable(ParallelBeamGeometry.uniform(24, 12, 180), manager);
            ViewSplitRayTransform split = new ViewSplitRayTransform(manager, full, 3);
            assertEquals(4, split.views(1).length);
            assertEquals(7, split.views(1)[2], "view 7 is in subset 7 mod 3 = 1");
            assertEquals(8, split.complementViews(1).length);
            NDArray x = TestImages.gaussian(manager, new Shape(2, 24, 24), 5);
            NDArray y = full.apply(x);
            for (int j = 0; j < 3; j++) {
                assertEquals(0, split.subset(j).apply(x).sub(ViewSplitRayTransform.rows(y, split.views(j))).abs().max().getFloat(),
                    1e-4, "subset " + j);
                split.useComplement(j);
                assertEquals(0, split.apply(x).sub(ViewSplitRayTransform.rows(y, split.complementViews(j))).abs().max().getFloat(),
                    1e-4, "complement of " + j);
                // Adjoint: <A_c x, r> = <x, A_c* r>.
                NDArray r = TestImages.gaussian(manager, new Shape(2, 8, full.geometry().detectorCount()), 9);
                double left = split.apply(x).mul(r).sum().getFloat();
                double right = x.mul(split.adjoint(r)).sum().getFloat();
                assertEquals(left, right, 1e-4 * Math.abs(left), "adjoint of complement " + j);
                assertEquals(Math.sqrt(8.0 / 12), split.drawNorm().getAsDouble() / full.normEstimate(manager, 30),
                    0.03, "a uniform subset's norm grows as the square root of its views");
            }
            split.useComplement(-1);
            assertEquals(0, split.apply(x).sub(y).abs().max().getFloat(), 0, "the whole scan again");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ViewSplitRayTransform(manager, full, 7));
            assertTrue(e.getMessage().contains("12 views into 7"), e.getMessage());
        }
    }

    /**
     * The network gets the complement's rows through the complement's scan and is scored against the ramp FBP of the
     * held-out views: a network that returns that FBP scores 0, the zero image its mean square.
     */
    @Test
    void theNetworkSeesTheOtherViewsAndIsScoredOnTheHeldOutOnes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            RayTransform full = RayTransform.differentiable(ParallelBeamGeometry.uniform(24, 16, 180), manager);
            ViewSplitRayTransform split = new ViewSplitRayTransform(manager, full, 2);
            Noise2InverseLoss loss = new Noise2InverseLoss(split);
            NDArray x = manager.create(TestImages.ellipses(2, 24, 3).batch(manager, new int[] {0, 1},
                new Shape(24, 24), 1.0).toFloatArray(), new Shape(2, 24, 24));
            NDArray y = full.apply(x);
            int j = new Random(4).nextInt(2);
            FilteredBackProjection ramp = new FilteredBackProjection(FilteredBackProjection.Filter.RAMP);
            NDArray goal = ramp.reconstruct(ViewSplitRayTransform.rows(y, split.views(j)), split.subset(j), ProgressMonitor.NONE);
            MeasurementLoss.Terms exact = loss.loss(m -> {
                assertEquals(new Shape(2, 8, full.geometry().detectorCount()), m.getShape());
                assertEquals(0, m.sub(ViewSplitRayTransform.rows(y, split.complementViews(j))).abs().max().getFloat(), 0);
                assertEquals(0, split.apply(x).sub(m).abs().max().getFloat(), 1e-4, "the complement's scan");
                return goal;
            }, y, new Random(4));
            assertEquals(0, exact.total.getFloat(), 1e-6);
            assertEquals(0, split.apply(x).sub(y).abs().max().getFloat(), 0, "the whole scan afterwards");
            MeasurementLoss.Terms zero = loss.loss(m -> x.zerosLike(), y, new Random(4));
            assertEquals(goal.square().mean().getFloat(), zero.total.getFloat(), 1e-6);
            assertTrue(zero.total.getFloat() > 0.01, "the held-out views' FBP is no zero image");
            assertEquals(2, Noise2InverseLoss.splits(Double.NaN));
            assertEquals(4, Noise2InverseLoss.splits(0.25));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Noise2InverseLoss.splits(0.4));
            assertTrue(e.getMessage().contains("split=0.4"), e.getMessage());
        }
    }

    /**
     * An unrolled CT solver (LGD) trained by TrainMain with supervision=split on noisy sinograms simulated from
     * ellipses (64 views, 5 % noise): it beats FBP on clean validation images it never trained on, and its model says
     * what it learnt from. A family of scans cannot be split.
     */
    @Test
    void unrolledCtSolverLearnsFromSplitViews() throws Exception {
        Path model = directory.resolve("lgd-n2i.zip");
        TrainingResult result = TrainMain.run(new String[] {"train=ellipses", "val=ellipses", "patch=32",
            "patches=192", "valPatches=8", "physics=ct-parallel", "physics.size=32", "physics.views=64",
            "noise=0.05", "solver=lgd", "net.iterations=3", "net.hiddenChannels=16", "epochs=6", "batch=4",
            "lr=3e-3", "seed=3", "supervision=split", "output=" + model, "device=CPU"}, ProgressMonitor.NONE);
        System.out.printf("Noise2Inverse CT tiny: loss %.4g -> %.4g, PSNR %.2f dB (FBP %.2f dB)%n",
            result.stepLosses.get(0), result.last().trainingLoss, result.last().validationPsnr, result.baselinePsnr);
        assertTrue(result.last().validationPsnr > result.baselinePsnr + 1.0, "Noise2Inverse "
            + result.last().validationPsnr + " dB vs FBP " + result.baselinePsnr);
        assertEquals(5, result.modelEpoch, "the last epoch, not one chosen on clean images");
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertEquals("measurements", metadata.training.get("supervision"));
        assertTrue(metadata.training.get("loss").startsWith("split views (Noise2Inverse)"),
            metadata.training.get("loss"));

        Path family = directory.resolve("family.zip");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(new String[] {
            "train=ellipses", "val=ellipses", "patch=32", "physics=ct-parallel", "physics.size=32",
            "physics.views=20-40", "solver=lgd", "supervision=split", "output=" + family}, ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("supervision=split") && e.getMessage().contains("family"),
            e.getMessage());
        assertTrue(!Files.exists(family));
    }
}
