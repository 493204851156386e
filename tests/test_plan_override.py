"""Overrides on the record (issue 4 §3): plan.override and rnr.override_report."""

import pytest

from rnr._planning import (
    InvalidPlan,
    OverrideRefused,
    Plan,
    check_adherence,
    load_policy,
    override_report,
    plan,
)
from rnr._planning._testing import make_assessment, need

NEEDS = [need("attitudes", "antisocial_cognition"), need("drugs", "substance_use")]
OK = {"reason_code": "aggravating_information", "rationale": "Police report of threats.",
      "approved_by": "senior officer 17"}


def base(level="medium", policy="default"):
    return plan(make_assessment(level, NEEDS), policy, assessed_on="2025-04-01",
                case_id="c-1")


def test_override_records_original_final_direction_and_reason():
    p = base()
    q = p.override(level=4, approved_on="2025-04-02", **OK)
    o = q.override_record
    assert (o["original_level"], o["final_level"], o["direction"]) == (3, 4, "up")
    assert (o["reason_code"], o["approved_by"], o["approved_on"]) == (
        "aggravating_information", "senior officer 17", "2025-04-02")
    assert q.tier["id"] == "high" and q.tier["dosage_hours"] == 200
    assert q.risk["assessed_common_level"] == 3 and q.risk["common_level"] == 4
    assert ("risk.common_level", "override") in [(r["line"], r["rule"]) for r in q.rationale]
    assert q.version == 2 and q.case_id == "c-1"
    assert q.versions()[0] == p and q.versions()[1] == q
    assert p.override_record is None and p.tier["id"] == "moderate"  # the original is unchanged
    d = q.to_dict()
    assert d["override"] == o and Plan.from_dict(d) == q


def test_override_down_and_twice_keeps_the_assessed_level_as_original():
    q = base("high").override(level=3, reason_code="mitigating_information",
                              rationale="Stable job since.", approved_by="x")
    assert q.override_record["direction"] == "down" and q.tier["id"] == "moderate"
    r = q.override(level=2, reason_code="mitigating_information", rationale="More.",
                   approved_by="y")
    assert r.override_record["original_level"] == 4 and r.override_record["final_level"] == 2
    assert [v.version for v in r.versions()] == [1, 2, 3]


@pytest.mark.parametrize("change,field", [
    ({"rationale": ""}, "rationale"),
    ({"rationale": "   "}, "rationale"),
    ({"rationale": None}, "rationale"),
    ({"approved_by": ""}, "approved_by"),
    ({"approved_by": None}, "approved_by"),
    ({"reason_code": "gut_feeling"}, "reason_code"),
])
def test_override_without_reason_or_approver_is_refused(change, field):
    with pytest.raises(OverrideRefused) as info:
        base().override(level=4, **{**OK, **change})
    assert info.value.field == field and info.value.code == "override_refused"


@pytest.mark.parametrize("level", [3, 0, 6, "4", True])
def test_override_level_must_be_another_common_level(level):
    with pytest.raises(OverrideRefused) as info:
        base().override(level=level, **OK)
    assert info.value.field == "level"


def test_override_needs_the_same_policy():
    d = load_policy("default").to_dict()
    d["tiers"][1]["label"]["en"] = "changed"
    p = plan(make_assessment("medium", NEEDS), d)
    with pytest.raises(InvalidPlan) as info:
        p.override(level=4, **OK)  # no policy given: the shipped "default" differs
    assert info.value.code == "policy_changed"
    assert p.override(level=4, policy=d, **OK).tier["id"] == "high"


def test_low_risk_intensive_only_with_override_and_adherence_sees_it():
    p = base("low")
    q = p.override(level=5, reason_code="policy_mandate", rationale="Statutory.",
                   approved_by="chief")
    assert q.tier["intensive"] and q.tier["contacts_per_month"] == 8
    assert check_adherence(q).adherent
    forged = q.to_dict()
    forged["override"] = None
    forged["risk"]["common_level"] = 2
    rules = {f["rule"] for f in check_adherence(forged).errors()}
    assert {"adherence.guards.low_risk", "adherence.risk.tier"} <= rules


def make_plans(n, ups, downs, group=None):
    out = []
    for i in range(n):
        ov = {"direction": "up"} if i < ups else {"direction": "down"} if i < ups + downs \
            else None
        out.append({"policy": {"id": "default"}, "override": ov, "stage": {"id": group}})
    return out


def test_override_report_rates_by_direction_and_group():
    plans = make_plans(10, 3, 1, "pre_trial") + make_plans(30, 0, 0, "sentencing")
    r = override_report(plans, groups="stage")
    assert r.overall == {"n": 40, "overridden": 4, "up": 3, "down": 1, "rate": 0.1,
                         "up_rate": 0.075, "down_rate": 0.025}
    assert r.by_group["pre_trial"]["rate"] == 0.4
    assert r.by_group["sentencing"]["overridden"] == 0
    assert r.warnings == ("Group 'pre_trial': override rate 0.40 (4 of 10) is above the "
                          "configured 0.10.",)
    assert r.to_dict()["by_group"]["pre_trial"]["up"] == 3


def test_override_report_accepts_plans_and_label_lists():
    p = base()
    q = p.override(level=4, **OK)
    r = override_report([p, q], groups=["a", "b"], max_rate=0.5)
    assert r.by_group["b"]["up"] == 1 and r.by_group["a"]["overridden"] == 0
    assert r.warnings == ("Group 'b': override rate 1.00 (1 of 1) is above the configured "
                          "0.50.",)


@pytest.mark.parametrize("kwargs,field", [
    ({"plans": []}, "plans"),
    ({"plans": [{"override": None}]}, "max_rate"),
    ({"plans": [{"override": None}], "max_rate": 2}, "max_rate"),
    ({"plans": [{"override": None}], "max_rate": 0.1, "groups": ["a", "b"]}, "groups"),
    ({"plans": [{"override": None}], "max_rate": 0.1, "groups": "tier"}, "groups"),
    ({"plans": [{"override": {"direction": "sideways"}}], "max_rate": 0.1},
     "plans[0].override.direction"),
])
def test_override_report_bad_input(kwargs, field):
    with pytest.raises(InvalidPlan) as info:
        override_report(**kwargs)
    assert info.value.field == field
