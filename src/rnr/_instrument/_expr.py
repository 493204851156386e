"""A small, safe expression language for formula scales and derived items.

Expressions are parsed with :mod:`ast` and only a whitelist of nodes is accepted: numbers,
names, ``+ - * / **``, unary minus, comparisons and calls of the functions in
:data:`FUNCTIONS`. Nothing from the file is ever executed as Python. The same compiled
expression evaluates on Python floats (one record) and on numpy arrays (a batch).
"""

from __future__ import annotations

import ast
import datetime as _dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Expression", "parse_expression", "FUNCTIONS", "DATE_FUNCTIONS", "ExpressionError"]


class ExpressionError(Exception):
    """Raised by :func:`parse_expression`; the loader turns it into ``InvalidInstrument``."""


_EPOCH = _dt.date(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()


def _ymd(days: Any) -> tuple[Any, Any, Any]:
    """Split days since 1970-01-01 into (year, month, day), for scalars or arrays.

    Arrays use the proleptic-Gregorian civil-from-days integer arithmetic (H. Hinnant,
    "chrono-Compatible Low-Level Date Algorithms"), much faster than datetime64 unit casts.
    """
    if isinstance(days, np.ndarray):
        z = days.astype("int64") + 719468
        era = np.floor_divide(z, 146097)
        doe = z - era * 146097
        yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
        doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
        mp = (5 * doy + 2) // 153
        day = doy - (153 * mp + 2) // 5 + 1
        month = np.where(mp < 10, mp + 3, mp - 9)
        year = yoe + era * 400 + (month <= 2)
        return year, month, day
    date = _dt.date.fromordinal(_EPOCH_ORDINAL + int(days))
    return date.year, date.month, date.day


_TABLE_FIRST = -62091  # 1800-01-01 in days since 1970-01-01
_table: list[np.ndarray] = []


def _date_codes(days: np.ndarray) -> np.ndarray:
    """Return ``year * 10000 + month * 100 + day`` for integer day numbers.

    Days from 1800 to 2199 are looked up in a table (built once, 146,097 entries); others are
    computed with :func:`_ymd`.
    """
    if len(days) and days.min() >= _TABLE_FIRST and days.max() < _TABLE_FIRST + 146097:
        if not _table:
            y, m, d = _ymd(np.arange(_TABLE_FIRST, _TABLE_FIRST + 146097))
            _table.append((y * 10000 + m * 100 + d).astype(np.int32))
        return _table[0][days - _TABLE_FIRST]
    y, m, d = _ymd(days)
    return y * 10000 + m * 100 + d


def completed_years(start: Any, end: Any) -> Any:
    """Completed years from ``start`` to ``end`` (days since 1970-01-01), as a person's age.

    A person born on 29 February completes a year on 1 March in non-leap years.

    Examples
    --------
    >>> d = lambda s: (_dt.date.fromisoformat(s) - _EPOCH).days
    >>> completed_years(d("2000-05-10"), d("2020-05-09")), completed_years(d("2000-05-10"), d("2020-05-10"))
    (19.0, 20.0)
    """
    if isinstance(start, np.ndarray) or isinstance(end, np.ndarray):
        s, e = np.broadcast_arrays(np.asarray(start, dtype="float64"),
                                   np.asarray(end, dtype="float64"))
        nan = np.isnan(s) | np.isnan(e)
        any_nan = bool(nan.any())
        if any_nan:
            s, e = np.where(nan, 0, s), np.where(nan, 0, e)
        # YYYYMMDD codes: the difference floor-divided by 10000 is the completed years
        # (one year less while the end's month and day come before the start's)
        diff = _date_codes(e.astype(np.int64)) - _date_codes(s.astype(np.int64))
        years = (diff // 10000).astype("float64")
        if any_nan:
            years[nan] = np.nan
        return years
    if _isnan(start) or _isnan(end):
        return math.nan
    sy, sm, sd = _ymd(start)
    ey, em, ed = _ymd(end)
    return float(ey - sy - ((em, ed) < (sm, sd)))


def days_between(start: Any, end: Any) -> Any:
    """Days from ``start`` to ``end`` (both days since 1970-01-01).

    Examples
    --------
    >>> days_between(0, 31)
    31
    """
    return end - start


def _isnan(x: Any) -> bool:
    return isinstance(x, float) and x != x


def _logistic(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return 1.0 / (1.0 + np.exp(-x))
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


def _unary(fn_scalar: Callable, fn_array: Callable) -> Callable:
    def f(x: Any) -> Any:
        if isinstance(x, np.ndarray):
            return fn_array(x)
        return fn_scalar(x) if not _isnan(x) else math.nan

    return f


def _min(*args: Any) -> Any:
    if any(isinstance(a, np.ndarray) for a in args):
        out = args[0]
        for a in args[1:]:
            out = np.minimum(out, a)
        return out
    return math.nan if any(_isnan(a) for a in args) else min(args)


def _max(*args: Any) -> Any:
    if any(isinstance(a, np.ndarray) for a in args):
        out = args[0]
        for a in args[1:]:
            out = np.maximum(out, a)
        return out
    return math.nan if any(_isnan(a) for a in args) else max(args)


def _clip(x: Any, lo: Any, hi: Any) -> Any:
    return _min(_max(x, lo), hi)


def _where(cond: Any, a: Any, b: Any) -> Any:
    if any(isinstance(v, np.ndarray) for v in (cond, a, b)):
        return np.where(np.asarray(cond) != 0, a, b)
    if _isnan(cond):
        return math.nan
    return a if cond else b


def _round_half_up(x: Any) -> Any:
    """Round to the nearest whole number, halves up (as the UK services' code does)."""
    if isinstance(x, np.ndarray):
        return np.floor(x + 0.5)
    return math.nan if _isnan(x) else float(math.floor(x + 0.5))


FUNCTIONS: dict[str, tuple[Callable, int | None]] = {
    "round": (_round_half_up, 1),
    "floor": (_unary(lambda v: float(math.floor(v)), np.floor), 1),
    "ceil": (_unary(lambda v: float(math.ceil(v)), np.ceil), 1),
    "exp": (_unary(math.exp, np.exp), 1),
    "log": (_unary(math.log, np.log), 1),
    "sqrt": (_unary(math.sqrt, np.sqrt), 1),
    "abs": (_unary(abs, np.abs), 1),
    "logistic": (_logistic, 1),
    "min": (_min, None),
    "max": (_max, None),
    "clip": (_clip, 3),
    "where": (_where, 3),
    "completed_years": (completed_years, 2),
    "days_between": (days_between, 2),
}
DATE_FUNCTIONS = frozenset({"completed_years", "days_between"})

_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def _cmp(op: ast.cmpop) -> Callable:
    fns = {
        ast.Lt: lambda a, b: a < b,
        ast.LtE: lambda a, b: a <= b,
        ast.Gt: lambda a, b: a > b,
        ast.GtE: lambda a, b: a >= b,
        ast.Eq: lambda a, b: a == b,
        ast.NotEq: lambda a, b: a != b,
    }
    fn = fns[type(op)]

    def f(a: Any, b: Any) -> Any:
        r = fn(a, b)
        return r.astype("float64") if isinstance(r, np.ndarray) else float(r)

    return f


@dataclass(frozen=True)
class Expression:
    """A parsed, whitelisted expression.

    Attributes
    ----------
    text : str
        The source text.
    names : frozenset of str
        The variable names it reads.
    date_names : frozenset of str
        The names it reads only as arguments of date functions.

    Examples
    --------
    >>> e = parse_expression("logistic(a - 2 * b)")
    >>> sorted(e.names)
    ['a', 'b']
    >>> round(e.evaluate({"a": 2.0, "b": 1.0}), 3)
    0.5
    """

    text: str
    names: frozenset
    date_names: frozenset
    date_pairs: tuple = ()
    _fn: Callable = None  # type: ignore[assignment]

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        """Evaluate on a mapping of names to floats or numpy arrays."""
        return self._fn(env)


def parse_expression(text: str) -> Expression:
    """Parse ``text`` into an :class:`Expression`, refusing anything off the whitelist.

    Raises
    ------
    ExpressionError
        Naming the construct that is not allowed.

    Examples
    --------
    >>> parse_expression("__import__('os')")
    Traceback (most recent call last):
    ...
    rnr._instrument._expr.ExpressionError: function '__import__' is not allowed (allowed: abs, ceil, clip, completed_years, days_between, exp, floor, log, logistic, max, min, round, sqrt, where)
    """
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression: {exc.msg}") from None
    names: set[str] = set()
    date_names: set[str] = set()
    fn = _compile(tree.body, names, date_names, in_date=False)
    pairs = tuple(
        (n.args[0].id, n.args[1].id)
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in DATE_FUNCTIONS
    )
    return Expression(text, frozenset(names), frozenset(date_names), pairs, fn)


def _leaf(node: ast.AST) -> tuple | None:
    """("name", id) or ("number", value) for a bare name or number, else None."""
    if isinstance(node, ast.Name):
        return ("name", node.id)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return ("number", float(node.value))
    return None


def _compile(node: ast.AST, names: set, date_names: set, in_date: bool) -> Callable:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = float(node.value)
        return lambda env: value
    if isinstance(node, ast.Name):
        name = node.id
        (date_names if in_date else names).add(name)
        return lambda env: env[name]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _compile(node.operand, names, date_names, in_date)
        if isinstance(node.op, ast.USub):
            return lambda env: -inner(env)
        return inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        op = _BINOPS[type(node.op)]
        left = _compile(node.left, names, date_names, in_date)
        right = _compile(node.right, names, date_names, in_date)
        # the common shapes (name op name, name op number) read the mapping directly
        ln, rn = _leaf(node.left), _leaf(node.right)
        if ln is not None and rn is not None:
            (lk, lv), (rk, rv) = ln, rn
            if lk == "name" and rk == "name":
                return lambda env: op(env[lv], env[rv])
            if lk == "name":
                return lambda env: op(env[lv], rv)
            if rk == "name":
                return lambda env: op(lv, env[rv])
        return lambda env: op(left(env), right(env))
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op = _cmp(node.ops[0])
        left = _compile(node.left, names, date_names, in_date)
        right = _compile(node.comparators[0], names, date_names, in_date)
        return lambda env: op(left(env), right(env))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        fname = node.func.id
        if fname not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"function {fname!r} is not allowed (allowed: {allowed})")
        func, arity = FUNCTIONS[fname]
        if arity is not None and len(node.args) != arity:
            raise ExpressionError(f"{fname}() takes {arity} arguments, got {len(node.args)}")
        if fname in DATE_FUNCTIONS:
            if not all(isinstance(a, ast.Name) for a in node.args):
                raise ExpressionError(f"{fname}() takes names of date inputs as arguments")
        args = [_compile(a, names, date_names, fname in DATE_FUNCTIONS) for a in node.args]
        if len(args) == 1:
            a0 = args[0]
            return lambda env: func(a0(env))
        if len(args) == 2:
            a0, a1 = args
            return lambda env: func(a0(env), a1(env))
        return lambda env: func(*[a(env) for a in args])
    if isinstance(node, ast.Call):
        raise ExpressionError("only calls of the listed functions by name are allowed")
    raise ExpressionError(f"{type(node).__name__} is not allowed in an expression")
