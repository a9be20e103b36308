package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.commands.ReconstructCtCommand;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.solvers.ProgressMonitor;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;

/**
 * Not a test: Reconstruct CT on a large stack (issue 12, "Large data"), through the command as a macro runs it.
 * Simulates {@code slices} Shepp-Logan slices of {@code size}^2 as {@code views}-view parallel-beam sinograms with 1%
 * Gaussian noise (geometry in the Info, as Simulate CT Acquisition writes it), then per solver: one full run on
 * the first {@code k} slices (seconds per slice, peak Java heap, peak process RSS, whether progress came slice by
 * slice), then one run per entry of {@code cancel}, each cancelled that many slice-times (the full run's seconds
 * per slice) after its start, so the requests fall in different phases of every solver (set-up and norm estimates
 * of slice 1, its iterations, slice 2): the latency from the request to the command returning, the progress message
 * at the request, and whether the cancelled command set any output.
 *
 * <p>Load is the machine's 1-minute load average (2 cores, shared) when the full run ended. Peak heap is the sum of
 * the heap pools' peak usage (garbage included, an upper bound); peak RSS is the kernel's high-water mark
 * {@code VmHWM}, reset before each run by writing 5 to {@code /proc/self/clear_refs}.
 * Run from the test class path, at the heap the issue asks for:
 * <pre>
 * ONEDNN_MAX_CPU_ISA=SSE41 java -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 \
 *   -cp target/test-classes:target/classes:$(cat cp.txt) \
 *   org.learnedrecon.reconstruction.LargeStackBenchmark [size=512] [views=720] [slices=32] \
 *   [runs=FBP:32,SIRT:32:20,SIRT:2,TV:2,Plug-and-play:2] [iterations=100] [cancel=0.05,0.5,1.2]
 * </pre>
 * {@code runs} lists {@code solver:slices} or {@code solver:slices:iterations} (SIRT, CGLS, TV; the default is
 * {@code iterations}); {@code cancel} lists the delays in slice-times.
 */
public final class LargeStackBenchmark {

