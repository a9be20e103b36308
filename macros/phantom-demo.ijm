// Makes a 128 x 128 modified Shepp-Logan phantom with Learned Reconstruction and saves it as TIFF.
// Argument: the folder to write phantom.tif into (default: the ImageJ temporary folder).
// Headless: xvfb-run -a java -jar ij.jar -batch phantom-demo.ijm /some/folder
dir = getArgument();
if (dir == "") dir = getDirectory("temp");
if (!endsWith(dir, File.separator)) dir = dir + File.separator;
setBatchMode(true);
run("Phantom...", "type=Shepp-Logan size=128 slices=1 seed=42");
saveAs("Tiff", dir + "phantom.tif");
print("Saved " + dir + "phantom.tif, mean " + getValue("Mean"));
