"""sympy loads only when exact forms are asked for (each case in a fresh process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

SEED = "sqrt(log(x)*y) + log(x)*y"

CASES = {
    "import": "import autodiff_viz",
    "numeric labels": f"import autodiff_viz as adv; adv.graph({SEED!r}).evaluate(x=3, y=2)"
                      ".draw().source",
    "explanations": "import autodiff_viz as adv; from autodiff_viz.render.explain import "
                    f"explain_all; explain_all(adv.graph({SEED!r}).evaluate(x=3, y=2))",
    "Stepper": f"import autodiff_viz as adv; s = adv.Stepper({SEED!r}, x=3, y=2); s.next(); "
               "s.mode = 'forward'; s.mode = 'paths'; s.title",
    "CLI grad": f"from autodiff_viz.cli import main; main(['grad', {SEED!r}, '--at', 'x=3,y=2'])",
    "CLI steps --no-exact": f"from autodiff_viz.cli import main; main(['steps', {SEED!r}, "
                            "'--at', 'x=3,y=2', '--no-exact'])",
}


def _loads_sympy(code: str) -> bool:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\n"
                          "print('sympy' in sys.modules)"], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    return out[-1] == "True"


@pytest.mark.parametrize("case", CASES)
def test_sympy_is_not_loaded(case):
    assert not _loads_sympy(CASES[case])


def test_symbolic_labels_and_exact_do_load_it():
    # the check above can fail: asking for exact forms does import sympy
    assert _loads_sympy(f"import autodiff_viz as adv; adv.Stepper({SEED!r}, x=3, y=2, "
                        "labels='symbolic')")
    assert _loads_sympy(f"import autodiff_viz as adv; adv.graph({SEED!r}).evaluate(x=3, y=2)"
                        ".exact()")
