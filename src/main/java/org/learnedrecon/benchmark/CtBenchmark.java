package org.learnedrecon.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.classical.FilteredBackProjection;

/**
 * Times the CT core: forward projection, back-projection (both matrix-free, through the {@code ForwardOperator}
 * API on DJL arrays) and ramp FBP for N x N images with A angles over 180 degrees (N:A = 256:256, 512:512 and
 * 512:720 by default),
 * warm-up runs (see {@link #WARM_UP_RUNS}) and the median of the repeats. In the same run, when {@code /usr/bin/python3} with
 * scikit-image exists, it times skimage {@code iradon(filter_name='ramp', circle=False)} on the same sinograms through
 * {@code test-data/scripts/bench_skimage_iradon.py} and writes a markdown table with the speed ratio.
 *
 * <p>Usage: {@code CtBenchmark [--cases 256:256,512:720] [--sizes 256,512] [--repeats 5] [--out target/ct-benchmark.md]
 * [--script path]}, e.g.
 * {@code java -cp target/classes:$(cat cp.txt) -Dlrecon.project.dir=$PWD org.learnedrecon.benchmark.CtBenchmark}
 * with {@code cp.txt} from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}; the script path
 * defaults to {@code $lrecon.project.dir/test-data/scripts/bench_skimage_iradon.py}. Both wall-clock and process
 * CPU times are reported because the benchmark machine may be shared.
 */
public final class CtBenchmark {

    /**
     * Untimed runs first, so the JIT has compiled the loops with full optimisation (one run is not enough at
     * 256 x 256; tiered compilation reaches the final C2 code of the FBP kernels after several runs): at least this
     * many, and at least {@link #WARM_UP_SECONDS} of them.
     */
    private static final int WARM_UP_RUNS = 5;
    private static final double WARM_UP_SECONDS = 1.0;

    private CtBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        // each case N:ANGLES; --sizes N1,N2 is short for N1:N1,N2:N2
        String cases = options.containsKey("sizes")
            ? Arrays.stream(options.get("sizes").split(",")).map(v -> v.trim() + ":" + v.trim())
                .reduce((a, b) -> a + "," + b).orElse("")
            : options.getOrDefault("cases", "256:256,512:512,512:720");
        int repeats = Integer.parseInt(options.getOrDefault("repeats", "5"));
        Path out = Path.of(options.getOrDefault("out", "target/ct-benchmark.md"));
        Path script = Path.of(options.getOrDefault("script", System.getProperty("lrecon.project.dir", ".")
            + "/test-data/scripts/bench_skimage_iradon.py"));

