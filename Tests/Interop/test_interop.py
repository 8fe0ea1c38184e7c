"""Interop: every stage's output opens in h5py and h5dump and explains itself.

Runs the release binary (DYSON_BINARY, else .build/release/dyson) on a small pipeline and checks,
for each file: the root attributes of DESIGN.md, every non-scalar dataset's dimensions attached to
named dimension scales, descriptions on data, and that `h5dump -H` reads it.
"""
import pathlib
import subprocess

import h5py
import numpy as np
import pytest

from interop_support import DYSON, all_datasets, run_pipeline

PIPELINE = """
[pipeline]
name = "interop"
output = "{output}"
[simulate]
seeds = 80
epochs = 2
batches_per_epoch = 100
snapshot_every_epochs = 1
shared_data = false
[sweep]
learning_rate = [0.1, 0.3]
[snapshot]
select = "all"
[fit]
ks_replicas = 50
"""

FILES = {
    "simulate/learning_rate-0.1.h5": ("dyson.run", "simulate"),
    "ensemble.h5": ("dyson.ensemble", "snapshot"),
    "spectra.h5": ("dyson.spectra", "diagonalise"),
    "unfolded.h5": ("dyson.unfolded", "unfold"),
    "fit.h5": ("dyson.fit", "fit"),
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("interop")
    run_pipeline(directory, PIPELINE.format(output=directory / "out"))
    return directory / "out"


@pytest.mark.parametrize("name", sorted(FILES))
def test_root_attributes(outputs, name):
    schema, stage = FILES[name]
    with h5py.File(outputs / name, "r") as f:
        assert f.attrs["schema"] == schema
        assert f.attrs["schema_version"] == 1
        assert f.attrs["stage"] == stage
        assert f.attrs["dyson_version"]
        assert f.attrs["created"].endswith("Z")
        assert "=" in f.attrs["config"]  # TOML text
        for line in f.attrs["inputs"]:
            digest, path = line.split("  ", 1)
            assert len(digest) == 64 and pathlib.Path(path).exists()
        if stage != "simulate":
            assert len(f.attrs["inputs"]) >= 1


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_axis_is_named(outputs, name):
    with h5py.File(outputs / name, "r") as f:
        for ds in all_datasets(f):
            if ds.ndim == 0 or h5py.h5ds.is_scale(ds.id):
                continue
            for axis in range(ds.ndim):
                assert len(ds.dims[axis]) == 1, f"{name}:{ds.name} axis {axis} has no dimension scale"
            assert "description" in ds.attrs, f"{name}:{ds.name} has no description"


@pytest.mark.parametrize("name", sorted(FILES))
def test_h5dump_reads_the_header(outputs, name):
    result = subprocess.run(["h5dump", "-H", str(outputs / name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "schema" in result.stdout


def test_run_file_layout(outputs):
    with h5py.File(outputs / "simulate/learning_rate-0.1.h5", "r") as f:
        student = f["student"]
        assert [student.dims[i][0].name for i in range(4)] == ["/snapshot", "/seed", "/student_row", "/student_col"]
        assert list(f["step"][:]) == [0, 100, 200]
        assert student.shape == (3, 80, 2, 2)
        assert set(f["status"].asstr()[:]) == {"ok"}
        assert f["learning_rate"][()] == pytest.approx(0.1)
        assert f["teacher"].attrs["target"] == "student"
        # shared_data = false: each seed has its own teacher, each 2·1 for d = (2, 2).
        np.testing.assert_allclose(f["teacher"][:], np.broadcast_to(2 * np.eye(2), (80, 2, 2)), atol=1e-12)
        assert student.shuffle and student.compression == "gzip"


def test_analysis_files_are_sliceable_by_hyper_parameters(outputs):
    with h5py.File(outputs / "fit.h5", "r") as f:
        alpha = f["learning_rate"][:]
        assert sorted(set(alpha)) == pytest.approx([0.1, 0.3])
        assert f["learning_rate"].attrs["units"] == "1"
        assert f["mean_pair_spacing"].dims[0][0].name == "/ensemble"
        assert f["mean_pair_spacing"].shape == (6, 1)
        assert np.all(f["mean_pair_spacing_error"][:] > 0)
        assert 0 < f["scaling_slope"][()] < 10
    with h5py.File(outputs / "spectra.h5", "r") as f:
        values = f["values"][:]
        assert values.shape == (480, 2) and np.all(np.diff(values, axis=1) >= 0)
        # 2×2 matrices take the small-matrix path: Swift bidiagonalisation + Swift dqds.
        assert f.attrs["lapack_routine"] == "dgebd2_swift+dqds_swift"
        assert set(f["driver"].asstr()[:]) == {"dgebd2_swift+dqds_swift"} and np.all(f["status"][:] == 0)


@pytest.mark.parametrize("name", sorted(FILES))
def test_xarray_sees_named_dimensions(outputs, name):
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(outputs / name, engine="h5netcdf") as ds:
        assert not any(dim.startswith("phony_dim") for dim in ds.sizes)
        expected = {"simulate": {"snapshot", "seed"}, "snapshot": {"sample", "ensemble", "row", "col"},
                    "diagonalise": {"sample", "ensemble", "level"}, "unfold": {"sample", "pair", "gap"},
                    "fit": {"ensemble", "pair", "curve_point"}}[FILES[name][1]]
        assert expected <= set(ds.sizes)


def test_imported_npz_scan_is_self_describing(tmp_path):
    """A research script's npz files (W [seed, snapshot, n, n] plus scalars) become an ensemble
    file whose coordinates and axes h5py sees, with the matrices bit-exact."""
    rng = np.random.default_rng(11)
    files = []
    for lr in (0.1, 0.2):
        W = rng.standard_normal((4, 2, 3, 3))
        np.savez_compressed(tmp_path / f"run{lr}.npz", W=W, lr=np.float64(lr), batch_size=np.int64(16))
        files.append((tmp_path / f"run{lr}.npz", W))
    out = tmp_path / "ensemble.h5"
    result = subprocess.run([DYSON, "snapshot", *[str(p) for p, _ in files], "--source", "npz", "--array", "W",
                             "--axes", "seed,snapshot,row,col", "--parameters", "lr,batch_size", "--select", "last",
                             "--output", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["schema"] == "dyson.ensemble" and f.attrs["source"] == "npz"
        assert list(f["lr"][:]) == [0.1, 0.2] and list(f["batch_size"][:]) == [16, 16]
        assert [f["matrix"].dims[i][0].name for i in range(3)] == ["/sample", "/row", "/col"]
        expected = np.concatenate([W[:, -1] for _, W in files])
        assert np.array_equal(f["matrix"][:], expected)  # bit-exact through the import

