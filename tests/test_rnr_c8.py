"""rnr-c8, the project's own open instrument: its content, its provisional cut-offs, its warnings.

The cut-offs tested here are the ones the file documents (a construction rule, not evidence):
the tests check that the file says what it does and that the engine applies it at every boundary.
"""

import math
import re
from pathlib import Path

import pandas as pd
import pytest

import rnr

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "rnr-c8.csv"

INST = rnr.load_instrument("rnr-c8")
LANGS = ("en", "ru", "kk")
CENTRAL_EIGHT = (
    "criminal_history", "antisocial_cognition", "antisocial_associates", "antisocial_personality",
    "family_marital", "education_employment", "leisure_recreation", "substance_use",
)
RESPONSIVITY = ("language", "literacy", "cognitive_ability", "mental_health", "motivation",
                "trauma", "sex_specific", "transport", "child_care")
STABILISATION = ("housing", "identity_documents", "health_care", "debts")
# The documented provisional cut-offs of the total (notes and file header): level -> first score.
CUTOFFS = {"low": 10, "moderate": 19, "high": 31, "very_high": 44}
LEVEL_ORDER = ("very_low", "low", "moderate", "high", "very_high")
NOT_VALIDATED = "NOT VALIDATED"


def _criminogenic_items():
    return [k for k, it in INST.items.items()
            if INST.domains[it.domain].central_eight in CENTRAL_EIGHT]


def _option_for(item_id, points):
    it = INST.items[item_id]
    for value, p in zip(it.options, it.table[0], strict=True):
        if p == points:
            return value
    raise AssertionError(f"{item_id} has no option worth {points}")


def _record(total, omit=()):
    """A complete record whose criminogenic items sum to ``total`` (all else at 0 points)."""
    rec = {k: _option_for(k, 0.0) for k in INST.items}
    left = total
    for k in _criminogenic_items():
        if k in omit:
            continue
        p = min(left, INST.items[k].points_max)
        rec[k] = _option_for(k, float(p))
        left -= p
    assert left == 0, f"total {total} is out of reach"
    for k in omit:
        rec[k] = None
    return rec


# --- content ---------------------------------------------------------------------------------

def test_item_count_is_within_30_to_45():
    assert 30 <= len(INST.items) <= 45


@pytest.mark.parametrize("item_id", sorted(INST.items))
def test_every_item_has_label_and_prompt_in_en_ru_kk(item_id):
    it = INST.items[item_id]
    for field in (it.label, it.prompt):
        assert field is not None
        for lang in LANGS:
            assert isinstance(field.get(lang), str) and field[lang].strip(), (item_id, lang)
    for value, label in zip(it.options, it.option_labels, strict=True):
        for lang in LANGS:
            assert label and label.get(lang, "").strip(), (item_id, value, lang)


def _texts(lang):
    inst = INST
    yield inst.title[lang]
    for it in inst.items.values():
        yield it.label[lang]
        yield it.prompt[lang]
        yield from (lab[lang] for lab in it.option_labels)
    for d in inst.domains.values():
        yield d.label[lang]
    for lv in inst.scales["total"].levels[None]:
        yield lv.label[lang]
    for f in inst.flags:
        yield f.label[lang]


def test_kazakh_and_russian_are_cyrillic_and_kazakh_is_not_a_copy_of_russian():
    latin = re.compile(r"[A-Za-z]")
    kk_only = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
    for lang in ("ru", "kk"):
        for text in _texts(lang):
            assert not latin.search(text.replace("rnr-c8", "").replace("RNR", "")), (lang, text)
    assert all(kk_only.search(t) is None for t in _texts("ru"))
    # Kazakh-specific letters appear throughout the Kazakh text, and no item prompt is Russian.
    assert sum(bool(kk_only.search(t)) for t in _texts("kk")) > 0.6 * len(list(_texts("kk")))
    for it in INST.items.values():
        assert it.prompt["kk"] != it.prompt["ru"] and it.label["kk"] != it.label["ru"]


@pytest.mark.parametrize("item_id", sorted(INST.items))
def test_points_run_from_0_to_2_or_3(item_id):
    it = INST.items[item_id]
    assert it.type == "categorical"
    assert it.points_min == 0 and it.points_max in (2, 3)
    assert list(it.table[0]) == sorted(it.table[0]), "options are listed from least to most"


