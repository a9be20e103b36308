package org.learnedrecon.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.concurrent.Callable;

/**
 * The one place where the DJL engine is reached: runs work with this plugin's class loader as the thread's
 * context class loader (DJL finds its engine through {@code ServiceLoader}, and inside ImageJ 1.x the context
 * class loader does not see plugin jars), keeps DJL offline, and resolves the device choice.
 */
public final class DeepLearningRuntime {

    /** The {@code device=} choices of the commands. */
    public enum DeviceChoice {
        AUTO, CPU, GPU;

        public static DeviceChoice parse(String text) {
            for (DeviceChoice c : values()) {
                if (c.name().equalsIgnoreCase(text.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("Unknown device '" + text + "': choose Auto, CPU or GPU");
        }
    }

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // PyTorch's CPU thread pools spin while waiting; with as many threads as cores they fight ImageJ and each
        // other. Half the cores measured 2.5-4x faster per training step and ~3x faster inference on 2 cores.
        // Users override with -Dai.djl.pytorch.num_threads=N.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    private DeepLearningRuntime() {
    }

    /** Nesting depth of {@link #call} on each thread: the outermost call releases the freed native memory. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * Runs {@code work} with the plugin's class loader as context class loader, restoring the old one after. The
     * outermost call on a thread then gives the native memory PyTorch freed back to the system
     * ({@link NativeMemory#release()}), so that memory does not pile up in one malloc arena per command thread.
     */
    public static <T> T call(Callable<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(DeepLearningRuntime.class.getClassLoader());
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            stopGradientRecording();
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
            if (--depth[0] == 0) {
                NativeMemory.release();
            }
        }
    }

    /** Runs {@code work} like {@link #call}, for work without a result. */
    public static void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Switches PyTorch's gradient recording off on the calling thread. PyTorch's grad mode is per thread and on by
     * default; DJL switches it off only on the thread that loads the engine, and a {@code GradientCollector}
     * restores the mode it found when it closes. On any other thread (a SciJava command's, ImageJ's) the mode would
     * stay on: inference would record graphs for nothing, and the optimizer's in-place update of the weights fails
     * ("a leaf Variable that requires grad is being used in an in-place operation").
     */
    private static void stopGradientRecording() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
        started = true;
    }

    /** Whether the engine has been loaded in this process. */
    private static volatile boolean started;

    /**
     * Loads the engine unless it is loaded already, running {@code checkCancelled} every 50 ms while it loads, so a
     * command can be cancelled during the first start of PyTorch in a process (2-3 s of native loading): the caller
     * then returns at once and the loading finishes on its own daemon thread, for the next command. Whatever the
     * loading throws is thrown here.
     */
    public static void start(Runnable checkCancelled) {
        if (!started) {
            whileLoading(DeepLearningRuntime::engine, checkCancelled);
        }
    }

    /**
     * Runs {@code loading} on a daemon thread and waits for it, running {@code checkCancelled} every 50 ms until it
     * ends; what either throws is thrown here (a cancellation leaves the loading running).
     */
    static void whileLoading(Callable<?> loading, Runnable checkCancelled) {
        java.util.concurrent.FutureTask<?> task = new java.util.concurrent.FutureTask<>(loading);
        Thread thread = new Thread(task, "learned-reconstruction-engine-start");
        thread.setDaemon(true);
        thread.start();
        while (true) {
            try {
                task.get(50, java.util.concurrent.TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                checkCancelled.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("Interrupted while the engine started");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    /** The engine, loaded with the plugin's class loader. */
    public static Engine engine() {
        return call(Engine::getInstance);
    }

    /**
     * The device for a choice: AUTO takes the first GPU when DJL sees one, else the CPU; GPU without a usable GPU
     * fails with a message saying so instead of silently running on the CPU.
     */
    public static Device device(DeviceChoice choice) {
        Engine engine = engine();
        int gpus = engine.getGpuCount();
        switch (choice) {
            case CPU:
                return Device.cpu();
            case GPU:
                if (gpus == 0) {
                    throw new IllegalStateException("device=GPU was chosen but DJL finds no usable GPU with the "
                        + engine.getEngineName() + " " + engine.getVersion()
                        + " engine (this plugin ships CPU libtorch; see README, 'GPU'). Choose device=CPU or Auto.");
                }
                return Device.gpu();
            default:
                return gpus > 0 ? Device.gpu() : Device.cpu();
        }
    }
}
