"""Each kind of bad input gets its own typed error naming the field, the value and what is allowed."""

import pandas as pd
import pytest

import rnr

PERSON = {"sex": "male", "birth_date": "1990-01-01", "conviction_date": "2020-01-01",
          "first_sanction_date": "2008-06-01", "assessment_date": "2020-02-01",
          "previous_sanctions": 4, "offence_group": "burglary_domestic"}


@pytest.mark.parametrize("change,field,code,allowed", [
    ({"favourite_colour": "red"}, "favourite_colour", "unknown_field", "inputs and items"),
    ({"previous_sanctions": "4"}, "previous_sanctions", "wrong_type", "an integer"),
    ({"previous_sanctions": 2.5}, "previous_sanctions", "wrong_type", "an integer"),
    ({"previous_sanctions": True}, "previous_sanctions", "wrong_type", "an integer"),
    ({"previous_sanctions": -1}, "previous_sanctions", "out_of_range", "at least 0"),
    ({"sex": "m"}, "sex", "not_an_option", "'male', 'female'"),
    ({"offence_group": 3}, "offence_group", "not_an_option", "'violence'"),
    ({"birth_date": "01/02/1990"}, "birth_date", "wrong_type", "YYYY-MM-DD"),
    ({"birth_date": "1990-02-30"}, "birth_date", "wrong_type", "YYYY-MM-DD"),
    ({"birth_date": "2021-01-01"}, "birth_date", "date_order", "on or before assessment_date"),
    # OGRS3 derives the length of criminal history (in completed years of age) and checks it
    ({"first_sanction_date": "2021-01-01"}, "criminal_history_years", "out_of_range",
     "at least 0"),
    ({"sex": None}, "sex", "missing_required", "'male', 'female'"),
])
def test_bad_value_names_field_value_and_allowed(change, field, code, allowed):
    rec = dict(PERSON, **change)
    with pytest.raises(rnr.InvalidRecord) as info:
        rnr.assess(rec, "ogrs3")
    err = info.value
    assert (err.field, err.code) == (field, code), str(err)
    assert allowed in err.allowed
    assert field in str(err)
    assert isinstance(err, rnr.RNRError) and isinstance(err, ValueError)


def test_missing_required_input_when_key_absent():
    rec = dict(PERSON)
    del rec["birth_date"]
    with pytest.raises(rnr.InvalidRecord, match="birth_date") as info:
        rnr.assess(rec, "ogrs3")
    assert info.value.code == "missing_required"


def test_not_a_mapping():
    with pytest.raises(rnr.InvalidRecord) as info:
        rnr.assess([1, 2, 3], "ogrs3")
    assert info.value.code == "not_a_record"


def test_unknown_instrument_is_an_rnr_error():
    with pytest.raises(rnr.UnknownInstrument) as info:
        rnr.assess(PERSON, "compas")
    assert isinstance(info.value, rnr.RNRError)


def test_batch_scores_good_rows_and_lists_bad_ones():
    rows = [PERSON, dict(PERSON, sex="x"), dict(PERSON, previous_sanctions=-2, birth_date="bad"),
            PERSON]
    frame = pd.DataFrame(rows, index=["a", "b", "c", "d"])
    out = rnr.assess(frame, "ogrs3")
    assert list(out.index) == ["a", "b", "c", "d"]
    assert list(out["status"]) == ["ok", "error", "error", "ok"]
    assert out.loc["a", "ogrs3_2y.raw"] == out.loc["d", "ogrs3_2y.raw"] > 0
    assert out[["ogrs3_2y.raw"]].loc[["b", "c"]].isna().all().all()
    errors = out.attrs["errors"]
    assert set(zip(errors["row"], errors["field"], errors["code"], strict=True)) == {
        ("b", "sex", "not_an_option"),
        ("c", "previous_sanctions", "out_of_range"),
        ("c", "birth_date", "wrong_type"),
    }
    assert "sex" in out.loc["b", "errors"]


def test_batch_unknown_column_marks_only_rows_that_use_it():
    frame = pd.DataFrame([PERSON, dict(PERSON, note="x")])
    out = rnr.assess(frame, "ogrs3")
    assert list(out["status"]) == ["ok", "error"]
    out = rnr.assess(frame, "ogrs3", keep=["note"])
    assert list(out["status"]) == ["ok", "ok"]
    assert out["note"].iloc[1] == "x"


def test_batch_records_versions_and_digest():
    frame = pd.DataFrame([PERSON])
    a = rnr.assess(frame, "ogrs3")
    b = rnr.assess(frame.copy(), "ogrs3")
    assert a.attrs["input_digest"] == b.attrs["input_digest"]
    assert a.attrs["version"] == "3.0.0" and a.attrs["rnr_version"] == rnr.__version__
    c = rnr.assess(pd.DataFrame([dict(PERSON, previous_sanctions=5)]), "ogrs3")
    assert c.attrs["input_digest"] != a.attrs["input_digest"]


def test_same_input_same_output_and_digest():
    a, b = rnr.assess(PERSON, "ogrs3"), rnr.assess(dict(PERSON), "ogrs3")
    assert a == b and a.input_digest == b.input_digest
    import datetime as dt

    c = rnr.assess(dict(PERSON, birth_date=dt.date(1990, 1, 1)), "ogrs3")
    assert c.input_digest == a.input_digest
    d = rnr.assess(dict(PERSON, previous_sanctions=5), "ogrs3")
    assert d.input_digest != a.input_digest


def test_batch_errors_match_one_record_errors_for_every_bad_number():
    # the batch's fused number check must classify each value exactly as the one-record path
    values = [0, 3, 2.5, -1, -2.0, float("inf"), float("-inf"), 51, 1e300, None]
    frame = pd.DataFrame([dict(PERSON, previous_sanctions=v) for v in values])
    out = rnr.assess(frame, "ogrs3")
    errors = out.attrs["errors"]
    for i, v in enumerate(values):
        try:
            rnr.assess(dict(PERSON, previous_sanctions=v), "ogrs3")
            expected = set()
        except rnr.InvalidRecord as err:
            expected = {(err.field, err.code)}
        got = set(zip(errors.loc[errors["row"] == i, "field"],
                      errors.loc[errors["row"] == i, "code"], strict=True))
        assert got == expected, (v, got, expected)
        assert (out.loc[i, "status"] == "ok") is (not expected)


def test_batch_with_many_bad_rows_lists_each_problem_once():
    # problems are kept per bad row, so a large share of bad rows is still one pass
    n = 30_000
    rows = pd.DataFrame([PERSON] * n)
    rows.loc[::2, "birth_date"] = "2021-01-01"  # after the assessment date: date_order
    rows.loc[1::4, "previous_sanctions"] = -1  # out_of_range
    out = rnr.assess(rows, "ogrs3")
    errors = out.attrs["errors"]
    # a birth date after all three later dates breaks three date orders: each listed once
    assert not errors.duplicated(["row", "field", "allowed", "code"]).any()
    assert (errors.loc[errors["code"] == "date_order"].groupby("row").size() == 3).all()
    assert set(errors.loc[errors["code"] == "date_order", "row"]) == set(range(0, n, 2))
    assert set(errors.loc[errors["code"] == "out_of_range", "row"]) == set(range(1, n, 4))
    assert (out["status"] == "ok").sum() == n - n // 2 - n // 4
