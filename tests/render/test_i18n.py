"""Every word of the view in every language (one table, English one column of it)."""

from __future__ import annotations

import re
import string

import pytest

import autodiff_viz as adv
from autodiff_viz.render import i18n
from autodiff_viz.render.explain import explain

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", sorted(i18n.TEXT))
def test_every_key_has_every_language_with_the_same_fields(key):
    row = i18n.TEXT[key]
    assert set(row) == set(i18n.LANGS), f"{key} lacks {set(i18n.LANGS) - set(row)}"
    assert all(row[lang].strip() for lang in i18n.LANGS)
    assert len({frozenset(_fields(row[lang])) for lang in i18n.LANGS}) == 1


def test_korean_words_are_korean():
    lacking = [key for key, row in i18n.TEXT.items() if not HANGUL.search(row["ko"])]
    assert lacking == []


def test_korean_stepper_titles_explanations_and_legend():
    run = adv.graph("sqrt(log(x)*y) + log(x)*y").evaluate(x=3, y=2)
    e = explain(run, 6, lang="ko", exact=True)
    assert e.title == "역전파 6단계 중 3단계 (7/10): b̄ = ∂f/∂b"
    assert e.text.startswith("b̄ = c̄·∂c/∂b + f̄·∂f/∂b = 1·0.3373 + 1·1 = 1.337")
    assert "수반값" in e.text and "정확히" in e.text
    s = adv.Stepper(run, lang="ko")
    assert s.title == "순전파 4단계 중 1단계 (1/10): a = log(x)"
    assert s.data["legend"]["adjoint"].startswith("수반값")
    assert s.data["ui"]["next"] == "다음 ▶" and s.data["lang"] == "ko"
    node_words = " ".join(s.data["strings"])
    assert "x (입력)" in node_words and "(출력)" in node_words and "(input)" not in node_words


def test_unknown_language_is_refused_clearly():
    run = adv.graph("x*y").evaluate(x=1, y=2)
    with pytest.raises(ValueError, match="lang must be one of 'en', 'ko'"):
        explain(run, 0, lang="fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        adv.Stepper(run, lang="jp")


def test_korean_page_declares_its_language(tmp_path):
    run = adv.graph("log(x)*y").evaluate(x=3, y=2)
    text = open(run.export_html(tmp_path / "ko.html", lang="ko", layout=False),
                encoding="utf-8").read()
    assert '<html lang="ko">' in text and "역전파" in text
    assert "log(x)*y (x = 3, y = 2에서)" in text
