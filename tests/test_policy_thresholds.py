"""Every threshold of every shipped policy, tested just below, at and just above its cut-off.

Each test is named after the policy rule it checks (``tiers.moderate.common_min``,
``tiers.high.escalation.needs_min``, ``targets.max``, ``reassessment.*``, ``guards.*``,
``override.max_rate``); the parameter ids say which policy and which side of the cut-off.
The figures the policies must carry (100 / 200 / 300 hours; 8 / 4 / 2 / 1 contacts; 30 days,
6 and 12 months) are pinned in ``test_*_carries_the_sourced_*`` tests.
"""

import datetime as dt

import pytest

from rnr._planning import InvalidPolicy, load_policy, override_report, plan
from rnr._planning._testing import make_assessment, need

POLICIES = ["default", "kz-probation"]
CRIM = [need("attitudes", "antisocial_cognition"), need("peers", "antisocial_associates"),
        need("drugs", "substance_use"), need("work", "education_employment")]
SIDES = {"below": -1, "at": 0, "above": 1}


def c8_level(policy, common):
    levels = load_policy(policy)["common_scale"]["instruments"]["rnr-c8"]["levels"]
    return {v: k for k, v in levels.items()}[common]


def at_common(policy, common, n_needs=1, **kw):
    a = make_assessment(c8_level(policy, common), CRIM[:n_needs], instrument="rnr-c8",
                        scale="total")
    return plan(a, policy, **kw)


def tier(policy, tier_id):
    return next(t for t in load_policy(policy).tiers if t["id"] == tier_id)


def expected_tier(policy, common):
    return [t for t in load_policy(policy).tiers if t["common_min"] <= common][-1]


def cases(policy):
    """(tier id, side) for every tier boundary that has a level on that side."""
    top = load_policy(policy).common_levels[-1]
    out = []
    for t in load_policy(policy).tiers[1:]:
        for side, off in SIDES.items():
            if 1 <= t["common_min"] + off <= top:
                out.append((policy, t["id"], side))
    return out


ALL_CASES = [c for p in POLICIES for c in cases(p)]
IDS = [f"{p}-{t}-{s}" for p, t, s in ALL_CASES]


# ----------------------------------------------------------------------------- tiers
@pytest.mark.parametrize("policy", POLICIES)
def test_tiers_carry_the_sourced_contacts_and_dosage(policy):
    got = [(t["id"], t["common_min"], t["contacts_per_month"], t["dosage_hours"])
           for t in load_policy(policy).tiers]
    # CSOSA 1/2/4/8 contacts; about 0/100/200/300 hours (Bourgon & Armstrong 2005; Sperber 2013)
    assert got == [("low", 1, 1, 0), ("moderate", 3, 2, 100), ("high", 4, 4, 200),
                   ("very_high", 5, 8, 300)]
    esc = tier(policy, "high")["escalation"]
    assert (esc["needs_min"], esc["dosage_hours"]) == (3, 300)


@pytest.mark.parametrize("policy,tier_id,side", ALL_CASES, ids=IDS)
def test_tiers_common_min(policy, tier_id, side):
    level = tier(policy, tier_id)["common_min"] + SIDES[side]
    p = at_common(policy, level)
    want = expected_tier(policy, level)
    assert p.tier["id"] == want["id"]
    if side == "at":
        assert p.tier["id"] == tier_id
    if side == "below":
        assert p.tier["id"] != tier_id
    assert p.tier["rule"] == f"tiers.{want['id']}"


@pytest.mark.parametrize("policy,tier_id,side", ALL_CASES, ids=IDS)
def test_tiers_dosage_hours_at_cutoff(policy, tier_id, side):
    t = tier(policy, tier_id)
    p = at_common(policy, t["common_min"] + SIDES[side])
    if side == "below":
        assert p.tier["dosage_hours"] < t["dosage_hours"] or t["dosage_hours"] == 0
    elif side == "at":
        assert p.tier["dosage_hours"] == t["dosage_hours"]
    else:
        assert p.tier["dosage_hours"] >= t["dosage_hours"]


