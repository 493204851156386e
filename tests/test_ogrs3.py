"""OGRS3 (src/rnr/instruments/ogrs3.toml) against the Ministry of Justice's own numbers.

The coefficients below are transcribed from the MoJ calculator's coefficient file
(NOMS-DIGITAL-STUDIO/rsr-calculator, lib/data/coefficients.json, commit 98f7d318..., object
"OGRS3"), independently of the TOML file, so that a typo in either shows up here. The 1,000 MoJ
test cases (rsr-calculator test/data/ogrs3.json) are read from the shared data folder and never
copied into the repository; those tests skip when the folder is absent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rnr

# --- the source's numbers (rsr-calculator lib/data/coefficients.json, "OGRS3") ---------------
INTERCEPT_1Y = 1.402562384
INTERCEPT_2Y = 2.121705678
COPAS_WEIGHT = 1.251124464
FIRST_SANCTION = 0.126142106  # firstTimeNoCaution
REPEAT_SANCTION = 0.463062792  # repeatOffender
# Age groups (lib/calculateOGRS3.js calcForAgeGroup): 10-11, 12-13, 14-15, 16-17, 18-20, 21-24,
# 25-29, 30-34, 35-39, 40-49, 50+.
BAND_MINS = [10, 12, 14, 16, 18, 21, 25, 30, 35, 40, 50]
AGE_SEX = {
    "male": [0.0, 0.083922902, 0.075775765, -0.061594199, -0.625103618, -1.051515067,
             -1.166679288, -1.325976554, -1.368045933, -1.499690953, -2.025261458],
    "female": [-0.785038489, -0.613852078, -0.669521331, -0.959179629, -0.897480934,
               -1.028488454, -1.052777806, -1.129127959, -1.42187494, -1.524652221,
               -2.44983716],
}
# offenceCategoriesLookup, in the index order of lib/data/ogrs3/offenceGroupLookup.json.
OFFENCE_GROUPS = [
    ("violence", 0.0), ("robbery", -0.634795912), ("public_order", 0.181917975),
    ("sexual_not_child", 0.003276327), ("sexual_child", -0.653434071),
    ("soliciting_prostitution", 0.760608858), ("burglary_domestic", -0.12394352),
    ("burglary_other", 0.240604429), ("theft_non_motor", 0.661244321),
    ("handling_stolen_goods", 0.351866973), ("fraud_forgery", 0.159910192),
    ("absconding_bail", 0.733378677), ("taking_driving_away", 0.380059431),
    ("theft_from_vehicles", 0.427225615), ("drink_driving", 0.262228428),
    ("other_motoring", -0.121439408), ("criminal_damage", 0.204960477),
    ("drug_import_export_production", -0.795556373), ("drug_possession_supply", 0.077165871),
    ("other", -0.060667525),
]
OFFENCE_POINTS = dict(OFFENCE_GROUPS)
# Risk bands on the 2-year percentage (hmpps-arns-risk-actuarial-api getRiskBand).
LEVELS = [("low", 0.0), ("medium", 0.50), ("high", 0.75), ("very_high", 0.90)]

TOL = 1e-12

# --- the MoJ test cases -----------------------------------------------------------------------
_DATA = Path(os.environ.get("RNR_SHARED_DATA",
                            Path(__file__).resolve().parents[2] / "shared" / "data"))
_CASES = _DATA / "ogrs3-moj" / "ogrs3-cases.json"
_SHA256 = "d9a2c4ff58fcfe54631021b2cc1b5e8751b76fe2771ab96b9a2260f906433ce5"
needs_cases = pytest.mark.skipif(not _CASES.exists(), reason=f"MoJ OGRS3 cases not at {_CASES}")


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    """The 1,000 cases as rnr inputs plus the calculator's outputs (no identifiers kept)."""
    blob = _CASES.read_bytes()
    assert hashlib.sha256(blob).hexdigest() == _SHA256, "the MoJ case file has changed"
    raw = json.loads(blob)
    names = [name for name, _ in OFFENCE_GROUPS]
    return pd.DataFrame({
        "sex": [("male", "female")[r["gender"]] for r in raw],
        "birth_date": [r["birthDate"] for r in raw],
        "conviction_date": [r["convictionDate"] for r in raw],
        "first_sanction_date": [r["firstSanctionDate"] for r in raw],
        "assessment_date": [r["assessmentDate"] for r in raw],
        "previous_sanctions": [int(r["previousSanctions"]) for r in raw],
        "offence_group": [names[r["currentOffenceType"]] for r in raw],
        "expected_1y": [r["output_ogrs3_year_1"] for r in raw],
        "expected_2y": [r["output_ogrs3_year_2"] for r in raw],
    })


