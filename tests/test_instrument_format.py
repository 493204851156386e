"""Malformed definitions are refused with the file, the path inside it and the problem."""

import copy
import json
from pathlib import Path

import pytest

import rnr
from rnr._instrument._build import build_instrument
from rnr._instrument._schema import INSTRUMENT_SCHEMA

ROOT = Path(__file__).resolve().parents[1]

GOOD = {
    "format_version": 1,
    "instrument": {
        "id": "tiny", "version": "1.0", "title": {"en": "Tiny"}, "status": "not-validated",
        "licence": "CC0", "sources": [{"citation": "made up for a test"}],
    },
    "inputs": [{"id": "sex", "type": "category", "values": ["male", "female"]}],
    "items": [
        {"id": "a", "type": "categorical", "label": {"en": "A"}, "domain": "d",
         "options": [{"value": "no", "points": 0}, {"value": "yes", "points": 2}]},
        {"id": "b", "type": "numeric", "label": {"en": "B"}, "min": 0, "max": 10, "integer": True,
         "bands": [{"min": 0, "points": 0}, {"min": 3, "points": 1}, {"min": 6, "points": 2}]},
    ],
    "scales": [{"id": "total", "type": "sum", "items": ["a", "b"], "levels_by": "sex",
                "levels": {"male": [{"id": "low", "min": 0}, {"id": "high", "min": 3}],
                           "female": [{"id": "low", "min": 0}, {"id": "high", "min": 4}]}}],
    "domains": [{"id": "d", "label": {"en": "D"}, "kind": "dynamic",
                 "central_eight": "antisocial_cognition",
                 "thresholds": [{"level": "none", "min": 0}, {"level": "need", "min": 2}]}],
}


def test_good_definition_loads():
    inst = build_instrument(copy.deepcopy(GOOD))
    assert inst.scales["total"].bounds == (0.0, 4.0)
    assert inst.domains["d"].items == ("a",)


def _broken(path, value):
    d = copy.deepcopy(GOOD)
    *head, last = path
    node = d
    for k in head:
        node = node[k]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return d


CASES = [
    (("format_version",), 2, "format_version", "is not one of 1"),
    (("instrument", "id"), "Bad Id", "instrument.id", "does not match"),
    (("instrument", "licence"), KeyError, "instrument", "'licence' is missing"),
    (("instrument", "colour"), "red", "instrument.colour", "unknown key"),
    (("items", 0, "type"), "text", "items[0].type", "is not one of"),
    (("items", 1, "bands", 1, "min"), 0, "items[1].bands", "must increase"),
    (("items", 1, "bands", 0, "points"), "1", "items[1].bands[0].points", "expected number"),
    (("items", 0, "domain"), "nowhere", "items.a.domain", "not a declared domain"),
    (("items", 0, "options", 1, "value"), "no", "items[0].options", "distinct"),
    (("scales", 0, "items"), ["a", "zzz"], "scales[0].weights.zzz", "is not an item"),
    (("scales", 0, "levels"), [{"id": "low", "min": 0}], "scales[0].levels", "levels_by"),
    (("scales", 0, "type"), "formula", "scales[0]", "needs `expression`"),
    (("instrument", "primary_scale"), "nope", "instrument.primary_scale", "is not a scale"),
    (("instrument", "unverified"), ["x"], "instrument.unverified", None),
    (("domains", 0, "thresholds", 1, "min"), 0, "domains[0].thresholds", "increase"),
]


@pytest.mark.parametrize("path,value,where,problem", CASES)
def test_malformed_definition_names_path_and_problem(path, value, where, problem):
    d = _broken(path, value)
    if path == ("instrument", "unverified"):
        d["instrument"]["status"] = "published"
        problem = "published"
    with pytest.raises(rnr.InvalidInstrument) as info:
        build_instrument(d, "bad.toml")
    err = info.value
    assert err.source == "bad.toml"
    assert err.path == where, str(err)
    assert problem in err.problem
    assert isinstance(err, ValueError)


def test_formula_cannot_execute_code():
    d = copy.deepcopy(GOOD)
    d["scales"].append({"id": "p", "type": "formula",
                        "expression": "__import__('os').system('echo hacked')"})
    with pytest.raises(rnr.InvalidInstrument, match="scales\\[1\\].expression"):
        build_instrument(d)
    d["scales"][-1]["expression"] = "a.__class__"
    with pytest.raises(rnr.InvalidInstrument, match="Attribute is not allowed"):
        build_instrument(d)


def test_files_broken_on_disk(tmp_path):
    p = tmp_path / "broken.toml"
    p.write_text("format_version = 1\n[instrument\nid = 'x'\n")
    with pytest.raises(rnr.InvalidInstrument, match="broken.toml: <file>: not valid TOML"):
        rnr.load_instrument(p)
    p.write_bytes(b"\xff\xfe")
    with pytest.raises(rnr.InvalidInstrument, match="not UTF-8"):
        rnr.load_instrument(p)
    with pytest.raises(rnr.InvalidInstrument, match="cannot be read"):
        rnr.load_instrument(tmp_path / "absent.toml")


def test_json_definition_is_accepted(tmp_path):
    p = tmp_path / "tiny.json"
    p.write_text(json.dumps(GOOD))
    assert rnr.load_instrument(p).id == "tiny"


def test_published_schema_file_matches_module():
    shipped = json.loads((ROOT / "src/rnr/instruments/instrument.schema.json").read_text())
    assert shipped == json.loads(json.dumps(INSTRUMENT_SCHEMA))


def test_unknown_instrument_and_version():
    with pytest.raises(rnr.UnknownInstrument, match="'lsi-r' is not installed") as info:
        rnr.load_instrument("lsi-r")
    assert "ogrs3" in info.value.available
    with pytest.raises(rnr.UnknownInstrument, match="version '9.9'"):
        rnr.load_instrument("ogrs3", version="9.9")
    with pytest.raises(rnr.UnknownInstrument):
        rnr.load_instrument("ogrs3@9.9")


def test_every_shipped_instrument_cites_its_source_and_licence():
    for row in rnr.instruments().itertuples():
        inst = rnr.load_instrument(row.id)
        assert inst.sources and all(s["citation"] for s in inst.sources)
        assert inst.licence
        if inst.unverified:
            assert inst.status != "published"
