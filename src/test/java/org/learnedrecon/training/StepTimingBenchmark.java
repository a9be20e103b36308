package org.learnedrecon.training;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;
import org.learnedrecon.learned.RandomSparseOperator;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.physics.noise.GaussianRelativeNoise;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.classical.ScaledAdjointReconstruction;

/**
 * Not a test: measures seconds per training step of a learned solver on a CT-like random sparse operator, to plan
 * background training runs. Run from the test classpath:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.learnedrecon.training.StepTimingBenchmark
 * lpd 128 30 183 273 4 5}
 * (architecture, image size, views, detectors, nonzeros per row, batch, steps; hyper-parameters are the catalog
 * defaults).
 */
public final class StepTimingBenchmark {

    private StepTimingBenchmark() {
    }

    /** CPU time of the whole process (all threads, native included), to see past a loaded machine. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Resident set size from /proc (Linux), to see native memory leaks over many steps. */
    private static String residentMemory() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS ?").replaceAll("\\s+", " ");
        } catch (java.io.IOException e) {
            return "VmRSS ?";
        }
    }

    public static void main(String[] args) throws Exception {
        String architecture = args[0];
        int size = Integer.parseInt(args[1]);
        int views = Integer.parseInt(args[2]);
        int detectors = Integer.parseInt(args[3]);
        int perRow = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        int steps = Integer.parseInt(args[6]);
        try (NDManager manager = NDManager.newBaseManager()) {
            MatrixOperator operator = RandomSparseOperator.create(manager, size, size, views, detectors, perRow, 1);
            double norm = operator.normEstimate(manager, 20);
            try (NDManager scope = manager.newSubManager()) {
                ai.djl.ndarray.NDArray x = scope.ones(new ai.djl.ndarray.types.Shape(batch, size, size));
                long wall = System.nanoTime();
                long cpu = cpuNanos();
                for (int i = 0; i < 10; i++) {
                    operator.adjoint(operator.apply(x)).getFloat(0, 0, 0);
                }
                System.out.printf("operator apply+adjoint at batch %d: %.3f s wall, %.3f s CPU per pair%n", batch,
                    (System.nanoTime() - wall) * 1e-10, (cpuNanos() - cpu) * 1e-10);
            }
            Map<String, String> hyper = new LinkedHashMap<>();
            hyper.put("operatorNorm", Double.toString(norm));
            for (int i = 7; i < args.length; i++) {
                String[] kv = args[i].split("=", 2);
                hyper.put(kv[0], kv[1]);
            }
            Block network = NetworkCatalog.create(architecture, hyper, operator);
            MeasurementTask task = new MeasurementTask(operator, new GaussianRelativeNoise(0.01),
                new ScaledAdjointReconstruction());
            TrainingConfig config = new TrainingConfig().epochs(1).batchSize(batch).learningRate(1e-3).seed(1);
            long start = System.nanoTime();
            TrainingResult result = new TrainingRun(network, task, TestImages.ellipses(batch * steps, size, 2),
                TestImages.ellipses(1, size, 3), config).run(manager, new TrainingListener() {
                    long last = System.nanoTime();
                    long lastCpu = cpuNanos();

                    @Override
                    public void stepFinished(int epoch, int step, int n, double loss) {
                        long now = System.nanoTime();
                        long cpu = cpuNanos();
                        System.out.printf("step %d: %.3f s wall, %.3f s process CPU, loss %.4g, %s%n", step,
                            (now - last) * 1e-9, (cpu - lastCpu) * 1e-9, loss, residentMemory());
                        last = now;
                        lastCpu = cpu;
                    }
                }, ProgressMonitor.NONE);
            System.out.printf("%s %dx%d, %d views x %d detectors, %d nonzeros, batch %d, hyper %s: %.3f s/step "
                + "(mean over %d steps incl. first), total %.1f s%n", architecture, size, size, views, detectors,
                (long) views * detectors * perRow, batch, NetworkCatalog.hyperParameters(network),
                result.last().seconds / steps, steps, (System.nanoTime() - start) * 1e-9);
        }
    }
}
