"""The same answers give the same batch result whatever the column dtypes (text, object,
categorical), including omitted answers, bad options and bad dates in text columns."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rnr

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _text_frame(inst_id: str) -> pd.DataFrame:
    frame = pd.read_csv(EXAMPLES / f"{inst_id}.csv")
    frame = pd.concat([frame] * 3, ignore_index=True)  # repeated texts, as in real batches
    text = [k for k in frame if pd.api.types.is_string_dtype(frame[k].dtype) and k != "person_id"]
    assert text, "the example should have text answer columns"
    frame.loc[1, "sex"] = None
    frame.loc[2, "sex"] = "unknown"
    frame.loc[3, "birth_date"] = "1990-13-45"
    frame.loc[4, "assessment_date"] = "02/03/2021"
    frame.loc[5, "birth_date"] = np.nan
    frame.loc[6, "offence_group"] = "not_a_group"
    return frame


def _compare(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.astype(object), b.astype(object))
    ea, eb = a.attrs["errors"], b.attrs["errors"]
    pd.testing.assert_frame_equal(ea.reset_index(drop=True), eb.reset_index(drop=True))


@pytest.mark.parametrize("inst_id", ["ogrs3", "oasys"])
def test_text_object_and_categorical_columns_score_alike(inst_id):
    text = _text_frame(inst_id)
    as_object = text.astype({k: object for k in text if pd.api.types.is_string_dtype(text[k])})
    as_category = text.astype({k: "category" for k in text
                               if pd.api.types.is_string_dtype(text[k]) and k != "person_id"
                               and not k.endswith("_date")})
    out = rnr.assess(text, inst_id, keep=["person_id"])
    _compare(out, rnr.assess(as_object, inst_id, keep=["person_id"]))
    _compare(out, rnr.assess(as_category, inst_id, keep=["person_id"]))
    errors = out.attrs["errors"]
    assert set(zip(errors["row"], errors["field"], errors["code"], strict=True)) >= {
        (1, "sex", "missing_required"), (2, "sex", "not_an_option"),
        (3, "birth_date", "wrong_type"), (4, "assessment_date", "wrong_type"),
        (5, "birth_date", "missing_required"), (6, "offence_group", "not_an_option")}
    assert (out["status"] == "ok").sum() == len(text) - 6
    # each text row scores as the same answers given one record at a time
    for i in (0, 7, len(text) - 1):
        rec = {k: v for k, v in text.iloc[i].items() if k != "person_id" and not pd.isna(v)}
        one = rnr.assess(rec, inst_id).to_dict()
        primary = one["scales"][rnr.load_instrument(inst_id).primary_scale]
        assert out.loc[i, f"{rnr.load_instrument(inst_id).primary_scale}.raw"] == primary["raw"]


def test_mixed_type_object_column_keeps_each_value_type():
    # a column holding 1, "1" and True is not encoded as text: each value is judged by its type
    inst = rnr.load_instrument("rnr-c8")
    item = next(k for k, it in inst.items.items()
                if it.type == "categorical" and 1 in it.options and "1" not in it.options)
    frame = pd.DataFrame({item: pd.Series([1, "1", True], dtype=object)})
    errors = rnr.assess(frame, "rnr-c8").attrs["errors"]
    rows = errors.loc[errors["field"] == item]
    assert set(rows["row"]) == {1, 2}
    for r in (1, 2):
        value = frame[item][r]
        with pytest.raises(rnr.InvalidRecord) as info:
            rnr.assess({item: value}, "rnr-c8")
        assert rows.loc[rows["row"] == r, "code"].tolist() == [info.value.code]
