"""Hypothesis properties of rnr.assess, for every shipped instrument."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rnr
from rnr.testing import any_records, invalid_records, records

IDS = sorted(rnr.instruments()["id"])
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@pytest.mark.parametrize("inst_id", IDS)
def test_scores_within_declared_bounds(inst_id):
    inst = rnr.load_instrument(inst_id)

    @SETTINGS
    @given(records(inst))
    def check(rec):
        a = rnr.assess(rec, inst)
        for sid, s in a.scales.items():
            lo, hi = s["bounds"]
            for v in (s["raw"], s["scaled"]):
                if v is None:
                    continue
                if sid in inst.scales and inst.scales[sid].levels_on == "scaled" and v is s["raw"]:
                    continue
                assert lo is None or v >= lo - 1e-9, (sid, v, lo)
                if not (inst.prorate and v is s["raw"]):
                    assert hi is None or v <= hi + 1e-9, (sid, v, hi)
        for n in a.needs:
            assert n["score"] <= n["max"] + 1e-9

    check()


def _raise_one(inst, rec, data):
    """Return rec with one answered item moved to an option/band with more points, if any."""
    cands = []
    for k, it in inst.items.items():
        if k not in rec or it.derive is not None or it.source is not None or it.by is not None:
            continue
        if it.type == "categorical":
            cur = it.table[0][list(it.options).index(rec[k])]
            ups = [o for j, o in enumerate(it.options) if it.table[0][j] > cur]
            if ups:
                cands.append((k, ups))
        elif it.band_mins is not None:
            j = int(np.searchsorted(it.band_mins, rec[k], side="right") - 1)
            ups = [m for i, m in enumerate(it.band_mins) if it.table[0][i] > it.table[0][j]
                   and (it.max is None or m <= it.max)]
            if ups:
                cands.append((k, [int(m) if it.integer else m for m in ups]))
    if not cands:
        return None, None
    k, ups = data.draw(st.sampled_from(cands))
    return k, dict(rec, **{k: data.draw(st.sampled_from(ups))})


def _level_index(inst, sid, level, rec):
    s = inst.scales[sid]
    key = None
    if s.levels_by is not None:
        key = rec.get(s.levels_by)
    return [lv.id for lv in s.levels[key]].index(level)


@pytest.mark.parametrize("inst_id", IDS)
def test_raising_an_items_points_never_lowers_total_or_level(inst_id):
    inst = rnr.load_instrument(inst_id)

    @SETTINGS
    @given(records(inst, omit=False), st.data())
    def check(rec, data):
        k, up = _raise_one(inst, rec, data)
        if up is None:
            return
        a, b = rnr.assess(rec, inst), rnr.assess(up, inst)
        for sid, s in inst.scales.items():
            if s.type != "sum" or any(w < 0 for _, w in s.weights):
                continue
            assert b.scales[sid]["raw"] >= a.scales[sid]["raw"] - 1e-9, (k, sid)
            la, lb = a.scales[sid]["level"], b.scales[sid]["level"]
            if la and lb and "undetermined" not in (la, lb):
                assert _level_index(inst, sid, lb, up) >= _level_index(inst, sid, la, rec)

    check()


@pytest.mark.parametrize("inst_id", IDS)
def test_key_order_does_not_matter(inst_id):
    inst = rnr.load_instrument(inst_id)

    @SETTINGS
    @given(records(inst), st.randoms(use_true_random=False))
    def check(rec, rnd):
        keys = list(rec)
        rnd.shuffle(keys)
        assert rnr.assess({k: rec[k] for k in keys}, inst) == rnr.assess(rec, inst)

    check()


@pytest.mark.parametrize("inst_id", IDS)
def test_json_round_trip_is_exact(inst_id):
    inst = rnr.load_instrument(inst_id)

    @SETTINGS
    @given(records(inst))
    def check(rec):
        a = rnr.assess(rec, inst)
        text = a.to_json()
        back = rnr.Assessment.from_json(text)
        assert back == a
        assert back.to_json() == text
        assert json.loads(text) == a.to_dict()

    check()


def _same(x, y):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return y is None or (isinstance(y, float) and math.isnan(y))
    if isinstance(x, float) or isinstance(y, float):
        return y is not None and abs(float(x) - float(y)) <= 1e-12
    return x == y


@pytest.mark.parametrize("inst_id", IDS)
def test_batch_equals_single_row_for_row(inst_id):
    inst = rnr.load_instrument(inst_id)

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(st.lists(records(inst), min_size=1, max_size=6),
           st.lists(invalid_records(inst), max_size=2))
    def check(good, bad):
        rows = good + [r for r, _ in bad]
        frame = pd.DataFrame(rows)
        out = rnr.assess(frame, inst, row_digests=True)
        assert len(out) == len(rows)
        for i, rec in enumerate(rows):
            row = out.iloc[i]
            try:
                a = rnr.assess(rec, inst)
            except rnr.RNRError:
                assert row["status"] == "error", (i, rec)
                assert i in set(out.attrs["errors"]["row"])
                continue
            assert row["status"] == "ok", row["errors"]
            assert row["input_digest"] == a.input_digest
            assert _same(row.get("risk_level"), a.risk_level)
            for sid, s in a.scales.items():
                assert _same(row[f"{sid}.raw"], s["raw"]), sid
                if s["scaled"] is not None:
                    assert _same(row[f"{sid}.scaled"], s["scaled"])
                if f"{sid}.level" in out:
                    assert _same(row[f"{sid}.level"], s["level"])
            for n in a.needs:
                assert _same(row[f"need.{n['domain']}.score"], n["score"])
                if n["rank"] is not None:
                    assert row[f"need.{n['domain']}.rank"] == n["rank"]
                if n["level"] is not None:
                    assert row[f"need.{n['domain']}.level"] == n["level"]
            for f in inst.flags:
                assert bool(row[f"flag.{f.id}"]) == (f.id in a.flags)
            assert (row["warnings"] or "") == "; ".join(a.warnings)

    check()


@pytest.mark.parametrize("inst_id", IDS)
def test_invalid_records_raise_the_named_error(inst_id):
    inst = rnr.load_instrument(inst_id)

    @SETTINGS
    @given(invalid_records(inst))
    def check(case):
        rec, codes = case
        with pytest.raises(rnr.InvalidRecord) as info:
            rnr.assess(rec, inst)
        assert info.value.code in codes, (info.value, codes)
        assert info.value.field in str(info.value)

    check()


@pytest.mark.parametrize("inst_id", IDS)
def test_any_input_gives_a_result_or_an_rnr_error(inst_id):
    inst = rnr.load_instrument(inst_id)

    @settings(max_examples=150, deadline=None)
    @given(any_records(inst))
    def check(rec):
        try:
            a = rnr.assess(rec, inst)
        except rnr.RNRError:
            return
        assert isinstance(a, rnr.Assessment)

    check()
