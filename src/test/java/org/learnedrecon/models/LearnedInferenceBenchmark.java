package org.learnedrecon.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.training.TrainingConfig;
import org.learnedrecon.training.TrainingJob;
import org.learnedrecon.training.TrainingListener;

/**
 * Not a test: seconds per slice of learned CT inference through {@link LearnedSolverFactory} (model file load
 * excluded, operator build and load timed separately), with the catalog's default network sizes, after one
 * training epoch on 4 random-ellipse slices (the weights do not change the cost). Run from the test class path:
 * {@code java -Dai.djl.pytorch.num_threads=1 -cp target/classes:target/test-classes:$(cat cp.txt)
 * org.learnedrecon.models.LearnedInferenceBenchmark lgd 128 30 16} (architecture, image size, views, slices).
 *
 * <p>Measured 2026-11-29 on the shared 2-core machine (load average 10), 128 x 128, 30 views, batches of 8, wall
 * time per slice with 1 PyTorch thread: LGD (8 iterations, 32 channels) 0.19-0.26 s, LPD (6, 32) 0.16 s, U-Net
 * post-processing 0.05 s; with PyTorch's default 2 threads LGD took 0.6-0.8 s (CPU time 0.3 s/slice against 0.13).
 */
public final class LearnedInferenceBenchmark {

    private LearnedInferenceBenchmark() {
    }

    /** CPU time of the whole process (all threads, native included), to see past a loaded machine. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        String architecture = args[0];
        int size = Integer.parseInt(args[1]);
        int views = Integer.parseInt(args[2]);
        int slices = Integer.parseInt(args[3]);
        Path model = Files.createTempFile("benchmark-" + architecture, ".zip");
        TrainingJob job = new TrainingJob();
        job.training = TestImages.ellipses(4, size, 1);
        job.validation = TestImages.ellipses(2, size, 2);
        job.physics = CtParallelPhysics.NAME;
        job.physicsSettings = Map.of("size", Integer.toString(size), "views", Integer.toString(views));
        job.architecture = architecture;
        job.config = new TrainingConfig().epochs(1).batchSize(2);
        job.output = model;
        job.device = DeepLearningRuntime.DeviceChoice.CPU;
        job.run(TrainingListener.NONE, ProgressMonitor.NONE);
        CtGeometry g = CtGeometryKeys.parallel(size, views, 180, 0);
        String solver = LearnedSolverFactory.solverName(architecture);
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                long t0 = System.nanoTime();
                try (LoadedLearnedSolver learned = LearnedSolverFactory.load(solver, model.toString(),
                    CtParallelPhysics.settingsOf(g), m -> RayTransform.differentiable(g, m),
                    DeepLearningRuntime.DeviceChoice.CPU)) {
                    double load = (System.nanoTime() - t0) * 1e-9;
                    int[] indices = new int[slices];
                    for (int i = 0; i < slices; i++) {
                        indices[i] = i % 4;
                    }
                    NDArray images = TestImages.ellipses(4, size, 3).batch(manager, indices, new Shape(size, size),
                        1);
                    NDArray y = RayTransform.matrixFree(g).apply(images);
                    learned.reconstruct(y.get("0:1"), ProgressMonitor.NONE);
                    for (int run = 0; run < 3; run++) {
                        long t = System.nanoTime();
                        long cpu = cpuNanos();
                        learned.reconstruct(y, ProgressMonitor.NONE);
                        double s = (System.nanoTime() - t) * 1e-9;
                        double c = (cpuNanos() - cpu) * 1e-9;
                        System.out.printf("%s %dx%d, %d views: load %.2f s, %d slices in %.2f s = %.3f s/slice"
                            + " (CPU time %.3f s/slice, all threads)%n", architecture, size, size, views, load,
                            slices, s, s / slices, c / slices);
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        Files.deleteIfExists(model);
    }
}
