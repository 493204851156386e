"""Which identified needs are criminogenic, how they rank, and which intervention serves each."""

from __future__ import annotations

from collections.abc import Mapping

from ._policy import Policy
from ._policy_schema import CENTRAL_EIGHT_DYNAMIC

__all__ = ["is_criminogenic", "ranked_criminogenic", "intervention_for", "split_hours"]


def intervention_for(need: Mapping, policy: Policy) -> Mapping | None:
    """Return the policy's intervention for a need: by domain id first, then Central Eight area.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> need = {"domain": "attitudes", "central_eight": "antisocial_cognition"}
    >>> intervention_for(need, load_policy("default"))["id"]
    'cognitive_behavioural'
    """
    for iv in policy["interventions"]:
        if need.get("domain") in iv.get("domains", ()):
            return iv
    for iv in policy["interventions"]:
        if need.get("central_eight") in iv["central_eight"]:
            return iv
    return None


def is_criminogenic(need: Mapping, policy: Policy) -> bool:
    """Say whether a need is identified, dynamic and of a Central Eight area (or a mapped domain).

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> p = load_policy("default")
    >>> is_criminogenic({"domain": "drugs", "need": True, "kind": "dynamic", "role": "need",
    ...                  "central_eight": "substance_use"}, p)
    True
    >>> is_criminogenic({"domain": "history", "need": True, "kind": "static", "role": "need",
    ...                  "central_eight": "criminal_history"}, p)
    False
    """
    if need.get("need") is not True or need.get("kind") != "dynamic" or need.get("role") != "need":
        return False
    mapped = any(need.get("domain") in iv.get("domains", ()) for iv in policy["interventions"])
    return mapped or need.get("central_eight") in CENTRAL_EIGHT_DYNAMIC


def ranked_criminogenic(needs: list, policy: Policy) -> list[dict]:
    """Return the criminogenic needs, priority areas first, then by the assessment's rank.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> needs = [
    ...   {"domain": "drugs", "need": True, "kind": "dynamic", "role": "need", "rank": 1,
    ...    "central_eight": "substance_use"},
    ...   {"domain": "peers", "need": True, "kind": "dynamic", "role": "need", "rank": 2,
    ...    "central_eight": "antisocial_associates"}]
    >>> [n["domain"] for n in ranked_criminogenic(needs, load_policy("default"))]
    ['peers', 'drugs']
    """
    priority = list(policy["targets"]["priority"])

    def key(need):
        c8 = need.get("central_eight")
        group = priority.index(c8) if c8 in priority else len(priority)
        rank = need.get("rank")
        return (group, rank if isinstance(rank, (int, float)) else float("inf"))

    return sorted((dict(n) for n in needs if is_criminogenic(n, policy)), key=key)


def split_hours(total: int, n: int) -> list[int]:
    """Split whole hours equally; the remainder goes one hour each to the first-ranked targets.

    Examples
    --------
    >>> split_hours(100, 3)
    [34, 33, 33]
    >>> split_hours(0, 2)
    [0, 0]
    """
    if n <= 0:
        return []
    base, extra = divmod(int(total), n)
    return [base + (1 if i < extra else 0) for i in range(n)]
