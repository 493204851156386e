"""The moderated-regression test of predictive bias (Cleary's model, as in Skeem & Lowenkamp 2016).

For one grouping column with levels ``g``, fit the logistic model

    logit P(y = 1) = b0 + b1 * x + sum_g (c_g * [group = g] + d_g * x * [group = g])

where ``x`` is the predictor (``logit(risk)`` for probabilities, the score itself for scores),
centred at its mean over the rows used, and the reference level (the largest) has no terms.
``c_g`` is the group's difference in log-odds of the outcome at the mean predictor (intercept
difference) and ``d_g`` its difference in slope. Each has a Wald z test from the Hessian, and
joint Wald chi-square tests cover all intercept terms, all slope terms and both together.
Levels with fewer than ``MIN_EVENTS`` events or non-events are left out (and listed), since
their coefficients are not estimable in practice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._errors import InvalidData
from ._logistic import fit_logistic, wald_test
from ._serial import decode_float, decode_table, encode_float, encode_label, encode_table

__all__ = ["MIN_EVENTS", "PredictiveBias", "predictive_bias"]

#: A level needs at least this many events and this many non-events to enter the model.
MIN_EVENTS = 5

TERM_SCHEMA = (
    ("level", "label"),
    ("n", "int"),
    ("events", "int"),
    ("intercept_difference", "float"),
    ("intercept_se", "float"),
    ("intercept_z", "float"),
    ("intercept_p", "float"),
    ("slope_difference", "float"),
    ("slope_se", "float"),
    ("slope_z", "float"),
    ("slope_p", "float"),
)
TEST_SCHEMA = (("test", "str"), ("chi2", "float"), ("df", "int"), ("p", "float"))
EXCLUDED_SCHEMA = (("level", "label"), ("n", "int"), ("events", "int"), ("reason", "str"))


@dataclass(frozen=True, eq=False)
class PredictiveBias:
    """Result of the moderated-regression test for one grouping column.

    Attributes
    ----------
    column : str
        The grouping column.
    predictor : str
        What ``x`` was (e.g. ``"logit(risk), centred at its mean 0.12"``).
    reference : object
        The reference level (the largest level that entered the model), or None.
    reference_intercept, reference_slope : float
        ``b0`` and ``b1``: the reference level's intercept and slope.
    terms : pandas.DataFrame
        One row per other level: ``level, n, events``, ``intercept_difference, intercept_se,
        intercept_z, intercept_p`` and the same four for ``slope``.
    tests : pandas.DataFrame
        Joint Wald tests: rows ``intercepts``, ``slopes``, ``both`` with ``chi2, df, p``.
    excluded : pandas.DataFrame
        Levels left out (``level, n, events, reason``).
    converged : bool
        Whether the logistic fit converged; if not, every number is NaN.
    notes : tuple of str

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2000); g = rng.integers(0, 2, 2000)
    >>> y = (rng.random(2000) < 1 / (1 + np.exp(-x))).astype(float)
    >>> bias = predictive_bias(y, x, g, [0, 1], "group", "x")
    >>> bias.reference in (0, 1), bias.tests["test"].tolist()
    (True, ['intercepts', 'slopes', 'both'])
    """

    column: str
    predictor: str
    reference: object
    reference_intercept: float
    reference_slope: float
    terms: pd.DataFrame
    tests: pd.DataFrame
    excluded: pd.DataFrame
    converged: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """JSON-ready mapping (see :meth:`ValidationReport.to_dict`)."""
        return {
            "column": self.column,
            "predictor": self.predictor,
            "reference": encode_label(self.reference),
            "reference_intercept": encode_float(self.reference_intercept),
            "reference_slope": encode_float(self.reference_slope),
            "terms": encode_table(self.terms, TERM_SCHEMA),
            "tests": encode_table(self.tests, TEST_SCHEMA),
            "excluded": encode_table(self.excluded, EXCLUDED_SCHEMA),
            "converged": bool(self.converged),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict, where: str = "bias") -> PredictiveBias:
        """Rebuild from :meth:`to_dict` output, checking every field."""
        if not isinstance(data, dict):
            raise InvalidData(where, data, "a mapping", code="bad_format")
        try:
            column, predictor = data["column"], data["predictor"]
            converged, notes = data["converged"], data["notes"]
            reference = data["reference"]
        except KeyError as exc:
            raise InvalidData(f"{where}.{exc.args[0]}", "absent", "present",
                              code="bad_format") from None
        if not isinstance(column, str) or not isinstance(predictor, str):
            raise InvalidData(f"{where}.column", column, "a string", code="bad_format")
        if not isinstance(converged, bool):
            raise InvalidData(f"{where}.converged", converged, "true or false", code="bad_format")
        if not isinstance(notes, list) or not all(isinstance(x, str) for x in notes):
            raise InvalidData(f"{where}.notes", notes, "a list of strings", code="bad_format")
        if reference is not None and not isinstance(reference, (str, int, float, bool)):
            raise InvalidData(f"{where}.reference", reference, "a label or null",
                              code="bad_format")
        return cls(
            column=column,
            predictor=predictor,
            reference=reference,
            reference_intercept=decode_float(data.get("reference_intercept"),
                                             f"{where}.reference_intercept"),
            reference_slope=decode_float(data.get("reference_slope"), f"{where}.reference_slope"),
            terms=decode_table(data.get("terms"), TERM_SCHEMA, f"{where}.terms"),
            tests=decode_table(data.get("tests"), TEST_SCHEMA, f"{where}.tests"),
            excluded=decode_table(data.get("excluded"), EXCLUDED_SCHEMA, f"{where}.excluded"),
            converged=converged,
            notes=tuple(notes),
        )


def _empty(schema) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype={"int": "int64", "float": "float64"}.get(
        kind, object)) for name, kind in schema})


def predictive_bias(
    y: np.ndarray,
    x: np.ndarray,
    codes: np.ndarray,
    labels: list,
    column: str,
    predictor: str,
) -> PredictiveBias:
    """Fit the moderated regression for one grouping column.

    Parameters
    ----------
    y : ndarray
        Outcomes 0/1.
    x : ndarray
        The predictor (``logit(risk)`` or the score), not yet centred.
    codes : ndarray of int
        Level of each row as an index into ``labels`` (-1: missing, left out).
    labels : list
        Level labels, in the order the results should list them.
    column, predictor : str
        Names used in the result.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    codes = np.asarray(codes)
    k = len(labels)
    present = codes >= 0
    n = np.bincount(codes[present], minlength=k)
    events = np.bincount(codes[present], weights=y[present], minlength=k).astype(np.int64)
    ok = (events >= MIN_EVENTS) & (n - events >= MIN_EVENTS)
    excluded = pd.DataFrame(
        {
            "level": pd.Series([labels[i] for i in range(k) if not ok[i]], dtype=object),
            "n": pd.Series([int(n[i]) for i in range(k) if not ok[i]], dtype="int64"),
            "events": pd.Series([int(events[i]) for i in range(k) if not ok[i]], dtype="int64"),
            "reason": pd.Series(
                [f"fewer than {MIN_EVENTS} events or non-events"] * int((~ok).sum()), dtype=object
            ),
        }
    )
    kept = [i for i in range(k) if ok[i]]
    notes: list[str] = []
    nan = math.nan
    if len(kept) < 2:
        notes.append("Fewer than two levels have enough events and non-events: no test.")
        return PredictiveBias(column, predictor, None, nan, nan, _empty(TERM_SCHEMA),
                              _empty(TEST_SCHEMA), excluded, False, tuple(notes))
    reference = max(kept, key=lambda i: (n[i], -i))
    others = [i for i in kept if i != reference]
    rows = np.isin(codes, kept)
    yy, xx, cc = y[rows], x[rows], codes[rows]
    centre = float(xx.mean())
    xc = xx - centre
    dummies = np.column_stack([(cc == i).astype(float) for i in others])
    design = np.column_stack([np.ones(yy.size), xc, dummies, dummies * xc[:, None]])
    fit = fit_logistic(design, yy)
    m = len(others)
    a_terms = list(range(2, 2 + m))
    s_terms = list(range(2 + m, 2 + 2 * m))
    if fit.converged:
        coef, se, z, p = fit.coef, fit.se, fit.z, fit.p
        both = a_terms + s_terms
        tests = [wald_test(fit, a_terms), wald_test(fit, s_terms), wald_test(fit, both)]
    else:
        notes.append("The moderated regression did not converge (separation?): no test.")
        coef = se = z = p = np.full(design.shape[1], nan)
        tests = [(nan, m, nan), (nan, m, nan), (nan, 2 * m, nan)]
    terms = pd.DataFrame(
        {
            "level": pd.Series([labels[i] for i in others], dtype=object),
            "n": np.array([n[i] for i in others], dtype=np.int64),
            "events": np.array([events[i] for i in others], dtype=np.int64),
            "intercept_difference": coef[a_terms],
            "intercept_se": se[a_terms],
            "intercept_z": z[a_terms],
            "intercept_p": p[a_terms],
            "slope_difference": coef[s_terms],
            "slope_se": se[s_terms],
            "slope_z": z[s_terms],
            "slope_p": p[s_terms],
        }
    )
    tests_frame = pd.DataFrame(
        {
            "test": pd.Series(["intercepts", "slopes", "both"], dtype=object),
            "chi2": [t[0] for t in tests],
            "df": np.array([t[1] for t in tests], dtype=np.int64),
            "p": [t[2] for t in tests],
        }
    )
    return PredictiveBias(
        column=column,
        predictor=f"{predictor}, centred at its mean {centre:.6g}",
        reference=labels[reference],
        reference_intercept=float(coef[0]),
        reference_slope=float(coef[1]),
        terms=terms,
        tests=tests_frame,
        excluded=excluded,
        converged=bool(fit.converged),
        notes=tuple(notes),
    )
