"""A merged sweep run file is an ordinary HDF5 file to h5py and h5dump.

Runs a small teacher-student sweep as 4 tasks on 2 local workers (`dyson sweep --local 2`),
then checks the merged run file: its per-seed arrays are virtual datasets over the task files,
read in h5py as one array equal to the tasks' blocks, keep their named dimensions, and
`h5dump` reads the data through them.
"""
import os
import pathlib
import subprocess

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DYSON = os.environ.get("DYSON_BINARY", str(ROOT / ".build" / "release" / "dyson"))

PIPELINE = """
[pipeline]
name = "sweep-interop"
output = "{output}"
[simulate]
seeds = 50
epochs = 1
batches_per_epoch = 50
snapshot_every_epochs = 1
[sweep]
batch_size = [4, 16]
"""


def test_a_merged_run_reads_as_one_run(tmp_path):
    pipeline = tmp_path / "p.toml"
    pipeline.write_text(PIPELINE.format(output=tmp_path / "out"))
    result = subprocess.run([DYSON, "sweep", str(pipeline), "--seeds-per-task", "30", "--local", "2"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    merged = tmp_path / "out" / "simulate" / "batch_size-4.h5"
    tasks = [tmp_path / "out" / "tasks" / "batch_size-4" / name for name in ("seeds-0-30.h5", "seeds-30-50.h5")]
    with h5py.File(merged, "r") as f:
        assert f.attrs["schema"] == "dyson.run" and f.attrs["status"] == "complete" and f.attrs["merged_tasks"] == 2
        student = f["student"]
        assert student.is_virtual and student.shape == (2, 50, 2, 2)
        assert [d[0].name for d in student.dims] == ["/snapshot", "/seed", "/student_row", "/student_col"]
        assert sorted(pathlib.Path(s.file_name).name for s in student.virtual_sources()) == ["seeds-0-30.h5", "seeds-30-50.h5"]
        parts = [h5py.File(t, "r") for t in tasks]
        for name in ("student", "loss", "status_code", "checkpoint_state"):
            assert np.array_equal(f[name][:], np.concatenate([p[name][:] for p in parts], axis=1)), name
        assert np.array_equal(f["teacher"][:], np.concatenate([p["teacher"][:] for p in parts], axis=0))
        assert list(f["status"].asstr()[:]) == [s for p in parts for s in p["status"].asstr()[:]]
    dump = subprocess.run(["h5dump", "-d", "/student", str(merged)], capture_output=True, text=True, cwd="/")
    assert dump.returncode == 0, dump.stderr
    assert "DATASPACE  SIMPLE { ( 2, 50, 2, 2 )" in dump.stdout