def test_domains_cover_the_central_eight_responsivity_and_stabilisation():
    doms = INST.domains
    by_c8 = {d.central_eight: d for d in doms.values() if d.central_eight != "none"}
    assert sorted(by_c8) == sorted(CENTRAL_EIGHT)
    for c8, d in by_c8.items():
        assert d.role == "need" and d.items
        assert d.kind == ("static" if c8 == "criminal_history" else "dynamic")
    assert sorted(k for k, d in doms.items() if d.role == "responsivity") == sorted(RESPONSIVITY)
    assert sorted(k for k, d in doms.items() if d.role == "stabilisation") == sorted(STABILISATION)
    assert all(doms[k].central_eight == "none" and doms[k].items
               for k in RESPONSIVITY + STABILISATION)
    assert set(INST.items["rs_language"].options) == {"kk", "ru", "other"}


def test_total_is_exactly_the_criminogenic_items():
    assert sorted(k for k, _ in INST.scales["total"].weights) == sorted(_criminogenic_items())
    assert all(w == 1 for _, w in INST.scales["total"].weights)


def test_status_licence_sources_and_notes_say_not_validated():
    assert INST.status == "not-validated"
    assert INST.licence.startswith("Apache-2.0")
    notes = " ".join(INST.notes)
    for phrase in ("NOT VALIDATED", "provisional", "by construction", "rnr.ScoreCalibrator",
                   "rnr.choose_cutoffs", "before any use for decisions"):
        assert phrase.lower() in notes.lower(), phrase
    cites = " ".join(s["citation"] for s in INST.sources)
    for who in ("Andrews, D. A., & Bonta", "Wormith", "Hanson", "No. 38-VI"):
        assert who in cites, who


def test_cutoffs_follow_the_stated_construction_rule():
    top = INST.scales["total"].bounds[1]
    assert top == sum(INST.items[k].points_max for k in _criminogenic_items()) == 62
    rule = [math.ceil(p * top) for p in (0.15, 0.30, 0.50, 0.70)]
    levels = INST.scales["total"].levels[None]
    assert [lv.min for lv in levels[1:]] == rule == list(CUTOFFS.values())
    assert [lv.id for lv in levels] == list(LEVEL_ORDER)
    assert [lv.common for lv in levels] == [1, 2, 3, 4, 5]
    for d in (INST.domains[c] for c in CENTRAL_EIGHT):
        mins = [m for _, m in d.thresholds]
        assert mins == [0, 2, max(3, math.ceil(d.max_score / 2))], d.id


# --- the total at every cut-off --------------------------------------------------------------

@pytest.mark.parametrize("level,cut", CUTOFFS.items())
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_total_just_below_at_and_above_each_cutoff(level, cut, offset):
    a = rnr.assess(_record(cut + offset), "rnr-c8")
    assert a.scales["total"]["raw"] == cut + offset
    below = LEVEL_ORDER[LEVEL_ORDER.index(level) - 1]
    expected = below if offset < 0 else level
    assert a.risk_level == expected
    assert a.scales["total"]["common"] == LEVEL_ORDER.index(expected) + 1


@pytest.mark.parametrize("total,level", [(0, "very_low"), (62, "very_high")])
def test_total_at_its_ends(total, level):
    assert rnr.assess(_record(total), "rnr-c8").risk_level == level


def test_responsivity_and_stabilisation_never_change_the_total():
    base = _record(25)
    worst = dict(base)
    for k, it in INST.items.items():
        if INST.domains[it.domain].role != "need":
            worst[k] = _option_for(k, it.points_max)
    a, b = rnr.assess(base, "rnr-c8"), rnr.assess(worst, "rnr-c8")
    assert a.scales == b.scales and a.risk_level == b.risk_level
    needs = {n["domain"]: n for n in b.needs}
    assert all(needs[d]["need"] for d in RESPONSIVITY + STABILISATION)
    assert {"no_housing", "mental_health_specialist"} <= set(b.flags)
    assert not a.flags


def test_flag_no_housing_only_for_no_housing():
    rec = _record(5)
    for value, raised in ((3, True), (2, False)):
        rec["st_housing"] = value
        assert ("no_housing" in rnr.assess(rec, "rnr-c8").flags) is raised


# --- the not-validated warning on every result -------------------------------------------------

