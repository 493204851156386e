"""Saving and loading fitted models as JSON: plain data, never code.

A model file is one UTF-8 JSON object::

    {"format": "rnr-model", "format_version": 1, "rnr_version": "0.1.0",
     "model": {"$estimator": "PointsModel", "params": {...}, "attributes": {...}},
     "feature_names": [...], "training_digest": "sha256:...",
     "validation": null | {"kind": "ValidationReport" | "dict", "data": {...}},
     "content_sha256": "<hex>"}

``content_sha256`` is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of
every other key; :func:`load` recomputes it before reading anything else, so a file edited
by hand or cut short is refused. Values are tagged plain JSON: lists and numbers as they are,
``{"$float": "nan" | "inf" | "-inf"}``, ``{"$tuple": [...]}``, ``{"$dict": [[key, value], ...]}``,
``{"$array": {"dtype": ..., "shape": [...], "data": [...]}}`` (dtypes from an allow-list),
and ``{"$estimator": <class>, ...}`` for a fitted estimator inside a model (PointsModel's
calibrator). Before constructing anything, :func:`load` walks the whole document and refuses
any class or dtype not on its allow-lists; constructing means calling the class with its
declared parameters and setting its declared fitted attributes, nothing else. Pickle
(and joblib) files are refused on sight: rnr never unpickles.

Format versions
---------------
``FORMAT_VERSION`` is the version this module writes. To change the layout:

1. increment ``FORMAT_VERSION`` and write the new layout in :func:`_document`;
2. keep the reader of every earlier version in ``_READERS`` (move the old function to
   ``_persist_old.py`` if it grows), turning an old document into the current one;
3. add a small file written by the old version to ``tests/data/`` (next to
   ``model-v1.json``) with the predictions it made, and a test that it still loads and
   predicts them (``tests/test_persist.py::test_reads_format_version_1``).

A file from a newer rnr (higher ``format_version``) is refused with a message naming both
versions. Adding a fitted attribute to an estimator is a layout change: list it in
``_ALLOWED`` and bump the version if older readers could not ignore it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import RNRError
from ._models._calibrator import ScoreCalibrator
from ._models._points import PointsModel

__all__ = ["save", "load", "InvalidModel", "FORMAT", "FORMAT_VERSION"]

FORMAT = "rnr-model"
FORMAT_VERSION = 1

#: Classes a model file may construct, with the fitted attributes each may carry.
_ALLOWED: dict[str, tuple[type, frozenset]] = {
    "ScoreCalibrator": (ScoreCalibrator, frozenset({
        "classes_", "n_features_in_", "feature_names_in_", "thresholds_", "probabilities_",
        "intercept_", "slope_", "training_digest_",
    })),
    "PointsModel": (PointsModel, frozenset({
        "classes_", "n_features_in_", "feature_names_in_", "items_", "points_", "intercept_",
        "slope_", "calibrator_", "total_min_", "total_max_", "probabilities_", "feature_kinds_",
        "training_digest_",
    })),
}
_DTYPES = frozenset({"float64", "float32", "int64", "int32", "bool", "object", "str"})
_TAGS = frozenset({"$float", "$tuple", "$dict", "$array", "$estimator"})
_MAX_BYTES = 512 * 1024 * 1024


class InvalidModel(RNRError):
    """A model file cannot be loaded (or a model cannot be saved).

    Parameters
    ----------
    path : str
        The file.
    where : str
        Where in the file (``"<file>"`` for the file as a whole, or a key path).
    problem : str
        What is wrong and what is allowed.

    Examples
    --------
    >>> print(InvalidModel("m.json", "<file>", "a pickle file; rnr never loads pickles"))
    m.json: <file>: a pickle file; rnr never loads pickles
    """

    def __init__(self, path: str, where: str, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        super().__init__(f"{path}: {where}: {problem}")

    def __reduce__(self):
        return (type(self), (self.path, self.where, self.problem))


# ----------------------------------------------------------------------------- encoding
def _encode(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isfinite(v):
            return v
        return {"$float": "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")}
    if isinstance(value, list):
        return [_encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k, where), _encode(v, f"{where}.{k}")]
                          for k, v in value.items()]}
    if isinstance(value, np.ndarray):
        dtype = "str" if value.dtype.kind == "U" else value.dtype.name
        if dtype not in _DTYPES:
            raise InvalidModel("<model>", where, f"arrays of dtype {dtype} cannot be saved")
        flat = [_encode(v.item() if hasattr(v, "item") else v, where) for v in value.ravel()]
        return {"$array": {"dtype": dtype, "shape": list(value.shape), "data": flat}}
    name = type(value).__name__
    if name in _ALLOWED and isinstance(value, _ALLOWED[name][0]):
        return _encode_estimator(value, where)
    raise InvalidModel("<model>", where, f"a {name} cannot be saved (allowed: numbers, text, "
                       "lists, arrays and rnr estimators)")


def _encode_estimator(model: Any, where: str = "model") -> dict:
    name = type(model).__name__
    if name not in _ALLOWED or not isinstance(model, _ALLOWED[name][0]):
        allowed = ", ".join(sorted(_ALLOWED))
        raise InvalidModel("<model>", where, f"a {name} cannot be saved (allowed: {allowed})")
    fitted = {k: v for k, v in vars(model).items() if k.endswith("_") and not k.startswith("_")}
    fitted.pop("validation_", None)
    if not fitted:
        raise InvalidModel("<model>", where, f"this {name} is not fitted; fit it before saving")
    extra = sorted(set(fitted) - _ALLOWED[name][1])
    if extra:
        raise InvalidModel("<model>", f"{where}.{extra[0]}",
                           "a fitted attribute this version of rnr does not know how to save")
    return {
        "$estimator": name,
        "params": {k: _encode(v, f"{where}.params.{k}") for k, v in model.get_params(
            deep=False).items()},
        "attributes": {k: _encode(v, f"{where}.{k}") for k, v in sorted(fitted.items())},
    }


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _validation_entry(report: Any) -> dict | None:
    if report is None:
        return None
    if hasattr(report, "to_dict") and type(report).__name__ == "ValidationReport":
        return {"kind": "ValidationReport", "data": _encode(report.to_dict(), "validation")}
    if isinstance(report, dict):
        return {"kind": "dict", "data": _encode(report, "validation")}
    raise InvalidModel("<model>", "validation", f"a {type(report).__name__} (allowed: a "
                       "ValidationReport or a JSON-ready dict)")


def _document(model: Any, validation: Any) -> dict:
    from . import __version__

    encoded = _encode_estimator(model)
    names = getattr(model, "feature_names_in_", None)
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "rnr_version": __version__,
        "model": encoded,
        "feature_names": None if names is None else [str(n) for n in names],
        "training_digest": getattr(model, "training_digest_", None),
        "validation": _validation_entry(validation),
    }
    doc["content_sha256"] = hashlib.sha256(_canonical(doc)).hexdigest()
    return doc


def save(model: Any, path: str | os.PathLike, *, validation: Any = None) -> Path:
    """Save a fitted :class:`PointsModel` or :class:`ScoreCalibrator` as JSON.

    Parameters
    ----------
    model : PointsModel or ScoreCalibrator
        A fitted model.
    path : str or path-like
        The file to write (conventionally ``*.json``).
    validation : ValidationReport or dict, optional
        A validation report to keep with the model (by default the model's ``validation_``
        attribute, if it has one).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InvalidModel
        An unfitted model, a class rnr cannot save, or an attribute it does not know.

    Examples
    --------
    >>> import os, tempfile
    >>> from rnr._models._calibrator import ScoreCalibrator
    >>> cal = ScoreCalibrator().fit([0, 1, 2, 3], [0, 0, 1, 1])
    >>> path = save(cal, os.path.join(tempfile.mkdtemp(), "cal.json"))
    >>> load(path).predict_proba([[2.5]])[:, 1].tolist()
    [1.0]
    """
    if validation is None:
        validation = getattr(model, "validation_", None)
    doc = _document(model, validation)
    target = Path(path)
    text = json.dumps(doc, ensure_ascii=False, allow_nan=False, indent=1) + "\n"
    target.write_text(text, encoding="utf-8")
    return target


# ----------------------------------------------------------------------------- decoding
def _audit(value: Any, where: str, path: str) -> None:
    """Walk the document and refuse unknown classes, dtypes and tags before building."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            _audit(v, f"{where}[{i}]", path)
        return
    if not isinstance(value, dict):
        return
    tags = [k for k in value if k.startswith("$")]
    if tags:
        tag = tags[0]
        if tag not in _TAGS or len(tags) > 1:
            raise InvalidModel(path, where, f"unknown tag {tag!r} (allowed: {sorted(_TAGS)})")
        if tag == "$estimator":
            name = value["$estimator"]
            if name not in _ALLOWED:
                raise InvalidModel(path, where, f"class {name!r} is not on the allow-list "
                                   f"({', '.join(sorted(_ALLOWED))})")
            if set(value) != {"$estimator", "params", "attributes"}:
                raise InvalidModel(path, where, "an estimator has exactly the keys "
                                   "$estimator, params, attributes")
            attrs = value["attributes"]
            if not isinstance(attrs, dict) or not isinstance(value["params"], dict):
                raise InvalidModel(path, where, "params and attributes must be objects")
            unknown = sorted(set(attrs) - _ALLOWED[name][1])
            if unknown:
                raise InvalidModel(path, f"{where}.{unknown[0]}",
                                   f"not a fitted attribute of {name}")
            _audit(value["params"], f"{where}.params", path)
            _audit(attrs, f"{where}.attributes", path)
            return
        if tag == "$array":
            spec = value["$array"]
            if not isinstance(spec, dict) or spec.get("dtype") not in _DTYPES:
                raise InvalidModel(path, where, f"array dtype must be one of {sorted(_DTYPES)}")
        _audit(value[tag], where, path)
        return
    for k, v in value.items():
        _audit(v, f"{where}.{k}", path)


