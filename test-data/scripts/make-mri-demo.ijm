// Builds test-data/mri-demo deterministically with Learned Reconstruction's own Simulate MRI command:
// reference.tif = brain T1 validation slices 10, 30, 50, 70 (0-based) of brain-t1-val-128.tif (128 x 128, [0, 1]);
// kspace-4x.tif / mask-4x.tif: random lines, 4x, centre 8 %, 1 % noise, seed 2026, single coil;
// kspace-8x.tif / mask-8x.tif: random lines, 8x, centre 4 %, 1 % noise, seed 2026, single coil.
// Argument: "datasetTif outputDir". Run from target/imagej (after mvn package):
//   xvfb-run -a java -jar ij.jar -ijpath . -batch ../../test-data/scripts/make-mri-demo.ijm \
//     "/work/shared/datasets/brain-t1-val-128.tif ../../test-data/mri-demo"
args = split(getArgument(), " ");
dataset = args[0];
dir = args[1];
if (!endsWith(dir, File.separator)) dir = dir + File.separator;
setBatchMode(true);
open(dataset);
source = getTitle();
run("Make Substack...", "slices=11,31,51,71");
rename("reference");
close(source);
selectImage("reference");
saveAs("Tiff", dir + "reference.tif");
rename("reference");
accelerations = newArray(4, 8);
centres = newArray(0.08, 0.04);
for (i = 0; i < 2; i++) {
    run("Simulate MRI Acquisition...", "image=reference mask=[Random lines] acceleration=" + accelerations[i]
        + " center=" + centres[i] + " coils=1 noise=0.01 seed=2026");
    selectImage("reference k-space");
    saveAs("Tiff", dir + "kspace-" + accelerations[i] + "x.tif");
    close();
    selectImage("reference mask");
    saveAs("Tiff", dir + "mask-" + accelerations[i] + "x.tif");
    close();
}
print("Saved MRI demo data to " + dir);
