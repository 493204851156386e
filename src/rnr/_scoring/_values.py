"""Reading one field's values: checking type and range, scalar and vectorised, with the same rules.

Numbers are floats (NaN when omitted); dates are days since 1970-01-01 as floats; category
values are option indices (-1 when omitted). Strings are never coerced to numbers, and dates
are accepted as ``datetime.date``/``datetime``, pandas/numpy datetimes or ``YYYY-MM-DD`` text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InvalidRecord

__all__ = ["FieldSpec", "is_missing", "Problems"]

_EPOCH = dt.date(1970, 1, 1)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_missing(v: Any) -> bool:
    """Whether ``v`` counts as an omitted answer (None, NaN, NaT, pandas NA)."""
    if v is None:
        return True
    if isinstance(v, float):
        return v != v
    if v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (np.floating, np.datetime64)):
        return bool(np.isnat(v)) if isinstance(v, np.datetime64) else bool(np.isnan(v))
    return False


def _tag(v: Any) -> tuple | None:
    """Return a type-aware key for category matching: 1, 1.0 and True are different from "1"."""
    if isinstance(v, (bool, np.bool_)):
        return ("b", bool(v))
    if isinstance(v, (int, np.integer)):
        return ("i", int(v))
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return ("i", int(v))
    if isinstance(v, (str, np.str_)):
        return ("s", str(v))
    return None


def _plain_numeric(dtype) -> bool:
    """Integer or float columns (not bool, not complex)."""
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not pd.api.types.is_complex_dtype(dtype))


def _describe_options(values: tuple) -> str:
    return "one of " + ", ".join(repr(v) for v in values)


class Problems:
    """Collects a batch's per-row problems, sparsely: (rows, field, values, allowed, code).

    ``rows`` are row positions and ``values`` (or None) are aligned with them, so recording a
    problem costs in proportion to the bad rows, never to the batch.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.entries: list[tuple] = []
        self.bad = np.zeros(n, dtype=bool)

    def add(self, mask: np.ndarray, field: str, values: Any, allowed: str, code: str) -> None:
        """Record a problem for the rows in ``mask``; ``values`` is None or one per row of the batch."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            rows = np.flatnonzero(mask)
            if values is not None:
                values = values[rows] if isinstance(values, np.ndarray) else [values[r] for r in rows]
            self.add_at(rows, field, values, allowed, code)

    def add_at(self, rows: np.ndarray, field: str, values: Any, allowed: str, code: str) -> None:
        """Record a problem for row positions ``rows``; ``values`` is None or aligned with them."""
        if len(rows):
            self.entries.append((rows, field, values, allowed, code))
            self.bad[rows] = True

    def add_rows(self, rows: np.ndarray, errors: list) -> None:
        """Record one InvalidRecord per row position."""
        for r, err in zip(rows, errors, strict=True):
            self.add_at(np.array([r]), err.field, [err.value], err.allowed, err.code)

    def merge(self, other: Problems, positions: np.ndarray | None = None,
              only_new: bool = True) -> None:
        """Add ``other``'s problems, rows mapped through ``positions``.

        With ``only_new``, a problem is added only to rows not bad before it.
        """
        for rows, field, values, allowed, code in other.entries:
            if positions is not None:
                rows = positions[rows]
            if only_new and self.bad[rows].any():
                fresh = ~self.bad[rows]
                rows = rows[fresh]
                if values is not None:
                    values = [v for v, f in zip(values, fresh, strict=True) if f]
            self.add_at(rows, field, values, allowed, code)

    def frame(self, index: pd.Index) -> pd.DataFrame:
        """Tidy table: row, field, value, allowed, code, message."""
        rows = []
        for positions, field, values, allowed, code in self.entries:
            for i, pos in enumerate(positions):
                v = values[i] if values is not None else None
                err = InvalidRecord(field, v, allowed, code)
                rows.append((index[pos], field, repr(v)[:80], allowed, code, str(err)))
        cols = ["row", "field", "value", "allowed", "code", "message"]
        out = pd.DataFrame(rows, columns=cols)
        return out.sort_values("row", kind="stable").reset_index(drop=True) if len(out) else out


class FieldSpec:
    """How to read one field (an input or a record-read item) from a record or a column.

    Parameters
    ----------
    field : str
        The id.
    kind : str
        ``number``, ``date`` or ``category``.
    minimum, maximum : float, optional
        Inclusive range for numbers.
    integer : bool
        Numbers must be whole.
    values : tuple
        Allowed category values, in order.
    """

    def __init__(self, field: str, kind: str, minimum: float | None = None,
                 maximum: float | None = None, integer: bool = False, values: tuple = ()) -> None:
        self.field = field
        self.kind = kind
        self.min = minimum
        self.max = maximum
        self.integer = integer
        self.values = tuple(values)
        self.index = {_tag(v): i for i, v in enumerate(self.values)}
        self.fast_index = {v: i for i, v in enumerate(self.values) if type(v) in (str, int)}
        ints = sorted(t[1] for t in self.index if t is not None and t[0] == "i")
        self.gaps = bool(ints) and len(ints) != ints[-1] - ints[0] + 1  # integer options skip one
        self.allowed = self._allowed()
        # option indices as int8 when they fit: smaller arrays, faster look-ups
        self.code_dtype = np.int8 if len(self.values) < 127 else np.int64

    def _allowed(self) -> str:
        if self.kind == "category":
            return _describe_options(self.values)
        if self.kind == "date":
            return "a date (YYYY-MM-DD)"
        what = "an integer" if self.integer else "a number"
        if self.min is not None and self.max is not None:
            return f"{what} from {self.min:g} to {self.max:g}"
        if self.min is not None:
            return f"{what} of at least {self.min:g}"
        if self.max is not None:
            return f"{what} of at most {self.max:g}"
        return what

    # -- one value ---------------------------------------------------------------------------
    def scalar(self, v: Any) -> float | int:
        """Read one value; NaN (or -1 for categories) when omitted; InvalidRecord when bad."""
        t = type(v)
        if (t is str or t is int) and self.kind == "category":
            i = self.fast_index.get(v)
            if i is not None and type(self.values[i]) is t:
                return i
        elif (t is int or t is float) and self.kind == "number":
            x = float(v)
            if x == x:
                return self.check_number(x, v)
        elif t is str and self.kind == "date" and _ISO.match(v):
            try:
                return float((dt.date.fromisoformat(v) - _EPOCH).days)
            except ValueError:
                pass  # e.g. 1990-02-30: the general path below raises the error
        if is_missing(v):
            return -1 if self.kind == "category" else math.nan
        if self.kind == "category":
            i = self.index.get(_tag(v))
            if i is None:
                code = "not_an_option" if _tag(v) is not None else "wrong_type"
                raise InvalidRecord(self.field, v, self.allowed, code)
            return i
        if self.kind == "date":
            return self._date(v)
        return self.check_number(self._number(v), v)

    def _number(self, v: Any) -> float:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer,
                                                                  np.floating)):
            raise InvalidRecord(self.field, v, self.allowed, "wrong_type")
        return float(v)

    def check_number(self, x: float, original: Any = None) -> float:
        """Check a number's integrality and range."""
        if x != x:
            return x
        shown = x if original is None else original
        if math.isinf(x) or (self.integer and not x.is_integer()):
            raise InvalidRecord(self.field, shown, self.allowed, "wrong_type")
        if (self.min is not None and x < self.min) or (self.max is not None and x > self.max):
            raise InvalidRecord(self.field, shown, self.allowed, "out_of_range")
        return x

    def _date(self, v: Any) -> float:
        if isinstance(v, pd.Timestamp):
            v = v.date()
        elif isinstance(v, np.datetime64):
            v = pd.Timestamp(v).date()
        if isinstance(v, dt.datetime):
            v = v.date()
        if isinstance(v, dt.date):
            return float((v - _EPOCH).days)
        if isinstance(v, str) and _ISO.match(v):
            try:
                return float((dt.date.fromisoformat(v) - _EPOCH).days)
            except ValueError:
                pass
        raise InvalidRecord(self.field, v, self.allowed, "wrong_type")

    # -- a column ----------------------------------------------------------------------------
    def column(self, col: pd.Series | None, n: int, problems: Problems) -> np.ndarray:
        """Read a whole column, adding bad rows to ``problems`` (their value becomes omitted)."""
        if col is None:
            if self.kind == "category":
                return np.full(n, -1, dtype=np.int64)
            return np.full(n, np.nan)
        if self.kind == "category":
            return self._category_column(col, problems)
        if self.kind == "date":
            return self._date_column(col, problems)
        return self._number_column(col, problems)

    def _fallback(self, col: pd.Series, problems: Problems, default: Any, dtype: Any) -> np.ndarray:
        arr = col.to_numpy(dtype=object)
        out = np.full(len(arr), default, dtype=dtype)
        bad_rows, errors = [], []
        for i, v in enumerate(arr):
            try:
                out[i] = self.scalar(v)
            except InvalidRecord as err:
                bad_rows.append(i)
                errors.append(err)
        problems.add_rows(np.array(bad_rows, dtype=int), errors)
        return out

    def _number_column(self, col: pd.Series, problems: Problems) -> np.ndarray:
        if not _plain_numeric(col.dtype):
            return self._fallback(col, problems, np.nan, "float64")
        return self.check_numbers(col.to_numpy(dtype="float64", na_value=np.nan), problems)

    def check_numbers(self, x: np.ndarray, problems: Problems) -> np.ndarray:
        """Check float values (NaN omitted) like :meth:`check_number`; bad ones become NaN."""
        with np.errstate(invalid="ignore"):
            ok = (np.floor(x) == x) if self.integer else np.isfinite(x)  # NaN is not ok
            if self.integer and (self.min is None or self.max is None):
                ok &= np.isfinite(x)
            if self.min is not None:
                ok &= x >= self.min
            if self.max is not None:
                ok &= x <= self.max
        if ok.all() or not (~ok & ~np.isnan(x)).any():  # every value fine or omitted
            return x
        present = ~np.isnan(x)
        wrong = present & np.isinf(x)
        if self.integer:
            wrong |= present & ~wrong & (np.mod(np.where(present & ~wrong, x, 0), 1) != 0)
        problems.add(wrong, self.field, x, self.allowed, "wrong_type")
        out_of_range = np.zeros(len(x), dtype=bool)
        if self.min is not None:
            out_of_range |= present & (x < self.min)
        if self.max is not None:
            out_of_range |= present & (x > self.max)
        out_of_range &= ~wrong
        problems.add(out_of_range, self.field, x, self.allowed, "out_of_range")
        bad = wrong | out_of_range
        if bad.any():
            x = x.copy()
            x[bad] = np.nan
        return x

    def _date_column(self, col: pd.Series, problems: Problems) -> np.ndarray:
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            if getattr(col.dtype, "tz", None) is not None:
                col = col.dt.tz_localize(None)
            d = col.to_numpy(dtype="datetime64[ns]")
            nat = np.isnat(d)
            out = d.astype("datetime64[D]").astype("int64").astype("float64")
            out[nat] = np.nan
            return out
        kind = pd.api.types.infer_dtype(col, skipna=True)
        if kind in ("string", "empty"):
            # dates repeat (birth dates, assessment days): parse each distinct text once
            values = np.asarray(col.array, dtype=object)
            codes, uniques = pd.factorize(values)
            u = pd.Series(uniques, dtype=object)
            ok = u.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).to_numpy(dtype=bool)
            parsed = pd.to_datetime(u.where(ok), format="%Y-%m-%d", errors="coerce")
            d = parsed.to_numpy(dtype="datetime64[ns]")
            days = np.full(len(uniques) + 1, np.nan)  # the last entry for missing (code -1)
            good = ~np.isnat(d)
            days[:-1][good] = d[good].astype("datetime64[D]").astype("int64")
            out = days[codes]
            bad = (codes >= 0) & np.isnan(out)
            problems.add(bad, self.field, values, self.allowed, "wrong_type")
            return out
        return self._fallback(col, problems, np.nan, "float64")

    def _category_column(self, col: pd.Series, problems: Problems) -> np.ndarray:
        tags = {t[0] for t in self.index}
        if isinstance(col.dtype, pd.CategoricalDtype):
            # map the few categories once, then take by code: no per-row hashing
            cats = list(col.cat.categories)
            lut = np.array([self.index.get(_tag(c), -1) for c in cats] + [-1],
                           dtype=self.code_dtype)
            raw = col.cat.codes.to_numpy()
            codes = lut[raw]  # code -1 (missing) takes the appended -1
            if (lut[:-1] < 0).any():  # some category is not an option
                bad = (raw >= 0) & (codes < 0)
                problems.add(bad, self.field, col.astype(object).to_numpy(), self.allowed,
                             "not_an_option")
            return codes
        if tags == {"s"} and pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty",
                                                                             "categorical"):
            s = col.astype("object")
            codes = pd.Index(list(self.values), dtype=object).get_indexer(s).astype(np.int64)
            present = s.notna().to_numpy()
            bad = present & (codes < 0)
            problems.add(bad, self.field, s.to_numpy(), self.allowed, "not_an_option")
            return codes
        if tags == {"i"} and _plain_numeric(col.dtype):
            keys = sorted(t[1] for t in self.index)
            lo, hi = keys[0], keys[-1]
            lut = np.full(hi - lo + 1, -1, dtype=self.code_dtype)
            for k in keys:
                lut[k - lo] = self.index[("i", k)]
            if pd.api.types.is_integer_dtype(col.dtype) and not col.hasnans:
                xi = col.to_numpy()
                if len(xi) and xi.min() >= lo and xi.max() <= hi:  # all inside: one look-up
                    codes = lut[xi - lo] if lo else lut[xi]
                    if self.gaps:
                        problems.add(codes < 0, self.field, xi, self.allowed, "not_an_option")
                    return codes
                inside = (xi >= lo) & (xi <= hi)
                codes = lut[np.where(inside, xi - lo, 0)]
                codes = np.where(inside, codes, -1) if not inside.all() else codes
                problems.add(codes < 0, self.field, xi, self.allowed, "not_an_option")
                return codes
            x = col.to_numpy(dtype="float64", na_value=np.nan)
            inside = (x >= lo) & (x <= hi) & (np.floor(x) == x)
            codes = lut[np.where(inside, x - lo, 0).astype(np.int64)]
            codes = np.where(inside, codes, -1)
            problems.add(~np.isnan(x) & (codes < 0), self.field, x, self.allowed, "not_an_option")
            return codes
        return self._fallback(col, problems, -1, np.int64)
