"""rnr.plan: an assessment flows into a plan whose every line names the rule behind it."""

import json
from pathlib import Path

import pandas as pd
import pytest

import rnr
from rnr._planning import (
    InvalidPlan,
    Plan,
    UndeterminedRisk,
    check_adherence,
    load_policy,
    plan,
)
from rnr._planning._rationale import sources_of
from rnr._planning._testing import make_assessment, need

ROOT = Path(__file__).resolve().parents[1]
NEEDS = [need("drugs", "substance_use", level="severe"),
         need("attitudes", "antisocial_cognition"),
         need("work", "education_employment"),
         need("history", "criminal_history", kind="static"),
         need("accommodation", "none", role="stabilisation"),
         need("literacy", "none", role="responsivity")]


def test_targets_are_ranked_criminogenic_needs_with_interventions_and_split_hours():
    p = plan(make_assessment("high", NEEDS))
    assert [t["domain"] for t in p.targets] == ["attitudes", "drugs", "work"]
    assert [t["intervention"] for t in p.targets] == [
        "cognitive_behavioural", "substance_use_treatment", "education_employment"]
    assert p.tier["dosage_hours"] == 300  # high with 3 criminogenic needs: escalation
    assert [t["hours"] for t in p.targets] == [100, 100, 100]
    crim = {n["domain"]: n["criminogenic"] for n in p.needs}
    assert crim == {"drugs": True, "attitudes": True, "work": True, "history": False,
                    "accommodation": False, "literacy": False}


def test_hours_split_keeps_the_total_with_the_remainder_to_the_top_targets():
    p = plan(make_assessment("medium", NEEDS))
    assert [t["hours"] for t in p.targets] == [34, 33, 33]
    assert sum(t["hours"] for t in p.targets) == p.tier["dosage_hours"] == 100


def test_low_risk_gets_no_programme_and_needs_are_noted_not_targeted():
    p = plan(make_assessment("low", NEEDS))
    assert p.tier["id"] == "low" and p.tier["dosage_hours"] == 0 and p.targets == []
    assert all(not n["targeted"] for n in p.needs)
    assert {n["rule"] for n in p.needs if n["criminogenic"]} == {"tiers.low"}


def test_stabilisation_from_the_assessment_and_from_the_caller():
    p = plan(make_assessment("medium", NEEDS), stabilisation=["identity_documents"])
    got = {s["need"]: s["found_in"] for s in p.stabilisation}
    assert got == {"housing": ["assessment:accommodation"], "identity_documents": ["input"]}
    assert {s["id"] for s in p.services} >= {"housing_advice", "document_restoration"}


def test_responsivity_changes_delivery_and_sequencing():
    p = plan(make_assessment("medium", NEEDS), responsivity={"language": "kk",
                                                              "motivation": "low"})
    lines = {r["factor"]: r for r in p.responsivity}
    assert lines["language"]["rule"] == "responsivity.language.kk"
    assert lines["motivation"]["sequence"] == "before_programme"
    assert lines["literacy"]["rule"] == "rnr.responsivity.assessment_domain"
    assert "responsivity={'literacy'" in lines["literacy"]["note"]


@pytest.mark.parametrize("policy", ["default", "kz-probation"])
def test_pre_trial_stage_gives_a_pre_trial_report(policy):
    p = plan(make_assessment("medium", NEEDS), policy, stage="pre_trial")
    out = p.outputs[0]
    assert out["id"] == "pre_trial_report" and out["stage"] == "pre_trial"
    assert set(out["sections"]) == {"risk", "needs", "supervision", "responsivity",
                                    "stabilisation"}
    assert out["sections"]["supervision"]["dosage_hours"] == p.tier["dosage_hours"]


