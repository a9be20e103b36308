package org.learnedrecon.ij1;

import ij.ImagePlus;
import java.io.File;
import java.util.List;
import net.imglib2.RandomAccessibleInterval;
import org.learnedrecon.io.MetadataImage;
import org.scijava.module.ModuleItem;

/**
 * One input of a command as the ImageJ 1.x dialog shows it. The macro key is what ImageJ's GenericDialog derives
 * from the label: its first word, lower-cased ({@code "Angles (projections)"} gives {@code angles=}), so labels
 * of our commands start with the key they promise.
 */
record DialogField(ModuleItem<?> item, Kind kind, String label, String key, List<String> choices, Object initial) {

    /** How the input is asked for. */
    enum Kind {
        NUMBER, INTEGER, BOOLEAN, CHOICE, TEXT, IMAGE, FILE
    }

    /** The field for {@code item}, or null when the bridge does not ask for it (services, progress monitor). */
    static DialogField of(ModuleItem<?> item, Object initial) {
        Class<?> type = item.getType();
        String label = item.getLabel();
        String key = macroKey(label);
        List<String> choices = new java.util.ArrayList<>();
        if (item.getChoices() != null) {
            item.getChoices().forEach(c -> choices.add(String.valueOf(c)));
        }
        Kind kind;
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
            || type == short.class || type == Short.class || type == byte.class || type == Byte.class) {
            kind = Kind.INTEGER;
        } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            kind = Kind.NUMBER;
        } else if (type == boolean.class || type == Boolean.class) {
            kind = Kind.BOOLEAN;
        } else if (type == String.class) {
            kind = choices.isEmpty() ? Kind.TEXT : Kind.CHOICE;
        } else if (type.isEnum()) {
            kind = Kind.CHOICE;
            choices.clear();
            java.util.Arrays.stream(type.getEnumConstants()).forEach(c -> choices.add(c.toString()));
        } else if (type == MetadataImage.class || type == ImagePlus.class
            || RandomAccessibleInterval.class.isAssignableFrom(type)) {
            kind = Kind.IMAGE;
        } else if (type == File.class) {
            kind = Kind.FILE;
        } else {
            return null;
        }
        return new DialogField(item, kind, label, key, List.copyOf(choices), initial);
    }

    /** GenericDialog's macro key for a label ({@code ij.Macro.trimKey} of the label). */
    static String macroKey(String label) {
        return ij.Macro.trimKey(label);
    }
}
