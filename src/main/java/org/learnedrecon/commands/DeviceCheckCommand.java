package org.learnedrecon.commands;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Check Deep Learning Device...: loads the DJL engine, resolves the
 * {@code device=} choice and runs one small tensor computation on it, reporting engine, version, device and the
 * result. It is how a user (or the macro integration test) sees that the native PyTorch libraries load inside
 * ImageJ. Macro key: {@code device=}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Check Deep Learning Device...")
public class DeviceCheckCommand extends MonitoredCommand {

    @Parameter(label = "Device", choices = {"Auto", "CPU", "GPU"})
    private String device = "Auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Deep learning device")
    private String report;

    @Override
    public void run() {
        DeepLearningRuntime.DeviceChoice choice = DeepLearningRuntime.DeviceChoice.parse(device);
        report = DeepLearningRuntime.call(() -> {
            Engine engine = DeepLearningRuntime.engine();
            Device resolved = DeepLearningRuntime.device(choice);
            try (NDManager manager = NDManager.newBaseManager(resolved)) {
                // Sum of 1..100 = 5050: proves the native library computes, not only loads.
                NDArray values = manager.arange(1f, 101f);
                float sum = values.sum().getFloat();
                return "engine=" + engine.getEngineName() + " version=" + engine.getVersion() + " device="
                    + resolved + " gpus=" + engine.getGpuCount() + " check=" + sum;
            }
        });
    }

    public String report() {
        return report;
    }
}