@pytest.mark.parametrize("policy", ["default", "kz-probation"])
def test_pre_release_plan_covers_employment_and_housing_on_the_day_of_release(policy):
    p = plan(make_assessment("high", NEEDS), policy, stage="penitentiary",
             assessed_on="2025-01-15", release_on="2025-06-01")
    sec = p.outputs[0]["sections"]
    assert p.outputs[0]["id"] == "pre_release_plan"
    assert sec["employment"]["on"] == sec["housing"]["on"] == "2025-06-01"
    assert sec["employment"]["status"] == "need_identified"
    assert sec["employment"]["needs"] == ["work"] and sec["employment"]["steps"]
    assert sec["housing"]["status"] == "need_identified" and sec["housing"]["services"]
    bare = plan(make_assessment("high", [need("peers", "antisocial_associates")]), policy,
                stage="penitentiary")
    assert bare.outputs[0]["sections"]["employment"]["status"] == "to_confirm"
    assert bare.outputs[0]["sections"]["housing"]["status"] == "to_confirm"
    assert bare.outputs[0]["sections"]["housing"]["steps"]  # still planned for release day


def test_juvenile_profile_adds_steps_and_warns_about_the_instrument():
    p = plan(make_assessment("medium", NEEDS), juvenile=True)
    assert p.juvenile and p.juvenile_profile["rule"] == "juvenile"
    assert [s["id"] for s in p.juvenile_profile["steps"]][0] == "involve_parents"
    assert any("validated for juveniles" in w for w in p.warnings)
    assert plan(make_assessment("medium", NEEDS)).juvenile_profile is None


def test_every_line_has_a_rule_and_policy_rules_cite_sources():
    p = plan(make_assessment("high", NEEDS), "kz-probation", stage="penitentiary",
             responsivity={"language": "ru"}, juvenile=True, assessed_on="2025-01-01",
             intake_on="2024-12-20")
    pol = load_policy("kz-probation")
    assert p.rationale, "no rationale"
    for entry in p.rationale:
        assert entry["rule"], entry
        if not entry["rule"].startswith("rnr."):
            assert entry["source"], entry
            assert set(entry["source"]) <= set(pol.sources)
    lines = {e["line"] for e in p.rationale}
    assert {"risk.common_level", "tier", "tier.dosage_hours", "targets[0]", "outputs[0]",
            "reassessment", "juvenile_profile"} <= lines
    assert sources_of(pol, "tiers.high.escalation") == ["bourgon-armstrong-2005", "issue-4"]


def test_undetermined_level_is_refused_by_the_shipped_policies():
    a = make_assessment("undetermined", NEEDS, level_range=["medium", "high"])
    for pid in ("default", "kz-probation"):
        with pytest.raises(UndeterminedRisk) as info:
            plan(a, pid)
        assert info.value.field == "assessment.scales.ogrs3_2y.level"
        assert "medium..high" in info.value.allowed


def test_undetermined_level_at_the_upper_bound_only_under_a_recorded_rule():
    d = load_policy("default").to_dict()
    d["common_scale"]["undetermined"] = "upper_bound"
    a = make_assessment("undetermined", NEEDS, level_range=["low", "medium"])
    p = plan(a, d)
    assert p.risk["common_level"] == 3 and p.status == "provisional"
    assert p.risk["rule"] == "common_scale.undetermined.upper_bound"
    assert any("upper bound" in w for w in p.warnings)


def test_probability_bands_decide_the_level_when_a_probability_is_given():
    d = load_policy("default").to_dict()
    d["common_scale"]["probability"] = {"outcome": "test outcome", "source": ["policy-choice"],
                                        "bands": [{"min": 0.0, "level": 1},
                                                  {"min": 0.3, "level": 3},
                                                  {"min": 0.6, "level": 5}]}
    a = make_assessment("low", NEEDS)
    got = [plan(a, d, probability=x).risk["common_level"] for x in (0.2999, 0.3, 0.3001, 0.6)]
    assert got == [1, 3, 3, 5]
    p = plan(a, d, probability=0.6)
    assert p.risk["rule"] == "common_scale.probability.bands[2]"
    assert any("probability was used" in w for w in p.warnings)
    with pytest.raises(InvalidPlan) as info:
        plan(a, "default", probability=0.4)
    assert info.value.code == "no_probability_bands"
    with pytest.raises(InvalidPlan):
        plan(a, d, probability=1.2)


