"""A non-editable install (a built wheel) still finds the shipped instruments and scores a case."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_instruments_and_scores(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(ROOT)], check=True)
    wheel = next(dist.glob("rnr-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.name for p in (ROOT / "src/rnr/instruments").glob("*.toml"))
    for name in shipped:
        assert f"rnr/instruments/{name}" in names
    assert "rnr/instruments/instrument.schema.json" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True)
    code = (
        "import rnr, json, sys\n"
        "assert rnr.__file__.startswith(sys.argv[1]), rnr.__file__\n"
        "rec = {'sex': 'female', 'birth_date': '1980-05-05', 'conviction_date': '2019-01-01',"
        " 'first_sanction_date': '2001-01-01', 'assessment_date': '2019-02-01',"
        " 'previous_sanctions': 7, 'offence_group': 'theft_non_motor'}\n"
        "print(json.dumps({'ids': sorted(rnr.instruments()['id']),"
        " 'p': rnr.assess(rec, 'ogrs3').scales['ogrs3_2y']['raw']}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(target), PYTHONNOUSERSITE="1")
    out = subprocess.run([sys.executable, "-c", code, str(target)], check=True, cwd=tmp_path,
                         env=env, capture_output=True, text=True)
    got = json.loads(out.stdout)
    assert got["ids"] == sorted(p.stem for p in (ROOT / "src/rnr/instruments").glob("*.toml"))
    import rnr

    rec = {"sex": "female", "birth_date": "1980-05-05", "conviction_date": "2019-01-01",
           "first_sanction_date": "2001-01-01", "assessment_date": "2019-02-01",
           "previous_sanctions": 7, "offence_group": "theft_non_motor"}
    assert got["p"] == rnr.assess(rec, "ogrs3").scales["ogrs3_2y"]["raw"]
