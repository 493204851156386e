"""Per-group validation for one grouping column: a report per level plus the bias test."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from ._bias import PredictiveBias
from ._errors import InvalidData
from ._serial import encode_label

if TYPE_CHECKING:  # pragma: no cover
    from ._report import ValidationReport

__all__ = ["IMPOSSIBILITY_NOTE", "GroupAudit"]

#: Stated beside every group audit.
IMPOSSIBILITY_NOTE = (
    "When base rates differ between groups, no imperfect risk score can be calibrated within "
    "every group and also give every group equal false-positive and false-negative rates "
    "(Kleinberg, Mullainathan & Raghavan 2016, 'Inherent trade-offs in the fair determination "
    "of risk scores'; Chouldechova 2017, 'Fair prediction with disparate impact', Big Data "
    "5(2)). Read calibration by group and error rates by group together and decide which "
    "matters for the use at hand."
)


class GroupAudit(Mapping):
    """Validation of one grouping column (e.g. race): a mapping from level to its report.

    Attributes
    ----------
    column : str
        The grouping column.
    bias : PredictiveBias
        The moderated-regression test of predictive bias across the levels.
    n_missing : int
        Rows whose label in this column was missing; they are left out of this audit only.
    note : str
        The impossibility note (calibration within groups vs equal error rates).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from rnr._validation import validate
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.9, 400); y = rng.random(400) < p
    >>> sex = pd.Series(rng.choice(["female", "male"], 400), name="sex")
    >>> audit = validate(y, p, groups=sex, cutoffs=[0.5], n_boot=0).by_group["sex"]
    >>> sorted(audit), audit["male"].n + audit["female"].n
    (['female', 'male'], 400)
    """

    def __init__(
        self,
        column: str,
        reports: Mapping[object, ValidationReport],
        bias: PredictiveBias,
        n_missing: int,
        note: str = IMPOSSIBILITY_NOTE,
    ) -> None:
        self.column = column
        self._reports = dict(reports)
        self.bias = bias
        self.n_missing = int(n_missing)
        self.note = note

    def __getitem__(self, level) -> ValidationReport:
        return self._reports[level]

    def __iter__(self) -> Iterator:
        return iter(self._reports)

    def __len__(self) -> int:
        return len(self._reports)

    def __repr__(self) -> str:
        return f"GroupAudit(column={self.column!r}, levels={list(self._reports)!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, GroupAudit) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def to_frame(self) -> pd.DataFrame:
        """Headline measures, one row per level (see :meth:`ValidationReport.to_frame`)."""
        rows = [r.to_frame().iloc[0] for r in self._reports.values()]
        frame = pd.DataFrame(rows)
        frame.index = pd.Index(list(self._reports), name=self.column, dtype=object)
        return frame

    def to_dict(self) -> dict:
        """JSON-ready mapping."""
        return {
            "column": self.column,
            "n_missing": self.n_missing,
            "note": self.note,
            "levels": [
                {"level": encode_label(level), "report": report.to_dict()}
                for level, report in self._reports.items()
            ],
            "bias": self.bias.to_dict(),
        }

    @classmethod
    def from_dict(cls, data, where: str = "by_group") -> GroupAudit:
        """Rebuild from :meth:`to_dict` output, checking every field."""
        from ._report import ValidationReport

        if not isinstance(data, dict):
            raise InvalidData(where, data, "a mapping", code="bad_format")
        for key, kind in (("column", str), ("note", str), ("levels", list), ("n_missing", int)):
            if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
                raise InvalidData(f"{where}.{key}", data.get(key), f"a {kind.__name__}",
                                  code="bad_format")
        reports = {}
        for i, item in enumerate(data["levels"]):
            if not isinstance(item, dict) or not isinstance(
                item.get("level"), (str, int, float, bool)
            ):
                raise InvalidData(f"{where}.levels[{i}]", item, "{'level': label, 'report': {...}}",
                                  code="bad_format")
            reports[item["level"]] = ValidationReport.from_dict(
                item.get("report"), where=f"{where}.levels[{i}].report"
            )
        bias = PredictiveBias.from_dict(data.get("bias"), where=f"{where}.bias")
        return cls(data["column"], reports, bias, data["n_missing"], data["note"])