INPUTS = ["sex", "birth_date", "conviction_date", "first_sanction_date", "assessment_date",
          "previous_sanctions", "offence_group"]


def _record(row: pd.Series) -> dict:
    rec = {k: row[k] for k in INPUTS}
    rec["previous_sanctions"] = int(rec["previous_sanctions"])
    return rec


@needs_cases
def test_all_1000_moj_cases_batch(cases):
    out = rnr.assess(cases[INPUTS], instrument="ogrs3")
    assert len(out) == 1000
    assert (out["status"] == "ok").all()
    err_1y = np.abs(out["ogrs3_1y.raw"].to_numpy() - cases["expected_1y"].to_numpy())
    err_2y = np.abs(out["ogrs3_2y.raw"].to_numpy() - cases["expected_2y"].to_numpy())
    assert err_1y.max() <= TOL, err_1y.max()
    assert err_2y.max() <= TOL, err_2y.max()


@needs_cases
def test_moj_cases_single_record_sample(cases):
    # every 20th case, plus every case over the cap of 50 previous sanctions
    sample = cases.iloc[::20].index.union(cases.index[cases["previous_sanctions"] > 50])
    assert len(sample) >= 50
    for i in sample:
        row = cases.loc[i]
        a = rnr.assess(_record(row), instrument="ogrs3")
        assert abs(a.scales["ogrs3_1y"]["raw"] - row["expected_1y"]) <= TOL
        assert abs(a.scales["ogrs3_2y"]["raw"] - row["expected_2y"]) <= TOL


@needs_cases
def test_moj_cases_include_people_over_the_cap_and_need_it(cases):
    over = cases[cases["previous_sanctions"] > 50]
    assert len(over) == 7
    out = rnr.assess(over[INPUTS], instrument="ogrs3", detail=True)
    assert np.abs(out["ogrs3_2y.raw"].to_numpy() - over["expected_2y"].to_numpy()).max() <= TOL
    # the cap is applied: ln((1 + 50) / (10 + years of criminal history)) ...
    h = _history_years(over)
    assert np.abs(out["item.copas_rate.points"].to_numpy() - np.log(51 / (10 + h))).max() <= 1e-15
    # ... and needed: without it these people would be far off the calculator's figures
    s = over["previous_sanctions"].to_numpy()
    x = (INTERCEPT_2Y + out["item.age_sex.points"] + out["item.sanction_history.points"]
         + out["item.offence_group.points"]).to_numpy() + COPAS_WEIGHT * np.log((1 + s) / (10 + h))
    uncapped = 1 / (1 + np.exp(-x))
    assert (np.abs(uncapped - over["expected_2y"].to_numpy()) > 1e-3).all()


def _history_years(df: pd.DataFrame) -> np.ndarray:
    """Age at conviction minus age at first sanction, each in completed years."""
    def age(b: str, d: str) -> int:
        b_, d_ = dt.date.fromisoformat(b), dt.date.fromisoformat(d)
        return d_.year - b_.year - ((d_.month, d_.day) < (b_.month, b_.day))
    return np.array([age(b, c) - age(b, f) for b, c, f in
                     zip(df["birth_date"], df["conviction_date"], df["first_sanction_date"],
                         strict=True)], dtype=float)


