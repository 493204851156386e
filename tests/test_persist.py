"""rnr.save / rnr.load: JSON model files that never run code and refuse tampering."""

import hashlib
import json
import pickle
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

import rnr._persist as persist
from rnr import RNRError
from rnr._models._calibrator import ScoreCalibrator
from rnr._models._points import PointsModel
from rnr._persist import InvalidModel, load, save
from rnr._validation import validate

DATA = Path(__file__).parent / "data"


def synthetic(n=800, seed=1):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"age": rng.integers(18, 70, n), "priors": rng.poisson(2.5, n),
                      "charge": rng.choice(["F", "M"], n)})
    logit = -1.2 * (X.age >= 35) + 0.4 * np.minimum(X.priors, 6) - 0.4 + 0.5 * (X.charge == "F")
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = synthetic()
    return X, y, PointsModel().fit(X, y)


def rehash(doc: dict) -> dict:
    """Recompute the content hash, as a forger would: the allow-lists must still refuse."""
    body = {k: v for k, v in doc.items() if k != "content_sha256"}
    doc["content_sha256"] = hashlib.sha256(persist._canonical(body)).hexdigest()
    return doc


def test_points_model_round_trip_predicts_identically(fitted, tmp_path):
    X, y, model = fitted
    path = save(model, tmp_path / "m.json")
    back = load(path)
    assert type(back) is PointsModel
    assert back.get_params() == model.get_params()
    np.testing.assert_array_equal(back.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(back.predict(X), model.predict(X))
    assert back.items_ == model.items_
    assert back.feature_names_in_.tolist() == ["age", "priors", "charge"]
    assert back.training_digest_ == model.training_digest_
    assert back.summary.equals(model.summary)
    assert back.to_instrument("m", "1") == model.to_instrument("m", "1")


def test_file_carries_version_names_digest(fitted, tmp_path):
    _, _, model = fitted
    doc = json.loads(save(model, tmp_path / "m.json").read_text(encoding="utf-8"))
    assert doc["format"] == "rnr-model"
    assert doc["format_version"] == persist.FORMAT_VERSION
    assert doc["rnr_version"] == __import__("rnr").__version__
    assert doc["feature_names"] == ["age", "priors", "charge"]
    assert doc["training_digest"] == model.training_digest_
    assert doc["model"]["$estimator"] == "PointsModel"


@pytest.mark.parametrize("method", ["isotonic", "logistic"])
def test_calibrator_round_trip(method, tmp_path):
    rng = np.random.default_rng(2)
    score = rng.integers(0, 20, 500)
    y = (rng.random(500) < score / 25).astype(int)
    cal = ScoreCalibrator(method).fit(score, y)
    back = load(save(cal, tmp_path / "c.json"))
    grid = np.linspace(-3, 25, 57)
    np.testing.assert_array_equal(back.predict_proba(grid), cal.predict_proba(grid))


def test_validation_report_travels_with_the_model(fitted, tmp_path):
    X, y, model = fitted
    report = validate((y == "yes").astype(int), model.predict_proba(X)[:, 1], n_boot=0)
    back = load(save(model, tmp_path / "m.json", validation=report))
    assert type(back.validation_).__name__ == "ValidationReport"
    assert back.validation_.to_dict() == report.to_dict()
    again = load(save(back, tmp_path / "again.json"))  # kept when saved again
    assert again.validation_.to_dict() == report.to_dict()


def test_tampered_file_is_refused(fitted, tmp_path):
    _, _, model = fitted
    path = save(model, tmp_path / "m.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["model"]["attributes"]["intercept_"] += 0.5
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidModel, match="content hash does not match") as info:
        load(path)
    assert info.value.where == "content_sha256"
    assert isinstance(info.value, RNRError)


def test_truncated_file_is_refused(fitted, tmp_path):
    _, _, model = fitted
    path = save(model, tmp_path / "m.json")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidModel, match="truncated"):
        load(path)


