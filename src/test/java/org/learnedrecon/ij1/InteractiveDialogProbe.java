package org.learnedrecon.ij1;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import java.awt.Choice;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;

/**
 * Drives the bridge's interactive path on a (virtual) display, as a user would: opens Phantom... from the menu
 * entry's class, waits for the GenericDialog, changes type and size, presses OK, and prints what was shown.
 * Run by {@link InteractiveDialogIT} in its own JVM under xvfb-run; exit code 0 = success.
 */
public final class InteractiveDialogProbe {

    private InteractiveDialogProbe() {
    }

    public static void main(String[] args) throws Exception {
        Thread plugin = new Thread(() -> new CommandBridge().run("org.learnedrecon.commands.PhantomCommand"),
            "Phantom... dialog");
        plugin.start();
        GenericDialog dialog = null;
        for (int i = 0; i < 600 && dialog == null; i++) {
            for (Window w : Window.getWindows()) {
                if (w instanceof GenericDialog gd && gd.isShowing()) {
                    dialog = gd;
                }
            }
            Thread.sleep(50);
        }
        if (dialog == null) {
            System.out.println("PROBE no dialog appeared");
            System.exit(2);
        }
        Choice type = (Choice) dialog.getChoices().get(0);
        TextField size = (TextField) dialog.getNumericFields().get(0);
        TextField seed = (TextField) dialog.getNumericFields().get(2);
        System.out.println("PROBE dialog=" + dialog.getTitle() + " choices=" + type.getItemCount() + " size="
            + size.getText().trim() + " seed=" + seed.getText().trim());
        type.select("Random ellipses");
        size.setText("40");
        seed.setText("3");
        GenericDialog shown = dialog;
        java.awt.EventQueue.invokeAndWait(() -> shown.actionPerformed(
            new ActionEvent(shown.getButtons()[0], ActionEvent.ACTION_PERFORMED, "OK")));
        plugin.join(60_000);
        ImagePlus imp = WindowManager.getCurrentImage();
        System.out.println("PROBE image=" + (imp == null ? "none" : imp.getTitle() + " " + imp.getWidth() + "x"
            + imp.getHeight() + " info=" + imp.getProperty("Info").toString().replace('\n', ';')));
        System.exit(imp != null ? 0 : 3);
    }
}
