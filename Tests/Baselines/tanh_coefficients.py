#!/usr/bin/env python3
"""Coefficients of the rational tanh of dyson's tanh network (`TanhNetwork.tanh`).

After Cody–Waite reduction 2|x| = −k ln 2 + s, |s| ≤ ln2/2, the kernel needs
c(s) = s coth(s/2) = 2 + z Q(z), z = s² ∈ [0, (ln2/2)²], an even function (fdlibm's exp uses the
same form). Q is fitted here by a degree-4 Chebyshev approximation (mpmath `chebyfit`, near
minimax) in 50-digit arithmetic; the coefficients are then rounded to doubles and the relative
error of 2 + z Q(z) against c is measured at 2 001 equally spaced z in 50-digit arithmetic
(≤ 3.5e-18, i.e. 0.03 ulp). Degree 3 would give 4e-15 (18 ulp): too coarse.

Prints the coefficients (highest degree first, as Swift literals) and the measured errors.
"""
import mpmath as mp

mp.mp.dps = 50
Z_MAX = (mp.log(2) / 2) ** 2


def c_exact(z):
    if z == 0:
        return mp.mpf(2)
    s = mp.sqrt(z)
    return s * mp.coth(s / 2)


def q_exact(z):
    return mp.mpf(1) / 6 if z == 0 else (c_exact(z) - 2) / z


def main():
    for degree in (3, 4):
        poly, fit_error = mp.chebyfit(q_exact, [0, Z_MAX], degree + 1, error=True)
        coefficients = [float(p) for p in poly]
        worst = mp.mpf(0)
        for i in range(2001):
            z = Z_MAX * i / 2000
            q = mp.mpf(0)
            for a in coefficients:
                q = q * z + mp.mpf(a)
            worst = max(worst, abs(2 + z * q - c_exact(z)) / c_exact(z))
        print(f"degree {degree}: coefficients (highest first) {[repr(a) for a in coefficients]}")
        print(f"  Chebyshev fit error of Q {mp.nstr(fit_error, 3)}, "
              f"max relative error of c with double coefficients {mp.nstr(worst, 3)}")


if __name__ == "__main__":
    main()