def test_pickle_and_joblib_files_are_refused(fitted, tmp_path):
    _, _, model = fitted
    pkl = tmp_path / "m.pkl"
    pkl.write_bytes(pickle.dumps(model))
    with pytest.raises(InvalidModel, match="pickle"):
        load(pkl)
    jl = tmp_path / "m.joblib"
    joblib.dump(model, jl)
    with pytest.raises(InvalidModel, match="pickle"):
        load(jl)
    jz = tmp_path / "m.joblib.z"
    joblib.dump(model, jz, compress=3)
    with pytest.raises(InvalidModel, match="compressed"):
        load(jz)


def test_classes_off_the_allow_list_are_refused_before_anything_is_built(
        fitted, tmp_path, monkeypatch):
    _, _, model = fitted
    path = save(model, tmp_path / "m.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["model"]["attributes"]["calibrator_"]["$estimator"] = "subprocess.Popen"
    path.write_text(json.dumps(rehash(doc)), encoding="utf-8")
    built = []
    original = persist._build_estimator
    monkeypatch.setattr(persist, "_build_estimator",
                        lambda *a, **k: built.append(a) or original(*a, **k))
    with pytest.raises(InvalidModel, match="not on the allow-list"):
        load(path)
    assert built == []  # the outer PointsModel was never constructed either


def test_unknown_attributes_tags_and_dtypes_are_refused(fitted, tmp_path):
    _, _, model = fitted
    path = save(model, tmp_path / "m.json")
    clean = json.loads(path.read_text(encoding="utf-8"))

    def attempt(change, match):
        doc = json.loads(json.dumps(clean))
        change(doc)
        path.write_text(json.dumps(rehash(doc)), encoding="utf-8")
        with pytest.raises(InvalidModel, match=match):
            load(path)

    attempt(lambda d: d["model"]["attributes"].update({"__class__": 1}), "not a fitted attribute")
    attempt(lambda d: d["model"]["attributes"].update(
        {"intercept_": {"$pickle": "gASVAAAA"}}), "unknown tag")
    attempt(lambda d: d["model"]["attributes"]["calibrator_"]["attributes"].update(
        {"classes_": {"$array": {"dtype": "V8", "shape": [1], "data": [0]}}}), "dtype")
    attempt(lambda d: d["model"]["params"].update({"exec": "print(1)"}), "not a parameter")


def test_other_formats_and_newer_versions_are_refused(fitted, tmp_path):
    _, _, model = fitted
    path = save(model, tmp_path / "m.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["format_version"] = persist.FORMAT_VERSION + 1
    path.write_text(json.dumps(rehash(doc)), encoding="utf-8")
    with pytest.raises(InvalidModel, match="newer rnr"):
        load(path)
    doc["format"] = "skops"
    path.write_text(json.dumps(rehash(doc)), encoding="utf-8")
    with pytest.raises(InvalidModel) as info:
        load(path)
    assert info.value.where == "format"
    path.write_text('{"format": "rnr-model", "x": NaN}', encoding="utf-8")
    with pytest.raises(InvalidModel, match="not valid JSON"):
        load(path)


def test_unfitted_models_and_foreign_objects_are_not_saved(tmp_path):
    with pytest.raises(InvalidModel, match="not fitted"):
        save(PointsModel(), tmp_path / "m.json")
    with pytest.raises(InvalidModel, match="cannot be saved"):
        save(object(), tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_reads_format_version_1():
    """Files written by rnr 0.1.0 (format_version 1) load and predict what they predicted.

    ``tests/data/model-v1-*.json`` were written once, with the predictions the models made at
    that moment; they are never regenerated (see the ``_persist`` module docstring).
    """
    expected = json.loads((DATA / "model-v1-expected.json").read_text(encoding="utf-8"))
    rows = pd.DataFrame(expected["rows"])
    points = load(DATA / "model-v1-points.json")
    assert json.loads((DATA / "model-v1-points.json").read_text())["format_version"] == 1
    assert points.classes_.tolist() == expected["points_classes"]
    np.testing.assert_array_equal(points.predict_proba(rows)[:, 1], expected["points_proba"])
    assert points.validation_ == {"note": "a plain dict report", "auc": 0.7}
    cal = load(DATA / "model-v1-calibrator.json")
    np.testing.assert_array_equal(cal.predict_proba(expected["calibrator_scores"])[:, 1],
                                  expected["calibrator_proba"])
