"""Calendar arithmetic for plans. Pure: dates come in as arguments, never from a clock."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from ._errors import InvalidPlan

__all__ = ["as_date", "add_months"]


def as_date(value: Any, field: str) -> dt.date | None:
    """Return ``value`` as a :class:`datetime.date` (``None`` stays ``None``).

    Examples
    --------
    >>> as_date("2024-02-29", "assessed_on")
    datetime.date(2024, 2, 29)
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise InvalidPlan(field, value, "a date (datetime.date or 'YYYY-MM-DD'), not a datetime",
                          "wrong_type")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidPlan(field, value, "a date (datetime.date or 'YYYY-MM-DD')", "wrong_type")


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months, keeping the day of the month where it exists (else the month's last).

    Examples
    --------
    >>> add_months(dt.date(2024, 8, 31), 6)
    datetime.date(2025, 2, 28)
    >>> add_months(dt.date(2024, 1, 15), 12)
    datetime.date(2025, 1, 15)
    """
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))