        Path tmp = Files.createTempDirectory("ct-benchmark");
        List<double[]> rows = new ArrayList<>();
        List<String> specs = new ArrayList<>();
        try (NDManager manager = DeepLearningRuntime.call(NDManager::newBaseManager)) {
            for (String spec : cases.split(",")) {
                String[] parts = spec.trim().split(":");
                int n = Integer.parseInt(parts[0]);
                ParallelBeamGeometry g = ParallelBeamGeometry.uniform(n, Integer.parseInt(parts[1]), 180);
                RayTransform op = RayTransform.matrixFree(g);
                float[] image = benchmarkImage(n);
                NDArray x = manager.create(image, new Shape(1, n, n));
                NDArray y = op.apply(x);
                float[] sinogram = y.toFloatArray();
                FilteredBackProjection fbp = new FilteredBackProjection(FilteredBackProjection.Filter.RAMP);
                double forward = median(repeats, () -> op.apply(x))[0];
                double back = median(repeats, () -> op.adjoint(y))[0];
                double[] recon = median(repeats, () -> fbp.reconstruct(sinogram, g, ProgressMonitor.NONE));
                rows.add(new double[] {n, g.angleCount(), g.detectorCount(), forward, back, recon[0], Double.NaN,
                    recon[1], Double.NaN});
                Path file = tmp.resolve("sino" + n + "x" + g.angleCount() + ".f32");
                writeFloats(file, sinogram);
                specs.add(file + ":" + n + ":" + g.angleCount() + ":" + g.detectorCount());
                System.out.printf(Locale.ROOT, "N=%d, %d angles: forward %.3f s, back-projection %.3f s, FBP %.3f s"
                    + " (CPU %.3f s)%n", n, g.angleCount(), forward, back, recon[0], recon[1]);
            }
        }
        String skimageNote = timeSkimage(script, repeats, specs, rows);
        String table = table(rows, repeats, skimageNote);
        Files.writeString(out, table, StandardCharsets.UTF_8);
        System.out.println(table);
        System.out.println("Written to " + out.toAbsolutePath());
        for (String spec : specs) {
            Files.deleteIfExists(Path.of(spec.substring(0, spec.indexOf(':'))));
        }
        Files.deleteIfExists(tmp);
    }

    /** A few overlapping ellipses in [0, 1]: benchmark input only (phantoms proper live in their own package). */
    private static float[] benchmarkImage(int n) {
        float[] image = new float[n * n];
        double[][] ellipses = {{1, 0, 0, .45, .35}, {-.5, -.1, .05, .15, .1}, {.3, .15, -.1, .08, .12}};
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                double x = (col - n / 2) / (double) n;
                double y = (row - n / 2) / (double) n;
                for (double[] e : ellipses) {
                    double u = (x - e[1]) / e[3];
                    double v = (y - e[2]) / e[4];
                    if (u * u + v * v <= 1) {
                        image[row * n + col] += (float) e[0];
                    }
                }
            }
        }
        return image;
    }

    /**
     * Median wall-clock and median process CPU time (all threads) in seconds. CPU time is reported too because
     * the machine may be shared: it does not grow when other processes take the cores.
     */
    private static double[] median(int repeats, Callable<Object> work) throws Exception {
        long warmUpStart = System.nanoTime();
        for (int i = 0; i < WARM_UP_RUNS || System.nanoTime() - warmUpStart < WARM_UP_SECONDS * 1e9; i++) {
            close(work.call());
        }
        double[] wall = new double[repeats];
        double[] cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            Object result = work.call();
            wall[i] = (System.nanoTime() - start) / 1e9;
            cpu[i] = (processCpuNanos() - cpuStart) / 1e9;
            close(result);
        }
        return new double[] {median(wall), median(cpu)};
    }

    private static double median(double[] values) {
        double[] t = values.clone();
        Arrays.sort(t);
        return t.length % 2 == 1 ? t[t.length / 2] : 0.5 * (t[t.length / 2 - 1] + t[t.length / 2]);
    }

    /**
     * CPU time of all threads of this process (JIT and GC included) in nanoseconds. On Linux the sum of the
     * per-thread {@code /proc/self/task/<id>/schedstat} run times, which count nanoseconds; the JMX process CPU time
     * counts 10 ms scheduler ticks there, too coarse for runs of a few milliseconds.
     */
    private static long processCpuNanos() {
        Path tasks = Path.of("/proc/self/task");
        if (Files.isDirectory(tasks)) {
            long sum = 0;
            boolean any = false;
            try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
                for (Path t : (Iterable<Path>) threads::iterator) {
                    try {
                        String text = Files.readString(t.resolve("schedstat"), StandardCharsets.US_ASCII).trim();
                        sum += Long.parseLong(text.substring(0, text.indexOf(' ')));
                        any = true;
                    } catch (IOException | RuntimeException e) {
                        // the thread ended while listing: its time is lost for this sample only
                    }
                }
            } catch (IOException e) {
                any = false;
            }
            if (any) {
                return sum;
            }
        }
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
            .getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0;
    }

    private static void close(Object result) {
        if (result instanceof NDArray) {
            ((NDArray) result).close();
        }
    }

    private static void writeFloats(Path file, float[] v) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(v);
        Files.write(file, buffer.array());
    }

    /** Runs the skimage script, fills column 6 of {@code rows}; returns a note for the table. */
    private static String timeSkimage(Path script, int repeats, List<String> specs, List<double[]> rows) {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python) || !Files.isRegularFile(script)) {
            return "skimage not timed: " + (Files.isExecutable(python) ? script + " not found"
                : "/usr/bin/python3 not found");
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(),
            Integer.toString(repeats)));
        command.addAll(specs);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            StringBuilder log = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.append(line).append('\n');
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 4 && f[0].matches("\\d+")) {
                        for (double[] row : rows) {
                            if (row[0] == Integer.parseInt(f[0]) && row[1] == Integer.parseInt(f[1])) {
                                row[6] = Double.parseDouble(f[2]);
                                row[8] = Double.parseDouble(f[3]);
                            }
                        }
                    }
                }
            }
            int code = p.waitFor();
            return code == 0 ? "skimage timed with /usr/bin/python3 " + script.getFileName()
                : "skimage script failed (exit " + code + "): " + log.toString().trim();
        } catch (IOException e) {
            return "skimage not timed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "skimage timing interrupted";
        }
    }

    private static String table(List<double[]> rows, int repeats, String note) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "CT benchmark: median of %d runs after at least %d warm-up runs (and 1 s),"
            + " %d cores (%s %s),"
            + " load average %.1f at the end; times in seconds, wall clock unless marked CPU (process CPU time,"
            + " all threads)%n%n", repeats, WARM_UP_RUNS, Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name"), System.getProperty("java.version"),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        s.append("| image | angles | detectors | forward | back-projection | FBP (ramp) | skimage iradon (ramp)"
            + " | iradon / FBP (wall) | FBP CPU | iradon CPU | iradon / FBP (CPU) |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (double[] r : rows) {
            boolean timed = !Double.isNaN(r[6]);
            s.append(String.format(Locale.ROOT, "| %dx%d | %d | %d | %.3f | %.3f | %.3f | %s | %s | %.3f | %s | %s |%n",
                (int) r[0], (int) r[0], (int) r[1], (int) r[2], r[3], r[4], r[5],
                timed ? String.format(Locale.ROOT, "%.3f", r[6]) : "n/a",
                timed ? String.format(Locale.ROOT, "%.1fx", r[6] / r[5]) : "n/a", r[7],
                timed ? String.format(Locale.ROOT, "%.3f", r[8]) : "n/a",
                timed ? String.format(Locale.ROOT, "%.1fx", r[8] / r[7]) : "n/a"));
        }
        s.append('\n').append(note).append('\n');
        return s.toString();
    }
}
