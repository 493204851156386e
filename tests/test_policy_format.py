"""Loading a policy validates it: every error names the file, the path inside it and the problem."""

import copy

import pytest

import rnr
from rnr._planning import InvalidPlan, InvalidPolicy, load_policy, policies
from rnr._planning._policy_schema import CENTRAL_EIGHT_DYNAMIC

BASE = load_policy("default").to_dict()


def broken(change):
    d = copy.deepcopy(BASE)
    change(d)
    return d


def test_shipped_policies_load_and_are_listed():
    assert policies() == ("default", "kz-probation")
    for pid in policies():
        p = load_policy(pid)
        assert p.id == pid and p.digest.startswith("sha256:")
        assert load_policy(p) is p


def test_invalid_policy_is_an_invalid_instrument_and_an_rnr_error():
    assert issubclass(InvalidPolicy, rnr.InvalidInstrument)
    assert issubclass(InvalidPolicy, rnr.RNRError)


def test_policy_is_read_only():
    p = load_policy("default")
    with pytest.raises(TypeError):
        p.data["tiers"][0]["dosage_hours"] = 500
    with pytest.raises(AttributeError):
        p.id = "x"


@pytest.mark.parametrize("change,path,problem", [
    (lambda d: d.pop("tiers"), "<top>", "the required key 'tiers' is missing"),
    (lambda d: d["tiers"][1].update(dosage_hours="100"), "tiers[1].dosage_hours",
     "expected integer"),
    (lambda d: d["tiers"][2].update(dosage_hours=50), "tiers[2].dosage_hours",
     "must not decrease as risk rises"),
    (lambda d: d["tiers"][2].update(contacts_per_month=1), "tiers[2].contacts_per_month",
     "must not decrease as risk rises"),
    (lambda d: d["tiers"][1].update(common_min=4), "tiers[2].common_min",
     "tiers must be in rising order"),
    (lambda d: d["tiers"][0].update(common_min=2), "tiers[0].common_min",
     "the first tier must start at level 1"),
    (lambda d: d["tiers"][2]["escalation"].update(dosage_hours=400),
     "tiers[2].escalation.dosage_hours", "must not exceed the next tier's dosage"),
    (lambda d: d["tiers"][2]["escalation"].update(dosage_hours=150),
     "tiers[2].escalation.dosage_hours", "must not lower the dosage"),
    (lambda d: d["tiers"][0].update(source=["nobody-2020"]), "tiers[0].source[0]",
     "unknown source 'nobody-2020'"),
    (lambda d: d["tiers"][0].update(colour="red"), "tiers[0].colour", "unknown key 'colour'"),
    (lambda d: d["responsivity"][0]["adjustments"][0].update(dosage_hours=50),
     "responsivity[0].adjustments[0].dosage_hours", "unknown key 'dosage_hours'"),
    (lambda d: d["responsivity"][0]["adjustments"][0].update(when="fr"),
     "responsivity[0].adjustments[0].when", "is not one of the factor's values"),
    (lambda d: d["interventions"].pop(1), "interventions",
     "no intervention for the criminogenic needs substance_use"),
    (lambda d: d["interventions"][1]["central_eight"].append("antisocial_cognition"),
     "interventions[1].central_eight[1]", "already mapped"),
    (lambda d: d["interventions"][0]["central_eight"].append("criminal_history"),
     "interventions[0].central_eight[3]", "not a dynamic Central Eight need"),
    (lambda d: d["common_scale"]["instruments"]["ogrs3"]["levels"].update(high=6),
     "common_scale.instruments.ogrs3.levels.high", "not a level of the common scale"),
    (lambda d: d["common_scale"]["levels"].pop(2), "common_scale.levels",
     "levels must be 1, 2, ... in order"),
    (lambda d: d["policy"].update(status="published"), "policy.status",
     "unverified entries may not be 'published'"),
    (lambda d: d["policy"].update(default_stage="court"), "policy.default_stage",
     "'court' is not a declared stage"),
    (lambda d: d["policy"].update(languages=["en", "kk"]), "policy.title.kk",
     "missing the 'kk' text"),
    (lambda d: d["stabilisation"][0]["steps"][0].update(service="taxi"),
     "stabilisation[0].steps[0].service", "unknown service 'taxi'"),
    (lambda d: d["reassessment"].update(expires_months=6), "reassessment.expires_months",
     "must be longer than interval_months"),
    (lambda d: d["override"].update(max_rate=1.5), "override.max_rate", "above the maximum 1"),
    (lambda d: d["stages"][0].update(sections=["risk", "horoscope"]), "stages[0].sections[1]",
     "'horoscope' is not one of"),
    (lambda d: d["common_scale"].update(undetermined="guess"), "common_scale.undetermined",
     "'guess' is not one of 'refuse', 'upper_bound'"),
])
def test_malformed_policy_names_path_and_problem(change, path, problem):
    with pytest.raises(InvalidPolicy) as info:
        load_policy(broken(change))
    err = info.value
    assert (err.source, err.path) == ("<dict>", path)
    assert problem in err.problem


@pytest.mark.parametrize("bands,path,problem", [
    ([{"min": 0.1, "level": 1}], "common_scale.probability.bands[0].min",
     "the first band must start at 0"),
    ([{"min": 0.0, "level": 1}, {"min": 0.0, "level": 2}],
     "common_scale.probability.bands[1].min", "band minimums must increase"),
    ([{"min": 0.0, "level": 2}, {"min": 0.5, "level": 1}],
     "common_scale.probability.bands[1].level", "must not decrease"),
    ([{"min": 0.0, "level": 1}, {"min": 0.5, "level": 9}],
     "common_scale.probability.bands[1].level", "not a level of the common scale"),
])
def test_probability_bands_are_checked(bands, path, problem):
    d = broken(lambda d: d["common_scale"].update(
        probability={"outcome": "x", "source": ["policy-choice"], "bands": bands}))
    with pytest.raises(InvalidPolicy) as info:
        load_policy(d)
    assert info.value.path == path and problem in info.value.problem


def test_every_dynamic_central_eight_need_has_an_intervention_in_shipped_policies():
    for pid in policies():
        mapped = {c for iv in load_policy(pid)["interventions"] for c in iv["central_eight"]}
        assert mapped == set(CENTRAL_EIGHT_DYNAMIC)


def test_toml_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text("format_version = 1\n[policy\n", encoding="utf-8")
    with pytest.raises(InvalidPolicy) as info:
        load_policy(bad)
    assert info.value.source == str(bad) and info.value.path == "<toml>"


def test_policy_from_a_file_path(tmp_path):
    src = load_policy("default").source
    text = (rnr.__path__[0] + "/instruments/policies/default.toml")
    copy_path = tmp_path / "copy.toml"
    copy_path.write_bytes(open(text, "rb").read())
    assert load_policy(copy_path) == load_policy("default")
    assert src == "default.toml"


@pytest.mark.parametrize("value", ["nope", 42, "missing.toml"])
def test_unknown_policy_is_refused(value):
    with pytest.raises(InvalidPlan) as info:
        load_policy(value)
    assert info.value.field == "policy"


def test_every_rule_of_shipped_policies_cites_a_declared_source():
    for pid in policies():
        p = load_policy(pid)
        for t in p.tiers:
            assert t["source"] and set(t["source"]) <= set(p.sources)
        assert p.sources  # and the loader rejects unknown source ids (tested above)