def _decode(value: Any, where: str, path: str) -> Any:
    if isinstance(value, list):
        return [_decode(v, f"{where}[{i}]", path) for i, v in enumerate(value)]
    if not isinstance(value, dict):
        return value
    if "$float" in value:
        text = value["$float"]
        if text not in ("nan", "inf", "-inf"):
            raise InvalidModel(path, where, f"$float {text!r} (allowed: nan, inf, -inf)")
        return float(text)
    if "$tuple" in value:
        return tuple(_decode(value["$tuple"], where, path))
    if "$dict" in value:
        pairs = value["$dict"]
        if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2
                                                  for p in pairs):
            raise InvalidModel(path, where, "$dict holds [key, value] pairs")
        return {_decode(k, where, path): _decode(v, f"{where}.{k}", path) for k, v in pairs}
    if "$array" in value:
        spec = value["$array"]
        try:
            data = [_decode(v, where, path) for v in spec["data"]]
            shape = tuple(int(s) for s in spec["shape"])
            dtype = str if spec["dtype"] == "str" else spec["dtype"]
            if spec["dtype"] in ("str", "object") and not all(
                    isinstance(v, (str, int, float, bool)) for v in data):
                raise ValueError("text and object arrays hold only text, numbers or booleans")
            return np.array(data, dtype=dtype).reshape(shape)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidModel(path, where, f"malformed array ({exc})") from None
    if "$estimator" in value:
        return _build_estimator(value, where, path)
    return {k: _decode(v, f"{where}.{k}", path) for k, v in value.items()}


