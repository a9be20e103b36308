package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.ImagePlus;
import ij.io.Opener;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an ImageJ macro in a real ImageJ 1.x process on the assembly that {@code mvn package} lays out in
 * {@code target/imagej} (ij.jar, plugins/Learned_Reconstruction-*.jar, plugins/jars/*), the way a user runs a batch
 * job: {@code xvfb-run -a java -jar ij.jar -ijpath <dir> -batch <macro> <argument>}. ImageJ 1.x builds its menus
 * (AWT) before {@code run("...")} can find a plugin, so it needs a display; xvfb-run provides a virtual one (used
 * unless {@code DISPLAY} is set). The process is killed after the timeout and the test fails with its output.
 * Reusable by every macro integration test (phantom, CT and MRI demos).
 */
public final class ImageJMacroRunner {

    /** Exit code and combined stdout + stderr of one ImageJ run. */
    public record Result(int exitCode, String output) {

        /** Fails, showing the output, when the run printed an error or an exception. */
        public Result assertNoErrors() {
            for (String marker : List.of("Exception", "Macro Error", "Learned Reconstruction:", "Unrecognized command")) {
                assertTrue(!output.contains(marker), "ImageJ output contains '" + marker + "':\n" + output);
            }
            return this;
        }

        /** Fails, showing the output, unless the process exited with {@code code}. */
        public Result assertExitCode(int code) {
            assertEquals(code, exitCode, output);
            return this;
        }

        /** Fails, showing the output, unless the output contains {@code text}. */
        public Result assertOutputContains(String text) {
            assertTrue(output.contains(text), "ImageJ output lacks '" + text + "':\n" + output);
            return this;
        }
    }

    private final Path imagejDir;
    private final Duration timeout;
    private final String maxHeap;

    /** {@code maxHeap} is the ImageJ JVM's -Xmx value, e.g. "2g". */
    public ImageJMacroRunner(Path imagejDir, Duration timeout, String maxHeap) {
        this.imagejDir = imagejDir;
        this.timeout = timeout;
        this.maxHeap = maxHeap;
    }

    /** The same runner with another ImageJ heap limit (training or 3-D demos may need more than 2 GB). */
    public ImageJMacroRunner withMaxHeap(String heap) {
        return new ImageJMacroRunner(imagejDir, timeout, heap);
    }

    /** Opens an image a macro wrote (TIFF and anything else ImageJ opens), failing clearly when it cannot. */
    public static ImagePlus openImage(Path file) {
        assertTrue(Files.isRegularFile(file), "The macro wrote no " + file);
        ImagePlus imp = new Opener().openImage(file.toString());
        assertTrue(imp != null, "ImageJ cannot open " + file);
        return imp;
    }

    /** The runner for the assembly of this build (system property {@code lrecon.imagej.dir}, set by the pom). */
    public static ImageJMacroRunner forBuild(Duration timeout) {
        String dir = System.getProperty("lrecon.imagej.dir", "target/imagej");
        Path imagej = Path.of(dir).toAbsolutePath();
        if (!Files.isRegularFile(imagej.resolve("ij.jar"))) {
            fail("No ImageJ assembly at " + imagej + ": run 'mvn verify' (package lays it out)");
        }
        try (var plugins = Files.list(imagej.resolve("plugins"))) {
            if (plugins.noneMatch(p -> p.getFileName().toString().matches("Learned_Reconstruction-.*\\.jar"))) {
                fail("No Learned_Reconstruction-*.jar in " + imagej.resolve("plugins"));
            }
        } catch (IOException e) {
            fail("Cannot list " + imagej.resolve("plugins") + ": " + e);
        }
        return new ImageJMacroRunner(imagej, timeout, "2g");
    }

    /** The project's own macro file (e.g. {@code macros/phantom-demo.ijm}). */
    public static Path projectFile(String relative) {
        return Path.of(System.getProperty("lrecon.project.dir", ".")).resolve(relative).toAbsolutePath();
    }

    /** Runs the macro text (written to a temporary file) with {@code argument} as getArgument(). */
    public Result runText(String macro, String argument, Path workDir) throws IOException, InterruptedException {
        Path file = Files.createTempFile(workDir, "macro", ".ijm");
        Files.writeString(file, macro, StandardCharsets.UTF_8);
        return run(file, argument);
    }

    /** Runs the macro file with {@code argument} as getArgument(); kills ImageJ and fails after the timeout. */
    public Result run(Path macro, String argument) throws IOException, InterruptedException {
        return runJava(List.of("-Xmx" + maxHeap, "-Dai.djl.offline=true", "-jar", "ij.jar", "-ijpath",
            imagejDir.toString(), "-batch", macro.toAbsolutePath().toString(), argument), imagejDir, timeout,
            "ImageJ running " + macro.getFileName());
    }

    /**
     * Runs this JVM's {@code java} with {@code arguments} in {@code directory} (null: the current one) on a display:
     * xvfb-run's virtual one unless {@code DISPLAY} is set. After {@code timeout} the process and its children are
     * killed and the test fails with the output, naming the run as {@code what}.
     */
    public static Result runJava(List<String> arguments, Path directory, Duration timeout, String what)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (System.getenv("DISPLAY") == null || System.getenv("DISPLAY").isEmpty()) {
            if (!onPath("xvfb-run")) {
                fail("ImageJ 1.x needs a display to run plugins from a macro; install xvfb (apt-get install xvfb) "
                    + "or set DISPLAY");
            }
            command.addAll(List.of("xvfb-run", "-a"));
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(arguments);
        Path log = Files.createTempFile("java-run", ".log");
        Process process = new ProcessBuilder(command).directory(directory == null ? null : directory.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        if (!finished) {
            fail(what + " did not finish within " + timeout.toSeconds() + " s and was killed. Output:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
