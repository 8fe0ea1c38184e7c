#!/usr/bin/env python3
"""Batched diagonalisation: dyson's drivers vs numpy.linalg on identical batches.

usage: python3 Tests/Baselines/bench_diagonalise.py [--bench .build/release/DiagonaliseBenchmark]
       [--threads 2] [--repeats 3] [--cases tiny_eigen,tiny_svd,large_eigen,large_svd]

Each case draws one seeded batch, saves it as .npy, times numpy.linalg.eigvalsh / svd
(compute_uv=False; best of --repeats, after one warm-up) in this process, then runs the Swift
benchmark binary on the same file with each driver and reports best times, the ratio
numpy / dyson and the largest |difference| of the levels relative to the matrix norm.
NumPy timings are taken with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset.
"""
import argparse, os, subprocess, sys, tempfile, time
for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(var, None)
import numpy as np

CASES = {
    # name: (kind, count, rows, cols, drivers)
    "tiny_eigen": ("eigen", 100_000, 10, 10, ["householder_ql", "dsyevd"]),
    "tiny_svd": ("singular", 10_000, 32, 16, ["householder_dqds", "householder_dbdsqr", "dgesdd"]),
    "large_eigen": ("eigen", 10, 1024, 1024, ["dsyevd", "dsyevr"]),
    "large_svd": ("singular", 1, 1536, 384, ["tsqr_dbdsqr", "dgesdd"]),
}

def best_of(f, repeats):
    f()
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=".build/release/DiagonaliseBenchmark")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cases", default=",".join(CASES))
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    print(f"numpy {np.__version__}; threads {args.threads}; best of {args.repeats}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.cases.split(","):
            kind, count, m, n, drivers = CASES[name]
            a = rng.standard_normal((count, m, n))
            if kind == "eigen":
                a = (a + np.swapaxes(a, -1, -2)) / 2
                f = lambda: np.linalg.eigvalsh(a)
            else:
                f = lambda: np.linalg.svd(a, compute_uv=False)
            t_np = best_of(f, args.repeats)
            ref = f()
            if kind == "singular":
                ref = ref[..., ::-1]
            path = os.path.join(tmp, f"{name}.npy")
            np.save(path, a)
            norm = np.linalg.norm(a, axis=(-2, -1)).max()
            for driver in drivers:
                for mode in (["reproducible", "threaded"] if count < args.threads else ["reproducible"]):
                    out = os.path.join(tmp, "out.bin")
                    cmd = [args.bench, path, kind, driver, str(args.threads), str(args.repeats), out] + (["threaded"] if mode == "threaded" else [])
                    t_sw = float(subprocess.check_output(cmd, text=True).strip())
                    got = np.fromfile(out, dtype=np.float64).reshape(ref.shape)
                    dev = np.abs(got - ref).max() / norm
                    print(f"{name:12s} {count}x({m}x{n}) {driver:20s} {mode:12s} numpy {t_np:9.4f} s  dyson {t_sw:9.4f} s  "
                          f"ratio {t_np / t_sw:6.2f}x  max|dlevel|/|A|_F {dev:.1e}", flush=True)

if __name__ == "__main__":
    main()
