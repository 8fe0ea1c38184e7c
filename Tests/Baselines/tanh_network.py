#!/usr/bin/env python3
"""NumPy baseline of the multilayer tanh teacher–student network of SPEC §2.4 (arXiv:2509.01349).

Same mathematics as dyson's `tanh_network` model: x ∈ ℝ³ ~ N(0, I); frozen M ∈ ℝ^{L×3},
M_ij ~ N(0, 1/3) and Z ∈ ℝ^K, Z_k ~ N(0, 1/K); teacher W_t ~ N(0, 1/L); student
W ~ N(0, σ_W²/L); ŷ = Z·tanh(W tanh(M x)); all drawn anew per seed. Fixed data set of
|B| × batches samples, consecutive batches in the same order every epoch; per step
W ← W − α mean_{n∈B} δ_n s⁰_nᵀ, δ_n = (ŷ_n − y_n) Z ∘ (1 − tanh²(W s⁰_n)); a seed whose batch
loss exceeds the threshold stops. The frozen features s⁰ = tanh(M x) and teacher outputs are
precomputed, as dyson does. Prints one JSON line (training loop timed alone).

    --impl paper       loop over seeds and steps, vectorised over the batch (research-script style)
    --impl vectorised  all seeds at once: arrays [seeds, |B|, L], batched matmul
"""
import argparse
import json
import time

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--impl", choices=["paper", "vectorised"], default="vectorised")
    p.add_argument("--seeds", type=int, default=100)
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--inputs", type=int, default=3)
    p.add_argument("--input-features", type=int, default=32, help="L")
    p.add_argument("--hidden-units", type=int, default=16, help="K")
    p.add_argument("--learning-rate", type=float, default=1.0)
    p.add_argument("--initial-width", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--batches-per-epoch", type=int, default=1000)
    p.add_argument("--divergence-threshold", type=float, default=100.0)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    s, d, l, k, b, nb = a.seeds, a.inputs, a.input_features, a.hidden_units, a.batch_size, a.batches_per_epoch
    n = b * nb

    setup_start = time.perf_counter()
    m = rng.standard_normal((s, l, d)) / np.sqrt(d)
    z = rng.standard_normal((s, k)) / np.sqrt(k)
    wt = rng.standard_normal((s, k, l)) / np.sqrt(l)
    x = rng.standard_normal((s, n, d))
    s0 = np.tanh(x @ m.transpose(0, 2, 1))                               # [s, n, L]
    y = np.einsum("snk,sk->sn", np.tanh(s0 @ wt.transpose(0, 2, 1)), z)  # [s, n]
    w = a.initial_width / np.sqrt(l) * rng.standard_normal((s, k, l))
    setup = time.perf_counter() - setup_start

    alpha, threshold = a.learning_rate, a.divergence_threshold
    diverged = np.full(s, -1)
    start = time.perf_counter()
    if a.impl == "paper":
        for seed in range(s):
            ws, zs, fs, ys = w[seed], z[seed], s0[seed], y[seed]
            for step in range(a.steps):
                i = (step % nb) * b
                xb = fs[i:i + b]
                h = np.tanh(xb @ ws.T)
                e = h @ zs - ys[i:i + b]
                if 0.5 * np.mean(e * e) > threshold:
                    diverged[seed] = step
                    break
                delta = e[:, None] * zs[None, :] * (1 - h * h)
                ws -= (alpha / b) * (delta.T @ xb)
            w[seed] = ws
    else:
        active = np.ones(s, dtype=bool)
        for step in range(a.steps):
            i = (step % nb) * b
            xb = s0[:, i:i + b, :]                                       # [s, B, L]
            h = np.tanh(xb @ w.transpose(0, 2, 1))                       # [s, B, K]
            e = np.einsum("sbk,sk->sb", h, z) - y[:, i:i + b]
            loss = 0.5 * np.mean(e * e, axis=1)
            stop = active & (loss > threshold)
            diverged[stop] = step
            active &= ~stop
            delta = e[:, :, None] * z[:, None, :] * (1 - h * h)
            w -= (alpha / b) * active[:, None, None] * (delta.transpose(0, 2, 1) @ xb)
    seconds = time.perf_counter() - start

    h = np.tanh(s0 @ w.transpose(0, 2, 1))
    train_loss = 0.5 * np.mean((np.einsum("snk,sk->sn", h, z) - y) ** 2, axis=1)
    print(json.dumps({
        "impl": a.impl, "seeds": s, "steps": a.steps, "seed_steps": s * a.steps,
        "seconds": seconds, "setup_seconds": setup, "seed_steps_per_second": s * a.steps / seconds,
        "median_training_loss": float(np.median(train_loss)), "diverged": int((diverged >= 0).sum()),
    }))


if __name__ == "__main__":
    main()
