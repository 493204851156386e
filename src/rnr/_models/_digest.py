"""A SHA-256 digest of training data, so a saved model names the data it was fitted on."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

__all__ = ["training_digest"]


def training_digest(names: list[str], columns: list[np.ndarray], y: np.ndarray,
                    sample_weight: np.ndarray) -> str:
    r"""Return ``"sha256:<hex>"`` over the feature names, values, outcome and weights.

    The bytes hashed, in order: for each column its name (UTF-8), then its values, numbers
    as float64 little-endian; categories as their distinct values in order of first
    appearance (``type:value`` texts joined by ``\x1f``) then each row's int64 index; then
    the outcome the same way as a category; then the weights as float64
    little-endian. Sections are separated by ``\x1e``. The same table and outcome give the
    same digest whatever their in-memory types (a pandas or a numpy integer column alike).

    Examples
    --------
    >>> import numpy as np
    >>> d = training_digest(["age"], [np.array([30.0, 40.0])], np.array([0, 1]), np.ones(2))
    >>> d.startswith("sha256:"), len(d)
    (True, 71)
    """
    h = hashlib.sha256()
    for name, values in zip(names, columns, strict=True):
        h.update(str(name).encode("utf-8") + b"\x1e")
        if values.dtype.kind == "f":
            h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
        else:
            index, uniques = pd.factorize(values)
            h.update("\x1f".join(f"{type(v).__name__}:{v}" for v in uniques).encode("utf-8"))
            h.update(b"\x1f" + np.ascontiguousarray(index, dtype="<i8").tobytes())
        h.update(b"\x1e")
    y_index, y_uniques = pd.factorize(np.asarray(y))
    h.update("\x1f".join(str(v) for v in y_uniques.tolist()).encode("utf-8") + b"\x1f")
    h.update(np.ascontiguousarray(y_index, dtype="<i8").tobytes() + b"\x1e")
    h.update(np.ascontiguousarray(sample_weight, dtype="<f8").tobytes())
    return "sha256:" + h.hexdigest()
