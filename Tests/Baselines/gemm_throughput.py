#!/usr/bin/env python3
"""Measured dgemm throughput of the system OpenBLAS that dyson links (libopenblas via LAPACKE),
called through ctypes exactly as BLAS.gemm calls it (row-major cblas_dgemm), and the GEMM flop
count of one training step of dyson's transformer, to express training speed as a fraction of it.

Prints one JSON line: GFLOP/s for square n³ products and for the training step's own shapes,
and flops per token of the default configuration.
"""
import argparse, ctypes, ctypes.util, json, time
import numpy as np

lib = ctypes.CDLL("libopenblas.so.0")
lib.openblas_set_num_threads.argtypes = [ctypes.c_int]
P = ctypes.POINTER(ctypes.c_double)
lib.cblas_dgemm.argtypes = [ctypes.c_int] * 6 + [ctypes.c_double, P, ctypes.c_int, P, ctypes.c_int, ctypes.c_double, P, ctypes.c_int]


def gemm_rate(m, n, k, trans_b=False, seconds=1.0):
    a = np.random.rand(m, k); b = np.random.rand(n, k) if trans_b else np.random.rand(k, n); c = np.zeros((m, n))
    args = (101, 111, 112 if trans_b else 111, m, n, k, 1.0, a.ctypes.data_as(P), k, b.ctypes.data_as(P),
            k if trans_b else n, 0.0, c.ctypes.data_as(P), n)
    lib.cblas_dgemm(*args)
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        lib.cblas_dgemm(*args); reps += 1
    return 2.0 * m * n * k * reps / (time.perf_counter() - start) / 1e9


def step_flops(L, C, T, B, V, hidden_ratio=4):
    """GEMM flops of one forward + backward step (backward = 2 × forward for every product)."""
    N = B * T; H = hidden_ratio * C
    per_layer = 2 * N * (3 * C * C + C * C + 2 * C * H) + 2 * 2 * N * T * C  # linears + QKᵀ, PV (full T×T)
    forward = L * per_layer + 2 * N * C * V
    return 3 * forward


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--vocabulary", type=int, default=40)
    a = ap.parse_args()
    lib.openblas_set_num_threads(a.threads)
    L, C, T, B = 4, 128, 64, 16
    N = B * T
    result = {"threads": a.threads,
              "square_1024": gemm_rate(1024, 1024, 1024),
              "qkv_forward_1024x384x128": gemm_rate(N, 3 * C, C, trans_b=True),
              "mlp_forward_1024x512x128": gemm_rate(N, 4 * C, C, trans_b=True),
              "attention_64x64x32": gemm_rate(T, T, C // 4, trans_b=True),
              "default_step_gflop": step_flops(L, C, T, B, a.vocabulary) / 1e9,
              "default_flops_per_token": step_flops(L, C, T, B, a.vocabulary) / N}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
