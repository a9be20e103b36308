// Builds test-data/ct/ (reference slices and simulated sinograms) with Learned Reconstruction's own commands.
// Deterministic: fixed slices, fixed noise seed. Argument: "datasetTif outputDir".
// From the repository root, after `mvn -o -q package -DskipTests`:
//   cd target/imagej && xvfb-run -a java -jar ij.jar -ijpath . -batch ../../test-data/scripts/make-ct-test-data.ijm \
//     "/work/shared/datasets/brain-t1-val-128.tif ../../test-data/ct"
args = split(getArgument(), " ");
if (args.length != 2) exit("Argument: \"datasetTif outputDir\"");
out = args[1];
if (!endsWith(out, File.separator)) out = out + File.separator;
setBatchMode(true);
open(args[0]);
source = getTitle();
// One validation slice from each part of the stack (80 slices: axial, coronal, sagittal blocks).
run("Make Substack...", "slices=5,25,45,65");
rename("reference");
run("32-bit");
setMetadata("Info", "source=brain-t1-val-128.tif slices 5,25,45,65 (1-based)\n");
saveAs("Tiff", out + "reference.tif");
rename("reference");
simulate("sinogram-30views", "angles=30 range=180");
simulate("sinogram-60views", "angles=60 range=180");
simulate("sinogram-90views-120deg", "angles=90 range=120");
print("Wrote " + out);

function simulate(name, keys) {
    selectImage("reference");
    run("Simulate CT Acquisition...", "image=reference geometry=[Parallel beam] " + keys
        + " detectors=0 noise=Gaussian level=0.01 seed=1234");
    saveAs("Tiff", out + name + ".tif");
    close();
}
