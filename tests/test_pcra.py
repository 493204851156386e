"""PCRA (US federal Post Conviction Risk Assessment): provenance guard.

PCRA is NOT shipped. Its primary sources are Johnson, Lowenkamp, VanBenschoten & Robinson (2011),
*Federal Probation* 75(2), 16-29; the Administrative Office's *An Overview of the Federal Post
Conviction Risk Assessment* (September 2011); and *Federal Probation* 81(2) (2017) on removing the
non-scored items. The stored copies reachable from this project hold only their opening pages
(abstract, table of contents, introduction): the points of the 15 scored items and the cut scores
could not be read, so none is encoded.

These tests skip while ``src/rnr/instruments/pcra.toml`` is absent and, once it exists, fail
unless it carries the provenance the project requires. They read the TOML directly.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

DEFINITION = Path(__file__).resolve().parents[1] / "src" / "rnr" / "instruments" / "pcra.toml"
NOT_SHIPPED = (
    "PCRA not shipped: the scored items' points and cut scores could not be read from any "
    "stored primary source; see the README, section Instruments shipped"
)


def _definition() -> dict:
    if not DEFINITION.exists():
        pytest.skip(NOT_SHIPPED)
    return tomllib.loads(DEFINITION.read_text(encoding="utf-8"))


def test_pcra_has_fifteen_scored_items():
    assert len(_definition()["items"]) == 15


def test_pcra_cites_a_primary_source_with_locators():
    sources = _definition()["instrument"]["sources"]
    primary = [
        s for s in sources
        if "Federal Probation" in s["citation"] or "Overview of the Federal Post" in s["citation"]
    ]
    assert primary, "Johnson et al. (2011) or the AO overview (2011) must be cited"
    assert all(s.get("locator") for s in primary), "each number needs a table and page"


def test_pcra_published_only_when_nothing_is_unverified():
    instrument = _definition()["instrument"]
    if instrument.get("unverified"):
        assert instrument["status"] != "published"
