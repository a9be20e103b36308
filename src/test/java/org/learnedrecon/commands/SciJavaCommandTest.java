package org.learnedrecon.commands;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * Base of the tests that run our commands through a real SciJava {@link Context} and {@link CommandService}: one
 * context per test class, disposed after it.
 */
abstract class SciJavaCommandTest {

    protected static Context context;
    protected static CommandService commands;

    @BeforeAll
    static void startSciJavaContext() {
        context = new Context();
        commands = context.service(CommandService.class);
    }

    @AfterAll
    static void stopSciJavaContext() {
        context.dispose();
    }
}
