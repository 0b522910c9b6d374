"""Check expressions: a numeric answer recomputed from the facts table when the bank loads.

A question whose right option is a computed number (how many shards, what it costs) carries
`check: {expression: ...}`; the validator evaluates it and the correct option must state that
number, so an answer cannot silently go stale when AWS changes a limit. The expression language is
deliberately tiny: numbers, + - * / // % **, parentheses, ceil/floor/round/min/max and
fact('<id>') for a numeric fact. Nothing else is evaluated.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

from lessons import facts
from lessons.errors import LabError

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}  # fmt: skip
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "ceil": math.ceil, "floor": math.floor, "round": round, "min": min, "max": max,
}  # fmt: skip
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


class CheckError(LabError):
    """A check expression is malformed or uses something outside its tiny language."""


def evaluate(expression: str, allowed_facts: set[str]) -> float:
    """The value of `expression`; fact ids must be among `allowed_facts`."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise CheckError(f"check expression is not valid: {exc.msg}") from exc
    return _eval(tree.body, allowed_facts)


def _eval(node: ast.AST, allowed: set[str]) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, allowed), _eval(node.right, allowed))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, allowed)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        if node.func.id == "fact":
            return _fact_value(node, allowed)
        if node.func.id in _FUNCTIONS:
            return _FUNCTIONS[node.func.id](*(_eval(arg, allowed) for arg in node.args))
    raise CheckError(f"check expressions may not use {ast.unparse(node)!r}")


def _fact_value(node: ast.Call, allowed: set[str]) -> float:
    if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant):
        raise CheckError("fact() takes one fact id in quotes")
    fact_id = str(node.args[0].value)
    if fact_id not in allowed:
        raise CheckError(f"fact {fact_id!r} is used by the check but not in the question's facts")
    return facts.number(fact_id)


def first_number(text: str) -> float | None:
    """The first number written in `text` ("8 shards" -> 8, "12,500 events" -> 12500)."""
    match = _NUMBER.search(text)
    return float(match.group().replace(",", "")) if match else None


def check_problem(expression: str, allowed: set[str], correct_text: str) -> str | None:
    """Why the correct option disagrees with the expression, or None when they agree."""
    try:
        expected = evaluate(expression, allowed)
    except (CheckError, ArithmeticError, TypeError) as exc:
        return f"check failed: {exc}"
    stated = first_number(correct_text)
    if stated is None or not math.isclose(stated, expected, rel_tol=1e-9, abs_tol=1e-9):
        return f"check computes {expected:g} but the correct option says {correct_text!r}"
    return None
