"""The command line: the contract a case-management system calls."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

import rnr

ROOT = Path(__file__).resolve().parents[1]
PERSON = {"sex": "male", "birth_date": "1990-01-01", "conviction_date": "2020-01-01",
          "first_sanction_date": "2008-06-01", "assessment_date": "2020-02-01",
          "previous_sanctions": 4, "offence_group": "burglary_domestic"}


def run(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "rnr", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT)


def test_assess_json_lines_good_and_bad_rows():
    lines = "\n".join([json.dumps(dict(PERSON, person_id="A1")),
                       json.dumps(dict(PERSON, sex="x", person_id="A2"))])
    res = run("assess", "-i", "ogrs3", stdin=lines)
    assert res.returncode == 1
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [o["ok"] for o in out] == [True, False]
    assert [o["id"] for o in out] == ["A1", "A2"]
    assert out[0]["assessment"] == rnr.assess(PERSON, "ogrs3").to_dict()
    assert out[1]["error"]["field"] == "sex" and out[1]["error"]["code"] == "not_an_option"


def test_assess_csv_reports_errors_on_stderr(tmp_path):
    frame = pd.DataFrame([dict(PERSON, person_id="A1"),
                          dict(PERSON, previous_sanctions=-1, person_id="A2")])
    path = tmp_path / "cases.csv"
    frame.to_csv(path, index=False)
    res = run("assess", "-i", "ogrs3", str(path))
    assert res.returncode == 1
    out = pd.read_csv(pd.io.common.StringIO(res.stdout))
    assert list(out["person_id"]) == ["A1", "A2"]
    assert list(out["status"]) == ["ok", "error"]
    assert out["input_digest"].iloc[0] == rnr.assess(PERSON, "ogrs3").input_digest
    assert "previous_sanctions" in res.stderr


def test_plan_from_assessments_pipeline():
    assessed = run("assess", "-i", "rnr-c8", str(ROOT / "examples/rnr-c8.csv"))
    assert assessed.returncode == 0, assessed.stderr
    frame = pd.read_csv(ROOT / "examples/rnr-c8.csv").drop(columns=["person_id"])
    lines = "\n".join(rnr.assess({k: v for k, v in r.items() if v == v}, "rnr-c8").to_json()
                      for r in frame.to_dict("records"))
    res = run("plan", "-p", "kz-probation", "--stage", "penitentiary",
              "--assessed-on", "2025-01-15", stdin=lines)
    assert res.returncode == 0, res.stdout + res.stderr
    plans = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(plans) == len(frame) and all(p["ok"] for p in plans)
    assert plans[0]["plan"]["policy"]["id"] == "kz-probation"


def test_check_schema_and_bad_file(tmp_path):
    assert run("check", str(ROOT / "src/rnr/instruments/rnr-c8.toml")).returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("format_version = 3\n")
    res = run("check", str(bad))
    assert res.returncode == 2 and "bad.toml" in res.stderr
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["format_version"]["enum"] == [1]


def test_demo_scores_examples_and_shows_a_plan():
    res = run("demo", str(ROOT / "examples"))
    assert res.returncode == 0, res.stderr
    for inst in ("ogrs3", "rnr-c8"):
        assert f"=== {inst}" in res.stdout
    assert "risk level:" in res.stdout and "plan (kz-probation" in res.stdout
    assert "| Tier:" in res.stdout
    assert "NOT VALIDATED" in res.stdout