def _build_estimator(value: dict, where: str, path: str) -> Any:
    cls, allowed = _ALLOWED[value["$estimator"]]
    params = {k: _decode(v, f"{where}.params.{k}", path) for k, v in value["params"].items()}
    known = set(cls._get_param_names())
    unknown = sorted(set(params) - known)
    if unknown:
        raise InvalidModel(path, f"{where}.params.{unknown[0]}",
                           f"not a parameter of {cls.__name__} ({', '.join(sorted(known))})")
    if "point_range" in params and isinstance(params["point_range"], list):
        params["point_range"] = tuple(params["point_range"])
    model = cls(**params)
    for k, v in value["attributes"].items():
        setattr(model, k, _decode(v, f"{where}.{k}", path))
    return model


def _read_v1(doc: dict, path: str) -> tuple[Any, Any]:
    for key in ("model", "feature_names", "training_digest", "validation"):
        if key not in doc:
            raise InvalidModel(path, key, "missing (a format_version 1 file has it)")
    model_doc = doc["model"]
    if not isinstance(model_doc, dict) or "$estimator" not in model_doc:
        raise InvalidModel(path, "model", "not an estimator entry")
    _audit(model_doc, "model", path)
    entry = doc["validation"]
    if entry is not None:
        if not isinstance(entry, dict) or entry.get("kind") not in ("ValidationReport", "dict"):
            raise InvalidModel(path, "validation", "kind must be 'ValidationReport' or 'dict'")
        _audit(entry.get("data"), "validation.data", path)
    model = _build_estimator(model_doc, "model", path)
    validation = None
    if entry is not None:
        data = _decode(entry["data"], "validation.data", path)
        if entry["kind"] == "ValidationReport":
            try:
                from ._validation import ValidationReport
            except ImportError:  # pragma: no cover - validation ships with rnr
                validation = data
            else:
                try:
                    validation = ValidationReport.from_dict(data, where="validation.data")
                except RNRError as exc:
                    raise InvalidModel(path, "validation.data", str(exc)) from None
        else:
            validation = data
    return model, validation


