package org.learnedrecon.ij1;

import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks for a command's inputs the ImageJ 1.x way. Called from a macro ({@code run("Phantom...", "size=128 ...")})
 * it reads the macro options with GenericDialog's rules (key = first word of the lower-cased label, values in
 * [brackets] may contain spaces, a checkbox is on when its key is present, absent keys keep the default) without
 * creating any window, so it also works headless. Interactively it shows a GenericDialog, which also records the
 * options for the macro recorder. Values are validated (range, whole numbers, choices) with messages that name
 * the macro key.
 */
final class CommandForm {

    /** The choice meaning "no image" for optional image inputs in the dialog. */
    static final String NO_IMAGE = "*None*";

    private final String title;
    private final List<DialogField> fields;

    CommandForm(String title, List<DialogField> fields) {
        this.title = title;
        this.fields = fields;
    }

    /** The values by input name, images still as ImagePlus; null when the user cancelled the dialog. */
    Map<String, Object> ask(String macroOptions) {
        Map<String, Object> values = macroOptions != null ? fromMacroOptions(" " + macroOptions + " ") : fromDialog();
        if (values != null) {
            for (DialogField f : fields) {
                validate(f, values.get(f.item().getName()));
            }
        }
        return values;
    }

    private Map<String, Object> fromMacroOptions(String options) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (DialogField f : fields) {
            String text = Macro.getValue(options, f.key(), null);
            Object value;
            switch (f.kind()) {
                case BOOLEAN:
                    value = text != null ? Boolean.parseBoolean(text) : hasWord(options, f.key());
                    break;
                case INTEGER:
                case NUMBER:
                    value = text == null ? f.initial() : parseNumber(f, text);
                    break;
                case IMAGE:
                    // an optional image (mask, reference, ...) is absent unless its key is given
                    value = text == null ? (f.item().isRequired() ? currentImage(f) : null) : image(f, text);
                    break;
                case FILE:
                    value = text == null ? f.initial() : new File(text);
                    break;
                default:
                    value = text == null ? f.initial() : text;
            }
            values.put(f.item().getName(), value);
        }
        return values;
    }

    private Map<String, Object> fromDialog() {
        GenericDialog dialog = new GenericDialog(title);
        for (DialogField f : fields) {
            Object initial = f.initial();
            switch (f.kind()) {
                case INTEGER:
                    dialog.addNumericField(f.label(), initial == null ? 0 : ((Number) initial).doubleValue(), 0);
                    break;
                case NUMBER:
                    double v = initial == null ? 0 : ((Number) initial).doubleValue();
                    dialog.addNumericField(f.label(), v, decimals(v));
                    break;
                case BOOLEAN:
                    dialog.addCheckbox(f.label(), Boolean.TRUE.equals(initial));
                    break;
                case CHOICE:
                    String[] items = f.choices().toArray(new String[0]);
                    String selected = initial != null && f.choices().contains(initial.toString())
                        ? initial.toString() : items[0];
                    dialog.addChoice(f.label(), items, selected);
                    break;
                case IMAGE:
                    if (WindowManager.getImageCount() == 0) {
                        throw new IllegalArgumentException(f.label() + ": no image is open; open or create one first");
                    }
                    ImagePlus current = WindowManager.getCurrentImage();
                    if (f.item().isRequired()) {
                        dialog.addImageChoice(f.label(), current == null ? null : current.getTitle());
                    } else {
                        String[] titles = WindowManager.getImageTitles();
                        String[] choices = new String[titles.length + 1];
                        choices[0] = NO_IMAGE;
                        System.arraycopy(titles, 0, choices, 1, titles.length);
                        dialog.addChoice(f.label(), choices, NO_IMAGE);
                    }
                    break;
                case FILE:
                    dialog.addFileField(f.label(), initial == null ? "" : initial.toString());
                    break;
                default:
                    dialog.addStringField(f.label(), initial == null ? "" : initial.toString(), 20);
            }
        }
        dialog.showDialog();
        if (dialog.wasCanceled()) {
            return null;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (DialogField f : fields) {
            Object value;
            switch (f.kind()) {
                case INTEGER:
                case NUMBER:
                    double number = dialog.getNextNumber();
                    value = Double.isNaN(number) ? null : convertNumber(f, number);
                    break;
                case BOOLEAN:
                    value = dialog.getNextBoolean();
                    break;
                case CHOICE:
                    value = dialog.getNextChoice();
                    break;
                case IMAGE:
                    if (f.item().isRequired()) {
                        value = dialog.getNextImage();
                    } else {
                        String chosen = dialog.getNextChoice();
                        value = NO_IMAGE.equals(chosen) ? null : image(f, chosen);
                    }
                    break;
                case FILE:
                    String path = dialog.getNextString().trim();
                    value = path.isEmpty() ? null : new File(path);
                    break;
                default:
                    value = dialog.getNextString();
            }
            if (value == null && (f.kind() == DialogField.Kind.NUMBER || f.kind() == DialogField.Kind.INTEGER)) {
                throw new IllegalArgumentException(f.key() + "= is not a number");
            }
            values.put(f.item().getName(), value);
        }
        return values;
    }

    private static int decimals(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? 1 : Math.abs(v) < 1e-3 ? 6 : 4;
    }

    private static boolean hasWord(String options, String key) {
        int from = 0;
        while (true) {
            int at = options.indexOf(key, from);
            if (at < 0) {
                return false;
            }
            int end = at + key.length();
            boolean startOk = at == 0 || options.charAt(at - 1) == ' ';
            boolean endOk = end == options.length() || options.charAt(end) == ' ';
            if (startOk && endOk) {
                return true;
            }
            from = at + 1;
        }
    }

    private static Object parseNumber(DialogField f, String text) {
        double number;
        try {
            number = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(f.key() + "=" + text + " is not a number");
        }
        return convertNumber(f, number);
    }

    /** The number as the input's Java type; whole-number inputs reject fractions instead of truncating. */
    private static Object convertNumber(DialogField f, double number) {
        Class<?> type = f.item().getType();
        if (f.kind() == DialogField.Kind.INTEGER && number != Math.rint(number)) {
            throw new IllegalArgumentException(f.key() + "=" + number + " must be a whole number");
        }
        if (type == int.class || type == Integer.class) {
            return (int) number;
        } else if (type == long.class || type == Long.class) {
            return (long) number;
        } else if (type == short.class || type == Short.class) {
            return (short) number;
        } else if (type == byte.class || type == Byte.class) {
            return (byte) number;
        } else if (type == float.class || type == Float.class) {
            return (float) number;
        }
        return number;
    }

    private static ImagePlus image(DialogField f, String title) {
        ImagePlus imp = WindowManager.getImage(title);
        if (imp == null) {
            throw new IllegalArgumentException(f.key() + "=[" + title + "]: no open image has this title");
        }
        return imp;
    }

    private static ImagePlus currentImage(DialogField f) {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null && f.item().isRequired()) {
            throw new IllegalArgumentException(f.key() + "= needs an open image, and none is open");
        }
        return imp;
    }

    private static void validate(DialogField f, Object value) {
        if (value == null) {
            if (f.item().isRequired() && f.kind() != DialogField.Kind.TEXT) {
                throw new IllegalArgumentException(f.key() + "= is required");
            }
            return;
        }
        if (value instanceof Number number) {
            double v = number.doubleValue();
            Object min = f.item().getMinimumValue();
            Object max = f.item().getMaximumValue();
            if (min instanceof Number m && v < m.doubleValue()) {
                throw new IllegalArgumentException(f.key() + "=" + format(v) + " is below the minimum " + min);
            }
            if (max instanceof Number m && v > m.doubleValue()) {
                throw new IllegalArgumentException(f.key() + "=" + format(v) + " is above the maximum " + max);
            }
        }
        if (f.kind() == DialogField.Kind.CHOICE && !f.choices().contains(value.toString())) {
            throw new IllegalArgumentException(f.key() + "=" + value + " is not one of " + f.choices());
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
