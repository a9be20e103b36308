package org.learnedrecon.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.scijava.command.CommandModule;

/**
 * Four reconstructions through the commands, first one after another, then all four at once on four threads: CT TV,
 * CT learned gradient descent with the shipped model that fits (model=auto: lgd-ct30 for a 128 x 128, 30-view,
 * 180-degree parallel-beam sinogram), MRI CG-SENSE and MRI Unrolled (model=auto: lgd-mri8 for single-coil 8x random
 * lines, centre 0.04). The concurrent outputs must equal the sequential ones bit for bit: no solver, command or cache
 * may share mutable state between runs. The inputs, shared by all runs, must come out unchanged.
 */
class ConcurrentReconstructionTest extends SciJavaCommandTest {

    private static final int N = 128;
    private static final int SLICES = 2;

    private static MetadataImage sinogram;
    private static MetadataImage kspace;

    @BeforeAll
    static void simulate() throws Exception {
        MetadataImage phantom = new MetadataImage("phantom", SheppLoganPhantom.stack(N, SLICES), Map.of());
        sinogram = assertInstanceOf(MetadataImage.class, commands.run(SimulateCtCommand.class, false, "image",
            phantom, "geometry", "Parallel beam", "angles", 30, "range", 180.0, "noise", "Gaussian", "level", 0.01,
            "seed", 3L).get().getOutput("sinogram"));
        kspace = assertInstanceOf(MetadataImage.class, commands.run(SimulateMriCommand.class, false, "image",
            phantom, "mask", "Random lines", "acceleration", 8.0, "center", 0.04, "noise", 0.01, "seed", 5L,
            "coils", 1).get().getOutput("kspace"));
    }

    /** The four runs, each returning its reconstruction's pixels and the model/solver it named. */
    private static List<Callable<Result>> runs() {
        List<Callable<Result>> runs = new ArrayList<>();
        runs.add(() -> result("CT TV", commands.run(ReconstructCtCommand.class, false, "sinogram", sinogram,
            "solver", "TV", "iterations", 30, "device", "CPU").get()));
        runs.add(() -> result("CT LGD", commands.run(ReconstructCtCommand.class, false, "sinogram", sinogram,
            "solver", "Learned gradient descent", "model", "auto", "device", "CPU").get()));
        runs.add(() -> result("MRI CG-SENSE", commands.run(ReconstructMriCommand.class, false, "kspace", kspace,
            "solver", "CG-SENSE", "iterations", 20, "device", "CPU").get()));
        runs.add(() -> result("MRI Unrolled", commands.run(ReconstructMriCommand.class, false, "kspace", kspace,
            "solver", "Unrolled", "model", "auto", "device", "CPU").get()));
        return runs;
    }

    private record Result(String label, float[] pixels, String metadata, long startNanos, long endNanos) {
    }

    private static Result result(String label, CommandModule module) {
        MetadataImage x = assertInstanceOf(MetadataImage.class, module.getOutput("reconstruction"));
        assertEquals(N, x.image().dimension(0), label);
        assertEquals(N, x.image().dimension(1), label);
        return new Result(label, pixels(x), x.metadata().toString(), 0, 0);
    }

    private static float[] pixels(MetadataImage image) {
        try (NDManager m = NDManager.newBaseManager()) {
            return TensorAdapter.toTensor(m, image.image()).toFloatArray();
        }
    }

    private static Result timed(Callable<Result> run) throws Exception {
        long start = System.nanoTime();
        Result r = run.call();
        return new Result(r.label(), r.pixels(), r.metadata(), start, System.nanoTime());
    }

    @Test
    void fourReconstructionsAtOnceEqualTheSameRunOneAfterAnother() throws Exception {
        float[] sinogramBefore = pixels(sinogram);
        float[] kspaceBefore = pixels(kspace);
        List<Callable<Result>> runs = runs();

        long t0 = System.nanoTime();
        List<Result> sequential = new ArrayList<>();
        for (Callable<Result> run : runs) {
            sequential.add(timed(run));
        }
        long t1 = System.nanoTime();

        CyclicBarrier start = new CyclicBarrier(runs.size());
        ExecutorService pool = Executors.newFixedThreadPool(runs.size());
        List<Result> concurrent = new ArrayList<>();
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (Callable<Result> run : runs) {
                futures.add(pool.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    return timed(run);
                }));
            }
            for (Future<Result> f : futures) {
                concurrent.add(f.get(300, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        long t2 = System.nanoTime();

        long lastStart = concurrent.stream().mapToLong(Result::startNanos).max().orElseThrow();
        long firstEnd = concurrent.stream().mapToLong(Result::endNanos).min().orElseThrow();
        System.out.printf("sequential %.2f s, concurrent %.2f s; concurrent runs:%n", (t1 - t0) / 1e9,
            (t2 - t1) / 1e9);
        for (Result r : concurrent) {
            System.out.printf("  %-13s %6.3f .. %6.3f s%n", r.label(), (r.startNanos() - t1) / 1e9,
                (r.endNanos() - t1) / 1e9);
        }
        assertTrue(lastStart < firstEnd, "all four runs were under way together");

        for (int i = 0; i < runs.size(); i++) {
            Result a = sequential.get(i);
            Result b = concurrent.get(i);
            assertEquals(a.label(), b.label());
            assertEquals(a.metadata(), b.metadata(), a.label());
            assertTrue(Arrays.equals(a.pixels(), b.pixels()), a.label() + ": concurrent result differs from the "
                + "sequential one in " + differing(a.pixels(), b.pixels()) + " of " + a.pixels().length + " values");
        }
        assertTrue(sequential.get(1).metadata().contains("lgd-ct30"), sequential.get(1).metadata());
        assertTrue(sequential.get(3).metadata().contains("lgd-mri8"), sequential.get(3).metadata());
        assertTrue(Arrays.equals(sinogramBefore, pixels(sinogram)), "sinogram unchanged");
        assertTrue(Arrays.equals(kspaceBefore, pixels(kspace)), "k-space unchanged");
    }

    private static int differing(float[] a, float[] b) {
        if (a.length != b.length) {
            return Math.max(a.length, b.length);
        }
        int d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]) ? 1 : 0;
        }
        return d;
    }
}
