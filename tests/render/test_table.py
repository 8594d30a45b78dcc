"""The steps table (``autodiff-viz steps``), checked against numbers computed here."""

from __future__ import annotations

import math

from autodiff_viz.core import evaluate, from_text
from autodiff_viz.render.table import steps_table

SEED_EXPRESSION = "sqrt(log(x)*y) + log(x)*y"



def test_steps_table_shows_b_as_the_sum_of_its_contributions(seed_run):
    table = steps_table(seed_run)
    dcdb = 1 / (2 * math.sqrt(2 * math.log(3)))          # independent of the code
    line = next(row for row in table.splitlines() if "b̄ =" in row)
    assert "b̄ = c̄·∂c/∂b + f̄·∂f/∂b" in line
    assert f"1·{dcdb:.4g} + 1·1 = {1 + dcdb:.4g}" in line
    assert "1/(2·√(2·log(3))) + 1" in line                # exact column


def test_steps_table_has_every_step_in_order(seed_run):
    table = steps_table(seed_run)
    rows = [r.split() for r in table.splitlines() if r[:1].isdigit()]
    assert [int(r[0]) for r in rows] == list(range(len(seed_run.steps)))
    assert [r[1] for r in rows] == [s.phase for s in seed_run.steps]
    assert [r[2] for r in rows] == [s.node for s in seed_run.steps]
    assert "c = √b" in table and "∂c/∂b = 1/(2·√b)" in table
    assert "√(2·log(3))" in table          # c's exact value, not √log(3)


def test_steps_table_without_exact_column(seed_run):
    table = steps_table(seed_run, exact=False)
    assert "exact" not in table.splitlines()[2]
    assert "b̄ = c̄·∂c/∂b + f̄·∂f/∂b" in table


def test_steps_table_flags_kinks():
    table = steps_table(evaluate(from_text("relu(x)*y"), {"x": 0, "y": 2}))
    assert "⚠ relu is not differentiable at 0" in table


def test_cli_steps_prints_the_table(capsys):
    from autodiff_viz.cli import main

    assert main(["steps", SEED_EXPRESSION, "--at", "x=3,y=2"]) == 0
    out = capsys.readouterr().out
    assert "backward" in out and "1/(3·√(2·log(3))) + 2/3" in out
