"""A small TOML writer for instrument definitions (the standard library only reads TOML).

Tables reached through tables are written as ``[a.b]`` and lists of tables as ``[[a.b]]``;
inside a list-of-tables entry, nested tables and lists are written inline, which keeps an
item's bands on the item. Floats are written with ``repr`` (the shortest text that reads back
to the same float), so ``tomllib.loads(dumps(doc)) == doc`` for the documents rnr writes.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["dumps"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key, ensure_ascii=False)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, (list, tuple)):
        parts = [_value(v) for v in value]
        if _is_table_list(list(value)):
            return "[\n" + "".join(f"  {p},\n" for p in parts) + "]"
        return "[" + ", ".join(parts) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _table(lines: list[str], path: str, table: dict, nested_as_tables: bool) -> None:
    later = []
    for key, value in table.items():
        if nested_as_tables and (isinstance(value, dict) or _is_table_list(value)):
            later.append((key, value))
        else:
            lines.append(f"{_key(str(key))} = {_value(value)}")
    for key, value in later:
        sub = f"{path}.{_key(str(key))}" if path else _key(str(key))
        if isinstance(value, dict):
            lines.extend(["", f"[{sub}]"])
            _table(lines, sub, value, nested_as_tables=True)
        else:
            for entry in value:
                lines.extend(["", f"[[{sub}]]"])
                _table(lines, sub, entry, nested_as_tables=False)


def dumps(document: dict) -> str:
    """Return ``document`` as TOML text.

    Examples
    --------
    >>> import tomllib
    >>> doc = {"format_version": 1, "instrument": {"id": "x", "sources": [{"citation": "c"}]},
    ...        "items": [{"id": "a", "bands": [{"min": 0.5, "points": -2}]}]}
    >>> print(dumps(doc))
    format_version = 1
    <BLANKLINE>
    [instrument]
    id = "x"
    <BLANKLINE>
    [[instrument.sources]]
    citation = "c"
    <BLANKLINE>
    [[items]]
    id = "a"
    bands = [
      { min = 0.5, points = -2 },
    ]
    <BLANKLINE>
    >>> tomllib.loads(dumps(doc)) == doc
    True
    """
    lines: list[str] = []
    _table(lines, "", document, nested_as_tables=True)
    return "\n".join(lines) + "\n"
