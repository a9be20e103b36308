package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/**
 * plugins.config (top of the repo, copied to the jar root) and the commands' menu paths must agree: ImageJ 1.x
 * reads the file, ImageJ2/Fiji reads the annotations, and macros use the label.
 */
class PluginsConfigTest {

    private static final Pattern ENTRY = Pattern.compile(
        "^(Plugins>Learned Reconstruction), \"([^\"]+)\", org\\.learnedrecon\\.ij1\\.CommandBridge\\(\"([\\w.]+)\"\\)$");

    @Test
    void everyEntryRunsACommandWithTheSameMenuPath() throws Exception {
        Path config = Path.of(System.getProperty("lrecon.project.dir", "."), "plugins.config");
        List<String> entries = Files.readAllLines(config).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertFalse(entries.isEmpty());
        for (String line : entries) {
            Matcher m = ENTRY.matcher(line);
            assertTrue(m.matches(), "malformed plugins.config line: " + line);
            Class<?> type = Class.forName(m.group(3));
            assertTrue(Command.class.isAssignableFrom(type), m.group(3) + " is not a Command");
            Plugin plugin = type.getAnnotation(Plugin.class);
            assertEquals(m.group(1) + ">" + m.group(2), plugin.menuPath(), "menu path of " + m.group(3));
        }
        assertTrue(CommandBridge.class.getResource("/plugins.config") != null, "plugins.config not packaged");
    }
}