@pytest.mark.parametrize("policy,tier_id,side", ALL_CASES, ids=IDS)
def test_tiers_contacts_per_month_at_cutoff(policy, tier_id, side):
    t = tier(policy, tier_id)
    p = at_common(policy, t["common_min"] + SIDES[side])
    assert p.tier["contacts_per_month"] == expected_tier(policy, t["common_min"] + SIDES[side])[
        "contacts_per_month"]
    if side == "below":
        assert p.tier["contacts_per_month"] < t["contacts_per_month"]


@pytest.mark.parametrize("policy", POLICIES)
def test_default_tier_dosage_moderate_at_cutoff(policy):
    # The example rule, spelled out: levels 2 / 3 / 4 give 0 / 100 / 200 hours.
    assert [at_common(policy, c).tier["dosage_hours"] for c in (2, 3, 4)] == [0, 100, 200]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("side", SIDES)
def test_tiers_high_escalation_needs_min(policy, side):
    esc = tier(policy, "high")["escalation"]
    n = esc["needs_min"] + SIDES[side]
    p = at_common(policy, tier(policy, "high")["common_min"], n_needs=n)
    if side == "below":
        assert p.tier["dosage_hours"] == tier(policy, "high")["dosage_hours"]
        assert p.tier["dosage_rule"] == "tiers.high"
    else:
        assert p.tier["dosage_hours"] == esc["dosage_hours"]
        assert p.tier["dosage_rule"] == "tiers.high.escalation"
    assert p.tier["id"] == "high"


# ----------------------------------------------------------------------------- targets
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("side", SIDES)
def test_targets_max(policy, side):
    cap = load_policy(policy)["targets"]["max"]
    assert cap == 3  # issue 4: the top 3 by default
    n = cap + SIDES[side]
    p = at_common(policy, 4, n_needs=n)
    assert len(p.targets) == min(n, cap)
    assert sum(t["hours"] for t in p.targets) == p.tier["dosage_hours"]
    untargeted = [x["domain"] for x in p.needs if x["criminogenic"] and not x["targeted"]]
    assert len(untargeted) == max(0, n - cap)


@pytest.mark.parametrize("policy", POLICIES)
def test_targets_priority_puts_cognition_associates_personality_first(policy):
    needs = [need("drugs", "substance_use"), need("family", "family_marital"),
             need("temper", "antisocial_personality"), need("peers", "antisocial_associates")]
    p = plan(make_assessment("high", needs), policy)
    assert [t["domain"] for t in p.targets] == ["peers", "temper", "drugs"]


# ----------------------------------------------------------------------------- guards
def with_guards(policy, **changes):
    d = load_policy(policy).to_dict()
    d["guards"].update(changes)
    return d


@pytest.mark.parametrize("policy", POLICIES)
def test_guards_low_risk_max_common_levels_never_intensive(policy):
    g = load_policy(policy)["guards"]
    assert (g["low_risk_max_common"], g["intensive_contacts_min"], g["high_dose_hours_min"]) == (
        2, 8, 200)
    for side, off in SIDES.items():
        c = g["low_risk_max_common"] + off
        t = at_common(policy, c, n_needs=4).tier
        low = t["contacts_per_month"] < 8 and t["dosage_hours"] < 200 and not t["residential"]
        assert low if side != "above" else True
    assert at_common(policy, 2, n_needs=4).tier["dosage_hours"] == 0


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("side,loads", [("below", False), ("at", False), ("above", True)])
def test_guards_high_dose_hours_min(policy, side, loads):
    # Let level 3 count as low risk: its tier (100 hours) must stay under the high-dose line.
    d = with_guards(policy, low_risk_max_common=3, high_dose_hours_min=100 + SIDES[side])
    if loads:
        assert load_policy(d).id == policy
    else:
        with pytest.raises(InvalidPolicy, match=r"tiers\[1\]: .*guards"):
            load_policy(d)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("side,loads", [("below", False), ("at", False), ("above", True)])
