"""Write a fitted PointsModel as an instrument definition in rnr's format (TOML).

Layout (see ``docs/instrument-format.md``):

- one item per model item, with the feature's name as its id: numeric items as ``bands``
  (each ``[min, next min)``; the first band's ``min`` is the smallest value seen in fit, so
  ``rnr.assess`` refuses values below the range the instrument was built on, where
  ``predict_proba`` would place them in the lowest band), categorical items as ``options``;
- a sum scale (``total`` by default) over the items, with a ``scaled`` table giving for every
  reachable integer total the model's probability of the outcome. Totals are integers, so the
  table (``[min, next min)``) reproduces ``predict_proba`` exactly: the same floats, written
  with ``repr`` and read back unchanged;
- ``missing.max_omitted = 0``: like ``predict_proba``, the instrument scores only complete
  records;
- ``status = "not-validated"``: a learned instrument is validated out of sample
  (``rnr.validate``) before anyone relies on it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .._errors import InvalidRecord, RNRError
from ._labels import band_labels
from ._toml import dumps

__all__ = ["points_instrument", "write_instrument"]

_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def _check_id(what: str, value: str) -> None:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidRecord(what, value, "an id matching ^[a-z][a-z0-9_-]*$ (rename the "
                            "column, e.g. to lower case with underscores)", code="wrong_type")


def points_instrument(model, id: str, version: str, *, title: str | None = None,
                      purpose: str | None = None, population: str | None = None,
                      licence: str = "Learned from the user's own data; terms set by its owner",
                      citation: str | None = None, scale: str = "total") -> dict:
    """Return the instrument definition (a dict) of a fitted :class:`PointsModel`.

    Parameters
    ----------
    model : PointsModel
        A fitted model.
    id, version : str
        The instrument's id (``^[a-z][a-z0-9_-]*$``) and its own version.
    title, purpose, population, licence, citation : str, optional
        Metadata written into ``[instrument]``.
    scale : str
        The id of the total-points scale.

    Raises
    ------
    rnr.InvalidRecord
        A feature name (or ``id``, ``scale``) that is not a valid instrument id.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from rnr._models._points import PointsModel
    >>> X = pd.DataFrame({"priors": np.repeat([0, 3], 100)})
    >>> y = np.r_[np.zeros(80), np.ones(20), np.zeros(40), np.ones(60)]
    >>> d = points_instrument(PointsModel().fit(X, y), "tiny", "1.0.0")
    >>> d["items"][0]["bands"][1]["min"], d["scales"][0]["id"]
    (3, 'total')
    """
    _check_id("id", id)
    _check_id("scale", scale)
    if not model.items_:
        raise RNRError("items_: the model has no items (no feature improved the fit enough to "
                       "earn points); an instrument needs at least one item")
    items = []
    for spec in model.items_:
        name = spec["feature"]
        _check_id(name, name)
        if name == scale:
            raise InvalidRecord(name, name, f"an item id other than the scale id {scale!r}",
                                code="wrong_type")
        item = {"id": name, "type": spec["type"], "label": {"en": name}, "required": True}
        if spec["type"] == "numeric":
            labels = band_labels(spec["bands"], spec["integer"])
            item["min"] = _plain_number(spec["bands"][0])
            if spec["integer"]:
                item["integer"] = True
            item["bands"] = [
                {"min": _plain_number(low), "points": int(pts), "label": {"en": label}}
                for low, pts, label in zip(spec["bands"], spec["points"], labels, strict=True)
            ]
        else:
            item["options"] = [
                {"value": level, "points": int(pts), "label": {"en": str(level)}}
                for level, pts in zip(spec["levels"], spec["points"], strict=True)
            ]
        items.append(item)
    low = int(model.total_min_)
    table = [{"min": low + k, "value": float(p)} for k, p in enumerate(model.probabilities_)]
    total = {"id": scale, "type": "sum", "label": {"en": "Total points"},
             "items": [it["id"] for it in items], "scaled": table}
    calibration = model.calibrator_.method
    notes = [
        "Learned by rnr.PointsModel: integer points per band or level; the scale's `scaled` "
        "table is the probability of the outcome for each total "
        f"({calibration} calibration on the training data).",
        f"Training data digest: {model.training_digest_}.",
        f"Logistic fit on the total: logit p = {model.intercept_!r} + {model.slope_!r} * total.",
    ]
    definition = {
        "format_version": 1,
        "instrument": {
            "id": id,
            "version": version,
            "title": {"en": title or f"Points instrument {id}"},
            "purpose": purpose or "Probability of the outcome within the follow-up window of "
                                  "the training data.",
            "population": population or "The population of the training data.",
            "status": "not-validated",
            "licence": licence,
            "primary_scale": scale,
            "notes": notes,
            "sources": [{"citation": citation or
                         f"Fitted with rnr.PointsModel on data {model.training_digest_}"}],
        },
        "missing": {"max_omitted": 0, "prorate": False},
        "items": items,
        "scales": [total],
    }
    return definition


def write_instrument(definition: dict, path: str | os.PathLike | None = None) -> str:
    """Return the definition as TOML text, writing it to ``path`` when given.

    Examples
    --------
    >>> write_instrument({"format_version": 1}).splitlines()
    ['format_version = 1']
    """
    text = dumps(definition)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