    private LargeStackBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("size", "512", "views", "720", "slices", "32", "runs",
            "FBP:32,SIRT:32:20,SIRT:2,TV:2,Plug-and-play:2", "iterations", "100", "cancel", "0.05,0.5,1.2"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (!a.containsKey(kv[0]) || kv.length != 2) {
                throw new IllegalArgumentException("Unknown argument " + arg + "; keys: " + a.keySet());
            }
            a.put(kv[0], kv[1]);
        }
        int size = Integer.parseInt(a.get("size"));
        int views = Integer.parseInt(a.get("views"));
        int slices = Integer.parseInt(a.get("slices"));
        int iterations = Integer.parseInt(a.get("iterations"));
        CtGeometry g = CtGeometryKeys.parallel(size, views, 180, 0);
        long t = System.nanoTime();
        List<float[]> planes = simulate(g, slices);
        System.out.printf(Locale.ROOT, "Simulated %d sinograms %d x %d (image %d^2) in %.1f s; -Xmx %d MB,"
            + " ONEDNN_MAX_CPU_ISA=%s, num_threads=%s, %d cores%n", slices, views, g.detectorCount(), size,
            (System.nanoTime() - t) * 1e-9, Runtime.getRuntime().maxMemory() >> 20, System.getenv("ONEDNN_MAX_CPU_ISA"),
            System.getProperty("ai.djl.pytorch.num_threads"), Runtime.getRuntime().availableProcessors());
        Context context = new Context();
        List<String> rows = new ArrayList<>();
        try {
            for (String run : a.get("runs").split(",")) {
                String[] parts = run.split(":");
                int k = Math.min(slices, Integer.parseInt(parts[1]));
                MetadataImage sinogram = new MetadataImage("sino" + k, stack(planes.subList(0, k), g),
                    g.toProperties());
                rows.add(measure(context, parts[0], sinogram, k, parts.length > 2 ? Integer.parseInt(parts[2])
                    : iterations, a.get("cancel")));
            }
        } finally {
            context.dispose();
        }
        System.out.printf(Locale.ROOT, "%n| solver | slices | s/slice | load | peak heap MB | peak RSS MB | progress"
            + " per slice | cancel latency s (request at s; last report) | output after cancel |%n"
            + "|---|---|---|---|---|---|---|---|---|%n");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    private static String measure(Context context, String solver, MetadataImage sinogram, int k, int iterations,
        String cancelDelays) throws Exception {
        System.out.printf(Locale.ROOT, "%s, %d iterations (iterative solvers):%n", solver, iterations);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("sinogram", sinogram);
        inputs.put("solver", solver);
        inputs.put("iterations", iterations);
        inputs.put("device", "CPU");
        Recorder full = new Recorder();
        resetPeaks();
        long t = System.nanoTime();
        Module done = run(context, inputs, full);
        double perSlice = (System.nanoTime() - t) * 1e-9 / k;
        double heap = peakHeapMegabytes();
        double rss = peakRssMegabytes();
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        boolean sliced = full.sawSlices(k) && done.getOutput("reconstruction") != null;
        System.out.printf(Locale.ROOT, "%s on %d slices: %.2f s/slice (load %s; %.2f s of command set-up before"
            + " slice 1), peak heap %.0f MB, peak RSS %.0f MB, progress slice by slice: %s; last message '%s'%n",
            solver, k, perSlice, load, (full.firstPoll - t) * 1e-9, heap, rss, sliced, full.last);
        done = null;
        StringBuilder cancels = new StringBuilder();
        boolean leftOutput = false;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            for (String delay : cancelDelays.split(",")) {
                Recorder cancelled = new Recorder();
                long delayMillis = Math.round(Double.parseDouble(delay) * perSlice * 1000);
                String at = String.format(Locale.ROOT, "%.1f", delayMillis / 1000.0);
                timer.schedule(cancelled::cancel, delayMillis, TimeUnit.MILLISECONDS);
                Module module = context.service(ModuleService.class).createModule(context.service(
                    CommandService.class).getCommand(ReconstructCtCommand.class));
                Throwable cause = null;
                try {
                    context.service(ModuleService.class).run(module, false, with(inputs, cancelled)).get();
                } catch (ExecutionException e) {
                    cause = e.getCause();
                    while (cause.getCause() != null && !(cause instanceof CancellationException)) {
                        cause = cause.getCause(); // SciJava wraps it: "Module threw exception"
                    }
                }
                long returned = System.nanoTime();
                leftOutput |= cause instanceof CancellationException && module.getOutput("reconstruction") != null;
                String latency = cancelled.requestedAt == 0 ? "finished before " + at + " s"
                    : !(cause instanceof CancellationException) ? "not cancelled: " + cause
                    : String.format(Locale.ROOT, "%.2f", (returned - cancelled.requestedAt) * 1e-9);
                System.out.printf(Locale.ROOT, "  cancel at %s s: %s (at '%s')%n", at, latency,
                    cancelled.atRequest);
                cancels.append(cancels.length() == 0 ? "" : ", ").append(latency).append(" (").append(at)
                    .append(" s; ").append(phase(cancelled.atRequest)).append(')');
            }
        } finally {
            timer.shutdownNow();
        }
        String label = solver.equals("FBP") || solver.equals("Plug-and-play") ? solver : solver + " " + iterations;
        return String.format(Locale.ROOT, "| %s | %d | %.2f | %s | %.0f | %.0f | %s | %s | %s |", label, k,
            perSlice, load, heap, rss, sliced ? "yes" : "no", cancels, leftOutput ? "yes" : "none");
    }

    /** The last progress message before the request, shortened ({@code slice 2/2: SIRT: iteration 3 of 100}). */
    private static String phase(String message) {
        return message == null ? "finished before the request" : message.replace("Plug-and-play HQS (learned denoiser)",
            "PnP").replace("Learned dncnn (dncnn-s05)", "PnP model loaded");
    }

    private static Module run(Context context, Map<String, Object> inputs, Recorder progress) throws Exception {
        Module module = context.service(ModuleService.class).createModule(context.service(CommandService.class)
            .getCommand(ReconstructCtCommand.class));
        return context.service(ModuleService.class).run(module, false, with(inputs, progress)).get();
    }

    private static Map<String, Object> with(Map<String, Object> inputs, ProgressMonitor progress) {
        Map<String, Object> all = new LinkedHashMap<>(inputs);
        all.put("progress", progress);
        return all;
    }

    /** Records the last message, which slices reported, and cancels on request. */
    private static final class Recorder implements ProgressMonitor {
        private final java.util.Set<String> slices = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile String last;
        private volatile long requestedAt;
        private volatile String atRequest;
        /** When cancellation was first polled: the service's check before slice 1, after the command's set-up. */
        private volatile long firstPoll;

        @Override
        public void progress(long done, long total, String message) {
            last = message;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^slice (\\d+/\\d+)").matcher(message);
            if (m.find()) {
                slices.add(m.group(1));
            }
        }

        @Override
        public boolean isCancelled() {
            if (firstPoll == 0) {
                firstPoll = System.nanoTime();
            }
            return requestedAt != 0;
        }

        void cancel() {
            atRequest = last != null ? last : firstPoll == 0 ? "command set-up, before slice 1"
                : "slice 1, before its first report";
            requestedAt = System.nanoTime();
        }

        boolean sawSlices(int k) {
            for (int s = 1; s <= k; s++) {
                if (!slices.contains(s + "/" + k)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Noisy sinograms of Shepp-Logan, one slice at a time: 1% Gaussian noise of the sinogram's RMS, seed = slice. */
    private static List<float[]> simulate(CtGeometry g, int slices) {
        float[] clean;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(SheppLoganPhantom.render(g.imageSize()),
                new Shape(1, g.imageSize(), g.imageSize()));
            clean = RayTransform.matrixFree(g).apply(x).toFloatArray();
        }
        double rms = 0;
        for (float v : clean) {
            rms += v * v;
        }
        rms = Math.sqrt(rms / clean.length);
        List<float[]> planes = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            Random random = new Random(s);
            float[] noisy = clean.clone();
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] += (float) (0.01 * rms * random.nextGaussian());
            }
            planes.add(noisy);
        }
        return planes;
    }

    /** The planes as a (detectors, angles, slices) stack. */
    private static PlanarImg<FloatType, FloatArray> stack(List<float[]> planes, CtGeometry g) {
        PlanarImg<FloatType, FloatArray> img = planes.size() == 1
            ? PlanarImgs.floats(g.detectorCount(), g.angleCount())
            : PlanarImgs.floats(g.detectorCount(), g.angleCount(), planes.size());
        for (int s = 0; s < planes.size(); s++) {
            System.arraycopy(planes.get(s), 0, img.getPlane(s).getCurrentStorageArray(), 0, planes.get(s).length);
        }
        return img;
    }

    private static void resetPeaks() throws IOException {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    private static double peakHeapMegabytes() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    /** VmHWM of /proc/self/status: the peak resident set since the last reset, in MB. */
    private static double peakRssMegabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return -1;
    }
}
