"""A small Markdown table writer (no ``tabulate`` dependency) and number formatting."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["fmt", "fmt_ci", "markdown_table"]


def fmt(value, digits: int = 3) -> str:
    """Format a number for a report: integers as is, floats to ``digits`` decimals, NaN as a dash.

    Examples
    --------
    >>> fmt(0.71034), fmt(12), fmt(float("nan")), fmt(None), fmt(float("inf"))
    ('0.710', '12', '–', 'n/a', '∞')
    """
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) or hasattr(value, "__float__"):
        value = float(value)
        if math.isnan(value):
            return "–"
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if value != 0 and abs(value) < 10 ** (-digits):
            return f"{value:.{digits}g}"
        return f"{value:.{digits}f}"
    return str(value)


def fmt_ci(ci, digits: int = 3) -> str:
    """Format a (low, high) interval as ``low–high``; None as ``n/a``."""
    if ci is None:
        return "n/a"
    return f"{fmt(ci[0], digits)}–{fmt(ci[1], digits)}"


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence], align: str | None = None
) -> str:
    """Render a GitHub-flavoured Markdown table; ``align`` is one letter per column (l/r).

    Examples
    --------
    >>> print(markdown_table(["level", "n"], [["low", 10], ["high", 5]], align="lr"))
    | level |   n |
    |:------|----:|
    | low   |  10 |
    | high  |   5 |
    """
    cells = [[_cell(h) for h in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(3, *(len(r[i]) for r in cells)) for i in range(len(headers))]
    align = align or "l" + "r" * (len(headers) - 1)
    lines = []
    for j, row in enumerate(cells):
        parts = [
            c.ljust(w) if a == "l" else c.rjust(w)
            for c, w, a in zip(row, widths, align, strict=True)
        ]
        lines.append("| " + " | ".join(parts) + " |")
        if j == 0:
            rule = [(":" + "-" * (w + 1)) if a == "l" else ("-" * (w + 1) + ":")
                    for w, a in zip(widths, align, strict=True)]
            lines.append("|" + "|".join(rule) + "|")
    return "\n".join(lines)