@pytest.mark.parametrize("total", [0, 18, 19, 62])
def test_every_single_result_warns_not_validated(total):
    a = rnr.assess(_record(total), "rnr-c8")
    assert a.status == "not-validated"
    assert any(NOT_VALIDATED in w for w in a.warnings)
    assert any(NOT_VALIDATED in w for w in a.to_dict()["warnings"])


def test_every_batch_row_warns_not_validated():
    frame = pd.DataFrame([_record(t) for t in (0, 9, 10, 30, 31, 62)])
    out = rnr.assess(frame, "rnr-c8")
    assert (out["status"] == "ok").all()
    assert out["warnings"].map(lambda w: NOT_VALIDATED in w).all()


# --- missing items ------------------------------------------------------------------------------

def test_one_omitted_item_straddling_a_cutoff_is_undetermined():
    # su_drugs (0-3) omitted; 18 answered points: 18 if it were 0 (low), 21 if 3 (moderate).
    a = rnr.assess(_record(18, omit=("su_drugs",)), "rnr-c8")
    total = a.scales["total"]
    assert a.risk_level == "undetermined" == total["level"]
    assert total["level_range"] == ["low", "moderate"]
    assert total["raw"] == pytest.approx(18 * 28 / 27)
    assert any("undetermined" in w for w in a.warnings)
    assert any(NOT_VALIDATED in w for w in a.warnings)


def test_omitted_items_far_from_a_cutoff_keep_the_level_and_prorate():
    a = rnr.assess(_record(22, omit=("su_drugs", "lr_unstructured_time")), "rnr-c8")
    assert a.risk_level == "moderate"  # 22 to 27 points: inside [19, 31)
    assert a.scales["total"]["raw"] == pytest.approx(22 * 28 / 26)
    assert a.items["su_drugs"]["omitted"] is True


def test_an_omitted_responsivity_item_leaves_the_total_alone():
    rec = _record(25)
    rec["rs_motivation"] = None
    a = rnr.assess(rec, "rnr-c8")
    assert a.scales["total"]["raw"] == 25 and a.risk_level == "moderate"
    assert {n["domain"]: n for n in a.needs}["motivation"]["level"] == "undetermined"


def test_three_omitted_items_are_allowed_four_are_too_many():
    three = ("su_drugs", "lr_unstructured_time", "rs_transport")
    assert rnr.assess(_record(0, omit=three), "rnr-c8").risk_level == "very_low"
    with pytest.raises(rnr.TooManyMissing) as err:
        rnr.assess(_record(0, omit=three + ("st_debts",)), "rnr-c8")
    assert err.value.code == "too_many_missing"
    assert sorted(err.value.value) == sorted(three + ("st_debts",))


def test_a_criminal_history_item_may_not_be_omitted():
    with pytest.raises(rnr.InvalidRecord) as err:
        rnr.assess(_record(0, omit=("ch_prior_convictions",)), "rnr-c8")
    assert err.value.field == "ch_prior_convictions" and err.value.code == "missing_required"


def test_a_value_that_is_not_an_option_is_refused():
    rec = _record(0)
    rec["rs_language"] = "en"
    with pytest.raises(rnr.InvalidRecord) as err:
        rnr.assess(rec, "rnr-c8")
    assert err.value.field == "rs_language" and err.value.code == "not_an_option"


# --- the shipped synthetic examples ------------------------------------------------------------

def test_examples_cover_every_level_and_score_cleanly():
    frame = pd.read_csv(EXAMPLES)
    assert 6 <= len(frame) <= 8
    assert frame["person_id"].str.fullmatch(r"P\d{3}").all() and frame["person_id"].is_unique
    assert set(frame.columns) - {"person_id"} == set(INST.items)
    out = rnr.assess(frame, "rnr-c8", keep=["person_id"])
    assert (out["status"] == "ok").all()
    assert set(out["risk_level"]) == set(LEVEL_ORDER)
    assert out["warnings"].map(lambda w: NOT_VALIDATED in w).all()
    # each batch row equals the single-record result
    for i, row in frame.iterrows():
        rec = row.drop("person_id").to_dict()
        single = rnr.assess(rec, "rnr-c8")
        assert single.risk_level == out.loc[i, "risk_level"]
        assert single.scales["total"]["raw"] == out.loc[i, "total.raw"]
