"""The published schema of an instrument definition, and a small validator for it.

The schema is plain data (a subset of JSON Schema: ``type``, ``enum``, ``pattern``, ``minimum``,
``required``, ``properties``, ``additionalProperties``, ``items``, ``minItems``). It is published as
``instruments/instrument.schema.json``; ``tests/test_instrument_format.py`` checks that the file and
this module agree. Structural checks happen here; references between parts (an item naming a
domain that does not exist, bands out of order) are checked in ``_build.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .._errors import InvalidInstrument

__all__ = ["INSTRUMENT_SCHEMA", "check_schema", "check_against"]

_ID = {"type": "string", "pattern": r"^[a-z][a-z0-9_-]*$"}
_TEXT = {
    "type": "object",
    "required": ["en"],
    "properties": {"en": {"type": "string"}, "ru": {"type": "string"}, "kk": {"type": "string"}},
    "additionalProperties": False,
}
#: Shared with the policy schema: an id, and a text in en (required), ru and kk.
ID, TEXT = _ID, _TEXT
_POINTS = {"type": ["number", "object"], "additionalProperties": {"type": "number"}}
_VALUE = {"type": ["string", "integer", "boolean"]}
_OUTCOME = {
    "type": "object",
    "required": ["rate"],
    "properties": {
        "rate": {"type": "number", "minimum": 0},
        "n": {"type": "integer", "minimum": 0},
        "follow_up": {"type": "string"},
        "measure": {"type": "string"},
        "sample": {"type": "string"},
        "source": {"type": "string"},
    },
    "additionalProperties": False,
}
_LEVEL = {
    "type": "object",
    "required": ["id", "min"],
    "properties": {
        "id": _ID,
        "label": _TEXT,
        "min": {"type": "number"},
        "common": {"type": "integer", "minimum": 1},
        "outcome": _OUTCOME,
    },
    "additionalProperties": False,
}
_LEVEL_LIST = {"type": "array", "minItems": 1, "items": _LEVEL}

INSTRUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "rnr instrument definition, format_version 1",
    "type": "object",
    "required": ["format_version", "instrument", "items"],
    "properties": {
        "format_version": {"type": "integer", "enum": [1]},
        "instrument": {
            "type": "object",
            "required": ["id", "version", "title", "status", "licence", "sources"],
            "properties": {
                "id": _ID,
                "version": {"type": "string", "pattern": r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$"},
                "title": _TEXT,
                "purpose": {"type": "string"},
                "population": {"type": "string"},
                "status": {"type": "string", "enum": ["published", "incomplete", "not-validated"]},
                "licence": {"type": "string"},
                "primary_scale": _ID,
                "notes": {"type": "array", "items": {"type": "string"}},
                "unverified": {"type": "array", "items": {"type": "string"}},
                "sources": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["citation"],
                        "properties": {
                            "citation": {"type": "string"},
                            "url": {"type": "string"},
                            "locator": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                },
            },
            "additionalProperties": False,
        },
        "missing": {
            "type": "object",
            "properties": {
                "max_omitted": {"type": "integer", "minimum": 0},
                "prorate": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
        "inputs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "type"],
                "properties": {
                    "id": _ID,
                    "type": {"type": "string", "enum": ["date", "number", "category", "boolean"]},
                    "label": _TEXT,
                    "prompt": _TEXT,
                    "required": {"type": "boolean"},
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                    "integer": {"type": "boolean"},
                    "values": {"type": "array", "minItems": 1, "items": _VALUE},
                },
                "additionalProperties": False,
            },
        },
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "type", "label"],
                "properties": {
                    "id": _ID,
                    "type": {"type": "string", "enum": ["numeric", "categorical"]},
                    "label": _TEXT,
                    "prompt": _TEXT,
                    "domain": _ID,
                    "required": {"type": "boolean"},
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                    "integer": {"type": "boolean"},
                    "derive": {"type": "string"},
                    "source": {
                        "type": "object",
                        "required": ["instrument", "scale"],
                        "properties": {"instrument": _ID, "scale": _ID, "version": {"type": "string"}},
                        "additionalProperties": False,
                    },
                    "by": _ID,
                    "bands": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["min", "points"],
                            "properties": {"min": {"type": "number"}, "points": _POINTS,
                                           "label": _TEXT},
                            "additionalProperties": False,
                        },
                    },
                    "options": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["value", "points"],
                            "properties": {"value": _VALUE, "points": _POINTS, "label": _TEXT},
                            "additionalProperties": False,
                        },
                    },
                },
                "additionalProperties": False,
            },
        },
        "scales": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "type"],
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "type": {"type": "string", "enum": ["sum", "formula"]},
                    "items": {"type": "array", "minItems": 1, "items": _ID},
                    "weights": {"type": "object", "additionalProperties": {"type": "number"}},
                    "expression": {"type": "string"},
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                    "scaled": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["min", "value"],
                            "properties": {"min": {"type": "number"}, "value": {"type": "number"}},
                            "additionalProperties": False,
                        },
                    },
                    "levels_on": {"type": "string", "enum": ["raw", "scaled"]},
                    "levels_by": _ID,
                    "levels": {"type": ["array", "object"], "items": _LEVEL,
                               "additionalProperties": _LEVEL_LIST},
                },
                "additionalProperties": False,
            },
        },
        "flags": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "scale": _ID,
                    "min": {"type": "number"},
                    "item": _ID,
                    "values": {"type": "array", "minItems": 1, "items": _VALUE},
                },
                "additionalProperties": False,
            },
        },
        "domains": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label", "kind"],
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "central_eight": {
                        "type": "string",
                        "enum": [
                            "criminal_history",
                            "antisocial_cognition",
                            "antisocial_associates",
                            "antisocial_personality",
                            "family_marital",
                            "education_employment",
                            "leisure_recreation",
                            "substance_use",
                            "none",
                        ],
                    },
                    "kind": {"type": "string", "enum": ["dynamic", "static"]},
                    "role": {"type": "string", "enum": ["need", "responsivity", "stabilisation"]},
                    "thresholds": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["level", "min"],
                            "properties": {"level": _ID, "min": {"type": "number"},
                                           "label": _TEXT},
                            "additionalProperties": False,
                        },
                    },
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}

_PY_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


def _type_ok(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _PY_TYPES[name])


def _fail(error: Callable, source: str, path: str, root: str, problem: str) -> None:
    raise error(source, path or root, problem)


def check_against(value: Any, schema: dict, source: str, *, error: Callable = InvalidInstrument,
                  path: str = "", root: str = "<root>") -> None:
    """Check ``value`` against a schema in rnr's JSON-Schema subset, raising on the first problem.

    Shared by instrument and policy definitions. ``error(source, path, problem)`` builds the
    exception; ``root`` names the top level in messages.

    Examples
    --------
    >>> check_against(3, {"type": "integer", "maximum": 2}, "x.toml")
    Traceback (most recent call last):
    ...
    rnr._errors.InvalidInstrument: x.toml: <root>: 3 is above the maximum 2
    """
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_type_ok(value, t) for t in names):
            _fail(error, source, path, root,
                  f"{value!r:.60} is a {type(value).__name__}; expected {' or '.join(names)}")
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(repr(v) for v in schema["enum"])
        _fail(error, source, path, root, f"{value!r} is not one of {allowed}")
    if isinstance(value, str) and "pattern" in schema and not re.match(schema["pattern"], value):
        _fail(error, source, path, root, f"{value!r} does not match the pattern {schema['pattern']}")
    if _type_ok(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            _fail(error, source, path, root, f"{value!r} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            _fail(error, source, path, root, f"{value!r} is above the maximum {schema['maximum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                _fail(error, source, path, root, f"the required key {key!r} is missing")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, sub in value.items():
            sub_path = f"{path}.{key}" if path else str(key)
            if key in props:
                check_against(sub, props[key], source, error=error, path=sub_path, root=root)
            elif extra is False:
                allowed = ", ".join(sorted(props)) or "none"
                _fail(error, source, sub_path, root, f"unknown key {key!r} (allowed: {allowed})")
            elif isinstance(extra, dict):
                check_against(sub, extra, source, error=error, path=sub_path, root=root)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            _fail(error, source, path, root, f"needs at least {schema['minItems']} entries")
        if "items" in schema:
            for i, sub in enumerate(value):
                check_against(sub, schema["items"], source, error=error,
                              path=f"{path or root}[{i}]", root=root)


def check_schema(definition: Any, source: str = "<dict>") -> None:
    """Check a parsed definition against :data:`INSTRUMENT_SCHEMA`.

    Parameters
    ----------
    definition : dict
        The parsed TOML (or JSON) document.
    source : str
        Where it came from, for the error message.

    Raises
    ------
    rnr.InvalidInstrument
        Naming the file, the path inside it and the problem.

    Examples
    --------
    >>> check_schema({"format_version": 1, "instrument": {}, "items": []}, "x.toml")
    Traceback (most recent call last):
    ...
    rnr._errors.InvalidInstrument: x.toml: instrument: the required key 'id' is missing
    """
    check_against(definition, INSTRUMENT_SCHEMA, source)
