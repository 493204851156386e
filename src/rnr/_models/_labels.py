"""Words for bands and levels, as a methodologist reads them."""

from __future__ import annotations

__all__ = ["band_labels", "number_text"]


def number_text(value: float) -> str:
    """Write a number without a trailing ``.0``.

    Examples
    --------
    >>> number_text(25.0), number_text(2.5)
    ('25', '2.5')
    """
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def band_labels(mins: list[float], integer: bool) -> list[str]:
    """Label the bands ``[mins[i], mins[i+1])``, the last one open above.

    Examples
    --------
    >>> band_labels([18, 21, 25], integer=True)
    ['18-20', '21-24', '25 and over']
    >>> band_labels([0.0, 1.5], integer=False)
    ['0 to under 1.5', '1.5 and over']
    """
    out = []
    for i, low in enumerate(mins):
        if i + 1 == len(mins):
            out.append(f"{number_text(low)} and over")
        elif integer and float(low).is_integer() and float(mins[i + 1]).is_integer():
            high = int(mins[i + 1]) - 1
            out.append(number_text(low) if high == int(low) else f"{number_text(low)}-{high}")
        else:
            out.append(f"{number_text(low)} to under {number_text(mins[i + 1])}")
    return out
