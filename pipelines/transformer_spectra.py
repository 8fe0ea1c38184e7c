#!/usr/bin/env python3
"""Per-layer spectral report of a transformer run file (dyson.run, model = "transformer").

For every analysed matrix W (layer<l>_query/key/value/attention_output/mlp_in/mlp_out) at every
snapshot: the eigenvalues x of X = WᵀW/n (n ≥ p the longer side; WWᵀ for mlp_out), and
- a Marchenko–Pastur fit (q, σ²) by bias-corrected moments with outliers above
  λ₊ + 5 s_TW trimmed iteratively — the estimator of Sources/Fitting/MarchenkoPastur.swift;
- the number of outliers above the edge of the *initial* fit and λ_max/λ₊(initial);
- a Hill estimate of the tail exponent of the density from the top 10 % of levels;
- the bulk unfolded with the analytic MP CDF of the initial fit, u_i = p·F₀(x_i), the
  nearest-neighbour spacings normalised to mean 1, their KS distance to the Wigner surmise
  (β = 1) and to Poisson, and ⟨r̃⟩ (GOE 0.5307, Poisson 0.3863).
Writes Markdown to stdout (or --output), with a text histogram of KᵀK per layer at several times.
"""
import argparse, sys
import h5py
import numpy as np

KINDS = ["query", "key", "value", "attention_output", "mlp_in", "mlp_out"]


def edges(q, v):
    r = np.sqrt(q)
    return v * (1 - r) ** 2, v * (1 + r) ** 2


def mp_cdf(x, q, v):
    lo, hi = edges(q, v)
    x = np.clip(x, lo, hi)
    m, h = v * (1 + q), 2 * v * np.sqrt(q)
    th = np.arccos(np.clip((m - x) / h, -1, 1))
    val = h * np.sin(th) + m * th
    if lo > 0:
        with np.errstate(divide="ignore", invalid="ignore"):  # θ = π at the upper edge: arctan(∞) = π/2
            val -= 2 * np.sqrt(lo * hi) * np.arctan(np.sqrt(hi / lo) * np.sin(th) / (1 + np.cos(th)))
    return np.clip(val / (2 * np.pi * v * q), 0, 1)


def mp_fit(x, tolerance=5.0):
    x = np.sort(x)
    bulk = len(x)
    for _ in range(20):
        b = x[:bulk]
        m1 = b.mean(); var = b.var()
        q = min(var / m1 ** 2 * bulk / (bulk + 1), 1.0); v = m1
        n = bulk / q
        tw = v * (1 + np.sqrt(q)) * (1 + 1 / np.sqrt(q)) ** (1 / 3) * n ** (-2 / 3)
        threshold = edges(q, v)[1] + tolerance * tw
        new = int(np.searchsorted(x, threshold, side="right"))
        if new == bulk:
            break
        bulk = new
    return q, v, x[bulk:], threshold


def hill(x, fraction=0.1):
    x = np.sort(x)[::-1]
    k = max(3, int(len(x) * fraction))
    return 1 + k / np.sum(np.log(x[:k] / x[k]))  # density exponent: rho(x) ~ x^(-alpha)


def ks(sample, cdf):
    s = np.sort(sample); n = len(s)
    f = cdf(s)
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


def spectrum(w, kind):
    rows, cols = w.shape
    n = max(rows, cols)
    return np.linalg.svd(w, compute_uv=False) ** 2 / n, min(rows, cols) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run"); ap.add_argument("--output")
    a = ap.parse_args()
    f = h5py.File(a.run, "r")
    if f.attrs["schema"] != "dyson.run" or f.attrs.get("model") != "transformer":
        sys.exit(f"Error: {a.run}: not a dyson.run file of model transformer")
    steps = f["step"][:]; loss = f["loss"][:, 0]
    layers = int(f["layers"][()])
    out = [f"# Transformer weight spectra: {a.run}\n", "| step | validation loss (nats/char) |", "|---|---|"]
    out += [f"| {s} | {l:.4f} |" for s, l in zip(steps, loss)]
    out += ["", "Per matrix and snapshot: MP fit (q, σ²/0.02²), outliers above the initial fit's edge, "
            "λ_max/λ₊(init), Hill tail exponent, unfolded-spacing KS distance to Wigner / Poisson, ⟨r̃⟩ "
            "(GOE 0.5307, Poisson 0.3863).", "",
            "| matrix | step | q | σ²/σ₀² | outliers | λmax/λ₊ | tail α | KS Wigner | KS Poisson | ⟨r̃⟩ |", "|---|---|---|---|---|---|---|---|---|---|"]
    wigner = lambda s: 1 - np.exp(-np.pi * s * s / 4)
    poisson = lambda s: 1 - np.exp(-s)
    histograms = []
    for l in range(layers):
        for kind in KINDS:
            name = f"layer{l}_{kind}"
            data = f[name]
            x0, q_true = spectrum(data[0, 0], kind)
            q0, v0, _, _ = mp_fit(x0)
            lo0, hi0 = edges(q0, v0)
            for k, step in enumerate(steps):
                x, _ = spectrum(data[k, 0], kind)
                q, v, outliers, _ = mp_fit(x)
                p = len(x)
                bulk = x[(x > lo0) & (x < hi0)]
                u = np.sort(p * mp_cdf(bulk, q0, v0))
                trim = max(1, len(u) // 10)
                sp = np.diff(u[trim:-trim]) if len(u) > 2 * trim + 2 else np.array([1.0])
                sp = sp / sp.mean()
                gaps = np.diff(np.sort(x))[trim:-trim]
                r = np.minimum(gaps[1:], gaps[:-1]) / np.maximum(gaps[1:], gaps[:-1])
                out.append(f"| {name} | {step} | {q:.3f} | {v / 0.02 ** 2:.3f} | {int(np.sum(x > hi0))} | "
                           f"{x.max() / hi0:.2f} | {hill(x):.2f} | {ks(sp, wigner):.3f} | {ks(sp, poisson):.3f} | {np.nanmean(r):.3f} |")
                if kind == "key" and k in (0, len(steps) // 2, len(steps) - 1):
                    histograms.append((name, step, x, q0, v0))
    out += ["", "## Density of X = KᵀK/C against the Marchenko–Pastur law of its initialisation", ""]
    for name, step, x, q0, v0 in histograms:
        lo, hi = edges(q0, v0)
        top = max(x.max(), hi) * 1.001
        bins = np.linspace(0, top, 21)
        counts, _ = np.histogram(x, bins)
        mp = np.diff(mp_cdf(bins, q0, v0)) * len(x)
        out += [f"{name}, step {step} (MP₀: q = {q0:.3f}, σ² = {v0:.3g}; # = measured, · = MP₀ count)", "```"]
        for i in range(20):
            out.append(f"{bins[i]:9.2e} {counts[i]:4d} {mp[i]:6.1f} " + "#" * int(counts[i]) + ("·" if mp[i] >= 0.5 else ""))
        out += ["```", ""]
    text = "\n".join(out) + "\n"
    if a.output:
        open(a.output, "w").write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
