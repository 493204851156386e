"""The format expresses tools rnr does not ship, through user-authored files of their SHAPE.

``tests/data/lsir_shape.toml`` has the LSI-R's shape (54 items in 10 subscales, up to 5 omitted
items, 5 risk bands by sex) and ``tests/data/psa_shape.toml`` the PSA's (several scales from
shared items, raw-to-scaled tables, a flag); ``tests/data/pattern_shape.toml`` has PATTERN's
(general and violent scales from shared static and dynamic items, points by sex, four levels
with norms by sex). Every name, weight, table and cut-off in them is MADE UP: no file holds any
LSI-R, PSA or PATTERN content. The expected results here come from a small
reference scorer written in this file from the TOML itself, not from the engine.
"""

import itertools
import random
import tomllib
from bisect import bisect_right
from pathlib import Path

import pandas as pd
import pytest

import rnr

DATA = Path(__file__).resolve().parent / "data"
LSIR_PATH = DATA / "lsir_shape.toml"
PSA_PATH = DATA / "psa_shape.toml"
LSIR_DEF = tomllib.loads(LSIR_PATH.read_text(encoding="utf-8"))
PSA_DEF = tomllib.loads(PSA_PATH.read_text(encoding="utf-8"))


# --- a reference scorer, independent of the engine ---------------------------------------------

def _item_points(item, value):
    if item["type"] == "categorical":
        return {o["value"]: o["points"] for o in item["options"]}[value]
    mins = [b["min"] for b in item["bands"]]
    return item["bands"][bisect_right(mins, value) - 1]["points"]


def _table(rows, x, key):
    return rows[bisect_right([r["min"] for r in rows], x) - 1][key]


def _reference(defn, record):
    items = {it["id"]: it for it in defn["items"]}
    points = {k: _item_points(items[k], record[k]) for k in items}
    out = {}
    for s in defn["scales"]:
        weights = s.get("weights") or {k: 1 for k in s["items"]}
        raw = sum(w * points[k] for k, w in weights.items())
        scaled = _table(s["scaled"], raw, "value") if "scaled" in s else None
        level = None
        if "levels" in s:
            levels = s["levels"][record[s["levels_by"]]] if "levels_by" in s else s["levels"]
            level = _table(levels, scaled if scaled is not None else raw, "id")
        out[s["id"]] = {"raw": raw, "scaled": scaled, "level": level}
    def read(sid):
        return out[sid]["raw"] if out[sid]["scaled"] is None else out[sid]["scaled"]

    flags = [f["id"] for f in defn.get("flags", []) if read(f["scale"]) >= f["min"]]
    return out, flags


# --- LSI-R shape ---------------------------------------------------------------------------------

LSIR = rnr.load_instrument(LSIR_PATH)
LSIR_ITEMS = [it["id"] for it in LSIR_DEF["items"]]


def _lsir_option(item_id, points):
    item = next(it for it in LSIR_DEF["items"] if it["id"] == item_id)
    return next(o["value"] for o in item["options"] if o["points"] == points)


def _lsir_record(total, sex="male", omit=()):
    rec = {"sex": sex}
    left = total
    for it in LSIR_DEF["items"]:
        top = max(o["points"] for o in it["options"])
        p = 0 if it["id"] in omit else min(left, top)
        rec[it["id"]] = _lsir_option(it["id"], p)
        left -= p
    assert left == 0
    for k in omit:
        rec[k] = None
    return rec


def test_lsir_shape_is_made_up_and_has_the_published_shape():
    assert len(LSIR.items) == 54
    assert all(k.startswith("made_up_") for k in LSIR.items)
    assert len(LSIR.domains) == 10 and all(k.startswith("made_up_") for k in LSIR.domains)
    assert sum(len(d.items) for d in LSIR.domains.values()) == 54
    assert LSIR.max_omitted == 5 and LSIR.prorate is False
    total = LSIR.scales["total"]
    assert total.levels_by == "sex" and set(total.levels) == {"male", "female"}
    assert all(len(bands) == 5 for bands in total.levels.values())
    assert "MADE UP" in " ".join(LSIR.notes) and "MADE-UP" in LSIR.title["en"]


