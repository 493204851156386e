"""notebooks/recalibrate.ipynb runs from start to end, and is committed without outputs."""

import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOK = NOTEBOOKS / "recalibrate.ipynb"


def test_notebook_is_committed_with_outputs_cleared():
    doc = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in doc["cells"] if c["cell_type"] == "code"]
    assert code, "the notebook has no code cells"
    for i, cell in enumerate(code):
        assert cell["outputs"] == [], f"code cell {i} has outputs: clear them before committing"
        assert cell["execution_count"] is None, f"code cell {i} has an execution count"


def test_notebook_runs_and_does_each_step(shared_data, monkeypatch):
    nbclient = pytest.importorskip(
        "nbclient", reason="nbclient is not installed (pip install 'rnr[notebook]')")
    import nbformat

    monkeypatch.setenv("RNR_SHARED_DATA", str(shared_data))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails

    text, images = [], 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error"
            if out["output_type"] == "stream":
                text.append(out["text"])
            elif "data" in out:
                images += "image/png" in out["data"]
                text.append(out["data"].get("text/plain", ""))
    text = "\n".join(text)
    assert images >= 4  # rate by quarter, calibration, calibration by group, ROC
    assert "data file compas-scores-two-years.csv: found" in text
    assert "7,214 cases read, 6,172 kept" in text
    assert "followed for two years: " in text
    assert "cut-offs (probability):" in text
    assert "records scored: {'ok': 959, 'error': 0}" in text
    assert "reloaded predictions identical: True" in text
    assert "'format': 'rnr-model'" in text
