"""The validated, frozen instrument: what a definition file becomes once loaded.

Data flows one way: definition file -> :class:`Instrument` (here) -> scoring engine ->
``Assessment``. Nothing in this module reads files or scores records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._expr import Expression

__all__ = ["Input", "Item", "Level", "Scale", "Flag", "Domain", "Instrument", "CENTRAL_EIGHT"]

#: Central Eight areas in the order used to break ties when ranking needs: the "big four"
#: (antisocial cognition, associates, personality pattern, history) first (Andrews, Bonta &
#: Wormith 2006), history last among dynamic ranking since it is static.
CENTRAL_EIGHT = (
    "antisocial_cognition",
    "antisocial_associates",
    "antisocial_personality",
    "substance_use",
    "family_marital",
    "education_employment",
    "leisure_recreation",
    "criminal_history",
    "none",
)


def text(label: dict | str | None, lang: str = "en") -> str:
    """Return ``label`` in ``lang``, falling back to English."""
    if label is None:
        return ""
    if isinstance(label, str):
        return label
    return label.get(lang) or label["en"]


@dataclass(frozen=True)
class Input:
    """A raw fact read from the record but not scored itself (a date, sex, a count)."""

    id: str
    type: str  # date | number | category | boolean
    label: dict
    required: bool = True
    min: float | None = None
    max: float | None = None
    integer: bool = False
    values: tuple = ()


@dataclass(frozen=True, eq=False)
class Item:
    """A scored item.

    ``table`` holds the points: shape ``(len(by_values) or 1, n_bands or n_options)``.
    """

    id: str
    type: str  # numeric | categorical
    label: dict
    prompt: dict | None
    domain: str | None
    required: bool
    min: float | None
    max: float | None
    integer: bool
    derive: Expression | None
    source: tuple | None  # (instrument, scale, version or None)
    by: str | None
    by_values: tuple
    band_mins: np.ndarray | None
    options: tuple  # option values (categorical)
    option_labels: tuple
    table: np.ndarray
    points_min: float
    points_max: float

    @property
    def answered_in_record(self) -> bool:
        """Whether the value is read from the record (not derived)."""
        return self.derive is None


@dataclass(frozen=True)
class Level:
    """A risk level: scale values at or above ``min`` (up to the next level's ``min``)."""

    id: str
    min: float
    label: dict | None = None
    common: int | None = None
    outcome: dict | None = None


@dataclass(frozen=True, eq=False)
class Scale:
    """A scale: a weighted sum of item points, or a formula."""

    id: str
    label: dict | None
    type: str  # sum | formula
    weights: tuple  # ((item_id, weight), ...) for sums
    expression: Expression | None
    scaled_mins: np.ndarray | None
    scaled_values: np.ndarray | None
    levels_on: str  # raw | scaled
    levels_by: str | None
    levels: dict  # by-value (or None) -> tuple[Level, ...]
    bounds: tuple  # (low, high) of the value levels are read on, where known

    def level_mins(self, key: Any = None) -> np.ndarray:
        """Cut-offs of the levels for norm group ``key``."""
        return np.array([lv.min for lv in self.levels[key]], dtype="float64")


@dataclass(frozen=True)
class Flag:
    """A flag raised when a scale reaches ``min`` or an item takes one of ``values``."""

    id: str
    label: dict | None
    scale: str | None = None
    min: float | None = None
    item: str | None = None
    values: tuple = ()


@dataclass(frozen=True)
class Domain:
    """A need area (or responsivity / stabilisation area) scored from its items' points."""

    id: str
    label: dict
    central_eight: str
    kind: str  # dynamic | static
    role: str  # need | responsivity | stabilisation
    items: tuple
    thresholds: tuple  # ((level, min), ...)
    max_score: float
    min_score: float


@dataclass(frozen=True, eq=False)
class Instrument:
    """A validated, immutable instrument definition.

    Build one with :func:`rnr.load_instrument`; do not construct it by hand.

    Examples
    --------
    >>> import rnr
    >>> inst = rnr.load_instrument("ogrs3")
    >>> inst.id, inst.primary_scale
    ('ogrs3', 'ogrs3_2y')
    """

    id: str
    version: str
    title: dict
    purpose: str
    population: str
    status: str
    licence: str
    sources: tuple
    notes: tuple
    unverified: tuple
    primary_scale: str | None
    max_omitted: int
    prorate: bool
    inputs: dict
    items: dict
    scales: dict  # in dependency order
    flags: tuple
    domains: dict
    item_order: tuple  # items in dependency order
    digest: str
    origin: str
    definition: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def key(self) -> str:
        """``id@version``."""
        return f"{self.id}@{self.version}"

    def describe(self, lang: str = "en") -> dict:
        """Return a JSON-ready summary: id, version, title, status, licence, sources, notes.

        Examples
        --------
        >>> import rnr
        >>> rnr.load_instrument("rnr-c8").describe()["status"]
        'not-validated'
        """
        return {
            "id": self.id,
            "version": self.version,
            "title": text(self.title, lang),
            "status": self.status,
            "licence": self.licence,
            "purpose": self.purpose,
            "population": self.population,
            "sources": [dict(s) for s in self.sources],
            "notes": list(self.notes),
            "unverified": list(self.unverified),
            "digest": self.digest,
        }