def test_lsir_shape_scores_match_the_reference_by_sex():
    rng = random.Random(20240501)
    records = []
    for _ in range(300):
        rec = {"sex": rng.choice(["male", "female"])}
        for it in LSIR_DEF["items"]:
            rec[it["id"]] = rng.choice([o["value"] for o in it["options"]])
        records.append(rec)
    batch = rnr.assess(pd.DataFrame(records), LSIR)
    assert (batch["status"] == "ok").all()
    for i, rec in enumerate(records):
        ref, _ = _reference(LSIR_DEF, rec)
        single = rnr.assess(rec, LSIR)
        assert single.scales["total"]["raw"] == ref["total"]["raw"]
        assert single.risk_level == ref["total"]["level"] == batch.loc[i, "risk_level"]
        needs = {n["domain"]: n["score"] for n in single.needs}
        for d in LSIR_DEF["domains"]:
            members = [it["id"] for it in LSIR_DEF["items"] if it["domain"] == d["id"]]
            assert needs[d["id"]] == sum(_item_points(
                next(it for it in LSIR_DEF["items"] if it["id"] == k), rec[k]) for k in members)


def test_lsir_shape_same_total_different_band_by_sex():
    # The made-up female norms start band_2 at 9, the male ones at 11.
    male = rnr.assess(_lsir_record(10, "male"), LSIR)
    female = rnr.assess(_lsir_record(10, "female"), LSIR)
    assert male.scales["total"]["raw"] == female.scales["total"]["raw"] == 10
    assert (male.risk_level, female.risk_level) == ("band_1", "band_2")


@pytest.mark.parametrize("sex", ["male", "female"])
def test_lsir_shape_band_boundaries(sex):
    bands = LSIR_DEF["scales"][0]["levels"][sex]
    for previous, band in zip(bands, bands[1:], strict=False):
        cut = band["min"]
        for total, expected in ((cut - 1, previous), (cut, band), (cut + 1, band)):
            assert rnr.assess(_lsir_record(total, sex), LSIR).risk_level == expected["id"]


OMIT5 = ("made_up_q50", "made_up_q51", "made_up_q52", "made_up_q53", "made_up_q54")


def test_lsir_shape_five_omitted_far_from_a_cutoff_keep_the_band():
    # q54 is a 0-2 item, q50-q53 are 0/1: the omitted items could add 0 to 6 points.
    a = rnr.assess(_lsir_record(21, "male", omit=OMIT5), LSIR)
    assert a.risk_level == "band_3"  # 21 to 27, inside the made-up male band [20, 30)
    assert a.scales["total"]["raw"] == 21  # no proration in this shape
    assert a.scales["total"]["raw_range"] == [21, 27]
    assert all(a.items[k]["omitted"] for k in OMIT5)


def test_lsir_shape_five_omitted_across_a_cutoff_is_undetermined():
    a = rnr.assess(_lsir_record(26, "male", omit=OMIT5), LSIR)
    total = a.scales["total"]
    assert a.risk_level == total["level"] == "undetermined"
    assert total["level_range"] == ["band_3", "band_4"]  # 26 to 32 spans the cut at 30
    assert any("undetermined" in w for w in a.warnings)


def test_lsir_shape_six_omitted_is_too_many():
    omit = OMIT5 + ("made_up_q01",)
    with pytest.raises(rnr.TooManyMissing) as err:
        rnr.assess(_lsir_record(5, "female", omit=omit), LSIR)
    assert sorted(err.value.value) == sorted(omit)
    out = rnr.assess(pd.DataFrame([_lsir_record(5, "female", omit=omit), _lsir_record(5)]), LSIR)
    assert list(out["status"]) == ["error", "ok"]
    assert out.attrs["errors"]["code"].tolist() == ["too_many_missing"]


def test_lsir_shape_needs_sex_for_its_norms():
    rec = _lsir_record(12)
    del rec["sex"]
    with pytest.raises(rnr.InvalidRecord) as err:
        rnr.assess(rec, LSIR)
    assert err.value.field == "sex" and err.value.code == "missing_required"


# --- PSA shape -----------------------------------------------------------------------------------

PSA = rnr.load_instrument(PSA_PATH)
GRID = {
    "made_up_age": [18, 24, 25, 34, 35, 70],
    "made_up_a": ["no", "yes"], "made_up_b": ["no", "yes"],
    "made_up_c": [0, 1, 2], "made_up_d": [0, 1, 2, 3, 50],
    "made_up_e": ["no", "yes"], "made_up_f": ["no", "yes"],
}
PSA_RECORDS = [dict(zip(GRID, combo, strict=True)) for combo in itertools.product(*GRID.values())]


