// MRI demo: reconstructs test-data/mri-demo (brain slices, single-coil random-line k-space at 4x and 8x) with
// zero-filled, L1-wavelet and TV (default lambdas) and the three learned solvers (Unrolled, Plug-and-play, U-Net
// post-processing; model=auto takes the shipped model of each that fits the k-space's acceleration and centre),
// saves each reconstruction as TIFF and all PSNR/SSIM values (magnitude against reference.tif, data range max - min of
// the reference) as metrics.csv. The masks come from the k-space files' Info metadata (mri.* keys written by Simulate
// MRI Acquisition); the demo's mask (seed 2026) is not one the shipped models were trained on.
// Argument: "inputDir outputDir". Headless: xvfb-run -a java -jar ij.jar -ijpath . -batch mri-demo.ijm "in out"
args = split(getArgument(), " ");
in = args[0];
out = args[1];
if (!endsWith(in, File.separator)) in = in + File.separator;
if (!endsWith(out, File.separator)) out = out + File.separator;
File.makeDirectory(out);
setBatchMode(true);
open(in + "reference.tif");
rename("reference");
csv = "acceleration,solver,slice,psnr,ssim\n";
accelerations = newArray("4x", "8x");
solvers = newArray("Zero-filled", "Wavelet", "TV", "Unrolled", "Plug-and-play", "U-Net post-processing");
files = newArray("zero-filled", "wavelet", "tv", "unrolled", "pnp", "unet");
for (a = 0; a < accelerations.length; a++) {
    open(in + "kspace-" + accelerations[a] + ".tif");
    rename("kspace");
    for (s = 0; s < solvers.length; s++) {
        options = "kspace=kspace solver=[" + solvers[s] + "] iterations=150 reference=reference";
        if (s >= 3) options = "kspace=kspace solver=[" + solvers[s] + "] model=auto reference=reference";
        start = getTime();
        run("Reconstruct MRI...", options);
        seconds = (getTime() - start) / 1000;
        saveAs("Tiff", out + files[s] + "-" + accelerations[a] + ".tif");
        close();
        table = "MRI metrics " + solvers[s];
        if (solvers[s] == "Wavelet") table = "MRI metrics L1-wavelet";
        n = Table.size(table);
        for (r = 0; r < n; r++) {
            slice = "mean";
            if (r < n - 1) slice = "" + (r + 1);
            csv = csv + accelerations[a] + "," + files[s] + "," + slice + ","
                + d2s(Table.get("PSNR (dB)", r, table), 4) + "," + d2s(Table.get("SSIM", r, table), 4) + "\n";
        }
        print(accelerations[a] + " " + solvers[s] + ": mean PSNR " + d2s(Table.get("PSNR (dB)", n - 1, table), 2)
            + " dB, SSIM " + d2s(Table.get("SSIM", n - 1, table), 4) + " in " + d2s(seconds, 1) + " s");
        close(table);
    }
    close("kspace");
}
close("reference");
File.saveString(csv, out + "metrics.csv");
print("Saved " + out + "metrics.csv");
