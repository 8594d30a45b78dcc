"""Every word the figures, explanations, legend and view controls show, per language.

One table, :data:`TEXT`: key -> {language: template}. English is one column like the others;
a test fails when a key lacks a language. Templates are ``str.format`` strings. The Korean
follows the course note's words (순전파 forward pass, 역전파 backward pass / backpropagation,
미분계수, 노드, 엣지) and the usual Korean terms of automatic differentiation (국소 미분계수
local partial, 수반값 adjoint, 순방향 모드 forward mode, 탄젠트 tangent).

>>> t("forward_title", "ko", k=3, total=4, at="(3/10)", step="c = √b")
'순전파 4단계 중 3단계 (3/10): c = √b'
>>> t("legend_adjoint", "en")
'adjoint b̄ = ∂f/∂b known (backward pass, thick)'
>>> t("nope", "en")
Traceback (most recent call last):
...
KeyError: 'no text for key nope'
"""

from __future__ import annotations

from typing import Any

from .errors import check_choice

__all__ = ["LANGS", "TEXT", "MODE_LEGEND", "t", "check_lang", "legend", "ui"]

#: Supported languages (the first is the default).
LANGS = ("en", "ko")

TEXT: dict[str, dict[str, str]] = {
    # --- step titles -------------------------------------------------------------------
    "forward_title": {"en": "Forward pass, step {k} of {total} {at}: {step}",
                      "ko": "순전파 {total}단계 중 {k}단계 {at}: {step}"},
    "backward_title": {"en": "Backward pass, step {k} of {total} {at}: {step}",
                       "ko": "역전파 {total}단계 중 {k}단계 {at}: {step}"},
    "tangent_title": {"en": "Forward mode (tangents by {wrt}), step {k} of {total} {at}: "
                            "{step}",
                      "ko": "순방향 모드 ({wrt}에 대한 탄젠트) {total}단계 중 {k}단계 {at}: "
                            "{step}"},
    "paths_head": {"en": "Paths from {wrt} to {out}", "ko": "{wrt}에서 {out}까지의 경로"},
    "sum_title": {"en": "{head}, sum over {n} paths ({i}/{count}): {step}",
                  "ko": "{head}, 경로 {n}개의 합 ({i}/{count}): {step}"},
    "sum_title_1": {"en": "{head}, sum over 1 path ({i}/{count}): {step}",
                    "ko": "{head}, 경로 1개의 합 ({i}/{count}): {step}"},
    "path_title": {"en": "{head}, path {j} of {n} ({i}/{count}): {route}",
                   "ko": "{head}, 경로 {n}개 중 {j}번째 ({i}/{count}): {route}"},
    # --- explanations ------------------------------------------------------------------
    "argument": {"en": " (argument {k})", "ko": " ({k}번째 인자)"},
    "seed": {"en": ": the seed (the output changes one-for-one with itself)",
             "ko": ": 시작값 (출력을 자기 자신으로 미분하면 1)"},
    "unreached": {"en": ": {name} does not reach the output {out}",
                  "ko": ": {name}에서 출력 {out}(으)로 가는 경로가 없습니다"},
    "used_twice": {"en": " ({name} is used {n} times, so its adjoint sums {n} contributions)",
                   "ko": " ({name}이(가) {n}번 쓰이므로 수반값은 기여 {n}개의 합입니다)"},
    "exactly": {"en": "exactly", "ko": "정확히"},
    "tangent_seed": {"en": ": the seed", "ko": ": 시작값"},
    "tangent_other": {"en": ": {name} is another input, it does not change with {wrt}",
                      "ko": ": {name}은(는) 다른 입력이라 {wrt}에 따라 변하지 않습니다"},
    "no_path": {"en": ": no path leads from {wrt} to {out}",
                "ko": ": {wrt}에서 {out}(으)로 가는 경로가 없습니다"},
    "path_sum": {"en": "sum over the {n} paths", "ko": "경로 {n}개의 합"},
    "path_sum_1": {"en": "sum over the 1 path", "ko": "경로 1개의 합"},
    "path": {"en": "path", "ko": "경로"},
    "paths_rest": {"en": " (only the first {listed} paths are listed: paths multiply at every "
                         "node used twice, so their number grows exponentially with depth; the "
                         "other {rest} are summed by the linear pass, which is how reverse mode "
                         "gets the same total without listing any path)",
                   "ko": " (처음 {listed}개 경로만 하나씩 보입니다. 두 번 쓰이는 노드마다 "
                         "경로가 곱절로 늘어나 경로 수는 깊이에 따라 지수적으로 커집니다. "
                         "나머지 {rest}개는 선형 시간의 패스가 한꺼번에 더합니다. 역방향 "
                         "모드는 경로를 하나도 나열하지 않고 같은 합을 얻습니다)"},
    # --- node text ---------------------------------------------------------------------
    "input": {"en": "input", "ko": "입력"},
    "output": {"en": "output", "ko": "출력"},
    "path_product": {"en": "∏ path {j}", "ko": "∏ 경로 {j}"},
    # --- legend ------------------------------------------------------------------------
    "legend_unknown": {"en": "not computed yet (dashed)", "ko": "아직 계산 전 (점선)"},
    "legend_value": {"en": "value known (forward pass)", "ko": "값을 구함 (순전파)"},
    "legend_adjoint": {"en": "adjoint b̄ = ∂f/∂b known (backward pass, thick)",
                       "ko": "수반값 b̄ = ∂f/∂b 를 구함 (역전파, 굵은 테두리)"},
    "legend_tangent": {"en": "tangent ḃ = ∂b/∂x known (forward mode, thick)",
                       "ko": "탄젠트 ḃ = ∂b/∂x 를 구함 (순방향 모드, 굵은 테두리)"},
    "legend_path": {"en": "on the highlighted path", "ko": "강조된 경로 위"},
    "legend_current": {"en": "current step (heaviest outline)",
                       "ko": "현재 단계 (가장 굵은 테두리)"},
    "legend_read": {"en": "edges the current step reads (∂c/∂b: local partials)",
                    "ko": "현재 단계가 읽는 엣지 (∂c/∂b: 국소 미분계수)"},
    "legend_blank": {"en": "a blank to fill in (dashed)", "ko": "채워 넣을 빈칸 (점선)"},
    "legend_correct": {"en": "answered correctly ✓ (thick green)",
                       "ko": "맞은 답 ✓ (굵은 초록)"},
    "legend_wrong": {"en": "answered wrongly ✗ (thick vermillion)",
                     "ko": "틀린 답 ✗ (굵은 주황)"},
    "legend_invalid": {"en": "answer not readable (dashed ochre)",
                       "ko": "읽을 수 없는 답 (황토색 점선)"},
    # --- the view's controls (js/src/view.js reads data["ui"]) -------------------------
    "ui_reset": {"en": "Reset", "ko": "처음으로"},
    "ui_prev": {"en": "◀ Prev", "ko": "◀ 이전"},
    "ui_next": {"en": "Next ▶", "ko": "다음 ▶"},
    "ui_play": {"en": "▶ Play", "ko": "▶ 재생"},
    "ui_pause": {"en": "❚❚ Pause", "ko": "❚❚ 멈춤"},
    "ui_reverse": {"en": "Reverse mode", "ko": "역전파"},
    "ui_forward": {"en": "Forward mode", "ko": "순방향 모드"},
    "ui_paths": {"en": "Paths", "ko": "경로"},
    "ui_wrt": {"en": "w.r.t. ", "ko": "미분 변수 "},
    "ui_labels": {"en": "labels:", "ko": "표시:"},
    "ui_numeric": {"en": "numeric", "ko": "수치"},
    "ui_symbolic": {"en": "symbolic", "ko": "기호"},
    "ui_both": {"en": "both", "ko": "둘 다"},
    "ui_fit": {"en": "fit width", "ko": "폭 맞춤"},
    "ui_step": {"en": "step", "ko": "단계"},
    "page_title": {"en": "{head} at {at}", "ko": "{head} ({at}에서)"},
    # --- figure captions (render --caption) -------------------------------------------
    "final_title": {"en": "Final state: every value and adjoint",
                    "ko": "최종 상태: 모든 값과 수반값"},
    "final_tangent": {"en": "Final state: every tangent by {wrt}",
                      "ko": "최종 상태: {wrt}에 대한 모든 탄젠트"},
}

#: The legend's states per mode (what that mode's drawings can show), in order.
MODE_LEGEND = {"reverse": ["unknown", "value", "adjoint", "current", "read"],
               "forward": ["value", "tangent", "current", "read"],
               "paths": ["value", "path"]}

_STATES = ("unknown", "value", "adjoint", "tangent", "path", "current", "read", "blank",
           "correct", "wrong", "invalid")


def check_lang(lang: str) -> str:
    """``lang`` if supported, else a ValueError naming the choices."""
    return check_choice("lang", lang, LANGS, ValueError)


def t(key: str, lang: str = "en", **fields: Any) -> str:
    """The text of ``key`` in ``lang``, with ``fields`` filled in."""
    row = TEXT.get(key)
    if row is None:
        raise KeyError(f"no text for key {key}")
    return row[check_lang(lang)].format(**fields)


def legend(lang: str = "en") -> dict[str, str]:
    """The legend's words per state."""
    return {s: t(f"legend_{s}", lang) for s in _STATES}


def ui(lang: str = "en") -> dict[str, str]:
    """The view's control labels (keys without the ``ui_`` prefix)."""
    return {k[3:]: t(k, lang) for k in TEXT if k.startswith("ui_")}