def test_psa_shape_is_made_up_and_shares_items_across_scales():
    assert all(k.startswith("made_up_") for k in PSA.items)
    assert "MADE UP" in " ".join(PSA.notes) and "MADE-UP" in PSA.title["en"]
    used = [{k for k, _ in s.weights} for s in PSA.scales.values()]
    assert len(used) == 3
    assert set.intersection(*used)  # at least one item feeds all three scales
    assert sum(s.scaled_mins is not None for s in PSA.scales.values()) == 2
    assert [f.scale for f in PSA.flags] == ["scale_three"]


def test_psa_shape_every_grid_record_matches_the_reference():
    batch = rnr.assess(pd.DataFrame(PSA_RECORDS), PSA)
    assert (batch["status"] == "ok").all()
    seen_scaled = set()
    for i, rec in enumerate(PSA_RECORDS):
        ref, ref_flags = _reference(PSA_DEF, rec)
        for sid, r in ref.items():
            assert batch.loc[i, f"{sid}.raw"] == r["raw"]
            if r["scaled"] is not None:
                assert batch.loc[i, f"{sid}.scaled"] == r["scaled"]
                seen_scaled.add((sid, r["scaled"]))
            if r["level"] is not None:
                assert batch.loc[i, f"{sid}.level"] == r["level"]
        assert bool(batch.loc[i, "flag.made_up_flag"]) == ("made_up_flag" in ref_flags)
    # the grid reaches every scaled value of both tables
    assert seen_scaled == {(s, v) for s in ("scale_one", "scale_two") for v in range(1, 7)}


def test_psa_shape_single_equals_batch_on_a_sample():
    sample = PSA_RECORDS[::97]
    batch = rnr.assess(pd.DataFrame(sample), PSA)
    for i, rec in enumerate(sample):
        a = rnr.assess(rec, PSA)
        assert a.risk_level == batch.loc[i, "risk_level"]
        assert a.scales["scale_two"]["scaled"] == batch.loc[i, "scale_two.scaled"]
        assert ("made_up_flag" in a.flags) == bool(batch.loc[i, "flag.made_up_flag"])


def test_psa_shape_raw_to_scaled_ends():
    low = rnr.assess({k: v[0] for k, v in GRID.items()} | {"made_up_age": 70}, PSA)
    high = rnr.assess({k: v[-1] for k, v in GRID.items()} | {"made_up_age": 18}, PSA)
    assert [low.scales[s]["scaled"] for s in ("scale_one", "scale_two")] == [1, 1]
    assert [high.scales[s]["scaled"] for s in ("scale_one", "scale_two")] == [6, 6]
    assert low.flags == [] and high.flags == ["made_up_flag"]


def test_psa_shape_flag_just_below_and_at_its_threshold():
    base = {k: v[0] for k, v in GRID.items()} | {"made_up_age": 70}
    # made-up scale three: age (x1) + b (x2) + c (x1) + f (x1); threshold 4
    three = dict(base, made_up_b="yes", made_up_c=1)  # 2 + 1 = 3
    four = dict(base, made_up_b="yes", made_up_c=2)   # 2 + 2 = 4
    assert rnr.assess(three, PSA).scales["scale_three"]["raw"] == 3
    assert "made_up_flag" not in rnr.assess(three, PSA).flags
    assert "made_up_flag" in rnr.assess(four, PSA).flags


def test_psa_shape_allows_no_omitted_item():
    rec = dict(PSA_RECORDS[0])
    rec["made_up_c"] = None
    with pytest.raises(rnr.TooManyMissing) as err:
        rnr.assess(rec, PSA)
    assert err.value.value == ["made_up_c"]


def test_psa_shape_refuses_values_outside_its_definition():
    with pytest.raises(rnr.InvalidRecord) as err:
        rnr.assess(dict(PSA_RECORDS[0], made_up_age=17), PSA)
    assert err.value.field == "made_up_age" and err.value.code == "out_of_range"
    with pytest.raises(rnr.InvalidRecord) as err:
        rnr.assess(dict(PSA_RECORDS[0], made_up_a="maybe"), PSA)
    assert err.value.field == "made_up_a" and err.value.code == "not_an_option"


# --- PATTERN's shape: general and violent scales by sex, dynamic items -----------------------

PATTERN_PATH = DATA / "pattern_shape.toml"
PATTERN_DEF = tomllib.loads(PATTERN_PATH.read_text(encoding="utf-8"))
PATTERN_ITEMS = {it["id"]: it for it in PATTERN_DEF["items"]}


