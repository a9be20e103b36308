package org.learnedrecon.ij1;

import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.module.ModuleRunner;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.ModuleService;

/**
 * The one SciJava {@link Context} of the ImageJ 1.x bridge, created on first use and kept for the session.
 *
 * <p>It is created with this plugin's class loader as the thread's context class loader: inside ImageJ 1.x the
 * context class loader is the system one, which sees neither our plugin index (META-INF/json) nor scijava's
 * service declarations in plugins/jars. Only the services the bridge and our commands use are requested, so in
 * Fiji this context does not start a second copy of ImageJ2's legacy or UI services.
 */
final class BridgeContext {

    private static Context context;

    private BridgeContext() {
    }

    static synchronized Context get() {
        if (context == null) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(BridgeContext.class.getClassLoader());
            try {
                context = new Context(CommandService.class, ModuleService.class, StatusService.class,
                    LogService.class);
                // ModuleRunner logs a command's exception with its stack trace before rethrowing it; the bridge
                // reports it itself (message, plus the trace for unexpected exception types), so say it once.
                context.service(LogService.class).setLevel(ModuleRunner.class.getName(), LogLevel.NONE);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
        return context;
    }
}
