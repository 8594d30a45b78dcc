"""Training a tiny MLP on toy data: the data, the loss against micrograd and autograd, the
descent itself, the live display and the plots."""

from __future__ import annotations

import io

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import autodiff_viz as adv
from autodiff_viz import plots
from autodiff_viz.core.mlp import MLPSpec
from autodiff_viz.training import (
    TrainResult,
    _JupyterReport,
    make_moons,
    make_spirals,
    targets_for,
    train,
)

# --- data -------------------------------------------------------------------------------

def test_moons_lie_on_two_half_circles_without_noise():
    X, y = make_moons(101, noise=0.0, seed=3)
    assert X.shape == (101, 2) and sorted(np.bincount(y).tolist()) == [50, 51]
    outer, inner = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0, atol=1e-12)
    assert np.all(outer[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0, atol=1e-12)
    assert np.all(inner[:, 1] <= 0.5 + 1e-12)


def test_data_is_seeded_and_noisy():
    a, b = make_moons(50, seed=1), make_moons(50, seed=1)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.allclose(make_moons(50, seed=2)[0], a[0])
    X, y = make_spirals(90, classes=3, seed=0)
    assert X.shape == (90, 2) and np.bincount(y).tolist() == [30, 30, 30]
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)


@pytest.mark.parametrize("bad", [1, 0, -5, 2.5, True, "10"])
def test_bad_sizes_of_data(bad):
    with pytest.raises(ValueError, match="n"):
        make_moons(bad)


# --- the loss is micrograd's ------------------------------------------------------------

