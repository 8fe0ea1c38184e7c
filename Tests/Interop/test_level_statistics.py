"""Interop and independent cross-checks of unfold and fit on large spectra.

Runs a small GOE pipeline (the stationary matrix Ornstein-Uhlenbeck process) through every stage
with staircase unfolding and the density fits, then, in h5py and NumPy only:
- every array of unfolded.h5 and fit.h5, inside groups too, has named dimensions and a description,
  and xarray opens the root and each fit group;
- the arrays agree with their definitions recomputed here: level_value is the spectra file's values,
  unfolded spacings are differences of unfolded levels, the number variance Sigma^2(L) recomputed
  from the unfolded levels with NumPy, and the Coulomb-gas temperature from its closed form
  T(beta) = sum (x - c)^2 / (M (n + beta n (n - 1) / 2)).
"""

import h5py
import numpy as np
import pytest
import xarray

from interop_support import all_datasets, run_pipeline

N = 16

PIPELINE = """
[pipeline]
name = "interop-levels"
output = "{output}"
[simulate]
model = "matrix_ou"
seeds = 60
run_seed = 3
centre = [{centre}]
time_step = 0.5
steps = 20
snapshot_every_steps = 10
[snapshot]
matrix = "W"
transform = "W"
select = "listed"
steps = [10, 20]
[diagonalise]
quantity = "eigenvalues"
[unfold]
pairs = [[7, 8]]
method = "polynomial"
degree = 4
edge_fraction = 0.125
lengths = [1.0, 2.0]
[fit]
scaling_amplitude = "none"
ks_replicas = 20
densities = ["semicircle", "gaussian", "coulomb_gas"]
pair_density = true
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("levels")
    run_pipeline(directory, PIPELINE.format(output=directory / "out", centre=", ".join(["0.0"] * N)))
    return directory / "out"


@pytest.mark.parametrize("name", ["unfolded.h5", "fit.h5"])
def test_every_array_has_named_dimensions_and_a_description(outputs, name):
    with h5py.File(outputs / name) as f:
        for d in all_datasets(f):
            if d.ndim == 0 or d.attrs.get("CLASS") == b"DIMENSION_SCALE":
                continue
            assert "description" in d.attrs, d.name
            for axis in range(d.ndim):
                assert len(d.dims[axis]) == 1, f"{d.name} dimension {axis} has no scale"


def test_xarray_opens_the_root_and_every_fit_group(outputs):
    with xarray.open_dataset(outputs / "unfolded.h5", engine="h5netcdf") as u:
        assert u["number_variance"].dims == ("ensemble", "length")
        assert list(u["length"].values) == [1.0, 2.0]
    with h5py.File(outputs / "fit.h5") as f:
        groups = [k for k in f if k.startswith("density_")]
    assert sorted(groups) == ["density_coulomb_gas", "density_gaussian", "density_semicircle"]
    for group in groups:
        with xarray.open_dataset(outputs / "fit.h5", engine="h5netcdf", group=group) as g:
            assert "ensemble" in g.dims
            assert not any(d.startswith("phony_dim") for d in g.dims)


def test_unfolded_arrays_match_their_definitions(outputs):
    with h5py.File(outputs / "spectra.h5") as s, h5py.File(outputs / "unfolded.h5") as u:
        assert np.array_equal(s["values"][:], u["level_value"][:])
        xi = u["unfolded_level_value"][:]
        assert xi.shape == (60 * 2, N - 2 * 2)
        assert np.allclose(np.diff(xi, axis=1), u["unfolded_spacing"][:], rtol=0, atol=1e-12)
        assert np.allclose(xi[:, 2:] - xi[:, :-2], u["next_nearest_spacing"][:], rtol=0, atol=1e-12)
        assert abs(u["unfolded_spacing"][:].mean() - 1) < 0.05


def number_variance(rows, length, step=0.25):
    """Sigma^2(L) with the windows of SpectralWindows: starts xi_first + k step while a + L <= xi_last."""
    counts = []
    for row in rows:
        a = row[0] + step * np.arange(int(np.floor((row[-1] - length - row[0]) / step)) + 1)
        a = a[a + length <= row[-1]]
        counts.append(np.searchsorted(row, a + length, side="left") - np.searchsorted(row, a, side="left"))
    counts = np.concatenate(counts).astype(float)
    return counts.var()


def test_number_variance_matches_a_numpy_recomputation(outputs):
    with h5py.File(outputs / "unfolded.h5") as u:
        xi = u["unfolded_level_value"][:]
        ensemble = u["sample_ensemble"][:]
        sigma = u["number_variance"][:]
        for e in range(sigma.shape[0]):
            for k, length in enumerate(u["length"][:]):
                assert abs(number_variance(xi[ensemble == e], length) - sigma[e, k]) < 1e-9


def test_coulomb_gas_temperature_is_its_closed_form(outputs):
    with h5py.File(outputs / "spectra.h5") as s, h5py.File(outputs / "fit.h5") as f:
        x = s["values"][:]
        ensemble = s["sample_ensemble"][:]
        g = f["density_coulomb_gas"]
        for e in range(len(g["beta"])):
            levels = x[ensemble == e]
            m, n = levels.shape
            beta = g["beta"][e]
            expected = ((levels - levels.mean()) ** 2).sum() / (m * (n + beta * n * (n - 1) / 2))
            assert abs(g["temperature"][e] / expected - 1) < 1e-9
        # The last snapshot is stationary (10 relaxation times): a GOE with T_fit = 2T = 2.
        assert abs(g["beta"][-1] - 1) < 4 * g["beta_error"][-1]