@needs_cases
def test_risk_levels_follow_the_moj_bands(cases):
    out = rnr.assess(cases[INPUTS], instrument="ogrs3")
    p = out["ogrs3_2y.raw"].to_numpy()
    expected = np.where(p >= 0.90, "very_high",
                        np.where(p >= 0.75, "high", np.where(p >= 0.50, "medium", "low")))
    assert (out["ogrs3_2y.level"].to_numpy() == expected).all()
    assert (out["risk_level"] == out["ogrs3_2y.level"]).all()
    assert set(expected) == {"low", "medium", "high", "very_high"}


# --- a hand-worked example --------------------------------------------------------------------
# A man born 15 June 1990, convicted 1 March 2020 (completed age 29), first sanctioned
# 10 September 2006 (completed age 16), follow-up starting on his 30th birthday, 15 June 2020;
# 7 previous sanctions; current offence domestic burglary.
#   age_sex          male 30-34                                  = -1.325976554
#   sanction_history repeat (7 > 0)                              =  0.463062792
#   copas_rate       ln((1 + 7) / (10 + 29 - 16)) = ln(8 / 23)   = -1.056052674249
#   Copas term       1.251124464 * -1.056052674249               = -1.321253336026
#   offence_group    burglary (domestic)                         = -0.12394352
#   sum of terms     -1.325976554 + 0.463062792 - 1.321253336026 - 0.12394352
#                                                                = -2.308110618026
#   1 year:  x = 1.402562384 - 2.308110618026 = -0.905548234026
#            p = exp(x) / (1 + exp(x)) = 0.404329... / 1.404329... = 0.287911669380
#   2 years: x = 2.121705678 - 2.308110618026 = -0.186404940026
#            p = 0.829939... / 1.829939...                        = 0.453533234763  -> "low"
# The day before his birthday he is 29 (25-29: -1.166679288, 0.159297266 higher), so
#   2 years: x = -0.027107674026, p = 0.493223496451 -> still "low".
WORKED = {"sex": "male", "birth_date": "1990-06-15", "conviction_date": "2020-03-01",
          "first_sanction_date": "2006-09-10", "assessment_date": "2020-06-15",
          "previous_sanctions": 7, "offence_group": "burglary_domestic"}


def test_hand_worked_example():
    a = rnr.assess(WORKED, instrument="ogrs3")
    assert a.items["age_sex"]["value"] == 30
    assert a.items["age_sex"]["points"] == -1.325976554
    assert a.items["sanction_history"]["points"] == 0.463062792
    assert a.items["criminal_history_years"]["value"] == 13
    assert abs(a.items["copas_rate"]["value"] - (-1.056052674249)) < 1e-12
    assert a.items["offence_group"]["points"] == -0.12394352
    assert abs(a.scales["ogrs3_1y"]["raw"] - 0.287911669380) < 1e-12
    assert abs(a.scales["ogrs3_2y"]["raw"] - 0.453533234763) < 1e-12
    assert a.risk_level == "low"

    before = rnr.assess(dict(WORKED, assessment_date="2020-06-14"), instrument="ogrs3")
    assert before.items["age_sex"]["value"] == 29
    assert before.items["age_sex"]["points"] == -1.166679288
    assert abs(before.scales["ogrs3_2y"]["raw"] - 0.493223496451) < 1e-12


# --- age boundaries ---------------------------------------------------------------------------
def _expected(sex: str, band: int, previous: int, history_years: int, offence: str) -> tuple:
    x = (AGE_SEX[sex][band] + (REPEAT_SANCTION if previous > 0 else FIRST_SANCTION)
         + COPAS_WEIGHT * math.log((1 + min(previous, 50)) / (10 + history_years))
         + OFFENCE_POINTS[offence])
    return tuple(1 / (1 + math.exp(-(i + x))) for i in (INTERCEPT_1Y, INTERCEPT_2Y))


