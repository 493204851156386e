"""The structure of a policy file (format_version 1), as plain data, and a small validator.

The schema is a subset of JSON Schema (``type``, ``enum``, ``pattern``, ``minimum``, ``maximum``,
``required``, ``properties``, ``additionalProperties``, ``items``, ``minItems``). Structural checks
happen here; checks across parts (tiers in order, doses that never decrease, every Central Eight
need mapped to an intervention, sources that exist) happen in ``_policy.py``. Every failure raises
:class:`InvalidPolicy` naming the file, the path inside it and the problem.
"""

from __future__ import annotations

from typing import Any

from .._instrument._schema import ID as _ID
from .._instrument._schema import TEXT as _TEXT
from .._instrument._schema import check_against
from ._errors import InvalidPolicy

__all__ = ["POLICY_SCHEMA", "check_schema", "STAGE_SECTIONS", "CENTRAL_EIGHT_DYNAMIC"]

#: The dynamic Central Eight need areas (Andrews, Bonta & Wormith 2006); criminal history is static.
CENTRAL_EIGHT_DYNAMIC = (
    "antisocial_cognition",
    "antisocial_associates",
    "antisocial_personality",
    "family_marital",
    "education_employment",
    "leisure_recreation",
    "substance_use",
)

#: Sections a stage output may contain; each is filled from the plan by ``_build.py``.
STAGE_SECTIONS = (
    "risk", "needs", "targets", "supervision", "responsivity", "stabilisation", "services",
    "employment", "housing", "reassessment", "juvenile",
)

