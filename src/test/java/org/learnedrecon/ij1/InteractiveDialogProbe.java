package org.learnedrecon.ij1;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import java.awt.AWTEvent;
import java.awt.Choice;
import java.awt.EventQueue;
import java.awt.TextField;
import java.awt.Toolkit;
import java.awt.event.ActionEvent;
import java.awt.event.WindowEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives the bridge's interactive path on a (virtual) display, as a user would: opens Phantom... from the menu
 * entry's class, waits for the GenericDialog, changes type and size, presses OK, and prints what was shown.
 * Run by {@link InteractiveDialogIT} in its own JVM under xvfb-run; exit code 0 = success, and any exception exits
 * at once with code 1 (the plugin thread is a daemon, so nothing keeps a failed probe alive).
 *
 * <p>The probe waits for the dialog's {@code WINDOW_OPENED} event and reads and changes it on the event dispatch
 * thread. It used to poll {@code Window.getWindows()} for a dialog whose {@code isShowing()} was true from the main
 * thread: a window is listed from its constructor on, and that unsynchronised read could see the Phantom dialog
 * while it was still being built (title null, no components), which failed about one run in three.
 */
public final class InteractiveDialogProbe {

    private InteractiveDialogProbe() {
    }

    public static void main(String[] args) {
        try {
            System.exit(probe());
        } catch (Throwable e) {
            System.out.println("PROBE failed: " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static int probe() throws Exception {
        CompletableFuture<GenericDialog> opened = new CompletableFuture<>();
        Toolkit.getDefaultToolkit().addAWTEventListener(event -> {
            if (event.getID() == WindowEvent.WINDOW_OPENED && event.getSource() instanceof GenericDialog gd) {
                opened.complete(gd);
            }
        }, AWTEvent.WINDOW_EVENT_MASK);
        Thread plugin = new Thread(() -> new CommandBridge().run("org.learnedrecon.commands.PhantomCommand"),
            "Phantom... dialog");
        plugin.setDaemon(true);
        plugin.start();
        GenericDialog dialog = opened.get(60, TimeUnit.SECONDS);
        EventQueue.invokeAndWait(() -> {
            Choice type = (Choice) dialog.getChoices().get(0);
            TextField size = (TextField) dialog.getNumericFields().get(0);
            TextField seed = (TextField) dialog.getNumericFields().get(2);
            System.out.println("PROBE dialog=" + dialog.getTitle() + " choices=" + type.getItemCount() + " size="
                + size.getText().trim() + " seed=" + seed.getText().trim());
            type.select("Random ellipses");
            size.setText("40");
            seed.setText("3");
            dialog.actionPerformed(new ActionEvent(dialog.getButtons()[0], ActionEvent.ACTION_PERFORMED, "OK"));
        });
        plugin.join();
        ImagePlus imp = WindowManager.getCurrentImage();
        System.out.println("PROBE image=" + (imp == null ? "none" : imp.getTitle() + " " + imp.getWidth() + "x"
            + imp.getHeight() + " info=" + imp.getProperty("Info").toString().replace('\n', ';')));
        return imp != null ? 0 : 3;
    }
}
