// CT demo: reconstructs test-data/ct/sinogram-30views.tif (4 brain slices, 30 parallel views over 180 degrees,
// 1% Gaussian noise; geometry read from the TIFF's Info) with FBP, TV and the four learned solvers (learned gradient
// descent, learned primal-dual, plug-and-play with a learned denoiser, U-Net post-processing; model=auto takes the
// shipped model of each that fits the sinogram), and sinogram-90views-120deg.tif (limited angle) with TV and U-Net
// post-processing; compares with reference.tif, and writes fbp.tif, tv.tif, lgd.tif, lpd.tif, pnp.tif, unet.tif,
// tv-120deg.tif, unet-120deg.tif and metrics.csv (columns solver, slice, PSNR, SSIM, data_range, seconds) into the
// output folder.
// Argument: "inputDir outputDir [model]" (no spaces inside the paths); model is the LGD model for 128x128 images and
// 30 views over 180 degrees: a pretrained model's name (default auto, i.e. lgd-ct30) or a model file path.
// Headless, from the repository root:
//   mvn -B -q package -DskipTests && cd target/imagej && xvfb-run -a java -jar ij.jar -ijpath . -batch \
//     ../../macros/ct-demo.ijm "../../test-data/ct ../../target/demo"
args = split(getArgument(), " ");
if (args.length < 2 || args.length > 3) exit("Argument: \"inputDir outputDir [model]\"");
in = args[0]; out = args[1];
model = "auto";
if (args.length == 3) model = args[2];
if (!endsWith(in, File.separator)) in = in + File.separator;
if (!endsWith(out, File.separator)) out = out + File.separator;
File.makeDirectory(out);
setBatchMode(true);
open(in + "reference.tif"); rename("reference");
open(in + "sinogram-30views.tif"); rename("sinogram");

Table.create("CT demo metrics");
reconstruct("FBP", "FBP", "sinogram", "filter=Hann", "fbp.tif");
reconstruct("TV", "TV", "sinogram", "iterations=100 lambda=1", "tv.tif");
reconstruct("Learned gradient descent", "Learned gradient descent", "sinogram", "model=[" + model + "]", "lgd.tif");
reconstruct("Learned primal-dual", "Learned primal-dual", "sinogram", "model=auto", "lpd.tif");
reconstruct("Plug-and-play", "Plug-and-play", "sinogram", "model=auto", "pnp.tif");
reconstruct("U-Net post-processing", "U-Net post-processing", "sinogram", "model=auto", "unet.tif");
// Limited angle: 90 views over 120 degrees, where the U-Net post-processing model wins most.
open(in + "sinogram-90views-120deg.tif"); rename("limited");
reconstruct("TV 120deg", "TV", "limited", "iterations=100 lambda=1", "tv-120deg.tif");
reconstruct("U-Net post-processing 120deg", "U-Net post-processing", "limited", "model=auto", "unet-120deg.tif");
close("limited");
Table.save(out + "metrics.csv", "CT demo metrics");
close("reference");
close("sinogram");
print("Wrote " + out + "metrics.csv");

// Runs Reconstruct CT with solver= on the sinogram titled sinogram, adds its per-slice metrics to the demo table
// under the row name label, and saves the reconstruction as file.
function reconstruct(label, solver, sinogram, keys, file) {
    t0 = getTime();
    run("Reconstruct CT...", "sinogram=" + sinogram + " solver=[" + solver + "] " + keys
        + " device=Auto reference=reference");
    seconds = (getTime() - t0) / 1000;
    saveAs("Tiff", out + file);
    close();
    metrics = "Metrics " + solver;
    n = Table.size(metrics);
    for (i = 0; i < n; i++) {
        row = Table.size("CT demo metrics");
        psnr = Table.get("PSNR", i, metrics);
        ssim = Table.get("SSIM", i, metrics);
        Table.set("solver", row, label, "CT demo metrics");
        Table.set("slice", row, i + 1, "CT demo metrics");
        Table.set("PSNR", row, psnr, "CT demo metrics");
        Table.set("SSIM", row, ssim, "CT demo metrics");
        Table.set("data_range", row, Table.get("data_range", i, metrics), "CT demo metrics");
        Table.set("seconds", row, seconds, "CT demo metrics");
        print(label + " slice " + (i + 1) + ": PSNR " + d2s(psnr, 2) + " dB, SSIM " + d2s(ssim, 4));
    }
    close(metrics);
}
