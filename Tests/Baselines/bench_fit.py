#!/usr/bin/env python3
"""Side-by-side benchmark of `dyson unfold` + `dyson fit` against the papers' recipe in
NumPy/SciPy (`fit_recipe.py`) on identical spectra: 16 ensembles of 3 000 two-level spectra.

The spectra are two levels of the direct Dyson Brownian motion (β = 1) at 16 temperatures,
made by `dyson run` on a pipeline written here. Both programs then estimate ⟨S⟩ with a
delete-one jackknife error per ensemble and test the Wigner surmise: dyson with its O(n)
jackknife, a Monte Carlo calibrated KS test, histograms, Brody ω and the density fits below;
the recipe by re-binning and refitting every replica. Wall and CPU (user + system) seconds are
medians over REPEATS runs of dyson and one run of the recipe (it takes about a minute).

    python3 Tests/Baselines/bench_fit.py [--dyson .build/release/dyson]
"""
import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
NUMPY_ENV = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
PIPELINE = """
[pipeline]
name = "bench-fit"
title = "benchmark spectra"
output = "{output}"

[simulate]
model = "dyson_brownian_motion"
seeds = 3000
run_seed = 7
centres = [0.0, 0.0]
time_step = 0.01
steps = 300
snapshot_every_steps = 300

[sweep]
temperature = [{temperatures}]

[snapshot]
matrix = "levels"
transform = "W"

[diagonalise]
quantity = "eigenvalues"

[unfold]
pairs = [[0, 1]]

[fit]
scaling_amplitude = "none"
"""


def timed(command, env=None):
    """(wall, cpu) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dyson", default=str(HERE.parents[1] / ".build" / "release" / "dyson"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        temperatures = ", ".join(f"{0.5 + 0.1 * k:.1f}" for k in range(16))
        pathlib.Path(f"{d}/bench.toml").write_text(PIPELINE.format(output=f"{d}/out", temperatures=temperatures))
        subprocess.run([args.dyson, "run", f"{d}/bench.toml"], check=True, capture_output=True)
        spectra = f"{d}/out/spectra.h5"
        pathlib.Path(f"{d}/unfold.toml").write_text("pairs = [[0, 1]]\n")
        pathlib.Path(f"{d}/fit.toml").write_text('scaling_amplitude = "none"\n')

        def dyson_once():
            unfold = timed([args.dyson, "unfold", spectra, "-o", f"{d}/u.h5", "--config", f"{d}/unfold.toml"])
            fit = timed([args.dyson, "fit", f"{d}/u.h5", "-o", f"{d}/f.h5", "--config", f"{d}/fit.toml"])
            return unfold[0] + fit[0], unfold[1] + fit[1]

        runs = [dyson_once() for _ in range(args.repeats)]
        dyson_wall, dyson_cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        recipe_wall, recipe_cpu = timed(["python3", str(HERE / "fit_recipe.py"), spectra, "--pair", "0", "1"], env=NUMPY_ENV)
    print("| program | wall s | CPU s |")
    print("|---|---|---|")
    print(f"| dyson unfold + fit | {dyson_wall:.3f} | {dyson_cpu:.3f} |")
    print(f"| NumPy/SciPy recipe (`fit_recipe.py`) | {recipe_wall:.1f} | {recipe_cpu:.1f} |")
    print(f"\nratio: {recipe_wall / dyson_wall:.0f}x wall, {recipe_cpu / dyson_cpu:.0f}x CPU")


if __name__ == "__main__":
    main()
