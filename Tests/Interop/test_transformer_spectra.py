"""The transformer's run file feeds pipelines/transformer_spectra.py: a tiny run (1 layer, C = 64)
is simulated with the release binary, and the report's step-0 Marchenko–Pastur fits must recover
σ² = 0.02² and q (1 for attention, 1/4 for the MLP). One 64 × 64 matrix has σ̂² relative sd
√(2/64²) = 2.2 %, so 10 % is 4.5 sd; q̂ of 64 levels scatters by a few per cent, 15 % is ample."""
import os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DYSON = os.environ.get("DYSON_BINARY", str(ROOT / ".build" / "release" / "dyson"))


def test_spectra_report_of_a_tiny_run(tmp_path):
    config = tmp_path / "t.toml"
    config.write_text('model = "transformer"\nseeds = 1\nlayers = 1\nheads = 2\nembedding = 64\ncontext = 16\n'
                      'batch_size = 4\nsteps = 4\nsnapshot_steps = [0, 4]\ncorpus_characters = 25000\nevaluation_sequences = 4\n')
    run = tmp_path / "run.h5"
    subprocess.run([DYSON, "simulate", "--config", str(config), "--output", str(run)], check=True, capture_output=True)
    report = subprocess.run([sys.executable, str(ROOT / "pipelines" / "transformer_spectra.py"), str(run)],
                            check=True, capture_output=True, text=True).stdout
    rows = [line.split("|") for line in report.splitlines() if line.startswith("| layer0_")]
    assert len(rows) == 6 * 2
    for row in rows:
        name, step, q, variance = row[1].strip(), int(row[2]), float(row[3]), float(row[4])
        if step == 0:
            expected = 0.25 if "mlp" in name else 1.0
            assert abs(q / expected - 1) < 0.15, (name, q)
            assert abs(variance - 1) < 0.10, (name, variance)
    assert "Density of X = KᵀK/C" in report
