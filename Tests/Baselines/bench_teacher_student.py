#!/usr/bin/env python3
"""Side-by-side benchmark of `dyson simulate` against the NumPy baselines (SPEC §2.1).

Same configuration for all: N = 2, d = (2, 2), ε = 0.1, α = 0.1, |B| = 16, 10 epochs × 500
batches, data shared across seeds (the paper's choice). Each program is run REPEATS times and the
median is reported, since these machines are noisy; ratios are what BENCHMARKS.md records.

    python3 Tests/Baselines/bench_teacher_student.py [--dyson .build/release/dyson]
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
CONFIG = ["--learning-rate", "0.1", "--batch-size", "16", "--noise-std", "0.1", "--epochs", "10",
          "--batches-per-epoch", "500"]
NUMPY_ENV = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def dyson(binary, seeds, threads):
    """Returns (overall, training-and-writing) seed-steps per second of one `dyson simulate`."""
    with tempfile.TemporaryDirectory() as directory:
        out = subprocess.run([binary, "simulate", "--output", f"{directory}/run.h5", "--seeds", str(seeds),
                              "--threads", str(threads)] + CONFIG, capture_output=True, text=True, check=True).stdout
    overall, training = re.search(r"([\d.e+]+) seed-steps/s overall, ([\d.e+]+) training", out).groups()
    return float(overall), float(training)


def numpy(impl, seeds):
    """Returns (overall incl. set-up, training loop only) seed-steps per second of the baseline."""
    out = subprocess.run(["python3", str(HERE / "teacher_student.py"), "--impl", impl, "--seeds", str(seeds),
                          "--no-singular-values"], capture_output=True, text=True, check=True, env=NUMPY_ENV).stdout
    result = json.loads(out)
    return result["seed_steps"] / (result["seconds"] + result["setup_seconds"]), result["seed_steps_per_second"]


def median(runs):
    return tuple(statistics.median(values) for values in zip(*runs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dyson", default=str(HERE.parents[1] / ".build" / "release" / "dyson"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    r = args.repeats
    rows = {
        "dyson simulate, 3000 seeds, 2 threads": median([dyson(args.dyson, 3000, 2) for _ in range(r)]),
        "dyson simulate, 3000 seeds, 1 thread": median([dyson(args.dyson, 3000, 1) for _ in range(r)]),
        "NumPy paper-style loop, 200 seeds": median([numpy("paper", 200) for _ in range(1)]),
        "NumPy vectorised over seeds, 3000 seeds": median([numpy("vectorised", 3000) for _ in range(r)]),
    }
    print("| program | seed-steps/s overall | seed-steps/s training loop |")
    print("|---|---|---|")
    for name, (overall, loop) in rows.items():
        print(f"| {name} | {overall:.3g} | {loop:.3g} |")
    swift = rows["dyson simulate, 3000 seeds, 2 threads"]
    for name in ("NumPy paper-style loop, 200 seeds", "NumPy vectorised over seeds, 3000 seeds"):
        base = rows[name]
        print(f"\nratio dyson (2 threads) / {name}: overall {swift[0] / base[0]:.0f}x, training loop {swift[1] / base[1]:.1f}x")


if __name__ == "__main__":
    main()
