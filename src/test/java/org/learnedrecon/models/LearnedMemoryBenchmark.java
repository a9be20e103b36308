package org.learnedrecon.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.commands.ReconstructCtCommand;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.runtime.NativeMemory;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.SolverFactory;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * Not a test: does memory stay flat over many learned reconstructions? Runs {@code runs} successive reconstructions
 * of one 128 x 128 Shepp-Logan slice (30-view parallel-beam sinogram) with the shipped model that fits
 * ({@code model=auto}: lgd-ct30), each loading the model, reconstructing and closing it, and prints the process RSS
 * ({@code VmRSS} of /proc/self/status) and the Java heap in use after a GC before the first run, after the warm-up
 * and every 20 runs, and the RSS right after a {@code malloc_trim(0)} (memory held, not kept by malloc for reuse:
 * the leak measure, {@link #trimmedRssMegabytes}). Two paths: {@code factory} does what Reconstruct CT does inside (TensorAdapter,
 * {@link LearnedSolverFactory#load} with the command's arguments, {@link LoadedLearnedSolver#reconstruct}, close);
 * {@code command} runs Reconstruct CT itself through a SciJava Context. Run from the test class path:
 * {@code ONEDNN_MAX_CPU_ISA=AVX java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1
 * -cp target/test-classes:target/classes:$(cat cp.txt) org.learnedrecon.models.LearnedMemoryBenchmark
 * [factory|command] [runs=200] [warmup=20]}.
 *
 * <p>{@code thread} is the factory path on a new thread per run (as ImageJ macros and SciJava's thread pool may
 * do). {@code -Dlrecon.mallocTrim=false} switches off {@link NativeMemory#release()} to compare.
 *
 * <p>Measured 2026-11-30 on the shared 2-core machine, RSS over runs 20-200: without {@link NativeMemory}'s trim,
 * {@code command} 697-1176 MB rising (+302 and +403 MB from run 20 to 200 in two runs), {@code thread} flat at
 * 2.3-2.4 GB, {@code factory} 472-608 MB (+12); with it, {@code command} 281-644 MB (400 runs: 414-633 MB, -18 MB
 * from run 20 to 400), {@code thread} 356-643 MB, {@code factory} 467-550 MB (-8). The Java heap stayed at 3.5-5.5 MB
 * in all of them.
 */
public final class LearnedMemoryBenchmark {

    private static final int SIZE = 128;
    private static final int VIEWS = 30;

    private LearnedMemoryBenchmark() {
    }

    /** VmRSS of this process in MB, or -1 where /proc is missing. */
    static double rssMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * RSS right after {@code malloc_trim(0)} ({@link NativeMemory#trim}): the memory the process holds, without the
     * freed pages glibc keeps per thread for reuse, which make single RSS samples swing by hundreds of MB; a leak
     * shows as growth of this value. Without glibc it is the plain RSS.
     */
    static double trimmedRssMegabytes() {
        NativeMemory.trim();
        return rssMegabytes();
    }

    /** Java heap in use after a full GC, in MB. */
    static double heapMegabytes() {
        Runtime rt = Runtime.getRuntime();
        org.learnedrecon.runtime.FreedMemory.collectGarbage(50);
        return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
    }

    /** CPU time of the whole process (all threads, native included), to see past a loaded machine. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        String path = args.length > 0 ? args[0] : "factory";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        CtGeometry g = CtGeometryKeys.parallel(SIZE, VIEWS, 180, 0);
        PlanarImg<FloatType, ?> sinogram;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = TensorAdapter.toTensor(m, SheppLoganPhantom.stack(SIZE, 1));
            sinogram = TensorAdapter.toImg(RayTransform.matrixFree(g).apply(x));
        }
        MetadataImage sinogramImage = new MetadataImage("sinogram", sinogram, g.toProperties());
        Context context = "command".equals(path) ? new Context() : null;
        CommandService commands = context == null ? null : context.service(CommandService.class);
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Runnable reconstruction;
        if (context == null) {
            reconstruction = () -> DeepLearningRuntime.run(() -> {
                threads.add(Thread.currentThread().getName());
                try (NDManager manager = NDManager.newBaseManager()) {
                    NDArray y = TensorAdapter.toTensor(manager, sinogram);
                    try (LoadedLearnedSolver network = LearnedSolverFactory.load(SolverFactory.LGD,
                        LearnedSolverFactory.AUTOMATIC, CtParallelPhysics.settingsOf(g),
                        m -> RayTransform.differentiable(g, m), DeepLearningRuntime.DeviceChoice.CPU)) {
                        TensorAdapter.toImg(network.reconstruct(y, ProgressMonitor.NONE));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        } else {
            ProgressMonitor recordThread = new ProgressMonitor() {
                @Override
                public void progress(long done, long total, String message) {
                    threads.add(Thread.currentThread().getName());
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            };
            reconstruction = () -> {
                try {
                    commands.run(ReconstructCtCommand.class, false, "sinogram", sinogramImage, "solver",
                        SolverFactory.LGD, "model", LearnedSolverFactory.AUTOMATIC, "device", "CPU", "progress",
                        recordThread).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
        }
        if ("thread".equals(path)) {
            Runnable onCaller = reconstruction;
            reconstruction = () -> {
                Thread thread = new Thread(onCaller, "reconstruction-" + threads.size());
                thread.start();
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
        }
        System.out.printf(Locale.ROOT, "%d learned reconstructions (%s path, LGD model=auto, %dx%d, %d views),"
            + " num_threads=%s, ONEDNN_MAX_CPU_ISA=%s, MALLOC_ARENA_MAX=%s, malloc_trim %s%n", runs, path, SIZE, SIZE,
            VIEWS, System.getProperty("ai.djl.pytorch.num_threads"), System.getenv("ONEDNN_MAX_CPU_ISA"),
            System.getenv("MALLOC_ARENA_MAX"), NativeMemory.enabled() ? "on" : "off");
        System.out.printf(Locale.ROOT, "%8s %10s %14s %10s %10s %10s%n", "after", "RSS MB", "trimmed RSS MB",
            "heap MB", "s/run", "CPU s/run");
        double[] at = new double[runs + 1];
        double[] trimmed = new double[runs + 1];
        double[] heap = new double[runs + 1];
        at[0] = rssMegabytes();
        heap[0] = heapMegabytes();
        trimmed[0] = trimmedRssMegabytes();
        System.out.printf(Locale.ROOT, "%8d %10.1f %14.1f %10.1f %10s %10s%n", 0, at[0], trimmed[0], heap[0], "-",
            "-");
        long t = System.nanoTime();
        long cpu = cpuNanos();
        int since = 0;
        for (int run = 1; run <= runs; run++) {
            reconstruction.run();
            since++;
            if (run == warmup || run % 20 == 0 || run == runs) {
                double seconds = (System.nanoTime() - t) * 1e-9 / since;
                double cpuSeconds = (cpuNanos() - cpu) * 1e-9 / since;
                at[run] = rssMegabytes();
                heap[run] = heapMegabytes();
                trimmed[run] = trimmedRssMegabytes();
                System.out.printf(Locale.ROOT, "%8d %10.1f %14.1f %10.1f %10.3f %10.3f%n", run, at[run],
                    trimmed[run], heap[run], seconds, cpuSeconds);
                t = System.nanoTime();
                cpu = cpuNanos();
                since = 0;
            }
        }
        System.out.printf(Locale.ROOT, "threads that ran reconstructions: %s%n", threads.size());
        System.out.println(NativeMemory.statistics());
        System.out.printf(Locale.ROOT, "growth from run %d to %d: RSS %+.1f MB, trimmed RSS %+.1f MB, heap %+.1f MB%n",
            warmup, runs, at[runs] - at[warmup], trimmed[runs] - trimmed[warmup], heap[runs] - heap[warmup]);
        double low = Double.MAX_VALUE;
        double high = 0;
        for (int run = warmup; run <= runs; run++) {
            if (at[run] > 0) {
                low = Math.min(low, at[run]);
                high = Math.max(high, at[run]);
            }
        }
        System.out.printf(Locale.ROOT, "RSS from run %d to %d: %.1f .. %.1f MB%n", warmup, runs, low, high);
        if (context != null) {
            context.dispose();
        }
        System.exit(0);
    }
}