def _person_at(sex: str, age_on: dt.date, born: dt.date, offence: str = "violence") -> dict:
    return {"sex": sex, "birth_date": born.isoformat(), "conviction_date": age_on.isoformat(),
            "first_sanction_date": age_on.isoformat(), "assessment_date": age_on.isoformat(),
            "previous_sanctions": 0, "offence_group": offence}


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("band", range(1, len(BAND_MINS)))
def test_age_band_changes_on_the_birthday_not_the_day_before(sex, band):
    born = dt.date(1961, 8, 17)
    birthday = born.replace(year=born.year + BAND_MINS[band])
    at = rnr.assess(_person_at(sex, birthday, born), instrument="ogrs3")
    day_before = rnr.assess(_person_at(sex, birthday - dt.timedelta(days=1), born),
                            instrument="ogrs3")
    assert at.items["age_sex"]["value"] == BAND_MINS[band]
    assert at.items["age_sex"]["points"] == AGE_SEX[sex][band]
    assert day_before.items["age_sex"]["value"] == BAND_MINS[band] - 1
    assert day_before.items["age_sex"]["points"] == AGE_SEX[sex][band - 1]
    for got, band_used in ((at, band), (day_before, band - 1)):
        p1, p2 = _expected(sex, band_used, 0, 0, "violence")
        assert abs(got.scales["ogrs3_1y"]["raw"] - p1) <= TOL
        assert abs(got.scales["ogrs3_2y"]["raw"] - p2) <= TOL


@pytest.mark.parametrize("sex", ["male", "female"])
def test_youngest_band_starts_at_10_and_under_10_is_refused(sex):
    born = dt.date(2010, 1, 31)
    tenth = dt.date(2020, 1, 31)
    a = rnr.assess(_person_at(sex, tenth, born), instrument="ogrs3")
    assert a.items["age_sex"]["points"] == AGE_SEX[sex][0]
    with pytest.raises(rnr.InvalidRecord) as err:
        rnr.assess(_person_at(sex, tenth - dt.timedelta(days=1), born), instrument="ogrs3")
    assert err.value.field == "age_sex"


def test_leap_day_birthday_counts_from_1_march_in_common_years():
    born = dt.date(2004, 2, 29)
    feb28 = rnr.assess(_person_at("male", dt.date(2022, 2, 28), born), instrument="ogrs3")
    mar1 = rnr.assess(_person_at("male", dt.date(2022, 3, 1), born), instrument="ogrs3")
    assert feb28.items["age_sex"]["value"] == 17
    assert mar1.items["age_sex"]["value"] == 18
    assert mar1.items["age_sex"]["points"] == AGE_SEX["male"][4]


def test_copas_rate_uses_completed_ages_not_years_between_dates():
    # Born 1 July 1980; first sanction 30 June 1996 (age 15); conviction 1 July 2000 (age 20):
    # 4 years and 1 day apart, but the ages differ by 5.
    rec = {"sex": "female", "birth_date": "1980-07-01", "first_sanction_date": "1996-06-30",
           "conviction_date": "2000-07-01", "assessment_date": "2000-07-01",
           "previous_sanctions": 3, "offence_group": "other"}
    a = rnr.assess(rec, instrument="ogrs3")
    assert a.items["criminal_history_years"]["value"] == 5
    assert a.items["copas_rate"]["value"] == pytest.approx(math.log(4 / 15), abs=1e-15)
    p1, p2 = _expected("female", 4, 3, 5, "other")
    assert abs(a.scales["ogrs3_2y"]["raw"] - p2) <= TOL