@pytest.mark.parametrize("kwargs,field,code", [
    ({"stage": "court"}, "stage", "not_an_option"),
    ({"responsivity": {"hair": "red"}}, "responsivity.hair", "unknown_field"),
    ({"responsivity": {"mental_health": "yes"}}, "responsivity.mental_health", "not_an_option"),
    ({"juvenile": "no"}, "juvenile", "wrong_type"),
    ({"stabilisation": ["yacht"]}, "stabilisation", "not_an_option"),
    ({"assessed_on": "2025-13-01"}, "assessed_on", "wrong_type"),
    ({"assessed_on": "2025-01-10", "release_on": "2025-01-01"}, "release_on", "date_order"),
    ({"assessed_on": "2025-01-10", "intake_on": "2025-02-01"}, "intake_on", "date_order"),
    ({"case_id": 7}, "case_id", "wrong_type"),
])
def test_bad_arguments_name_field_value_and_what_is_allowed(kwargs, field, code):
    with pytest.raises(InvalidPlan) as info:
        plan(make_assessment("medium", NEEDS), **kwargs)
    assert (info.value.field, info.value.code) == (field, code)
    assert info.value.allowed


def test_unmapped_instrument_and_level_are_refused():
    with pytest.raises(InvalidPlan) as info:
        plan(make_assessment("x", instrument="lsi", scale="total"))
    assert info.value.code == "unmapped_instrument"
    with pytest.raises(InvalidPlan) as info:
        plan(make_assessment("extreme"))
    assert info.value.code == "unmapped_level"
    with pytest.raises(InvalidPlan) as info:
        plan({"instrument": "ogrs3"})
    assert info.value.code == "missing_required"


def test_no_identified_need_makes_the_plan_provisional():
    p = plan(make_assessment("high"))
    assert p.status == "provisional" and p.targets == []
    assert any("needs assessment is required" in w for w in p.warnings)


def test_json_round_trip_is_exact():
    p = plan(make_assessment("high", NEEDS), "kz-probation", stage="penitentiary",
             responsivity={"language": "kk"}, juvenile=True, assessed_on="2025-01-15",
             release_on="2025-06-01", case_id="case-1")
    text = p.to_json()
    back = Plan.from_dict(json.loads(text))
    assert back == p and back.to_dict() == p.to_dict() and back.to_json() == text
    assert "Әлеуметтік" in text  # labels kept in Kazakh, not escaped


def test_plan_from_dict_rejects_unknown_and_missing_fields():
    d = plan(make_assessment("medium", NEEDS)).to_dict()
    with pytest.raises(InvalidPlan) as info:
        Plan.from_dict({**d, "colour": "red"})
    assert info.value.code == "unknown_field"
    d.pop("tier")
    with pytest.raises(InvalidPlan) as info:
        Plan.from_dict(d)
    assert info.value.field == "plan.tier"


def test_plan_keeps_no_item_answers():
    a = make_assessment("medium", NEEDS)
    a["items"] = {"age": {"value": 41, "points": 1, "omitted": False}}
    assert "items" not in plan(a).inputs["assessment"]


def test_real_assessments_flow_into_plans():
    df = pd.read_csv(ROOT / "examples" / "rnr-c8.csv", dtype=str).drop(columns=["person_id"])
    seen = set()
    for row in df.to_dict("records"):
        rec = {k: int(v) if v.isdigit() else v for k, v in row.items() if v == v}
        a = rnr.assess(rec, "rnr-c8")
        p = plan(a, "kz-probation", stage="sentencing", assessed_on="2025-02-01")
        assert p.risk["level"] == a.risk_level
        assert p.risk["common_level"] == a.scales["total"]["common"]  # policy agrees
        assert check_adherence(p).adherent
        assert Plan.from_dict(json.loads(p.to_json())) == p
        seen.add(p.tier["id"])
    assert seen == {"low", "moderate", "high", "very_high"}
    og = pd.read_csv(ROOT / "examples" / "ogrs3.csv").to_dict("records")[0]
    a = rnr.assess(og, "ogrs3")
    assert plan(a).risk["level"] == a.scales["ogrs3_2y"]["level"]
    assert plan(rnr.Assessment.from_dict(a.to_dict())) == plan(a)
