"""Loading instrument definitions from files and from the instruments shipped in the wheel.

This is the edge of the package that touches the file system. Parsing uses the standard
library's :mod:`tomllib` (or :mod:`json` for ``.json`` files); nothing in a file is executed.
"""

from __future__ import annotations

import json
import os
import threading
import tomllib
from importlib import resources
from pathlib import Path

from .._errors import InvalidInstrument, UnknownInstrument
from ._build import build_instrument
from ._model import Instrument

__all__ = ["load_instrument", "instruments", "read_definition", "shipped_paths", "resolve"]

_CACHE: dict[str, Instrument] = {}
_BY_NAME: dict[tuple, Instrument] = {}
_LOCK = threading.Lock()


def shipped_paths() -> dict[str, Path]:
    """Map each shipped instrument file's stem to its path inside the installed package."""
    root = resources.files("rnr") / "instruments"
    out = {}
    for entry in root.iterdir():
        name = entry.name
        if name.endswith(".toml"):
            out[name[:-5]] = Path(str(entry))
    return dict(sorted(out.items()))


def read_definition(path: str | os.PathLike) -> dict:
    """Parse a definition file (TOML or JSON) into a dict, without validating it.

    Raises
    ------
    rnr.InvalidInstrument
        When the file cannot be read or parsed, naming the file and the line.

    Examples
    --------
    >>> read_definition("no/such/file.toml")
    Traceback (most recent call last):
    ...
    rnr._errors.InvalidInstrument: no/such/file.toml: <file>: cannot be read: No such file or directory
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInstrument(str(path), "<file>", f"cannot be read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInstrument(str(path), "<file>", f"not UTF-8 text (byte {exc.start})") from None
    try:
        if path.suffix == ".json":
            parsed = json.loads(text)
        else:
            parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInstrument(str(path), "<file>", f"not valid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InvalidInstrument(str(path), "<file>", f"not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise InvalidInstrument(str(path), "<root>", "the document must be a table/object")
    return parsed


def _from_file(path: Path) -> Instrument:
    key = str(path.resolve())
    stamp = f"{key}:{path.stat().st_mtime_ns}" if path.exists() else key
    with _LOCK:
        hit = _CACHE.get(stamp)
    if hit is not None:
        return hit
    inst = build_instrument(read_definition(path), str(path))
    with _LOCK:
        _CACHE[stamp] = inst
    return inst


def _shipped() -> dict[str, Instrument]:
    return {stem: _from_file(p) for stem, p in shipped_paths().items()}


def resolve(name: str | Instrument | os.PathLike, version: str | None = None) -> Instrument:
    """Return the instrument named by an id, ``id@version``, a path, or an Instrument."""
    if isinstance(name, Instrument):
        if version is not None and version != name.version:
            raise UnknownInstrument(name.id, version, [name.version])
        return name
    if not isinstance(name, (str, os.PathLike)):
        raise UnknownInstrument(repr(name), None, list(shipped_paths()))
    text = os.fspath(name)
    if text.endswith((".toml", ".json")) or os.sep in text or "/" in text:
        inst = _from_file(Path(text))
        if version is not None and version != inst.version:
            raise UnknownInstrument(inst.id, version, [inst.version])
        return inst
    hit = _BY_NAME.get((text, version))
    if hit is not None:
        return hit
    inst = _resolve_shipped(text, version)
    with _LOCK:
        _BY_NAME[(os.fspath(name), version)] = inst
    return inst


def _resolve_shipped(text: str, version: str | None) -> Instrument:
    if "@" in text:
        text, _, at = text.partition("@")
        if version is not None and version != at:
            raise UnknownInstrument(text, version, [at])
        version = at
    shipped = _shipped()
    found = [inst for inst in shipped.values() if inst.id == text]
    if not found:
        raise UnknownInstrument(text, None, sorted({i.id for i in shipped.values()}))
    if version is None:
        return max(found, key=lambda i: i.version)
    for inst in found:
        if inst.version == version:
            return inst
    raise UnknownInstrument(text, version, sorted(i.version for i in found))


def load_instrument(path_or_id: str | os.PathLike, version: str | None = None) -> Instrument:
    """Load an instrument: a shipped one by id (``"ogrs3"``, ``"ogrs3@3.0.0"``) or a user's file.

    Parameters
    ----------
    path_or_id : str or path
        An installed instrument's id, optionally ``id@version``, or a path to a ``.toml``
        (or ``.json``) definition.
    version : str, optional
        Require this version.

    Returns
    -------
    Instrument
        Validated and frozen.

    Raises
    ------
    rnr.UnknownInstrument
        No such instrument or version is installed.
    rnr.InvalidInstrument
        The file is malformed (the message names the file, the path inside it and the problem).

    Examples
    --------
    >>> import rnr
    >>> rnr.load_instrument("ogrs3").title["en"]
    'Offender Group Reconviction Scale, version 3 (OGRS 3)'
    """
    return resolve(path_or_id, version)


def instruments():
    """List the installed instruments.

    Returns
    -------
    pandas.DataFrame
        One row per instrument: id, version, title, status, licence.

    Examples
    --------
    >>> import rnr
    >>> "ogrs3" in set(rnr.instruments()["id"])
    True
    """
    import pandas as pd

    rows = [
        {k: inst.describe()[k] for k in ("id", "version", "title", "status", "licence")}
        for inst in _shipped().values()
    ]
    return pd.DataFrame(rows, columns=["id", "version", "title", "status", "licence"])
