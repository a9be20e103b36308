// Main demo: reconstructs test-data/ct (sinograms) and test-data/mri-demo (k-space) with classical solvers and the
// shipped pretrained learned solvers, writing images plus metrics tables (ct/metrics.csv, mri/metrics.csv).
// Argument: "testDataDir outputDir [ctModel]" (ctModel: the CT demo's LGD model, default the shipped lgd-ct30).
// Headless, from the repository root:
//   mvn -B -q package -DskipTests && cd target/imagej && timeout 900 xvfb-run -a java -jar ij.jar -ijpath . \
//     -batch ../../macros/demo.ijm "../../test-data ../../target/demo"
args = split(getArgument(), " ");
if (args.length < 2 || args.length > 3) exit("Argument: \"testDataDir outputDir [ctModel]\"");
data = args[0]; out = args[1];
ctModel = "";
if (args.length == 3) ctModel = " " + args[2];
here = File.getParent(getInfo("macro.filepath"));
File.makeDirectory(out);
runMacro(here + File.separator + "ct-demo.ijm", data + File.separator + "ct " + out + File.separator + "ct" + ctModel);
close("*"); // each demo opens its own "reference": none may be left over
runMacro(here + File.separator + "mri-demo.ijm", data + File.separator + "mri-demo " + out + File.separator + "mri");
print("Demo done: " + out + " (ct/metrics.csv, mri/metrics.csv)");