#: Readers of every format version still supported: each returns (model, validation).
_READERS = {1: _read_v1}


def load(path: str | os.PathLike) -> Any:
    """Load a model saved by :func:`save`, checking it before building anything.

    The file's content hash is verified first; then every class and array type named in it
    is checked against rnr's allow-lists; only then is the model built, from its parameters
    and fitted attributes. A saved validation report comes back as ``model.validation_``.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    PointsModel or ScoreCalibrator

    Raises
    ------
    InvalidModel
        A pickle (or other binary) file, a truncated or malformed file, a content hash that
        does not match (the file was changed), another format, a newer format version, or a
        class or attribute not on the allow-list.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "model.pkl")
    >>> import pickle
    >>> with open(path, "wb") as fh:
    ...     pickle.dump({"a": 1}, fh)
    >>> load(path)
    Traceback (most recent call last):
    ...
    rnr._persist.InvalidModel: ...: <file>: a pickle file (it starts with byte 0x80): rnr never loads pickles...
    """
    where = str(path)
    try:
        size = os.path.getsize(path)
        if size > _MAX_BYTES:
            raise InvalidModel(where, "<file>", f"{size} bytes; a model file is at most "
                               f"{_MAX_BYTES} bytes")
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidModel(where, "<file>", f"cannot be read: {exc.strerror}") from None
    if raw[:1] == b"\x80":
        raise InvalidModel(where, "<file>", "a pickle file (it starts with byte 0x80): rnr never "
                           "loads pickles, which can run code; save models with rnr.save")
    if _compressed(raw):
        raise InvalidModel(where, "<file>", "a compressed binary file (joblib or gzip?); "
                           "rnr loads only the JSON written by rnr.save")
    try:
        text = raw.decode("utf-8")
        doc = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise InvalidModel(where, "<file>", "not UTF-8 text: not a model written by rnr.save"
                           ) from None
    except json.JSONDecodeError as exc:
        cut = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise InvalidModel(where, "<file>", f"not valid JSON at line {exc.lineno}, column "
                           f"{exc.colno}{cut}") from None
    except ValueError as exc:  # NaN / Infinity literals, which JSON does not have
        raise InvalidModel(where, "<file>", f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise InvalidModel(where, "format", f"{found!r} (allowed: {FORMAT!r})")
    stated = doc.get("content_sha256")
    body = {k: v for k, v in doc.items() if k != "content_sha256"}
    if not isinstance(stated, str) or not re.fullmatch(r"[0-9a-f]{64}", stated):
        raise InvalidModel(where, "content_sha256", "missing or not a SHA-256 hex digest")
    actual = hashlib.sha256(_canonical(body)).hexdigest()
    if actual != stated:
        raise InvalidModel(where, "content_sha256", f"the content hash does not match "
                           f"(stated {stated[:12]}..., actual {actual[:12]}...): the file was "
                           "changed after it was saved")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidModel(where, "format_version", f"{version!r} (allowed: an integer)")
    if version > FORMAT_VERSION:
        raise InvalidModel(where, "format_version", f"{version} was written by a newer rnr "
                           f"({doc.get('rnr_version')}); this rnr reads versions up to "
                           f"{FORMAT_VERSION}: upgrade rnr")
    reader = _READERS.get(version)
    if reader is None:
        raise InvalidModel(where, "format_version", f"{version} (supported: "
                           f"{sorted(_READERS)})")
    model, validation = reader(doc, where)
    if validation is not None:
        model.validation_ = validation
    return model


def _compressed(raw: bytes) -> bool:
    """Whether ``raw`` starts like zlib (joblib's default), gzip, bz2, xz or lzma data."""
    zlib = len(raw) >= 2 and raw[0] == 0x78 and (raw[0] * 256 + raw[1]) % 31 == 0
    return zlib or raw[:2] == b"\x1f\x8b" or raw[:3] == b"BZh" or raw[:6] == b"\xfd7zXZ\x00" \
        or raw[:1] == b"\x5d"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
