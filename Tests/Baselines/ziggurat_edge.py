#!/usr/bin/env python3
"""The edge r of dyson's ziggurat (`Ziggurat.r`) for a given number of layers (not a baseline).

The ziggurat covers f(x) = exp(−x²/2), x ≥ 0, with n layers of equal area
v(r) = r f(r) + ∫_r^∞ f = r f(r) + √(π/2) erfc(r/√2): the base [0, r] × [0, f(r)] plus the tail,
and rectangles [0, xᵢ] × [f(xᵢ), f(xᵢ₋₁)] from x_{n−1} = r down by the recurrence
f(xᵢ₋₁) = f(xᵢ) + v/xᵢ. The top layer [0, x₁] × [f(x₁), 1] has the area v only for one r: the
closure f(x₁) + v/x₁ = 1, solved here by bisection in 60-digit arithmetic (an r too small gives
layers too large, the recurrence overshoots f = 1 before x₁; an r too large leaves a gap).

Also prints the probability that a word leaves the fast path, (1/n) Σᵢ (1 − xᵢ₋₁/xᵢ) with the
base's equivalent width v/f(r) in place of x₀'s layer (its core is [0, r]): the continuous value,
which dyson's 2²¹-point grid matches to ~1e-7. G. Marsaglia, W. W. Tsang, J. Stat. Softw. 5(8)
(2000); n = 256 reproduces NumPy's `ziggurat_nor_r` 3.6541528853610088.

Usage: python3 Tests/Baselines/ziggurat_edge.py [layers ...]   (default 256 512 1024)
"""
import sys

import mpmath as mp

mp.mp.dps = 60


def f(x):
    return mp.exp(-x * x / 2)


def area(r):
    return r * f(r) + mp.sqrt(mp.pi / 2) * mp.erfc(r / mp.sqrt(2))


def edges(r, n):
    """x₀ … x_{n−1} (x₀ = 0), or None if the recurrence passes f = 1 above x₁ (r too small)."""
    v = area(r)
    x = [mp.mpf(0)] * n
    x[n - 1] = r
    for i in range(n - 1, 1, -1):
        y = f(x[i]) + v / x[i]
        if y >= 1:
            return None
        x[i - 1] = mp.sqrt(-2 * mp.log(y))
    return x


def closure(r, n):
    """f(x₁) + v/x₁ − 1: positive if r is too small, negative if too large."""
    x = edges(r, n)
    if x is None:
        return mp.mpf(1)
    return f(x[1]) + area(r) / x[1] - 1


def edge(n):
    low, high = mp.mpf(2), mp.mpf(8)
    for _ in range(230):  # 2⁻²³⁰ · 6 < 1e-68
        mid = (low + high) / 2
        if closure(mid, n) > 0:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def rejection(r, n):
    x, v = edges(r, n), area(r)
    base = 1 - r * f(r) / v
    return (base + sum(1 - x[i - 1] / x[i] for i in range(1, n))) / n


def main():
    for n in [int(a) for a in sys.argv[1:]] or [256, 512, 1024]:
        r = edge(n)
        v = area(r)
        print(f"{n} layers: r = {mp.nstr(r, 25)}, v = {mp.nstr(v, 17)}, "
              f"closure residual {mp.nstr(closure(r, n), 3)}, "
              f"fast-path rejection {mp.nstr(100 * rejection(r, n), 4)} %, "
              f"base width v/f(r) = {mp.nstr(v / f(r), 6)}, tail P(|z| > r) = {mp.nstr(mp.erfc(r / mp.sqrt(2)), 6)}")


if __name__ == "__main__":
    main()
