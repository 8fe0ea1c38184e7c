"""The phase-diagram stage against an independent NumPy recomputation (SPEC §2.4).

Trains two small tanh_network grid points with `dyson simulate`, runs `dyson phase
--write-tables`, and recomputes every per-model observable and the Langevin classifier from
the run files' W (first and last snapshot) and teacher and the phase file's frozen features
and read-out, with NumPy's own tanh, eigh and variance. Agreement to 1e-8 relative (the two
sides differ only in summation order); the dimension scales are checked with h5py.
"""
import os
import pathlib
import subprocess

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DYSON = os.environ.get("DYSON_BINARY", str(ROOT / ".build" / "release" / "dyson"))

CONFIG = """
model = "tanh_network"
seeds = 3
run_seed = 7
input_features = 8
hidden_units = 4
batch_size = 4
batches_per_epoch = 50
epochs = 20
test_samples = 16
learning_rate = {alpha}
initial_width = {width}
snapshot_log_count = 5
"""


def reference(w0, w, wt, z, s0, s0_test, temperature, width):
    """Every observable of PhaseObservables, the NumPy way."""
    k, l = w.shape
    y = np.tanh(s0 @ wt.T) @ z
    y_test = np.tanh(s0_test @ wt.T) @ z
    h = np.tanh(s0 @ w.T)                                    # [n, K] final features
    e = h @ z - y
    out = {"test_loss": 0.5 * np.mean((np.tanh(s0_test @ w.T) @ z - y_test) ** 2),
           "training_loss": 0.5 * np.mean(e ** 2)}
    delta = e[:, None] * z[None, :] * (1 - h ** 2)           # [n, K]
    g = delta[:, :, None] * s0[:, None, :]                   # [n, K, L] per-sample gradients
    out["gradient_norm"] = np.linalg.norm(g.mean(axis=0))
    hi = np.tanh(s0 @ w0.T)
    ht = np.tanh(s0 @ wt.T)
    field = y[:, None] * z[None, :]                          # h_n = Z^T y_n
    cos = lambda a, b: np.sum(a * b) / np.sqrt(np.sum(a * a) * np.sum(b * b))
    out["feature_overlap"] = cos(hi, h)
    out["field_alignment"] = cos(h, field)
    out["teacher_overlap"] = cos(h, ht)
    sv, sv_t = np.linalg.svd(w, compute_uv=False), np.linalg.svd(wt, compute_uv=False)
    out["teacher_spectrum_distance"] = np.linalg.norm(sv - sv_t) / np.linalg.norm(sv_t)
    x0 = np.linalg.eigvalsh(w0 @ w0.T)
    x, o = np.linalg.eigh(w @ w.T)
    x, o = x[::-1], o[:, ::-1]                               # descending
    out["spacing_growth_rate"] = np.log(np.ptp(x) / np.ptp(x0))  # divided by epochs by the caller
    dx = np.einsum("ab,nkb->nak", w, g)                      # W G_n^T
    dx = dx + dx.transpose(0, 2, 1)
    rotated = np.einsum("ai,nab,bj->nij", o, dx, o)
    drift, noise = rotated.mean(axis=0), rotated.var(axis=0)
    r = l / k
    out["drift_spread"] = (abs(drift[0, 0]) - abs(drift[-1, -1])) / (np.sqrt(r) * (k - 1))
    coulomb = sum(np.mean(np.diagonal(noise, d)) / d for d in range(1, k))
    out["coulomb_scale"] = temperature * coulomb / (4 * width ** 2 / (np.sqrt(r) * (k - 1)))
    return out, np.diag(drift), x


def test_phase_observables_match_numpy(tmp_path):
    points = [(0.5, 0.25), (16.0, 2.0)]
    runs = []
    for i, (alpha, width) in enumerate(points):
        config = tmp_path / f"c{i}.toml"
        config.write_text(CONFIG.format(alpha=alpha, width=width))
        run = tmp_path / f"run{i}.h5"
        result = subprocess.run([DYSON, "simulate", "--config", str(config), "--output", str(run)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        runs.append(run)
    phase = tmp_path / "phase.h5"
    result = subprocess.run([DYSON, "phase", *map(str, runs), "-o", str(phase), "--write-tables"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    names = ["test_loss", "training_loss", "gradient_norm", "feature_overlap", "field_alignment",
             "teacher_overlap", "teacher_spectrum_distance", "spacing_growth_rate", "drift_spread", "coulomb_scale"]
    with h5py.File(phase, "r") as f:
        assert f.attrs["schema"] == "dyson.phase"
        assert [f["test_loss"].dims[i][0].name for i in range(2)] == ["/point", "/seed"]
        assert [f["test_loss_quantiles"].dims[i][0].name for i in range(2)] == ["/point", "/quantile"]
        np.testing.assert_allclose(f["learning_rate"][:], [p[0] for p in points])
        np.testing.assert_allclose(f["initial_width"][:], [p[1] for p in points])
        for p, (alpha, width) in enumerate(points):
            with h5py.File(runs[p], "r") as run:
                epochs = run["epoch"][-1]
                for s in range(3):
                    expected, drift_diagonal, levels = reference(
                        run["W"][0, s], run["W"][-1, s], run["teacher"][s], f["readout"][p, s],
                        f["training_features"][p, s], f["test_features"][p, s], alpha / 4, width)
                    expected["spacing_growth_rate"] /= epochs
                    for name in names:
                        np.testing.assert_allclose(f[name][p, s], expected[name], rtol=1e-8, atol=1e-13, err_msg=name)
                    np.testing.assert_allclose(f["drift_diagonal"][p, s], drift_diagonal, rtol=1e-8, atol=1e-13)
                    np.testing.assert_allclose(f["eigenvalues"][p, s], levels, rtol=1e-10, atol=1e-14)
                    ordered = expected["drift_spread"] >= expected["coulomb_scale"]
                    assert f["ordered"][p, s] == ordered
            for i, name in enumerate(names):
                np.testing.assert_allclose(f[name + "_quantiles"][p], np.quantile(f[name][p], [0.16, 0.5, 0.84]), rtol=1e-12)
            fraction = f["ordered"][p].mean()
            assert f["ordered_fraction"][p] == fraction
            np.testing.assert_allclose(f["ordered_fraction_error"][p], np.sqrt(fraction * (1 - fraction) / 3))
