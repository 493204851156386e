"""Small builders of assessment mappings for tests and examples (no instrument is scored).

The mappings follow the ``Assessment.to_dict()`` contract (docs/instrument-format.md) with only
the keys a plan reads. Use the real ``rnr.assess`` when an instrument's scoring matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["make_assessment", "need"]


def need(domain: str, central_eight: str = "none", *, role: str = "need", kind: str = "dynamic",
         present: bool = True, level: str | None = None, score: float | None = None) -> dict:
    """Return one need entry (``rank`` is set by :func:`make_assessment`).

    Examples
    --------
    >>> need("peers", "antisocial_associates")["role"]
    'need'
    """
    return {"domain": domain, "score": score, "max": None,
            "level": level or ("need" if present else "no_need"), "need": present,
            "rank": None, "kind": kind, "role": role, "central_eight": central_eight}


def make_assessment(level: str = "medium", needs: Iterable[Mapping] = (), *,
                    instrument: str = "ogrs3", scale: str = "ogrs3_2y",
                    level_range: list | None = None, raw: float | None = 0.5,
                    version: str = "3.0.0", status: str = "published") -> dict:
    """Return an assessment mapping at a given level with the given needs, ranked in order.

    Examples
    --------
    >>> a = make_assessment("high", [need("attitudes", "antisocial_cognition")])
    >>> a["risk_level"], a["needs"][0]["rank"], a["scales"]["ogrs3_2y"]["level"]
    ('high', 1, 'high')
    """
    ranked = []
    for i, n in enumerate(needs, 1):
        entry = dict(n)
        entry["rank"] = i
        ranked.append(entry)
    return {
        "instrument": instrument, "version": version, "status": status,
        "scales": {scale: {"raw": raw, "scaled": None, "level": level,
                           "level_range": level_range, "bounds": [0, 1]}},
        "risk_level": level, "flags": [], "needs": ranked, "items": {}, "warnings": [],
        "rnr_version": "test", "input_digest": "sha256:test",
    }
