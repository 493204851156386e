"""PATTERN v1.3 (US Bureau of Prisons, First Step Act): provenance guard.

PATTERN is NOT shipped yet. Its only accepted primary source is National Institute of Justice
(December 2021), *2021 Review and Revalidation of the First Step Act Risk Assessment Tool*
(NCJ 303859, 56 pages). The stored copies reachable from this project hold only that report's
landing page and abstract (https://nij.ojp.gov/library/publications/2021-review-and-revalidation-
first-step-act-risk-assessment-tool): the v1.3 item point tables and the risk-level cut-offs by
sex and scale could not be read, so no number of them is encoded (nothing is guessed, and the
Urban Institute 2019 tool and the v1.0-v1.2 tables are not v1.3).

These tests are the gate for whoever ships ``src/rnr/instruments/pattern.toml`` later: they
skip while the file is absent, and once it exists they fail unless it carries the provenance
the project requires. They read the TOML directly, so they do not depend on the engine.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

DEFINITION = Path(__file__).resolve().parents[1] / "src" / "rnr" / "instruments" / "pattern.toml"
NOT_SHIPPED = (
    "PATTERN v1.3 not shipped: the NIJ (Dec 2021) report's item-point and cut-off tables "
    "could not be read from any stored source; see the README, section Instruments shipped"
)


def _definition() -> dict:
    if not DEFINITION.exists():
        pytest.skip(NOT_SHIPPED)
    return tomllib.loads(DEFINITION.read_text(encoding="utf-8"))


def test_pattern_is_version_1_3():
    assert _definition()["instrument"]["version"].startswith("1.3")


def test_pattern_cites_the_nij_2021_revalidation_report_with_locators():
    sources = _definition()["instrument"]["sources"]
    nij = [s for s in sources if "2021 Review and Revalidation" in s["citation"]]
    assert nij, "the NIJ December 2021 report must be a cited source"
    assert all(s.get("locator") for s in nij), "each number needs a table and page"


def test_pattern_states_its_licence_as_a_us_government_work():
    licence = _definition()["instrument"]["licence"].lower()
    assert "government work" in licence and "public domain" in licence


def test_pattern_published_only_when_nothing_is_unverified():
    instrument = _definition()["instrument"]
    if instrument.get("unverified"):
        assert instrument["status"] != "published"


def test_pattern_has_general_and_violent_scales_normed_by_sex():
    scales = {s["id"]: s for s in _definition().get("scales", [])}
    assert {"general", "violent"} <= set(scales)
    for scale_id in ("general", "violent"):
        scale = scales[scale_id]
        assert scale.get("levels_by") == "sex"
        for sex in ("male", "female"):
            levels = [level["id"] for level in scale["levels"][sex]]
            assert levels == ["minimum", "low", "medium", "high"]
