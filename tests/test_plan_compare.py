"""Reassessment (issue 4 §4): rnr.compare, and versioned plans that keep their history."""

import pytest

from rnr._planning import Plan, UndeterminedRisk, compare, plan
from rnr._planning._testing import make_assessment, need


def assessment(level, raw, attitudes=True, drugs=True, peers=False, housing=False):
    ns = [need("attitudes", "antisocial_cognition", present=attitudes, score=4 if attitudes
               else 1),
          need("drugs", "substance_use", present=drugs, score=3 if drugs else 0),
          need("peers", "antisocial_associates", present=peers, score=2 if peers else 0),
          need("accommodation", "none", role="stabilisation", present=housing)]
    return make_assessment(level, ns, raw=raw)


def test_change_per_domain_and_scale_and_tier():
    c = compare(assessment("high", 0.8), assessment("medium", 0.6, drugs=False, peers=True))
    assert c.scales["ogrs3_2y"]["raw_change"] == pytest.approx(-0.2)
    assert c.scales["ogrs3_2y"]["level_changed"]
    assert c.domains["drugs"]["status"] == "resolved"
    assert c.domains["peers"]["status"] == "new"
    assert c.domains["attitudes"]["status"] == "persisting"
    assert c.domains["attitudes"]["score_change"] == 0
    assert c.domains["accommodation"]["status"] == "none"
    assert not c.domains["accommodation"]["criminogenic"]
    assert c.risk == {"previous_common_level": 4, "current_common_level": 3, "change": "down"}
    assert (c.tier["previous"], c.tier["current"], c.tier["changed"]) == (
        "high", "moderate", True)
    assert c.new_plan_due
    assert any("Tier changed" in r for r in c.reasons)
    assert any("no longer identified: drugs" in r for r in c.reasons)
    assert any("New criminogenic need identified: peers" in r for r in c.reasons)


def test_no_change_means_no_new_plan():
    c = compare(assessment("high", 0.8), assessment("high", 0.8))
    assert not c.new_plan_due and c.reasons == ()


def test_a_stabilisation_need_alone_does_not_force_a_new_plan():
    c = compare(assessment("high", 0.8), assessment("high", 0.8, housing=True))
    assert c.domains["accommodation"]["status"] == "new"
    assert not c.new_plan_due


def test_dose_change_within_a_tier_makes_a_new_plan_due():
    # High tier: 2 needs -> 200 hours, 3 needs -> 300 hours (escalation).
    c = compare(assessment("high", 0.8), assessment("high", 0.8, peers=True))
    assert not c.tier["changed"]
    assert (c.tier["previous_dosage_hours"], c.tier["current_dosage_hours"]) == (200, 300)
    assert c.new_plan_due


def test_compare_plan_with_a_new_assessment_uses_the_plans_policy():
    old = plan(assessment("medium", 0.6), "kz-probation")
    c = compare(old, assessment("high", 0.8))
    assert (c.tier["previous"], c.tier["current"]) == ("moderate", "high")
    overridden = old.override(level=4, reason_code="aggravating_information",
                              rationale="r", approved_by="a")
    assert not compare(overridden, assessment("high", 0.8)).tier["changed"]


def test_compare_refuses_an_undetermined_assessment():
    a = make_assessment("undetermined", level_range=["medium", "high"])
    with pytest.raises(UndeterminedRisk):
        compare(assessment("high", 0.8), a)


def test_reassessment_makes_a_new_version_that_keeps_the_history():
    p1 = plan(assessment("high", 0.8), assessed_on="2025-01-10", case_id="K-7")
    p2 = plan(assessment("medium", 0.6), previous=p1, assessed_on="2025-07-10")
    p3 = plan(assessment("medium", 0.55), previous=p2.to_dict(), assessed_on="2026-01-10")
    assert [p.version for p in p3.versions()] == [1, 2, 3]
    assert p3.case_id == "K-7"
    assert p3.versions()[0] == p1 and p3.versions()[1] == p2
    assert [h["assessed_on"] for h in p3.history] == ["2025-01-10", "2025-07-10"]
    assert all(h["history"] == [] for h in p3.history)  # history is flat, not nested
    assert Plan.from_dict(p3.to_dict()) == p3
    assert compare(p1, p2).new_plan_due
