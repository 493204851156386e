"""The ``rnr`` command line: the contract for case-management systems and the demo.

Commands
--------
``rnr instruments``
    List installed instruments.
``rnr assess -i ogrs3 [FILE]``
    Score records. FILE (or standard input) is JSON Lines (one record per line; out, one line
    per record: ``{"row", "id", "ok": true, "assessment": {...}}`` or
    ``{"row", "id", "ok": false, "error": {"field", "value", "allowed", "code", "message"}}``) or CSV (CSV out, with ``status`` and ``errors`` columns).
``rnr check FILE.toml``
    Validate an instrument definition file.
``rnr schema``
    Print the instrument JSON schema.
``rnr plan -p kz-probation --stage post-penitentiary --assessed-on 2025-01-15 [FILE]``
    Plans from assessments: JSON Lines of ``Assessment.to_dict()`` (or of ``rnr assess``
    output lines) in, one ``{"row", "ok", "plan"}`` or ``{"row", "ok": false, "error"}`` out.
``rnr demo [DIR]``
    Score the example CSV files (``<instrument>.csv``) in DIR and print each person's scales,
    risk level and ranked needs.

Exit status: 0 when everything was scored, 1 when some records had errors (they are reported,
the rest are scored), 2 on a usage or definition error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from ._assess import assess
from ._errors import RNRError
from ._instrument._load import instruments, load_instrument
from ._instrument._schema import INSTRUMENT_SCHEMA

__all__ = ["main"]

ID_COLUMNS = ("person_id", "id", "case_id")


def _read_table(path: str | None) -> tuple[str, object]:
    if path is None or path == "-":
        text = sys.stdin.read()
        stripped = text.lstrip()
        if stripped.startswith("{") or stripped.startswith("["):
            return "jsonl", text
        import io

        return "csv", pd.read_csv(io.StringIO(text), dtype_backend="numpy_nullable")
    if path.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl", Path(path).read_text(encoding="utf-8")
    return "csv", pd.read_csv(path)


def _jsonl_records(text: str) -> list:
    stripped = text.strip()
    if stripped.startswith("["):
        return json.loads(stripped)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _cmd_assess(args: argparse.Namespace) -> int:
    kind, data = _read_table(args.file)
    failures = 0
    if kind == "jsonl":
        for i, rec in enumerate(_jsonl_records(data)):
            ident = None
            if isinstance(rec, dict):
                ident = next((rec.pop(k) for k in ID_COLUMNS if k in rec), None)
            try:
                out = {"row": i, "ok": True, "assessment": assess(rec, args.instrument).to_dict()}
            except RNRError as err:
                failures += 1
                detail = err.to_dict() if hasattr(err, "to_dict") else {"message": str(err)}
                out = {"row": i, "ok": False, "error": detail}
            if ident is not None:
                out["id"] = ident
            print(json.dumps(out, ensure_ascii=False))
        return 1 if failures else 0
    df = data
    keep = [c for c in df.columns if c in ID_COLUMNS]
    res = assess(df, args.instrument, keep=keep, row_digests=True)
    res.to_csv(sys.stdout, index=False)
    errors = res.attrs["errors"]
    if len(errors):
        errors.to_csv(sys.stderr, index=False)
        return 1
    return 0


DEMO_DATE = "2025-01-15"  # a fixed assessment date, so the demo's plan dates never change


def _cmd_demo(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    files = sorted(folder.glob("*.csv"))
    if not files:
        print(f"no example CSV files in {folder}", file=sys.stderr)
        return 2
    installed = set(instruments()["id"])
    for f in files:
        inst_id = f.stem
        if inst_id not in installed:
            continue
        inst = load_instrument(inst_id)
        df = pd.read_csv(f)
        print(f"\n=== {inst.id} {inst.version}: {inst.title['en']} [{inst.status}] ({f.name})")
        if inst.status != "published":
            print(f"  note: {assess_warning(inst)}")
        ids = next((c for c in ID_COLUMNS if c in df.columns), None)
        records = df.drop(columns=[ids]) if ids else df
        shown = [inst_id != "rnr-c8"]  # show one whole plan: the first rnr-c8 person with targets
        for i, rec in enumerate(records.to_dict("records")):
            who = df[ids].iloc[i] if ids else f"row {i + 1}"
            rec = {k: v for k, v in rec.items() if not (isinstance(v, float) and v != v)}
            try:
                a = assess(rec, inst)
            except RNRError as err:
                print(f"  {who}: NOT SCORED: {err}")
                continue
            print(f"  {who}: {a.summary()}")
            for w in a.warnings:
                if not w.startswith(f"{inst.id} {inst.version} is "):
                    print(f"      warning: {w}")
            _demo_plan(a, shown)
    return 0


def assess_warning(inst) -> str:
    """Return the status warning shown once per instrument in the demo."""
    from ._scoring._single import status_warning

    return status_warning(inst) or ""


def _demo_plan(a, shown: list) -> None:
    from ._planning import plan

    policy, stage = ("kz-probation", "post_penitentiary") if a.instrument == "rnr-c8" else (
        "default", "sentencing")
    try:
        p = plan(a, policy, stage=stage, assessed_on=DEMO_DATE)
    except RNRError as err:
        print(f"      plan ({policy}): not made: {err}")
        return
    t = p.tier
    targets = ", ".join(x["domain"] for x in p.targets) or "none"
    print(f"      plan ({policy}, {stage}): tier {t['id']}, {t['contacts_per_month']} contacts/month, "
          f"{t['dosage_hours']} programme hours; targets: {targets}")
    if not shown[0] and p.targets:
        shown[0] = True
        print("      --- the whole plan for this person, with the rule behind each line ---")
        for line in p.summary("en").splitlines():
            print(f"      | {line}")


def _cmd_plan(args: argparse.Namespace) -> int:
    """Read assessments (JSON Lines of Assessment.to_dict()) and print plans as JSON Lines."""
    from ._assessment import Assessment
    from ._planning import plan

    text = sys.stdin.read() if args.file in (None, "-") else Path(args.file).read_text("utf-8")
    failures = 0
    responsivity = json.loads(args.responsivity) if args.responsivity else None
    for i, rec in enumerate(_jsonl_records(text)):
        try:
            if isinstance(rec, dict) and "assessment" in rec:
                rec = rec["assessment"]
            p = plan(Assessment.from_dict(rec), args.policy, stage=args.stage,
                     responsivity=responsivity, juvenile=args.juvenile,
                     assessed_on=args.assessed_on)
            out = {"row": i, "ok": True, "plan": p.to_dict()}
        except RNRError as err:
            failures += 1
            out = {"row": i, "ok": False, "error": {"message": str(err)}}
        print(json.dumps(out, ensure_ascii=False))
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Examples
    --------
    >>> import contextlib, io
    >>> out = io.StringIO()
    >>> with contextlib.redirect_stdout(out):
    ...     code = main(["instruments"])
    >>> code, "ogrs3" in out.getvalue()
    (0, True)
    """
    parser = argparse.ArgumentParser(prog="rnr", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("instruments", help="list installed instruments")
    p_assess = sub.add_parser("assess", help="score records (JSON Lines or CSV)")
    p_assess.add_argument("-i", "--instrument", required=True)
    p_assess.add_argument("file", nargs="?")
    p_check = sub.add_parser("check", help="validate an instrument definition file")
    p_check.add_argument("file")
    sub.add_parser("schema", help="print the instrument JSON schema")
    p_plan = sub.add_parser("plan", help="plans from assessments (JSON Lines in and out)")
    p_plan.add_argument("-p", "--policy", default="default")
    p_plan.add_argument("--stage")
    p_plan.add_argument("--assessed-on")
    p_plan.add_argument("--responsivity", help='JSON, e.g. {"language": "kk"}')
    p_plan.add_argument("--juvenile", action="store_true")
    p_plan.add_argument("file", nargs="?")
    p_demo = sub.add_parser("demo", help="score the shipped examples")
    p_demo.add_argument("dir", nargs="?", default="examples")
    args = parser.parse_args(argv)
    try:
        if args.command == "instruments":
            print(instruments()[["id", "version", "status", "title"]].to_string(index=False))
            return 0
        if args.command == "schema":
            print(json.dumps(INSTRUMENT_SCHEMA, indent=2))
            return 0
        if args.command == "check":
            inst = load_instrument(args.file)
            print(f"{args.file}: ok ({inst.id} {inst.version}, {len(inst.items)} items, "
                  f"{len(inst.scales)} scales)")
            return 0
        if args.command == "assess":
            return _cmd_assess(args)
        if args.command == "plan":
            return _cmd_plan(args)
        return _cmd_demo(args)
    except RNRError as err:
        print(f"rnr: error: {err}", file=sys.stderr)
        return 2
