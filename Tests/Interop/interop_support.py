"""What the interop tests share: the dyson binary, running a pipeline, listing datasets."""
import os
import pathlib
import subprocess

import h5py

ROOT = pathlib.Path(__file__).resolve().parents[2]
DYSON = os.environ.get("DYSON_BINARY", str(ROOT / ".build" / "release" / "dyson"))


def run_pipeline(directory, text):
    """Writes `text` as a pipeline file in `directory`, runs `dyson run` on it (it must succeed)."""
    pipeline = directory / "pipeline.toml"
    pipeline.write_text(text)
    result = subprocess.run([DYSON, "run", str(pipeline)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def all_datasets(group):
    """Every dataset below `group`, groups included."""
    found = []
    group.visititems(lambda name, obj: found.append(obj) if isinstance(obj, h5py.Dataset) else None)
    return found