def test_guards_intensive_contacts_min(policy, side, loads):
    d = with_guards(policy, low_risk_max_common=3, intensive_contacts_min=2 + SIDES[side])
    if loads:
        assert load_policy(d).id == policy
    else:
        with pytest.raises(InvalidPolicy, match=r"tiers\[[01]\]: .*guards"):
            load_policy(d)


# ----------------------------------------------------------------------------- reassessment
@pytest.mark.parametrize("policy", POLICIES)
def test_reassessment_carries_the_stated_schedule(policy):
    r = load_policy(policy)["reassessment"]
    assert (r["first_within_days"], r["interval_months"], r["expires_months"]) == (30, 6, 12)
    assert [t["id"] for t in r["triggers"]] == ["new_arrest", "breach"]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("side", SIDES)
def test_reassessment_first_within_days(policy, side):
    days = load_policy(policy)["reassessment"]["first_within_days"] + SIDES[side]
    assessed = dt.date(2025, 3, 10)
    p = at_common(policy, 3, assessed_on=assessed, intake_on=assessed - dt.timedelta(days=days))
    first = p.reassessment["first_assessment"]
    assert first["days_after_intake"] == days
    assert first["on_time"] is (side != "above")
    assert any("after intake" in w for w in p.warnings) is (side == "above")


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("side,status", [("below", "current"), ("at", "due"), ("above", "due")])
def test_reassessment_interval_months(policy, side, status):
    p = at_common(policy, 3, assessed_on="2025-01-31")
    assert p.reassessment["due_on"] == "2025-07-31"
    on = dt.date(2025, 7, 31) + dt.timedelta(days=SIDES[side])
    assert p.reassessment_status(on) == status


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("side,status", [("below", "due"), ("at", "expired"),
                                         ("above", "expired")])
def test_reassessment_expires_months(policy, side, status):
    p = at_common(policy, 3, assessed_on="2025-01-31")
    assert p.reassessment["expires_on"] == "2026-01-31"
    on = dt.date(2026, 1, 31) + dt.timedelta(days=SIDES[side])
    assert p.reassessment_status(on) == status


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("event", ["new_arrest", "breach"])
def test_reassessment_triggers_at_once(policy, event):
    p = at_common(policy, 3, assessed_on="2025-01-31")
    assert p.reassessment_status("2025-02-01") == "current"
    assert p.reassessment_status("2025-02-01", events=[event]) == "due_now"


# ----------------------------------------------------------------------------- override rate
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("side", SIDES)
def test_override_max_rate(policy, side):
    rate = load_policy(policy)["override"]["max_rate"]
    assert rate == 0.10
    k = round(rate * 100) + SIDES[side]
    plans = ([{"policy": {"id": policy}, "override": {"direction": "up"}}] * k
             + [{"policy": {"id": policy}, "override": None}] * (100 - k))
    r = override_report(plans)
    assert r.max_rate == rate
    assert r.overall["overridden"] == k
    assert bool(r.warnings) is (side == "above")


# ----------------------------------------------------------------------------- common scale
@pytest.mark.parametrize("policy", POLICIES)
def test_common_scale_instruments_levels(policy):
    mappings = load_policy(policy)["common_scale"]["instruments"]
    assert dict(mappings["ogrs3"]["levels"]) == {"low": 2, "medium": 3, "high": 4,
                                                 "very_high": 5}
    for inst, m in mappings.items():
        for level, common in m["levels"].items():
            a = make_assessment(level, instrument=inst, scale=m.get("scale", "main"))
            p = plan(a, policy)
            assert p.risk["common_level"] == common
            assert p.risk["rule"] == f"common_scale.instruments.{inst}.levels.{level}"
