"""Resolve a rule id (a path into the policy file) to the sources it cites.

Rule ids are paths such as ``tiers.high.escalation``, ``interventions.family`` or
``responsivity.language.kk``: list sections are indexed by their entries' ``id``. Rules that live
in rnr's code rather than in the policy start with ``rnr.`` and cite no source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ._policy import Policy

__all__ = ["sources_of", "rationale_line"]

_INDEX = re.compile(r"^(?P<key>[^\[]+)\[(?P<i>\d+)\]$")


def _when(entry: Mapping) -> str | None:
    when = entry.get("when")
    if isinstance(when, bool):
        return str(when).lower()
    return when


def _child(node: object, key: str) -> object:
    if isinstance(node, Mapping):
        if key in node:
            return node[key]
        for value in node.values():
            if isinstance(value, tuple):
                hit = _child(value, key)
                if hit is not None:
                    return hit
        return None
    if isinstance(node, tuple):
        for entry in node:
            if isinstance(entry, Mapping) and (entry.get("id") == key or _when(entry) == key):
                return entry
    return None


def sources_of(policy: Policy, rule: str) -> list[str]:
    """Return the source ids cited by the deepest policy entry on the rule's path.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> sources_of(load_policy("default"), "tiers.high.escalation")
    ['bourgon-armstrong-2005', 'issue-4']
    >>> sources_of(load_policy("default"), "rnr.needs.identified")
    []
    """
    if rule.startswith("rnr.") or rule == "override":
        return list(policy["override"]["source"]) if rule == "override" else []
    node: object = policy.data
    found: list[str] = []
    for part in rule.split("."):
        match = _INDEX.match(part)
        key, index = (match["key"], int(match["i"])) if match else (part, None)
        node = _child(node, key)
        if node is None:
            break
        if index is not None and isinstance(node, tuple) and index < len(node):
            node = node[index]
        if isinstance(node, Mapping) and "source" in node:
            found = list(node["source"])
    return found


def rationale_line(policy: Policy, line: str, rule: str) -> dict:
    """Return one rationale entry: the plan line, the rule that produced it, and its sources.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> rationale_line(load_policy("default"), "tier", "tiers.low")["source"][0]
    'lowenkamp-latessa-2004'
    """
    return {"line": line, "rule": rule, "source": sources_of(policy, rule)}