_IDS = {"type": "array", "items": _ID}
_COMMON = {"type": "integer", "minimum": 1}
_STEP = {
    "type": "object",
    "required": ["id", "label"],
    "properties": {"id": _ID, "label": _TEXT, "service": _ID, "source": _IDS,
                   "section": {"type": "string", "enum": ["employment", "housing"]}},
    "additionalProperties": False,
}
_TIER = {
    "type": "object",
    "required": ["id", "label", "common_min", "contacts_per_month", "dosage_hours", "source"],
    "properties": {
        "id": _ID,
        "label": _TEXT,
        "common_min": _COMMON,
        "contacts_per_month": {"type": "number", "minimum": 0},
        "dosage_hours": {"type": "integer", "minimum": 0},
        "intensive": {"type": "boolean"},
        "residential": {"type": "boolean"},
        "note": {"type": "string"},
        "source": _IDS,
        "escalation": {
            "type": "object",
            "required": ["needs_min", "dosage_hours", "source"],
            "properties": {
                "needs_min": {"type": "integer", "minimum": 1},
                "dosage_hours": {"type": "integer", "minimum": 0},
                "note": {"type": "string"},
                "source": _IDS,
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}
_ADJUSTMENT = {
    "type": "object",
    "required": ["when", "delivery"],
    "properties": {
        "when": {"type": ["string", "boolean"]},
        "delivery": _TEXT,
        "sequence": {"type": "string", "enum": ["before_programme", "alongside", "after_programme"]},
        "source": _IDS,
    },
    # Responsivity changes delivery and sequencing only: no tier, contacts or dosage keys here.
    "additionalProperties": False,
}

POLICY_SCHEMA: dict[str, Any] = {
    "title": "rnr policy definition, format_version 1",
    "type": "object",
    "required": ["format_version", "policy", "common_scale", "tiers", "guards", "reassessment",
                 "targets", "interventions", "stages", "override"],
    "properties": {
        "format_version": {"type": "integer", "enum": [1]},
        "policy": {
            "type": "object",
            "required": ["id", "version", "title", "status", "languages", "default_stage",
                         "sources"],
            "properties": {
                "id": _ID,
                "version": {"type": "string", "pattern": r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$"},
                "title": _TEXT,
                "status": {"type": "string", "enum": ["published", "incomplete", "not-validated"]},
                "jurisdiction": {"type": "string"},
                "languages": {"type": "array", "minItems": 1,
                              "items": {"type": "string", "enum": ["en", "ru", "kk"]}},
                "default_stage": _ID,
                "notes": {"type": "array", "items": {"type": "string"}},
                "unverified": {"type": "array", "items": {"type": "string"}},
                "sources": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["id", "citation"],
                        "properties": {
                            "id": _ID,
                            "citation": {"type": "string"},
                            "locator": {"type": "string"},
                            "url": {"type": "string"},
                            "verified": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                },
            },
            "additionalProperties": False,
        },
        "common_scale": {
            "type": "object",
            "required": ["id", "label", "levels", "undetermined", "source"],
            "properties": {
                "id": _ID,
                "label": _TEXT,
                "source": _IDS,
                "undetermined": {"type": "string", "enum": ["refuse", "upper_bound"]},
                "levels": {
                    "type": "array",
                    "minItems": 2,
                    "items": {
                        "type": "object",
                        "required": ["level", "id", "label"],
                        "properties": {"level": _COMMON, "id": {"type": "string"}, "label": _TEXT},
                        "additionalProperties": False,
                    },
                },
                "probability": {
                    "type": "object",
                    "required": ["outcome", "bands", "source"],
                    "properties": {
                        "outcome": {"type": "string"},
                        "source": _IDS,
                        "bands": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "required": ["min", "level"],
                                "properties": {"min": {"type": "number", "minimum": 0,
                                                       "maximum": 1},
                                               "level": _COMMON},
                                "additionalProperties": False,
                            },
                        },
                    },
                    "additionalProperties": False,
                },
                "instruments": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["levels", "source"],
                        "properties": {
                            "scale": _ID,
                            "levels": {"type": "object", "additionalProperties": _COMMON},
                            "source": _IDS,
                            "note": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                },
            },
            "additionalProperties": False,
        },
        "tiers": {"type": "array", "minItems": 1, "items": _TIER},
        "guards": {
            "type": "object",
            "required": ["low_risk_max_common", "intensive_contacts_min", "high_dose_hours_min",
                         "source"],
            "properties": {
                "low_risk_max_common": _COMMON,
                "intensive_contacts_min": {"type": "number", "minimum": 0},
                "high_dose_hours_min": {"type": "integer", "minimum": 1},
                "source": _IDS,
            },
            "additionalProperties": False,
        },
        "reassessment": {
            "type": "object",
            "required": ["first_within_days", "interval_months", "expires_months", "triggers",
                         "source"],
            "properties": {
                "first_within_days": {"type": "integer", "minimum": 1},
                "interval_months": {"type": "integer", "minimum": 1},
                "expires_months": {"type": "integer", "minimum": 1},
                "triggers": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "label"],
                        "properties": {"id": _ID, "label": _TEXT},
                        "additionalProperties": False,
                    },
                },
                "source": _IDS,
            },
            "additionalProperties": False,
        },
        "targets": {
            "type": "object",
            "required": ["max", "priority", "split", "source"],
            "properties": {
                "max": {"type": "integer", "minimum": 1},
                "priority": _IDS,
                "split": {"type": "string", "enum": ["equal"]},
                "source": _IDS,
            },
            "additionalProperties": False,
        },
        "interventions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "label", "central_eight", "source"],
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "central_eight": _IDS,
                    "domains": _IDS,
                    "services": _IDS,
                    "source": _IDS,
                },
                "additionalProperties": False,
            },
        },
        "responsivity": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label", "values", "adjustments"],
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "values": {"type": "array", "minItems": 1,
                               "items": {"type": ["string", "boolean"]}},
                    "adjustments": {"type": "array", "items": _ADJUSTMENT},
                    "source": _IDS,
                },
                "additionalProperties": False,
            },
        },
        "stabilisation": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label", "steps"],
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "domains": _IDS,
                    "steps": {"type": "array", "minItems": 1, "items": _STEP},
                    "source": _IDS,
                },
                "additionalProperties": False,
            },
        },
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label", "source"],
                "properties": {"id": _ID, "label": _TEXT, "note": {"type": "string"},
                               "source": _IDS},
                "additionalProperties": False,
            },
        },
        "stages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "label", "output", "output_label", "sections", "source"],
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "output": _ID,
                    "output_label": _TEXT,
                    "sections": {"type": "array", "minItems": 1,
                                 "items": {"type": "string", "enum": list(STAGE_SECTIONS)}},
                    "services": _IDS,
                    "steps": {"type": "array", "items": _STEP},
                    "source": _IDS,
                },
                "additionalProperties": False,
            },
        },
        "juvenile": {
            "type": "object",
            "required": ["label", "steps", "source"],
            "properties": {
                "label": _TEXT,
                "instruments": _IDS,
                "steps": {"type": "array", "minItems": 1, "items": _STEP},
                "source": _IDS,
            },
            "additionalProperties": False,
        },
        "override": {
            "type": "object",
            "required": ["max_rate", "reasons", "source"],
            "properties": {
                "max_rate": {"type": "number", "minimum": 0, "maximum": 1},
                "source": _IDS,
                "reasons": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["id", "label"],
                        "properties": {"id": _ID, "label": _TEXT},
                        "additionalProperties": False,
                    },
                },
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

def check_schema(data: Any, source: str, schema: dict | None = None, path: str = "") -> None:
    """Check ``data`` against the policy schema, raising on the first problem.

    Parameters
    ----------
    data : object
        The parsed policy (a mapping from TOML or given directly).
    source : str
        The file name (or ``"<dict>"``) to name in errors.
    schema : dict, optional
        A sub-schema (default: the whole :data:`POLICY_SCHEMA`).
    path : str
        The path of ``data`` inside the definition.

    Raises
    ------
    InvalidPolicy
        Naming ``source``, the path and the problem.

    Examples
    --------
    >>> check_schema({"format_version": 2}, "p.toml")
    Traceback (most recent call last):
    ...
    rnr._planning._errors.InvalidPolicy: p.toml: <top>: the required key 'policy' is missing
    """
    schema = POLICY_SCHEMA if schema is None else schema
    check_against(data, schema, source, error=InvalidPolicy, path=path, root="<top>")