def _pattern_reference(record):
    """Score the made-up file by hand: points by sex, two weighted sums, levels by sex."""
    def points(k):
        it, v = PATTERN_ITEMS[k], record[k]
        if it["type"] == "categorical":
            return {o["value"]: o["points"] for o in it["options"]}[v]
        band = it["bands"][bisect_right([b["min"] for b in it["bands"]], v) - 1]
        return band["points"][record["sex"]] if "by" in it else band["points"]

    out = {}
    for s in PATTERN_DEF["scales"]:
        weights = s.get("weights") or {k: 1 for k in s["items"]}
        raw = sum(w * points(k) for k, w in weights.items())
        out[s["id"]] = (raw, _table(s["levels"][record["sex"]], raw, "id"))
    return out


def _pattern_record(sex="male", age=30, history=1, infractions=0, programmes=0,
                    education="enrolled"):
    return {"sex": sex, "made_up_age": age, "made_up_history": history,
            "made_up_infractions": infractions, "made_up_programmes": programmes,
            "made_up_education": education}


def test_pattern_shape_is_made_up_and_has_the_published_shape():
    inst = rnr.load_instrument(PATTERN_PATH)
    assert "MADE UP" in PATTERN_PATH.read_text(encoding="utf-8")
    assert set(inst.scales) == {"general", "violent"}
    assert all(s.levels_by == "sex" and all(len(v) == 4 for v in s.levels.values())
               for s in inst.scales.values())
    assert {d.kind for d in inst.domains.values()} == {"static", "dynamic"}


def test_pattern_shape_grid_matches_the_reference_single_and_batch():
    grid = [_pattern_record(sex, age, history, infractions, programmes, education)
            for sex in ("male", "female") for age in (18, 25, 26, 49, 50, 80)
            for history in (0, 3) for infractions in (0, 1, 2, 3, 9)
            for programmes in (0, 1, 3, 6, 12) for education in ("none", "completed")]
    inst = rnr.load_instrument(PATTERN_PATH)
    batch = rnr.assess(pd.DataFrame(grid), inst)
    assert (batch["status"] == "ok").all()
    for i, rec in enumerate(grid):
        expected = _pattern_reference(rec)
        got = rnr.assess(rec, inst).to_dict()["scales"]
        for sid, (raw, level) in expected.items():
            assert (got[sid]["raw"], got[sid]["level"]) == (raw, level), (rec, sid)
            assert (batch.loc[i, f"{sid}.raw"], batch.loc[i, f"{sid}.level"]) == (raw, level)


@pytest.mark.parametrize("sex", ["male", "female"])
def test_pattern_shape_completed_programmes_lower_the_score_at_reassessment(sex):
    # the dynamic items are how rehabilitation work shows: the same person, reassessed after
    # completing programmes and with no new infractions, scores lower on both scales
    inst = rnr.load_instrument(PATTERN_PATH)
    before = rnr.assess(_pattern_record(sex, infractions=3, education="none"), inst).to_dict()
    scores = []
    for programmes in range(0, 10):
        rec = _pattern_record(sex, infractions=0, programmes=programmes, education="enrolled")
        scores.append(rnr.assess(rec, inst).to_dict()["scales"])
    for sid in ("general", "violent"):
        raws = [s[sid]["raw"] for s in scores]
        assert raws == sorted(raws, reverse=True)  # more programmes never raise a score
        assert raws[-1] < raws[0] < before["scales"][sid]["raw"]
    order = ["minimum", "low", "medium", "high"]
    assert order.index(scores[-1]["general"]["level"]) < order.index(
        before["scales"]["general"]["level"])


def test_pattern_shape_same_raw_score_has_different_levels_by_sex():
    inst = rnr.load_instrument(PATTERN_PATH)
    levels = inst.scales["general"].levels
    male_cut = next(lv.min for lv in levels["male"] if lv.id == "medium")
    female_cut = next(lv.min for lv in levels["female"] if lv.id == "medium")
    assert female_cut < male_cut
    # find a record whose general score lies between the two cut-offs for both sexes' points
    for rec in (_pattern_record(s, age, h, i, p, e) for s in ("female",)
                for age in (18, 30, 40, 60) for h in range(4) for i in (0, 1, 3)
                for p in (0, 1, 3) for e in ("none", "enrolled", "completed")):
        raw = rnr.assess(rec, inst).to_dict()["scales"]["general"]["raw"]
        if female_cut <= raw < male_cut:
            male = _pattern_reference(dict(rec, sex="male"))
            assert rnr.assess(rec, inst).to_dict()["scales"]["general"]["level"] == "medium"
            if female_cut <= male["general"][0] < male_cut:
                assert rnr.assess(dict(rec, sex="male"), inst).to_dict()[
                    "scales"]["general"]["level"] == "low"
                return
    pytest.fail("no record between the two sexes' medium cut-offs")
