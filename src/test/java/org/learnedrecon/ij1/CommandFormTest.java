package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnedrecon.commands.DeviceCheckCommand;
import org.learnedrecon.commands.PhantomCommand;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.module.ModuleItem;
import org.scijava.plugin.Parameter;

/** Macro-option parsing of the bridge, exercised without any window (as in a headless batch run). */
class CommandFormTest {

    /** A command with one input of each kind the bridge handles. */
    public static class SampleCommand implements Command {
        @Parameter(label = "Iterations", min = "1", max = "1000")
        public int iterations = 20;

        @Parameter(label = "Lambda (regularisation)")
        public double lambda = 0.01;

        @Parameter(label = "Positivity")
        public boolean positivity = true;

        @Parameter(label = "Solver", choices = {"FBP", "TV primal-dual"})
        public String solver = "FBP";

        @Parameter(label = "Model file", required = false)
        public File model;

        @Parameter(label = "Note", required = false)
        public String note = "";

        @Override
        public void run() {
        }
    }

    private static CommandForm form() {
        CommandInfo info = new CommandInfo(SampleCommand.class);
        SampleCommand defaults = new SampleCommand();
        List<DialogField> fields = new ArrayList<>();
        for (ModuleItem<?> item : info.inputs()) {
            Object initial = switch (item.getName()) {
                case "iterations" -> defaults.iterations;
                case "lambda" -> defaults.lambda;
                case "positivity" -> defaults.positivity;
                case "solver" -> defaults.solver;
                default -> null;
            };
            fields.add(DialogField.of(item, initial));
        }
        return new CommandForm("Sample", fields);
    }

    @Test
    void readsKeysBracketsAndTypes() {
        Map<String, Object> v = form().ask("iterations=50 lambda=0.5 solver=[TV primal-dual] model=[/tmp/my model.pt]"
            + " note=hello");
        assertEquals(50, v.get("iterations"));
        assertEquals(0.5, v.get("lambda"));
        assertEquals("TV primal-dual", v.get("solver"));
        assertEquals(new File("/tmp/my model.pt"), v.get("model"));
        assertEquals("hello", v.get("note"));
        assertEquals(false, v.get("positivity"), "a checkbox absent from macro options is off, as in GenericDialog");
    }

    @Test
    void absentKeysKeepDefaultsAndPresentCheckboxIsOn() {
        Map<String, Object> v = form().ask("positivity");
        assertEquals(20, v.get("iterations"));
        assertEquals(0.01, v.get("lambda"));
        assertEquals("FBP", v.get("solver"));
        assertEquals(true, v.get("positivity"));
    }

    @Test
    void badValuesFailNamingTheKey() {
        assertMessage("iterations=0 is below the minimum 1", "iterations=0");
        assertMessage("iterations=2000 is above the maximum 1000", "iterations=2000");
        assertMessage("iterations=2.5 must be a whole number", "iterations=2.5");
        assertMessage("lambda=abc is not a number", "lambda=abc");
        assertMessage("solver=SIRT is not one of [FBP, TV primal-dual]", "solver=SIRT");
    }

    @Test
    void macroKeysOfOurCommands() {
        assertEquals(List.of("type", "size", "slices", "seed"), keys(PhantomCommand.class));
        assertEquals(List.of("device"), keys(DeviceCheckCommand.class));
        assertEquals(List.of("image"), keys(org.learnedrecon.commands.ComplexViewCommand.class));
        assertEquals(List.of("image", "geometry", "angles", "range", "detectors", "source", "detector", "shape",
            "noise", "level", "photons", "seed"), keys(org.learnedrecon.commands.SimulateCtCommand.class));
        assertEquals(List.of("sinogram", "solver", "model", "initial", "device", "filter", "iterations", "lambda",
            "noise", "angles", "range", "size", "samples", "seed", "keep", "calibrate", "start", "reference"),
            keys(org.learnedrecon.commands.ReconstructCtCommand.class));
        assertEquals(List.of("training", "validation", "train", "val", "patch", "physics", "angles", "range",
            "acceleration", "center", "masks", "noise", "solver", "supervision", "equivariance", "detach",
            "measurements", "holdout", "split", "unrolled", "consistency", "channels", "tv", "loss", "epochs", "batch",
            "rate", "decay", "seed", "checkpoint", "init", "output", "device"),
            keys(org.learnedrecon.commands.TrainSolverCommand.class));
        assertEquals(List.of("image", "mask", "acceleration", "center", "coils", "noise", "seed"),
            keys(org.learnedrecon.commands.SimulateMriCommand.class));
        assertEquals(List.of("kspace", "mask", "maps", "solver", "lambda", "iterations", "reference", "complex",
            "model", "initial", "device", "samples", "seed", "keep", "calibrate", "start"),
            keys(org.learnedrecon.commands.ReconstructMriCommand.class));
        assertEquals(List.of("file"), keys(org.learnedrecon.commands.OpenKspaceCommand.class));
        assertEquals(List.of("kspace", "file"), keys(org.learnedrecon.commands.SaveKspaceCommand.class));
        assertEquals("angles", DialogField.macroKey("Angles (number of projections)"));
    }

    private static List<String> keys(Class<? extends Command> command) {
        List<String> keys = new ArrayList<>();
        for (ModuleItem<?> item : new CommandInfo(command).inputs()) {
            DialogField field = DialogField.of(item, null);
            if (field != null && !org.scijava.service.Service.class.isAssignableFrom(item.getType())) {
                keys.add(field.key());
            }
        }
        return keys;
    }

    private static void assertMessage(String expected, String options) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> form().ask(options));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