def test_hinge_loss_and_gradients_equal_micrograds():
    """Same data and weights in micrograd (pure-Python scalar autodiff): same loss, same
    gradients."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    X, y = make_moons(12, seed=4)
    yy = 2 * y - 1
    spec = MLPSpec((2, 4, 3, 1), activation="relu", loss="hinge", l2=1e-4)
    params = spec.init(seed=9)
    params = {k: v + 0.05 for k, v in params.items()}  # non-zero biases
    model = MLP(2, [4, 3, 1])
    for k, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(params[f"W{k}"][i, j])
            neuron.b.data = float(params[f"b{k}"][j])
    scores = [model([Value(float(a)) for a in row]) for row in X]
    losses = [(1 + -int(t) * s).relu() for t, s in zip(yy, scores, strict=True)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    total.backward()

    g = adv.mlp((2, 4, 3, 1), activation="relu", loss="hinge", l2=1e-4)
    run = g.evaluate(**params, X=X, T=targets_for(spec, y))
    assert run.value == pytest.approx(total.data, rel=1e-12)
    for k, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                assert run.grad[f"W{k}"][i, j] == pytest.approx(w.grad, rel=1e-9, abs=1e-14)
            assert run.grad[f"b{k}"][j] == pytest.approx(neuron.b.grad, rel=1e-9, abs=1e-14)


def test_one_step_of_descent_matches_an_autograd_update():
    res = train("moons", sizes=(2, 5, 1), activation="tanh", loss="mse", l2=1e-3, steps=1,
                lr=0.3, n=20, seed=7, live=False)
    spec = res.spec
    start = spec.init(seed=7)

    def loss(p):
        h = anp.tanh(anp.dot(res.X, p["W1"]) + p["b1"])
        out = anp.dot(h, p["W2"]) + p["b2"]
        return anp.mean((out - res.T) ** 2) + 1e-3 * sum(anp.sum(v * v) for v in p.values())

    grads = autograd.grad(loss)(start)
    assert res.losses[0] == pytest.approx(loss(start), rel=1e-12)
    for k in spec.param_names:
        np.testing.assert_allclose(res.params[k], start[k] - 0.3 * grads[k], rtol=1e-12)


# --- training works -----------------------------------------------------------------------

def test_training_reduces_the_loss_on_moons_by_a_clear_margin():
    res = train("moons", steps=100, seed=0, live=False)  # micrograd's demo set-up
    assert isinstance(res, TrainResult)
    assert len(res.losses) == 100 and len(res.accuracies) == 100
    assert res.losses[-1] < 0.2 * res.losses[0]
    assert res.accuracy >= 0.95
    assert res.accuracies[-1] >= res.accuracies[0]


def test_training_softmax_on_three_spirals():
    res = train("spirals", sizes=(2, 24, 24, 3), activation="tanh", loss="softmax_ce",
                l2=0.0, steps=300, lr=0.5, n=150, init="glorot", seed=1, live=False)
    assert res.losses[-1] < 0.5 * res.losses[0]
    assert res.accuracy > 0.6  # chance is 1/3


def test_training_on_your_own_data():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])  # XOR
    res = train((X, y), sizes=(2, 8, 2), activation="tanh", loss="softmax_ce", l2=0.0,
                steps=400, lr=1.0, init="glorot", seed=2, live=False)
    assert res.accuracy == 1.0
    np.testing.assert_array_equal(np.argmax(res.predict(X), axis=1), y)


@pytest.mark.parametrize("kwargs,match", [
    ({"sizes": (3, 4, 1)}, "input columns"),
    ({"lr": -1.0}, "lr"),
    ({"steps": 0}, "steps"),
    ({"loss": "softmax_ce"}, "one output per class"),
    ({"sizes": (2, 4, 2), "loss": "hinge"}, "binary"),
    ({"data": "circles"}, "unknown dataset"),
    ({"live": "fancy"}, "live"),
])
def test_bad_settings_say_what_to_do(kwargs, match):
    kwargs = {"steps": 2, "n": 10, "live": False, **kwargs}
    data = kwargs.pop("data", "moons")
    with pytest.raises(ValueError, match=match):
        train(data, **kwargs)


def test_divergence_is_reported():
    with pytest.raises(FloatingPointError, match="learning rate"):
        train("moons", loss="mse", activation="relu", steps=200, lr=50.0, n=20, live=False)


# --- live display ---------------------------------------------------------------------------

def test_text_progress_bar():
    out = io.StringIO()
    train("moons", steps=10, n=20, live="text", every=5, file=out)
    text = out.getvalue()
    assert "step 5/10" in text and "step 10/10" in text and text.endswith("\n")
    assert "[" + "#" * 24 + "]" in text


class _Handle:
    def __init__(self, obj):
        self.shown = [obj]

    def update(self, obj):
        self.shown.append(obj)


def test_jupyter_progress_and_live_loss_curve(monkeypatch):
    import IPython.display

    handles = []

    def fake_display(obj, display_id=None):
        h = _Handle(obj)
        handles.append(h)
        return h if display_id else None

    monkeypatch.setattr(IPython.display, "display", fake_display)
    res = train("moons", steps=8, n=20, live=True, every=4)
    bar, plot = handles
    html = [h.data for h in bar.shown]
    assert "max='8'" in html[0] and "value='0'" in html[0]
    assert "value='4'" in html[1] and "value='8'" in html[-1]
    images = [h.data for h in plot.shown]
    assert len(images) == 3  # steps 4 and 8, then the final loss + boundary figure
    assert all(im[:4] == b"\x89PNG" for im in images)
    assert isinstance(res, TrainResult)
    assert isinstance(_JupyterReport, type)


def test_no_live_output_outside_jupyter(capsys):
    train("moons", steps=3, n=10)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# --- plots ----------------------------------------------------------------------------------

def test_plots_are_real_figures():
    res = train("moons", steps=20, n=30, live=False)
    fig = res.plot()
    assert len(fig.axes) >= 2
    assert res._repr_png_()[:4] == b"\x89PNG"
    loss_fig = plots.loss_curve(res.losses, res.accuracies)
    line = loss_fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), res.losses)
    boundary = res.plot_boundary(resolution=40)
    assert "accuracy" in boundary.axes[0].get_title()
    chain = plots.chain_cost_plot([[784, 256, 64, 10, 1], [2, 30, 300]])
    assert len(chain.axes[0].patches) == 6
    heights = sorted(p.get_height() for p in chain.axes[0].patches[:2])
    assert heights[-1] == 13354656  # forward bar of the first chain


def test_public_mlp_graph_evaluates():
    g = adv.mlp([2, 4, 1], activation="tanh", loss="mse")
    assert isinstance(g, adv.Graph)
    X, y = make_moons(6)
    run = g.evaluate(**g.source.init(), X=X, T=targets_for(g.source, y))
    assert isinstance(run, adv.Run) and run.grad["W2"].shape == (4, 1)
    assert adv.train is train
