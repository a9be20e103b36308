package org.learnedrecon.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.learnedrecon.io.ImagePlusAdapter;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.solvers.ProgressMonitor;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.service.Service;

/**
 * Makes each of our SciJava commands an ImageJ 1.x menu entry. plugins.config lists one line per command, e.g.
 * {@code Plugins>Learned Reconstruction, "Phantom...", org.learnedrecon.ij1.CommandBridge("org.learnedrecon.commands.PhantomCommand")},
 * so ImageJ calls {@link #run(String)} with the command's class name. The bridge asks for the inputs
 * ({@link CommandForm}: GenericDialog, or macro options), converts images with {@link ImagePlusAdapter}, runs the
 * command through {@link CommandService} in the shared {@link BridgeContext}, and shows the outputs
 * ({@link OutputDisplay}: images with their metadata in Info, tables as ResultsTable). Errors go to
 * {@code IJ.error} interactively; from a macro they are printed and abort the macro, so a {@code -batch} run
 * never waits on a dialog.
 */
public class CommandBridge implements PlugIn {

    /** Last interactive values per command, so a dialog reopens with what the user chose before. */
    private static final Map<String, Map<String, Object>> LAST_VALUES = new ConcurrentHashMap<>();

    @Override
    public void run(String commandClassName) {
        String macroOptions = Macro.getOptions();
        try {
            runCommand(commandClassName, macroOptions);
        } catch (CancellationException e) {
            IJ.showStatus("Cancelled");
            IJ.showProgress(1.0);
            if (macroOptions != null || Interpreter.getInstance() != null) {
                abortMacro("Learned Reconstruction: cancelled");
            }
        } catch (RuntimeException | LinkageError e) {
            reportError(e, macroOptions != null);
        }
    }

    private void runCommand(String className, String macroOptions) {
        Context context = BridgeContext.get();
        CommandService commands = context.service(CommandService.class);
        ModuleService modules = context.service(ModuleService.class);
        CommandInfo info = commandInfo(commands, className);
        String name = info.getTitle() == null ? className : info.getTitle().replace("...", "");

        Module defaults = modules.createModule(info);
        Map<String, Object> remembered = macroOptions == null ? LAST_VALUES.get(className) : null;
        List<DialogField> fields = new ArrayList<>();
        for (ModuleItem<?> item : info.inputs()) {
            Object initial = remembered != null && remembered.containsKey(item.getName())
                ? remembered.get(item.getName()) : item.getValue(defaults);
            DialogField field = Service.class.isAssignableFrom(item.getType()) ? null : DialogField.of(item, initial);
            if (field != null) {
                fields.add(field);
            }
        }
        Map<String, Object> values = new CommandForm(name, fields).ask(macroOptions);
        if (values == null) {
            return;
        }
        if (macroOptions == null) {
            // Images are chosen anew each time (the old ImagePlus may be closed), everything else is remembered.
            Map<String, Object> remember = new HashMap<>();
            for (DialogField f : fields) {
                Object value = values.get(f.item().getName());
                if (f.kind() != DialogField.Kind.IMAGE && value != null) {
                    remember.put(f.item().getName(), value);
                }
            }
            LAST_VALUES.put(className, remember);
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (DialogField f : fields) {
            inputs.put(f.item().getName(), toInput(f, values.get(f.item().getName())));
        }
        ImageJProgressMonitor progress = new ImageJProgressMonitor(name);
        for (ModuleItem<?> item : info.inputs()) {
            if (item.getType() == ProgressMonitor.class) {
                inputs.put(item.getName(), progress);
            }
        }
        IJ.showStatus(name + "...");
        Module module = run(commands, info, inputs);
        progress.finish();
        IJ.showStatus(name + " done");
        for (ModuleItem<?> item : info.outputs()) {
            OutputDisplay.show(item.getLabel(), item.getValue(module));
        }
    }

    private static CommandInfo commandInfo(CommandService commands, String className) {
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException("CommandBridge needs a command class name (see plugins.config)");
        }
        Class<?> type;
        try {
            type = Class.forName(className.trim(), true, CommandBridge.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("No command class " + className + " in this plugin", e);
        }
        if (!Command.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(className + " is not a SciJava Command");
        }
        Class<? extends Command> commandType = type.asSubclass(Command.class);
        CommandInfo info = commands.getCommand(commandType);
        // Without an annotation index entry (e.g. a class compiled without the processor) describe it directly.
        return info != null ? info : new CommandInfo(commandType);
    }

    /** Runs the command without pre/postprocessing: inputs are complete and no UI may open from here. */
    private static Module run(CommandService commands, CommandInfo info, Map<String, Object> inputs) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(CommandBridge.class.getClassLoader());
        try {
            return commands.run(info, false, inputs).get();
        } catch (InterruptedException e) {
            thread.interrupt();
            throw new CancellationException("Interrupted");
        } catch (ExecutionException e) {
            // SciJava wraps the command's exception: ExecutionException -> RuntimeException("Module threw
            // exception") -> the command's own exception, whose message is what the user must see.
            Throwable cause = e.getCause();
            while (cause != null && cause.getCause() != null && (cause instanceof ExecutionException
                || cause.getClass() == RuntimeException.class)) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object toInput(DialogField f, Object value) {
        Class<?> type = f.item().getType();
        if (value instanceof ImagePlus imp) {
            if (type == ImagePlus.class) {
                return imp;
            }
            if (type == MetadataImage.class) {
                return ImagePlusAdapter.toMetadataImage(imp);
            }
            return ImagePlusAdapter.toImg(imp);
        }
        if (type.isEnum() && value != null) {
            for (Object constant : type.getEnumConstants()) {
                if (constant.toString().equals(value.toString())) {
                    return constant;
                }
            }
        }
        return value;
    }

    private static void reportError(Throwable e, boolean fromMacro) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof LinkageError || !(e instanceof IllegalArgumentException || e instanceof IllegalStateException)) {
            IJ.log(stackTrace(e));
        }
        boolean inMacro = fromMacro || Interpreter.getInstance() != null;
        if (inMacro) {
            abortMacro("Learned Reconstruction: " + message);
        } else if (GraphicsEnvironment.isHeadless()) {
            System.err.println("Learned Reconstruction: " + message);
        } else {
            IJ.error("Learned Reconstruction", message);
        }
    }

    /**
     * Prints the message (stderr, and the Log window when there is one) and stops the running macro. No dialog:
     * in a {@code -batch} run nobody could close it.
     */
    private static void abortMacro(String message) {
        if (IJ.getInstance() != null) {
            IJ.log(message);
        } else {
            // Without an ImageJ window IJ.log prints to stdout too; say it once, on stderr.
            System.err.println(message);
        }
        Interpreter interpreter = Interpreter.getInstance();
        if (interpreter != null) {
            interpreter.abortMacro();
        }
        Macro.abort();
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter text = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(text));
        return text.toString();
    }
}