# --- the cap at 50 previous sanctions ---------------------------------------------------------
def test_previous_sanctions_are_capped_at_50_in_the_copas_rate():
    base = dict(WORKED)
    p = {n: rnr.assess(dict(base, previous_sanctions=n), instrument="ogrs3")
            .scales["ogrs3_2y"]["raw"] for n in (49, 50, 51, 80, 500)}
    assert p[50] == p[51] == p[80] == p[500]
    assert p[49] < p[50]
    a = rnr.assess(dict(base, previous_sanctions=80), instrument="ogrs3")
    assert a.items["copas_rate"]["value"] == pytest.approx(math.log(51 / 23), abs=1e-15)
    assert a.items["sanction_history"]["points"] == REPEAT_SANCTION
    assert abs(p[80] - _expected("male", 7, 80, 13, "burglary_domestic")[1]) <= TOL


def test_first_sanction_term_only_with_no_previous_sanctions():
    a0 = rnr.assess(dict(WORKED, previous_sanctions=0), instrument="ogrs3")
    a1 = rnr.assess(dict(WORKED, previous_sanctions=1), instrument="ogrs3")
    assert a0.items["sanction_history"]["points"] == FIRST_SANCTION
    assert a1.items["sanction_history"]["points"] == REPEAT_SANCTION


# --- offence groups, levels and bad input -----------------------------------------------------
def test_offence_groups_are_the_moj_20_in_index_order_with_their_points():
    inst = rnr.load_instrument("ogrs3")
    item = inst.items["offence_group"]
    assert list(item.options) == [name for name, _ in OFFENCE_GROUPS]
    assert item.table[0].tolist() == [pts for _, pts in OFFENCE_GROUPS]
    for name, pts in OFFENCE_GROUPS:
        a = rnr.assess(dict(WORKED, offence_group=name), instrument="ogrs3")
        assert a.items["offence_group"]["points"] == pts
        assert abs(a.scales["ogrs3_2y"]["raw"]
                   - _expected("male", 7, 7, 13, name)[1]) <= TOL


def test_level_cut_offs_are_the_moj_bands():
    scale = rnr.load_instrument("ogrs3").scales["ogrs3_2y"]
    assert [(lv.id, lv.min) for lv in scale.levels[None]] == LEVELS
    assert rnr.load_instrument("ogrs3").primary_scale == "ogrs3_2y"


def test_unsettled_female_terms_are_declared():
    inst = rnr.load_instrument("ogrs3")
    assert inst.status == "incomplete"
    assert any("female" in u and "age_sex" in u for u in inst.unverified)
    # the encoded choice: rsr-calculator's negative terms for girls of 10 to 15
    age_sex = inst.items["age_sex"]
    assert age_sex.table[age_sex.by_values.index("female"), :3].tolist() == AGE_SEX["female"][:3]


def test_first_sanction_at_an_older_age_than_the_conviction_is_refused():
    rec = dict(WORKED, first_sanction_date="2019-12-01", conviction_date="2017-02-01")
    with pytest.raises(rnr.InvalidRecord) as err:
        rnr.assess(rec, instrument="ogrs3")
    assert err.value.field == "criminal_history_years"


@pytest.mark.parametrize("field,value", [("offence_group", "arson"), ("sex", "m"),
                                         ("previous_sanctions", -1)])
def test_bad_values_are_refused_by_name(field, value):
    with pytest.raises(rnr.InvalidRecord) as err:
        rnr.assess(dict(WORKED, **{field: value}), instrument="ogrs3")
    assert err.value.field == field


def test_example_cases_all_score():
    path = Path(__file__).resolve().parents[1] / "examples" / "ogrs3.csv"
    df = pd.read_csv(path)
    assert 5 <= len(df) <= 8
    out = rnr.assess(df, instrument="ogrs3")
    assert (out["status"] == "ok").all()
    assert out["ogrs3_2y.raw"].between(0, 1).all()
    assert (out["ogrs3_2y.raw"] > out["ogrs3_1y.raw"]).all()
