"""RNR adherence (issue 4 §6) for any plan, including hand-written ones."""

import pytest

from rnr._planning import InvalidPlan, check_adherence, plan
from rnr._planning._testing import make_assessment, need

NEEDS = [{"domain": "attitudes", "central_eight": "antisocial_cognition"},
         {"domain": "peers", "central_eight": "antisocial_associates"},
         {"domain": "drugs", "central_eight": "substance_use"},
         {"domain": "family", "central_eight": "family_marital"},
         {"domain": "housing", "central_eight": "none", "role": "stabilisation"}]


def hand(**over):
    d = {"policy": "default", "risk": {"common_level": 4},
         "tier": {"id": "high", "dosage_hours": 300, "contacts_per_month": 4},
         "needs": NEEDS,
         "targets": [{"domain": "attitudes", "hours": 100}, {"domain": "peers", "hours": 100},
                     {"domain": "drugs", "hours": 100}]}
    d.update(over)
    return d


def rules(d):
    return [f["rule"] for f in check_adherence(d).errors()]


def test_a_good_hand_written_plan_is_adherent():
    r = check_adherence(hand())
    assert r.adherent and r.errors() == []
    assert r.expected == {"tier": "high", "contacts_per_month": 4, "dosage_hours": 300,
                          "targets": ["attitudes", "peers", "drugs"]}


@pytest.mark.parametrize("change,rule", [
    ({"tier": {"id": "moderate", "dosage_hours": 300, "contacts_per_month": 4}},
     "adherence.risk.tier"),
    ({"tier": {"id": "high", "dosage_hours": 150, "contacts_per_month": 4}},
     "adherence.risk.dose"),
    ({"tier": {"id": "high", "dosage_hours": 400, "contacts_per_month": 4}},
     "adherence.risk.dose"),
    ({"tier": {"id": "high", "dosage_hours": 300, "contacts_per_month": 1}},
     "adherence.risk.contacts"),
    ({"targets": [{"domain": "attitudes", "hours": 300}]}, "adherence.need.top_needs"),
    ({"targets": [{"domain": "housing", "hours": 100}, {"domain": "attitudes", "hours": 100},
                  {"domain": "peers", "hours": 100}]},
     "adherence.need.non_criminogenic_target"),
    ({"targets": [{"domain": "self_esteem", "hours": 100},
                  {"domain": "attitudes", "hours": 100}, {"domain": "peers", "hours": 100}]},
     "adherence.need.unidentified_target"),
    ({"targets": []}, "adherence.need.at_least_one"),
    ({"targets": [{"domain": "attitudes", "hours": 100}, {"domain": "peers", "hours": 100},
                  {"domain": "drugs", "hours": 50}]}, "adherence.dose.split"),
    ({"override": {"direction": "up"}}, "adherence.override.recorded"),
])
def test_each_violation_is_found(change, rule):
    assert rule in rules(hand(**change))


def test_low_risk_over_servicing_is_an_error():
    d = {"policy": "default", "risk": {"common_level": 2},
         "tier": {"id": "low", "dosage_hours": 200, "contacts_per_month": 8}, "needs": NEEDS,
         "targets": []}
    got = rules(d)
    assert "adherence.guards.low_risk" in got and "adherence.risk.dose" in got


def test_low_risk_without_targets_is_adherent():
    d = {"policy": "kz-probation", "risk": {"common_level": 1},
         "tier": {"id": "low", "dosage_hours": 0}, "needs": NEEDS}
    assert check_adherence(d).adherent


def test_hours_without_identified_needs_is_a_warning_not_an_error():
    r = check_adherence({"policy": "default", "risk": {"common_level": 3},
                         "tier": {"id": "moderate", "dosage_hours": 100}})
    assert r.adherent
    assert [f["rule"] for f in r.findings] == ["adherence.need.none_identified"]


def test_every_built_plan_is_adherent():
    for level in ("low", "medium", "high", "very_high"):
        ns = [need(n["domain"], n["central_eight"], role=n.get("role", "need")) for n in NEEDS]
        for pid in ("default", "kz-probation"):
            assert check_adherence(plan(make_assessment(level, ns), pid)).adherent


@pytest.mark.parametrize("d,field", [
    ({"risk": {"common_level": 3}, "tier": {"id": "moderate", "dosage_hours": 100}},
     "plan.policy"),
    ({"policy": "default", "tier": {"id": "moderate", "dosage_hours": 100}},
     "plan.risk.common_level"),
    ({"policy": "default", "risk": {"common_level": 3}, "tier": {"id": "moderate"}},
     "plan.tier.dosage_hours"),
    ({"policy": "default", "risk": {"common_level": 3},
      "tier": {"id": "moderate", "dosage_hours": 100}, "needs": ["x"]}, "plan.needs[0]"),
])
def test_incomplete_hand_written_plans_are_refused(d, field):
    with pytest.raises(InvalidPlan) as info:
        check_adherence(d)
    assert info.value.field == field
