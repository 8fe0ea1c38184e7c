"""The exported notebook runs end to end against real outputs.

Runs the real default of pipelines/teacher-student.toml (6 ensembles x 400 seeds, ~15 s) into a
temporary directory with `--html`, exports its notebook with `dyson export`, executes it with
nbclient as Jupyter would (working directory = the notebook's), and checks that every cell ran
and every figure section drew a PNG; the HTML report embeds the figures of the same notebook.
"""
import json
import os
import pathlib
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
DYSON = os.environ.get("DYSON_BINARY", str(ROOT / ".build" / "release" / "dyson"))
PIPELINE = ROOT / "pipelines" / "teacher-student.toml"
# Wigner surmise, scaling collapse, pair densities, eigenvalue flows, (alpha, |B|) map.
FIGURES = 5


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("notebook")
    result = subprocess.run([DYSON, "run", str(PIPELINE), "--output", str(directory / "out"), "--html"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return directory


def pngs(notebook):
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]


def test_the_exported_notebook_executes_and_draws_every_figure(outputs):
    export = subprocess.run([DYSON, "export", str(PIPELINE), "--output", str(outputs / "out"), "-d", str(outputs / "nb")],
                            capture_output=True, text=True)
    assert export.returncode == 0, export.stderr
    path = pathlib.Path(export.stdout.strip())
    assert path == outputs / "nb" / "teacher-student.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert len(pngs(notebook)) == FIGURES
    text = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "6 ensembles x 1 level pairs" in text
    # The data directory is written relative to the notebook.
    assert '"../out"' in notebook.cells[1].source


def test_the_html_report_embeds_the_executed_notebooks_figures(outputs):
    page = (outputs / "out" / "report.html").read_text()
    executed = nbformat.read(outputs / "out" / "report.ipynb", as_version=4)
    assert page.count("data:image/png;base64,") == FIGURES == len(pngs(executed))
    for output in pngs(executed):
        assert output["data"]["image/png"].replace("\n", "") in page
    assert "<h2>Linear scaling rule</h2>" in page and "<table>" in page
