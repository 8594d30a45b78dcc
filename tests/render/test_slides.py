"""Figures for slides in one command: size, dpi, title, caption, legend, hidden texts,
structure only, the forward pass only, one figure per step; and a plain-text --help."""

from __future__ import annotations

import re
import struct
import unicodedata

import pytest

import autodiff_viz as adv
from autodiff_viz.cli import main
from autodiff_viz.render import RenderError

EXPRESSION = "sqrt(log(x)*y) + log(x)*y"
AT = ["--at", "x=3,y=2"]


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _texts(svg: str) -> str:
    """The visible words of an SVG (tags dropped, overlined letters kept)."""
    return unicodedata.normalize("NFC", re.sub(r"<[^>]+>", "", svg))


@pytest.fixture
def run():
    return adv.graph(EXPRESSION).evaluate(x=3, y=2)


def test_help_is_plain_text(capsys):
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    out = capsys.readouterr().out
    assert "``" not in out and ":func:" not in out and ">>>" not in out
    for option in ("--dpi", "--width", "--height", "--legend", "--caption", "--title", "--hide",
                   "--structure", "--pass", "--lang"):
        assert option in out


@pytest.mark.dot
def test_dpi_and_width_set_the_png_size(tmp_path):
    small, big, wide = tmp_path / "s.png", tmp_path / "b.png", tmp_path / "w.png"
    assert main(["render", EXPRESSION, *AT, "--dpi", "72", "-o", str(small)]) == 0
    assert main(["render", EXPRESSION, *AT, "--dpi", "144", "-o", str(big)]) == 0
    (w1, h1), (w2, h2) = _png_size(small), _png_size(big)
    assert abs(w2 - 2 * w1) <= 4 and abs(h2 - 2 * h1) <= 4
    assert main(["render", EXPRESSION, *AT, "--dpi", "100", "--width", "640px",
                 "-o", str(wide)]) == 0
    assert _png_size(wide)[0] <= 641


@pytest.mark.dot
def test_title_caption_and_legend(tmp_path):
    out = tmp_path / "f.svg"
    assert main(["render", EXPRESSION, *AT, "--step", "backward:3", "--title", "our f",
                 "--caption", "--legend", "-o", str(out)]) == 0
    words = _texts(out.read_text(encoding="utf-8"))
    assert "our f" in words
    assert "Backward pass, step 3 of 6 (7/10): b = ∂f/∂b" in words  # b drawn overlined
    assert "value known (forward pass)" in words and "current step" in words
    assert "not computed yet" in words and "tangent" not in words  # the mode's states


@pytest.mark.dot
def test_hide_values_and_partials_keeps_the_layout(tmp_path):
    full, quiz = tmp_path / "full.svg", tmp_path / "quiz.svg"
    assert main(["render", EXPRESSION, *AT, "-o", str(full)]) == 0
    assert main(["render", EXPRESSION, *AT, "--hide", "values,partials", "-o", str(quiz)]) == 0
    a, b = full.read_text(encoding="utf-8"), quiz.read_text(encoding="utf-8")
    assert "b = 2.197" in _texts(a) and "b = 2.197" not in _texts(b)
    assert "x = 3" in _texts(b)  # the inputs' values stay: the class needs them
    assert "∂c/∂b" in _texts(a) and "∂c/∂b" not in _texts(b)
    assert "b = 1.337" in _texts(b)  # adjoints stay (b̄, overlined)
    box = re.compile(r'viewBox="([^"]+)"')
    assert box.search(a)[1] == box.search(b)[1]


@pytest.mark.dot
def test_forward_pass_only_and_structure_only(tmp_path):
    fwd, structure = tmp_path / "fwd.svg", tmp_path / "s.svg"
    assert main(["render", EXPRESSION, *AT, "--pass", "forward", "-o", str(fwd)]) == 0
    words = _texts(fwd.read_text(encoding="utf-8"))
    assert "f = 3.680" in words and "1.337" not in words and "overline" not in \
        fwd.read_text(encoding="utf-8")
    assert main(["render", EXPRESSION, "--structure", "-o", str(structure)]) == 0
    words = _texts(structure.read_text(encoding="utf-8"))
    assert "b = a·y" in words and not re.search(r"\d\.\d", words)


@pytest.mark.dot
def test_slides_writes_one_figure_per_step(tmp_path, capsys):
    folder = tmp_path / "deck"
    assert main(["slides", EXPRESSION, *AT, "--format", "svg", "-o", str(folder)]) == 0
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 10 and files[0] == "step-01-forward-a.svg"
    assert files[6] == "step-07-backward-b.svg"
    assert "Backward pass, step 3 of 6" in _texts((folder / files[6]).read_text("utf-8"))
    assert main(["slides", EXPRESSION, *AT, "-o", str(folder)]) == 2  # no silent overwrite
    assert "--force" in capsys.readouterr().err
    assert main(["slides", EXPRESSION, *AT, "--pass", "forward", "--force",
                 "-o", str(tmp_path / "fwd")]) == 0
    assert len(list((tmp_path / "fwd").iterdir())) == 4
    box = re.compile(r'viewBox="([^"]+)"')  # slides of one walk have one size
    assert len({box.search(p.read_text("utf-8"))[1] for p in folder.iterdir()}) == 1


@pytest.mark.dot
def test_draw_and_save_take_the_same_keywords(run, tmp_path):
    fig = run.draw(6, title="T", caption="my words", legend=True, hide="partials",
                   width="8in", dpi=100, lang="ko")
    assert 'size="8,1000"' in fig.source and "my words" in fig.source
    assert "수반값" in fig.source and "(입력)" in fig.source
    path = run.save(tmp_path / "f.png", step=6, title="T", legend=True, pass_=None, dpi=80)
    assert _png_size(tmp_path / "f.png")[0] > 100 and path.endswith("f.png")


@pytest.mark.parametrize("kwargs, message", [
    ({"hide": "colours"}, "hide: 'colours' not understood"),
    ({"pass_": "sideways"}, "pass_ must be one of 'forward', 'backward'"),
    ({"step": 7, "pass_": "forward"}, "step 7 is not a forward step"),
    ({"dpi": 5}, "dpi must be a whole number from 20 to 1200"),
    ({"width": "wide"}, "width: 'wide' is not a size"),
    ({"width": "900px"}, "pixel sizes need dpi"),
])
def test_bad_slide_options_say_what_to_write(run, kwargs, message):
    with pytest.raises(RenderError, match=re.escape(message)):
        run.draw(**kwargs)
