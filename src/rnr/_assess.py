"""``rnr.assess``: score one record or a DataFrame with an instrument."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ._assessment import Assessment
from ._errors import InvalidRecord, RNRError
from ._instrument._load import resolve
from ._instrument._model import Instrument
from ._scoring._batch import score_frame
from ._scoring._compiled import compiled
from ._scoring._single import score_record

__all__ = ["assess"]


def assess(
    record: Mapping[str, Any] | pd.DataFrame,
    instrument: str | os.PathLike | Instrument = "rnr-c8",
    *,
    version: str | None = None,
    keep: Iterable[str] = (),
    row_digests: bool = False,
    detail: bool = False,
) -> Assessment | pd.DataFrame:
    """Score one record, or every row of a DataFrame, with an instrument.

    Parameters
    ----------
    record : mapping or pandas.DataFrame
        One person's inputs and item answers (keys are the instrument's input and item ids), or
        a DataFrame with one row per person and those ids as columns. Absent keys, ``None`` and
        NaN are omitted answers, handled by the instrument's missing-item policy. In a
        DataFrame, text answers may be text, object or categorical columns (categoricals are
        fastest) and dates datetime or ``YYYY-MM-DD`` text columns; the result is the same.
    instrument : str, path or Instrument
        An installed instrument's id (``"ogrs3"``, ``"ogrs3@3.0.0"``), a path to a definition
        file, or a loaded :class:`Instrument`.
    version : str, optional
        Require this version of the instrument.
    keep : iterable of str
        Batch only: extra columns (such as a person id) copied into the result; any other
        unknown column is an error.
    row_digests : bool
        Batch only: add each row's ``input_digest`` (the same SHA-256 as the single-record
        result; costs a few microseconds a row). The digest of the whole frame is always in
        ``result.attrs["input_digest"]``.
    detail : bool
        Batch only: add each item's points as ``item.<id>.points``.

    Returns
    -------
    Assessment or pandas.DataFrame
        For one record, an :class:`Assessment` (``.to_dict()`` is the JSON contract). For a
        DataFrame, one result row per input row (same index) with ``status`` ``"ok"`` or
        ``"error"``, ``<scale>.raw``/``.scaled``/``.level``, ``risk_level``,
        ``need.<domain>.score``/``.level``/``.need``/``.rank``, ``flag.<id>``, ``warnings`` and
        ``errors``; ``result.attrs["errors"]`` lists every problem (row, field, value, allowed,
        code, message), and ``attrs`` also records instrument, version, rnr_version and digests.

    Raises
    ------
    rnr.InvalidRecord
        One record that cannot be scored (unknown field, wrong type, out of range, not an
        option, a required answer missing, dates out of order); :class:`rnr.TooManyMissing`
        when more items are omitted than the instrument allows. In a batch, these are
        reported per row instead and the good rows are scored.
    rnr.UnknownInstrument, rnr.InvalidInstrument
        The instrument cannot be found or its file is malformed.

    Examples
    --------
    >>> import rnr
    >>> person = {"sex": "male", "birth_date": "1990-01-01", "conviction_date": "2020-01-01",
    ...           "first_sanction_date": "2008-06-01", "assessment_date": "2020-02-01",
    ...           "previous_sanctions": 4, "offence_group": "burglary_domestic"}
    >>> a = rnr.assess(person, "ogrs3")
    >>> 0 < a.scales["ogrs3_2y"]["raw"] < 1
    True
    >>> import pandas as pd
    >>> out = rnr.assess(pd.DataFrame([person, dict(person, previous_sanctions=-1)]), "ogrs3")
    >>> list(out["status"])
    ['ok', 'error']
    >>> out.attrs["errors"]["field"].tolist()
    ['previous_sanctions']
    """
    inst = resolve(instrument, version)
    c = compiled(inst)
    if isinstance(record, pd.DataFrame):
        return score_frame(c, record, tuple(keep), row_digests, detail)
    try:
        return score_record(c, record)
    except RNRError:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise: only RNRError escapes
        raise InvalidRecord("<record>", type(record).__name__,
                            f"a record the engine can read ({type(exc).__name__}: {exc})",
                            "unreadable") from exc
