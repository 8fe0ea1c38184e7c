#!/usr/bin/env python3
"""The papers' analysis recipe for degenerate-pair spacings, in NumPy/SciPy (SPEC §4.1, §4.5).

For each ensemble of spacings S (one per seed), as a research script following arXiv:2407.16427
does it:
  1. s = S/<S>; a Freedman-Diaconis histogram of S (numpy bins="fd"); <S> as the histogram mean
     sum(centres * counts) / n;
  2. the Wigner surmise P(S) = pi S / (2 m^2) exp(-pi S^2 / (4 m^2)) fitted to the histogram
     density with scipy.optimize.curve_fit (free m, starting at the histogram mean);
  3. a delete-one jackknife of both: every replica (one seed left out) re-bins its own FD
     histogram, recomputes the histogram mean and refits the surmise.
Prints one JSON line: ensembles, seeds, seconds, and per ensemble the histogram mean, the fitted
m and their jackknife errors.

    python3 Tests/Baselines/fit_recipe.py SPECTRA.h5 [--pair 0 1]
"""
import argparse
import json
import time

import h5py
import numpy as np
from scipy.optimize import curve_fit


def surmise(s, m):
    return np.pi * s / (2 * m * m) * np.exp(-np.pi * s * s / (4 * m * m))


def recipe(spacings):
    counts, edges = np.histogram(spacings, bins="fd")
    centres = (edges[:-1] + edges[1:]) / 2
    mean = float((centres * counts).sum() / counts.sum())
    density = counts / (counts.sum() * np.diff(edges))
    (m,), _ = curve_fit(surmise, centres, density, p0=[mean])
    return mean, float(m)


def jackknife(values):
    values = np.asarray(values)
    n = len(values)
    return float(np.sqrt((n - 1) / n * ((values - values.mean()) ** 2).sum()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("spectra")
    parser.add_argument("--pair", type=int, nargs=2, default=[0, 1])
    args = parser.parse_args()
    with h5py.File(args.spectra) as f:
        values = f["values"][:]
        ensemble = f["sample_ensemble"][:]
    lower, upper = args.pair
    start = time.perf_counter()
    results = []
    for e in np.unique(ensemble):
        s = values[ensemble == e, upper] - values[ensemble == e, lower]
        mean, m = recipe(s)
        replicas = [recipe(np.delete(s, i)) for i in range(len(s))]
        results.append({"histogram_mean": mean, "histogram_mean_error": jackknife([r[0] for r in replicas]),
                        "surmise_mean": m, "surmise_mean_error": jackknife([r[1] for r in replicas])})
    seconds = time.perf_counter() - start
    print(json.dumps({"ensembles": len(results), "seeds": int(len(values) / len(results)), "seconds": seconds,
                      "results": results}))


if __name__ == "__main__":
    main()
