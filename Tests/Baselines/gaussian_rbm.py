#!/usr/bin/env python3
"""NumPy baseline of the Gaussian RBM of SPEC §2.2 (arXiv:2407.16427, 2412.20496).

Same mathematics as dyson's `gaussian_rbm` model: periodic lattice of N sites with mass m,
K = (2 + m²)1 − shifts, weights W (N_h × N), fixed μ, σ_h² = 1; |B| persistent chains starting at
φ = 1; per update one h-sample, then k × (φ-sample, h-sample); W ← W + α(W K⁻¹ − W Ĉ), Ĉ the mean
of φφᵀ over the chains. Prints one JSON line with the timing (training loop only).

    --impl paper       loop over seeds and updates, vectorised over the chains (research-script style)
    --impl vectorised  all seeds at once: arrays [seeds, chains, N], batched matmul
    --kernel composed  (vectorised only) the k sweeps drawn at once from their exact law, as dyson
                       does: φ ← Mᵏφ + Lξ, M = WᵀW/μ², L Lᵀ = (M S + S)/μ², S = Σ_{j<k} M²ʲ
"""
import argparse
import json
import time

import numpy as np


def lattice_precision(n, mass):
    k = (2 + mass * mass) * np.eye(n)
    for i in range(n):
        k[i, (i + 1) % n] -= 1
        k[i, (i - 1) % n] -= 1
    return k


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--impl", choices=["paper", "vectorised"], default="vectorised")
    p.add_argument("--seeds", type=int, default=64)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--sites", type=int, default=10)
    p.add_argument("--hidden", type=int, default=10)
    p.add_argument("--mass", type=float, default=2.0)
    p.add_argument("--visible-mass", type=float, default=3.0)
    p.add_argument("--learning-rate", type=float, default=0.1)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--gibbs", type=int, default=3)
    p.add_argument("--kernel", choices=["gibbs", "composed"], default="gibbs")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    n, nh, b, mu2 = a.sites, a.hidden, a.batch_size, a.visible_mass ** 2
    k_inv = np.linalg.inv(lattice_precision(n, a.mass))
    sd_phi = 1 / np.sqrt(mu2)

    start = time.perf_counter()
    if a.impl == "paper":
        final = []
        for _ in range(a.seeds):
            w = 0.1 * rng.standard_normal((nh, n))
            phi = np.ones((b, n))
            for _ in range(a.steps):
                h = phi @ w.T + rng.standard_normal((b, nh))
                for _ in range(a.gibbs):
                    phi = h @ w / mu2 + sd_phi * rng.standard_normal((b, n))
                    h = phi @ w.T + rng.standard_normal((b, nh))
                c = phi.T @ phi / b
                w = w + a.learning_rate * (w @ k_inv - w @ c)
            final.append(w)
        w = np.array(final)
    elif a.kernel == "composed":
        s = a.seeds
        w = 0.1 * rng.standard_normal((s, nh, n))
        phi = np.ones((s, b, n))
        eye = np.eye(n)
        for _ in range(a.steps):
            m = w.transpose(0, 2, 1) @ w / mu2
            mk = m
            for _ in range(a.gibbs - 1):
                mk = mk @ m
            m2 = m @ m
            power, total = np.broadcast_to(eye, m.shape), np.broadcast_to(eye, m.shape).copy()
            for _ in range(a.gibbs - 1):
                power = power @ m2
                total += power
            sigma = (m @ total + total) / mu2
            chol = np.linalg.cholesky(0.5 * (sigma + sigma.transpose(0, 2, 1)))
            phi = phi @ mk.transpose(0, 2, 1) + rng.standard_normal((s, b, n)) @ chol.transpose(0, 2, 1)
            c = phi.transpose(0, 2, 1) @ phi / b
            w = w + a.learning_rate * (w @ k_inv - w @ c)
    else:
        s = a.seeds
        w = 0.1 * rng.standard_normal((s, nh, n))
        phi = np.ones((s, b, n))
        for _ in range(a.steps):
            h = phi @ w.transpose(0, 2, 1) + rng.standard_normal((s, b, nh))
            for _ in range(a.gibbs):
                phi = h @ w / mu2 + sd_phi * rng.standard_normal((s, b, n))
                h = phi @ w.transpose(0, 2, 1) + rng.standard_normal((s, b, nh))
            c = phi.transpose(0, 2, 1) @ phi / b
            w = w + a.learning_rate * (w @ k_inv - w @ c)
    seconds = time.perf_counter() - start

    x = np.linalg.eigvalsh(w.transpose(0, 2, 1) @ w)
    kappa = np.sort(np.linalg.eigvalsh(lattice_precision(n, a.mass)))
    print(json.dumps({
        "impl": a.impl, "kernel": a.kernel, "seeds": a.seeds, "steps": a.steps, "seed_steps": a.seeds * a.steps,
        "seconds": seconds, "seed_steps_per_second": a.seeds * a.steps / seconds,
        "lambda_mean": sorted((mu2 - x.mean(axis=0)).tolist()), "kappa": kappa.tolist(),
    }))


if __name__ == "__main__":
    main()
